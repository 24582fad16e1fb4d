// `npm run bench -- --quick` end to end on the cheapest benchmark (the VRRP codec, no root):
// the runner runs it, reads its JSON and regenerates that section of a scratch copy of
// docs/benchmarks.md, every other section and all hand-written text kept; a benchmark stopped
// at its time bound leaves the doc as it was.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/build.js';

const dir = mkdtempSync(join(tmpdir(), 'kad-bench-run-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runner(args: string[], doc: string): { code: number | null; out: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'test/bench/run.ts', '--quick', '--only', 'vrrp-codec', '--doc', doc, ...args],
    { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

/** The doc with the bodies of the named sections blanked. */
const without = (doc: string, names: string[]): string =>
  names.reduce((d, n) => d.replace(new RegExp(`(<!-- bench:${n}:begin -->)[\\s\\S]*?(<!-- bench:${n}:end -->)`), '$1$2'), doc);

const section = (doc: string, name: string): string =>
  new RegExp(`<!-- bench:${name}:begin -->([\\s\\S]*?)<!-- bench:${name}:end -->`).exec(doc)?.[1] ?? '';

describe('bench runner --quick', () => {
  it('regenerates the codec section and the machine record, nothing else', () => {
    const doc = join(dir, 'benchmarks.md');
    copyFileSync(join(ROOT, 'docs/benchmarks.md'), doc);
    const before = readFileSync(doc, 'utf8');
    const r = runner(['--out', join(dir, 'out')], doc);
    expect(r.out).toMatch(/\[1\/1\] vrrp-codec\.bench\.ts ok \d+ s/);
    expect(r.code).toBe(0);
    expect(r.out).toContain('refreshed vrrp-codec');
    const after = readFileSync(doc, 'utf8');
    expect(without(after, ['vrrp-codec', 'machine'])).toBe(without(before, ['vrrp-codec', 'machine']));
    const codec = section(after, 'vrrp-codec');
    expect(codec).toContain('--quick (shortened parameters)');
    expect(codec).toContain('runs=5, iterations=20000');
    expect(codec).toContain('| operation | CPU ns per advert, median (min–max) |');
    expect(codec.match(/^\| (decode|encode|instance)[^|]* \| \d+ \(\d+–\d+\) \|$/gm)).toHaveLength(13);
    expect(section(after, 'machine')).toContain(`| Node | ${process.version} |`);
    expect(section(after, 'machine')).toContain('Sections refreshed by that run: vrrp-codec;');
    const json = JSON.parse(readFileSync(join(dir, 'out', 'vrrp-codec.json'), 'utf8')) as { params: { iterations: number }; tables: unknown[] };
    expect(json.params.iterations).toBe(20000);
    expect(json.tables).toHaveLength(1);
    expect(existsSync(join(dir, 'failover-latency.svg'))).toBe(false);
  });

  it('a benchmark past its time bound is stopped and reported; the doc keeps its tables', () => {
    const doc = join(dir, 'bounded.md');
    copyFileSync(join(ROOT, 'docs/benchmarks.md'), doc);
    const before = readFileSync(doc, 'utf8');
    // 0.2 s: less than the codec benchmark needs to start (its --quick run takes about 1 s).
    const r = runner(['--timeout', '0.2', '--out', join(dir, 'out2')], doc);
    expect(r.out).toMatch(/\[1\/1\] vrrp-codec\.bench\.ts overrun \d+ s: stopped after 0\.2 s/);
    expect(r.out).toContain('refreshed nothing');
    expect(r.code).toBe(1);
    expect(readFileSync(doc, 'utf8')).toBe(before);
  });
});
