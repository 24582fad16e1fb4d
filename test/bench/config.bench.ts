// kad -t vs keepalived -t on generated configurations, side by side in one run: 200
// vrrp_instances, 2000 virtual_servers × 1 real_server, 2000 × 10. Median wall time and CPU
// time (user + sys) over RUNS alternating runs, each through `ip netns exec` in a namespace
// holding eth0 (as keepalived was measured), peak RSS (GNU time %M), and kad's in-process parse
// time without Node start-up. Start-up variants, alternating with keepalived and kad in the same
// loop: the CLI as one esbuild bundle, that bundle from a V8 start-up snapshot
// (config-snapshot.entry.ts, `node --snapshot-blob`), and the floors `node -e 0` and an empty
// snapshot. Run as root after `npm run build`: `npx tsx test/bench/config.bench.ts` (env RUNS).
// Prints markdown tables; under the runner (test/bench/run.ts) also writes them as JSON.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/config/loader.js';
import { emitResult, stats, type Cell, type Stats } from './report/result.js';

const RUNS = Number(process.env.RUNS ?? 21);
const KAD = resolve('bin/kad.js');
const HERE = dirname(fileURLToPath(import.meta.url));
const NODE = process.execPath;

function vrrpConfig(n: number): string {
  let s = 'global_defs {\n    router_id bench\n}\n';
  for (let i = 1; i <= n; i++) {
    s += `vrrp_instance VI_${i} {\n    state BACKUP\n    interface eth0\n    virtual_router_id ${((i - 1) % 255) + 1}\n` +
      `    priority 100\n    advert_int 1\n    authentication {\n        auth_type PASS\n        auth_pass pw${i}\n    }\n` +
      `    virtual_ipaddress {\n        10.${i >> 8}.${i & 255}.1/32 dev eth0\n    }\n}\n`;
  }
  return s;
}

function lvsConfig(servers: number, reals: number): string {
  let s = 'global_defs {\n    router_id bench\n}\n';
  for (let v = 0; v < servers; v++) {
    s += `virtual_server 10.${100 + (v >> 8)}.${v & 255}.1 80 {\n    delay_loop 6\n    lb_algo rr\n    lb_kind NAT\n    protocol TCP\n`;
    for (let r = 0; r < reals; r++) {
      s += `    real_server 192.168.${v % 250}.${r + 1} 80 {\n        weight 1\n        TCP_CHECK {\n            connect_timeout 3\n        }\n    }\n`;
    }
    s += '}\n';
  }
  return s;
}

interface Sample { ms: number; cpuMs: number; rssKb: number; exit: number }

function once(ns: string, argv: string[]): Sample {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('ip', ['netns', 'exec', ns, '/usr/bin/time', '-f', 'RSS %M CPU %U %S', ...argv], { encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const m = /RSS (\d+) CPU ([\d.]+) ([\d.]+)/.exec(r.stderr ?? '');
  return { ms, cpuMs: m ? (Number(m[2]) + Number(m[3])) * 1000 : NaN, rssKb: m ? Number(m[1]) : NaN, exit: r.status ?? -1 };
}

const median = (xs: number[]): number => stats(xs)?.median ?? NaN;

/** Builds the bundle and the snapshot blobs (kad -t, empty) in `dir` with this node binary. */
function buildStartupVariants(dir: string): { bundle: string; blob: string; emptyBlob: string } {
  const bundle = join(dir, 'kad-t.cjs');
  const blob = join(dir, 'kad-t.blob');
  const empty = join(dir, 'empty.cjs');
  const emptyBlob = join(dir, 'empty.blob');
  execFileSync(resolve('node_modules/.bin/esbuild'), [join(HERE, 'config-snapshot.entry.ts'), '--bundle', '--platform=node',
    '--format=cjs', '--target=node20', `--outfile=${bundle}`, '--log-level=error']);
  writeFileSync(empty, "require('node:v8').startupSnapshot.setDeserializeMainFunction(() => {});\n");
  // Node warns that child_process is "not yet fully verified" in a snapshot; kad -t only spawns getent.
  execFileSync(NODE, ['--snapshot-blob', blob, '--build-snapshot', bundle], { stdio: 'ignore' });
  execFileSync(NODE, ['--snapshot-blob', emptyBlob, '--build-snapshot', empty], { stdio: 'ignore' });
  return { bundle, blob, emptyBlob };
}

function variants(v: ReturnType<typeof buildStartupVariants>, file: string): [string, string[]][] {
  return [
    ['keepalived -t', ['keepalived', '-t', '-f', file]],
    ['kad -t (bin/kad.js)', [NODE, KAD, '-t', '-f', file]],
    ['kad -t, esbuild bundle', [NODE, v.bundle, '-t', '-f', file]],
    ['kad -t, bundle from a V8 snapshot', [NODE, '--snapshot-blob', v.blob, '--', '-t', '-f', file]],
    ['node -e 0 (floor)', [NODE, '-e', '0']],
    ['empty V8 snapshot (floor)', [NODE, '--snapshot-blob', v.emptyBlob]],
  ];
}

/** One row of the main table: keepalived against kad as shipped. */
function row(name: string, text: string, ka: Sample[], kad: Sample[], inProc: number[]): Cell[] {
  const [a, b] = [median(ka.map((s) => s.ms)), median(kad.map((s) => s.ms))];
  const cpu = (xs: Sample[]): Cell => stats(xs.map((s) => s.cpuMs), 0) ?? null;
  const rss = (xs: Sample[]): string => (median(xs.map((s) => s.rssKb)) / 1024).toFixed(1);
  return [name, text.split('\n').length, stats(ka.map((s) => s.ms)) ?? null, cpu(ka), stats(kad.map((s) => s.ms)) ?? null, cpu(kad),
    `${(b / a).toFixed(2)}×`, stats(inProc) ?? null, rss(ka), rss(kad), `${ka[0]!.exit}/${kad[0]!.exit}`];
}

/** The start-up variants of one config, each against keepalived's median wall time. */
function variantRows(name: string, runs: Map<string, Sample[]>): Cell[][] {
  const ka = median(runs.get('keepalived -t')!.map((s) => s.ms));
  return [...runs].map(([v, xs]) => [name, v, stats(xs.map((s) => s.ms)) ?? null, stats(xs.map((s) => s.cpuMs), 0) ?? null,
    `${(median(xs.map((s) => s.ms)) / ka).toFixed(2)}×`, (median(xs.map((s) => s.rssKb)) / 1024).toFixed(1),
    [...new Set(xs.map((s) => s.exit))].join(',')]);
}

function main(): void {
  const dir = mkdtempSync(join(tmpdir(), 'kad-bench-'));
  const ns = `kadb${process.pid.toString(36)}`;
  execFileSync('ip', ['netns', 'add', ns]);
  try {
    execFileSync('ip', ['-n', ns, 'link', 'add', 'eth0', 'type', 'bridge']);
    const cases: [string, string][] = [
      ['200 vrrp_instances', vrrpConfig(200)],
      ['2000 virtual_servers × 1 real_server', lvsConfig(2000, 1)],
      ['2000 virtual_servers × 10 real_servers', lvsConfig(2000, 10)],
    ];
    const built = buildStartupVariants(dir);
    const rows: Cell[][] = [];
    const startup: Cell[][] = [];
    for (const [name, text] of cases) {
      const file = join(dir, `${name.replace(/\W+/g, '_')}.conf`);
      writeFileSync(file, text);
      const argvs = variants(built, file);
      const runs = new Map(argvs.map(([v]) => [v, [] as Sample[]]));
      for (let i = 0; i < RUNS; i++) {
        for (const [v, argv] of argvs) runs.get(v)!.push(once(ns, argv));
      }
      const inProc: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const t0 = process.hrtime.bigint();
        loadConfig(file, { interfaceExists: () => true, freeze: false });
        inProc.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
      rows.push(row(name, text, runs.get('keepalived -t')!, runs.get('kad -t (bin/kad.js)')!, inProc));
      startup.push(...variantRows(name, runs));
    }
    const floor = median(startup.filter((r) => r[1] === 'node -e 0 (floor)').map((r) => (r[2] as Stats | null)?.median ?? NaN));
    emitResult({
      bench: 'config',
      params: { runs: RUNS },
      tables: [{
        section: 'config',
        caption: `Median (min–max) of ${RUNS} alternating runs per cell, ms; node -e 0 (start-up floor) median: ${floor.toFixed(1)} ms.`,
        columns: ['config', 'lines', 'keepalived -t wall', 'keepalived CPU', 'kad -t wall', 'kad CPU', 'wall ratio', 'kad parse in-process',
          'keepalived peak RSS MB', 'kad peak RSS MB', 'exits (ka/kad)'],
        rows,
      }, {
        section: 'config-startup',
        caption: `Start-up variants, ${RUNS} alternating runs, median (min–max).`,
        columns: ['config', 'variant', 'wall ms', 'CPU ms', 'wall / keepalived', 'peak RSS MB', 'exits'],
        rows: startup,
      }],
    });
  } finally {
    execFileSync('ip', ['netns', 'del', ns]);
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
