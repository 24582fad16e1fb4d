// `kad -t`, `--json`, `-d` and bad input through the built binary: every run ends with an exit
// code in {0, 2, 4, 5, 6} and diagnostics, never a stack trace. No root needed.
import { mkdtempSync, readFileSync, rmSync, writeFileSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runKad } from '../helpers/run-kad.js';
import { ensureBuilt } from '../helpers/build.js';
import { corpusTexts, fuzzSeed, mutate, prng } from '../unit/config/fuzz.js';

const dir = mkdtempSync(join(tmpdir(), 'kad-cfg-'));
const CASES = resolve('test/fixtures/config/cases');
const put = (name: string, text: string | Buffer): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const noTrace = (s: string): void => {
  expect(s).not.toMatch(/\n\s+at .+:\d+:\d+/);
  expect(s).not.toContain('internal error');
};

beforeAll(() => {
  ensureBuilt();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('kad -t through the binary', () => {
  it('prints file:line:col diagnostics with codes and a summary, and exits 5', async () => {
    const r = await runKad(['-t', '-f', `${CASES}/unknown-keyword.conf`]);
    expect(r.code).toBe(5);
    expect(r.stderr).toContain(`${CASES}/unknown-keyword.conf:5:5: error: unknown keyword 'priorty' in vrrp_instance VI_1; did you mean 'priority'? [KAD_ERR_CONFIG_UNKNOWN_KEYWORD]`);
    expect(r.stderr).toMatch(/: \d+ errors?, \d+ warnings? \(exit 5\)\n$/);
  });

  it('--json gives the diagnostics and exit code as JSON on stdout', async () => {
    const r = await runKad(['-t', '--json', '-f', `${CASES}/include-missing.conf`, '-e']);
    expect(r.code).toBe(6);
    const j = JSON.parse(r.stdout) as { exitCode: number; diagnostics: { code: string; line: number; col: number }[] };
    expect(j.exitCode).toBe(6);
    expect(j.diagnostics[0]).toMatchObject({ code: 'KAD_ERR_CONFIG_INCLUDE_MISSING_FATAL', line: 1, col: 9 });
  });

  it('-t=FILE writes the report to FILE; -d prints the model', async () => {
    const out = join(dir, 'report.txt');
    const r = await runKad([`--config-test=${out}`, '-d', '-f', 'test/fixtures/seeds/vrrp-minimal-master.conf']);
    expect(readFileSync(out, 'utf8')).toMatch(/vrrp-minimal-master.conf.* OK|error|warning/);
    const model = JSON.parse(r.stdout) as { vrrpInstances: { name: string; vrid: number }[] };
    expect(model.vrrpInstances[0]).toMatchObject({ name: 'VI_1', vrid: 30 });
    const both = await runKad(['-t', '--json', '-d', '-f', 'test/fixtures/seeds/vrrp-minimal-master.conf']);
    const doc = JSON.parse(both.stdout) as { exitCode: number; config: { vrrpInstances: unknown[] } };
    expect(doc.config.vrrpInstances).toHaveLength(1);
    expect(doc.exitCode).toBe(both.code);
  });

  it('exits 4 for a missing file or a directory (keepalived 2.2.7 exits 0, issue #955)', async () => {
    for (const f of [join(dir, 'nope.conf'), dir]) {
      const r = await runKad(['-t', '-f', f]);
      expect(r.code).toBe(4);
      expect(r.stderr).toContain('KAD_ERR_CONFIG_FILE_UNREADABLE');
    }
  });
});

describe('bad input never crashes kad -t', () => {
  it('binary garbage: exit 5 with diagnostics', async () => {
    const rnd = prng(42);
    const bytes = Buffer.from(Array.from({ length: 65536 }, () => Math.floor(rnd() * 256)));
    const r = await runKad(['-t', '-f', put('garbage.conf', bytes)]);
    expect(r.code).toBe(5);
    expect(r.stderr).toContain('KAD_ERR_CONFIG_BINARY');
    noTrace(r.stderr);
  });

  it('a 100 MB file: refused with exit 4, without reading it', async () => {
    const p = put('huge.conf', '');
    truncateSync(p, 100 * 1024 * 1024);
    const r = await runKad(['-t', '-f', p]);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('104857600 bytes (limit 33554432)');
    noTrace(r.stderr);
  });

  it('100,000 nested blocks: exit 5, the braces no keyword opens are dropped, output capped', async () => {
    const r = await runKad(['-t', '-f', put('deep.conf', 'x {\n'.repeat(100_000) + '}\n'.repeat(100_000))]);
    expect(r.code).toBe(5);
    expect(r.stderr).toContain('KAD_ERR_CONFIG_UNEXPECTED_BRACE');
    expect(r.stderr).toContain('more diagnostics not shown');
    noTrace(r.stderr);
  });

  it('include loops and unreadable includes: exit 5 with the chain named', async () => {
    put('b.conf', 'include a.conf\ninclude /proc/self/mem\n');
    const r = await runKad(['-t', '-f', put('a.conf', 'include b.conf\n')]);
    expect(r.code).toBe(5);
    expect(r.stderr).toContain(`include loop: ${dir}/a.conf -> ${dir}/b.conf -> ${dir}/a.conf`);
    expect(r.stderr).toContain('cannot read included file /proc/self/mem: /proc/self/mem: EIO');
    noTrace(r.stderr);
  });

  it('an HTTP_GET without url (keepalived 2.2.7 segfaults): exit 5 with the reason', async () => {
    const r = await runKad(['-t', '-f', 'test/fixtures/config/kad-only/http-no-url.conf']);
    expect(r.code).toBe(5);
    expect(r.stderr).toContain('HTTP_GET has no url { path ... }; the checker cannot run [KAD_ERR_CONFIG_MISSING_REQUIRED]');
    noTrace(r.stderr);
  });

  it('an include glob with a malformed bracket ("[z-a]", an unclosed "[") is literal text, not a crash (found by the fuzzer)', async () => {
    const r = await runKad(['-t', '-f', put('bad-glob.conf', 'include /nonexistent-kad/x[z-a].conf\ninclude /nonexistent-kad/y[x.conf\n')]);
    expect(r.code).toBe(0);
    expect(r.stderr.match(/KAD_WARN_CONFIG_INCLUDE_MISSING/g)).toHaveLength(2);
    noTrace(r.stderr);
  });

  it('fuzz through the binary: 40 mutated configs, each an exit class and no stack trace', async () => {
    const corpus = corpusTexts();
    const seed = fuzzSeed('config fuzz (binary)');
    const rnd = prng(seed);
    for (let i = 0; i < 40; i++) {
      let text = corpus[Math.floor(rnd() * corpus.length)]!;
      for (let j = 0, k = 1 + Math.floor(rnd() * 4); j < k; j++) text = mutate(text, rnd);
      const file = put(`fuzz${i}.conf`, text);
      const r = await runKad(['-t', '-f', file]);
      expect([0, 2, 4, 5, 6], `seed ${seed} case ${i} (${file})`).toContain(r.code);
      noTrace(r.stderr);
    }
  }, 120_000);
});
