// kad -t vs keepalived -t on generated configurations, side by side in one run: 200
// vrrp_instances, 2000 virtual_servers × 1 real_server, 2000 × 10. Median wall time and CPU
// time (user + sys) over RUNS alternating runs, each through `ip netns exec` in a namespace
// holding eth0 (as keepalived was measured), peak RSS (GNU time %M), and kad's in-process parse
// time without Node start-up. Start-up variants, alternating with keepalived and kad in the same
// loop: the CLI as one esbuild bundle, that bundle from a V8 start-up snapshot
// (config-snapshot.entry.ts, `node --snapshot-blob`), and the floors `node -e 0` and an empty
// snapshot. Run as root after `npm run build`: `npx tsx test/bench/config.bench.ts`. Prints
// markdown tables for docs/benchmarks.md.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/config/loader.js';

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

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const spread = (xs: number[], digits: number): string =>
  `${median(xs).toFixed(digits)} (${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)})`;

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

function row(name: string, text: string, ka: Sample[], kad: Sample[], inProc: number[]): string {
  const [a, b] = [median(ka.map((s) => s.ms)), median(kad.map((s) => s.ms))];
  const cpu = (xs: Sample[]): string => median(xs.map((s) => s.cpuMs)).toFixed(0);
  return `| ${name} | ${text.split('\n').length} | ${a.toFixed(1)} / ${cpu(ka)} ms | ${b.toFixed(1)} / ${cpu(kad)} ms | ${(b / a).toFixed(2)}× | ` +
    `${median(inProc).toFixed(1)} ms | ${(median(ka.map((s) => s.rssKb)) / 1024).toFixed(1)} MB | ${(median(kad.map((s) => s.rssKb)) / 1024).toFixed(1)} MB | ` +
    `${ka[0]!.exit}/${kad[0]!.exit} |`;
}

function variantTable(name: string, runs: Map<string, Sample[]>): string {
  const ka = median(runs.get('keepalived -t')!.map((s) => s.ms));
  const lines = [`\n${name}: start-up variants, ${RUNS} alternating runs, median (min–max)`,
    '| variant | wall ms | CPU ms | wall / keepalived | peak RSS MB | exits |', '|---|---|---|---|---|---|'];
  for (const [v, xs] of runs) {
    lines.push(`| ${v} | ${spread(xs.map((s) => s.ms), 1)} | ${spread(xs.map((s) => s.cpuMs), 0)} | ${(median(xs.map((s) => s.ms)) / ka).toFixed(2)}× | ` +
      `${(median(xs.map((s) => s.rssKb)) / 1024).toFixed(1)} | ${[...new Set(xs.map((s) => s.exit))].join(',')} |`);
  }
  return lines.join('\n');
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
    const rows: string[] = [];
    const tables: string[] = [];
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
      tables.push(variantTable(name, runs));
    }
    console.log('| config | lines | keepalived -t wall / CPU | kad -t wall / CPU | wall ratio | kad parse in-process | keepalived peak RSS | kad peak RSS | exits (ka/kad) |');
    console.log('|---|---|---|---|---|---|---|---|---|');
    console.log(rows.join('\n'));
    console.log(tables.join('\n'));
    console.log(`\nruns per cell: ${RUNS}`);
  } finally {
    execFileSync('ip', ['netns', 'del', ns]);
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
