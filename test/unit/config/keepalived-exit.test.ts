// kad -t exit codes equal keepalived 2.2.7's on every corpus, seed and case config. The
// keepalived codes were recorded by test/fixtures/config/record-keepalived-exit.sh (live, in a
// namespace); test/integration/config-parity.test.ts re-runs keepalived itself as root.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/loader.js';
import { flagsToOptions, readRecorded } from './recorded.js';

const recorded = readRecorded();


describe('kad -t exit code = keepalived -t exit code (recorded)', () => {
  it('covers the seeds, the keepalived samples and kad cases', () => {
    expect(recorded.cases.filter((c) => c.file.includes('/seeds/')).length).toBeGreaterThanOrEqual(16);
    expect(recorded.cases.filter((c) => c.file.includes('/keepalived-samples/')).length).toBeGreaterThanOrEqual(26);
    expect(recorded.cases.filter((c) => c.file.includes('/cases/')).length).toBeGreaterThanOrEqual(60);
    expect(new Set(recorded.cases.map((c) => c.exit))).toEqual(new Set([0, 2, 5, 6]));
  });

  const ifs = new Set(recorded.interfaces);
  for (const c of recorded.cases) {
    it(`${c.file} ${c.flags}`.trim(), () => {
      const r = loadConfig(c.file, { ...flagsToOptions(c.flags), interfaceExists: (n) => ifs.has(n) });
      expect({ exit: r.exitCode, diagnostics: r.diagnostics.map((d) => `${d.line}: ${d.message}`) })
        .toMatchObject({ exit: c.exit });
    });
  }
});
