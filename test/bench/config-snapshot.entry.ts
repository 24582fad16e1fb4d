// `kad -t` as one script for a V8 start-up snapshot (config.bench.ts bundles it with esbuild into
// CommonJS and runs `node --snapshot-blob BLOB --build-snapshot`). The CLI and config modules are
// evaluated while the snapshot is built, so a run from the blob starts with them loaded; without
// a snapshot build the same bundle runs `kad -t` at once (the "bundle" variant).
import { startupSnapshot } from 'node:v8';
import { runConfigTest } from '../../src/cli/config-test.js';
import { parseCli } from '../../src/cli/options.js';
import * as loader from '../../src/config/loader.js';

async function run(argv: readonly string[]): Promise<void> {
  process.exitCode = await runConfigTest(parseCli(argv));
}

if (typeof loader.loadConfig !== 'function') throw new Error('config loader missing from the bundle');
if (startupSnapshot.isBuildingSnapshot()) {
  // From a blob, argv is [node, ...arguments after `--`].
  startupSnapshot.setDeserializeMainFunction(() => void run(process.argv.slice(1)));
} else {
  void run(process.argv.slice(2));
}
