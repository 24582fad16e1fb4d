// Configurations keepalived 2.2.7 `-t` gives no exit code for (it crashes or is killed): kad's
// own answer, as documented in test/fixtures/config/kad-only/README.md.
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/loader.js';

const DIR = 'test/fixtures/config/kad-only';
const EXPECTED: Record<string, number> = { 'http-no-url.conf': 5, 'script-user-nobody.conf': 0, 'net-namespace-errors.conf': 5 };

describe('kad-only configurations', () => {
  it('are all listed here', () => {
    expect(readdirSync(DIR).filter((f) => f.endsWith('.conf')).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const [file, exit] of Object.entries(EXPECTED)) {
    it(`${file} exits ${exit}`, () => {
      expect(loadConfig(`${DIR}/${file}`, { interfaceExists: (n) => n === 'eth0' }).exitCode).toBe(exit);
    });
  }
});
