// VRRP failover latency and steady-state cost, kad and keepalived 2.2.7 side by side in one run,
// same lab (run as root: `npx tsx test/bench/failover.bench.ts [runs] [seconds]`), VRRPv2 (PASS)
// and VRRPv3; under the runner (test/bench/run.ts) also writes its tables and cells as JSON.
// - hard: SIGSTOP+SIGKILL of the master's process tree; from its last advert on the wire to the
//   VIP on the backup (ip monitor), limit Master_Down_Interval = 3 × 1 s + (256 - 90) / 256 s;
// - graceful: SIGTERM; from the priority-0 advert to the VIP on the backup, limit Skew_Time;
// - CPU seconds and RSS of the VRRP child over `seconds` (default 60) at 1, 50 and 200 instances
//   (one director, all MASTER).
import { readFileSync } from 'node:fs';
import { masterDownIntervalMs, skewTimeMs } from '../../src/vrrp/protocol/timers.js';
import { authBlock, ensureBuilt, Lab, measureTakeover, sleep, vrrpInstance, waitForHolder, type Daemon } from '../helpers/lab.js';
import { cleanupAll, netnsUnavailableReason } from '../helpers/netns.js';
import { cpuSeconds, manyConf, vrrpChildPid } from './report/proc.js';
import { emitResult, stats, type Cell, type FailoverCell } from './report/result.js';

const RUNS = Number(process.argv[2] ?? 5);
const STEADY_S = Number(process.argv[3] ?? 60);
const VIP = '10.231.0.100';
type Impl = 'kad' | 'keepalived';
type Version = 2 | 3;

const pairConf = (prio: number, version: Version): string =>
  vrrpInstance({ name: 'VI_1', vrid: 51, priority: prio, vips: [`${VIP}/24`], lines: version === 2 ? authBlock('PASS', 'secret1') : 'version 3' });

const start = (lab: Lab, impl: Impl, i: number, conf: string): Daemon =>
  impl === 'kad' ? lab.startKad(i, conf) : lab.startKeepalived(i, conf);

/** One failover measurement; the master is restarted afterwards and takes the VIP back. */
async function failover(lab: Lab, impl: Impl, version: Version, graceful: boolean, master: Daemon): Promise<{ ms: number; master: Daemon }> {
  const cap = await lab.startCapture();
  await sleep(1100);
  if (graceful) await master.stop();
  else await master.hardKill();
  await waitForHolder(lab, VIP, 1, 6000).catch(() => undefined);
  await sleep(50);
  const t = measureTakeover(await cap.stop(), lab.ipv4(0), lab.ipv4(1), VIP);
  const next = start(lab, impl, 0, pairConf(100, version));
  await waitForHolder(lab, VIP, 0, 15_000);
  return { ms: t.deltaMs, master: next };
}

async function latency(impl: Impl, version: Version): Promise<{ hard: number[]; graceful: number[] }> {
  const lab = Lab.create({ directors: 2 });
  const backup = start(lab, impl, 1, pairConf(90, version));
  let master = start(lab, impl, 0, pairConf(100, version));
  await waitForHolder(lab, VIP, 0, 15_000);
  const out = { hard: [] as number[], graceful: [] as number[] };
  for (let r = 0; r < RUNS; r++) {
    for (const graceful of [false, true]) {
      const res = await failover(lab, impl, version, graceful, master);
      master = res.master;
      (graceful ? out.graceful : out.hard).push(res.ms);
    }
  }
  await Promise.all([master.stop(), backup.stop()]);
  return out;
}

const rssMb = (pid: number): number => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

async function steady(impl: Impl, m: number): Promise<{ cpuS: number; rssMb: number }> {
  const lab = Lab.create({ directors: 1 });
  const d = start(lab, impl, 0, manyConf(m));
  await sleep(6000); // every instance MASTER (Master_Down_Interval ≈ 3.6 s)
  const pid = vrrpChildPid(lab, impl === 'kad' ? 'kad' : 'ka');
  const c0 = cpuSeconds(pid);
  await sleep(STEADY_S * 1000);
  const res = { cpuS: cpuSeconds(pid) - c0, rssMb: rssMb(pid) };
  await d.stop();
  return res;
}

async function main(): Promise<void> {
  const why = netnsUnavailableReason();
  if (why) {
    console.warn(`failover bench skipped: ${why}`);
    return;
  }
  ensureBuilt();
  const limits = { hard: masterDownIntervalMs(90, 1000), graceful: skewTimeMs(90, 1000) };
  const cells: FailoverCell[] = [];
  for (const version of [2, 3] as const) {
    // One after the other: two pairs at once on 2 cores would measure each other.
    for (const daemon of ['kad', 'keepalived'] as const) {
      process.stderr.write(`failover: VRRPv${version} ${daemon}, ${RUNS} runs\n`);
      const r = await latency(daemon, version);
      for (const kind of ['hard', 'graceful'] as const) {
        const ms = stats(r[kind]);
        if (ms) cells.push({ daemon, version, kind, limitMs: limits[kind], ms });
      }
    }
  }
  const cell = (daemon: Impl, version: Version, kind: 'hard' | 'graceful'): Cell =>
    cells.find((c) => c.daemon === daemon && c.version === version && c.kind === kind)?.ms ?? null;
  const latencyRows: Cell[][] = [];
  for (const version of [2, 3] as const) {
    latencyRows.push([`v${version} hard kill (SIGSTOP+SIGKILL of the tree): last advert → new master`, limits.hard.toFixed(1), cell('kad', version, 'hard'), cell('keepalived', version, 'hard')]);
    latencyRows.push([`v${version} graceful (SIGTERM): priority-0 advert → new master`, limits.graceful.toFixed(1), cell('kad', version, 'graceful'), cell('keepalived', version, 'graceful')]);
  }
  const steadyRows: Cell[][] = [];
  for (const m of [1, 50, 200]) {
    process.stderr.write(`steady state: ${m} instances, ${STEADY_S} s each\n`);
    const k = await steady('kad', m);
    const a = await steady('keepalived', m);
    steadyRows.push([m, k.cpuS.toFixed(3), k.rssMb.toFixed(1), a.cpuS.toFixed(3), a.rssMb.toFixed(1)]);
  }
  emitResult({
    bench: 'failover',
    params: { runs: RUNS, steadySeconds: STEADY_S },
    failover: cells,
    tables: [
      {
        section: 'failover-latency',
        caption: `Failover latency, ms, median (min–max) of ${RUNS} runs; VRRPv2 with PASS authentication, VRRPv3 without.`,
        columns: ['measure', 'limit', 'kad', 'keepalived'],
        rows: latencyRows,
      },
      {
        section: 'failover-steady',
        caption: `VRRP child over ${STEADY_S} s of steady state, one director, every instance MASTER (advert_int 1).`,
        columns: ['instances', 'kad CPU s', 'kad RSS MB', 'keepalived CPU s', 'keepalived RSS MB'],
        rows: steadyRows,
      },
    ],
  });
}

main().then(() => cleanupAll(), (err: unknown) => {
  cleanupAll();
  console.error(err);
  process.exitCode = 1;
});
