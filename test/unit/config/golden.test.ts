// Golden models: every seed and keepalived sample next to the model kad makes of it
// (test/fixtures/config/golden/*.json). A change to parsing or defaults shows up as a diff here;
// review it, then refresh with `npx vitest run test/unit/config/golden.test.ts -u`.
import { readdirSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FILE_IO } from '../../../src/config/loader.js';
import { parseConfig } from '../../../src/config/parse.js';
import type { ConfigEnv } from '../../../src/config/env.js';

const ENV: ConfigEnv = { hostname: 'golden', interfaceExists: () => true, findProgram: () => undefined, userExists: () => false };
const ROOT = resolve('.');
const files = [
  ...readdirSync('test/fixtures/seeds').filter((f) => f.endsWith('.conf')).map((f) => `test/fixtures/seeds/${f}`),
  ...readdirSync('test/fixtures/config/keepalived-samples').filter((f) => !f.endsWith('.md')).map((f) => `test/fixtures/config/keepalived-samples/${f}`),
];

describe('golden models', () => {
  it('has configurations to compare (the glob is not empty)', () => {
    expect(files.length).toBeGreaterThanOrEqual(42);
  });

  for (const f of files) {
    it(f, async () => {
      const r = parseConfig(resolve(f), FILE_IO, ENV, { configId: 'high' });
      const text = JSON.stringify({ exitCode: r.exitCode, diagnostics: r.diagnostics, config: r.config }, null, 2).replaceAll(ROOT, '<repo>');
      await expect(text + '\n').toMatchFileSnapshot(`../../fixtures/config/golden/${basename(f)}.json`);
    });
  }
});
