// Fast VRRPv3 on a busy director, kad and keepalived 2.2.7 side by side in one run (root:
// `npx tsx test/bench/load.bench.ts [seconds=60] [cells=10x20,50x20,10x200,50x200] [busy=6]
// [daemons=keepalived,kad,kad-rt]`).
// Per cell (advert_int ms × instances): two directors on one bridge, master 100 / backup 90, all
// VIPs on the master, then `busy` busy loops (nice 0) load every core for `seconds` while nothing
// fails. Counted on the wire: false takeovers (backup adverts) and the master's adverts against
// the expected number. kad runs twice: as is, and with vrrp_rt_priority 50 (SCHED_RR). For kad
// both VRRP children report their event-loop lag and GC pauses (KAD_LOOP_STATS_DIR). Under the
// runner (test/bench/run.ts) the tables are also written as JSON.
import { cpus } from 'node:os';
import { ensureBuilt, Lab } from '../helpers/lab.js';
import { runLoad, type LoadImpl } from '../helpers/load.js';
import { cleanupAll, netnsUnavailableReason } from '../helpers/netns.js';
import { emitResult, type Cell } from './report/result.js';

const SECONDS = Number(process.argv[2] ?? 60);
const CELLS = (process.argv[3] ?? '10x20,50x20,10x200,50x200').split(',').map((c) => {
  const [ms, n] = c.split('x').map(Number);
  return { intervalMs: ms ?? 10, instances: n ?? 20 };
});
const BUSY = Number(process.argv[4] ?? 6);
const IMPLS = (process.argv[5] ?? 'keepalived,kad,kad-rt').split(',') as LoadImpl[];

const f1 = (x: number): string => x.toFixed(1);

async function main(): Promise<void> {
  const why = netnsUnavailableReason();
  if (why) {
    console.warn(`load bench skipped: ${why}`);
    return;
  }
  ensureBuilt();
  console.log(`load: ${SECONDS} s per run, ${BUSY} busy loops on ${cpus().length} cores, cells ${CELLS.map((c) => `${c.intervalMs}ms×${c.instances}`).join(' ')}`);
  const rows: Cell[][] = [];
  const loops: Cell[][] = [];
  const lab = Lab.create({ directors: 2 });
  for (const [k, cell] of CELLS.entries()) {
    // A cell listed more than once is run again (after the others before it): "(run 2)".
    const repeat = CELLS.slice(0, k).filter((c) => c.intervalMs === cell.intervalMs && c.instances === cell.instances).length;
    const name = `${cell.intervalMs} ms × ${cell.instances}${repeat ? ` (run ${repeat + 1})` : ''}`;
    for (const impl of IMPLS) {
      process.stdout.write(`  ${name}, ${impl} ... `);
      let r: Awaited<ReturnType<typeof runLoad>>;
      try {
        r = await runLoad(lab, impl, { ...cell, busy: BUSY, seconds: SECONDS });
      } catch (err) {
        // Without load already: the pair never settled with every VIP on the master.
        console.log(`no steady state: ${(err as Error).message}`);
        rows.push([name, impl, 'no steady state before the load (30 s)', null, null, null]);
        continue;
      }
      const ratio = r.masterAdverts / r.expected;
      console.log(`${r.falseTransitions} false, ${(ratio * 100).toFixed(1)}% adverts sent${impl === 'kad-rt' ? `, ${r.rtOverruns} RLIMIT_RTTIME overruns logged, VRRP children ${r.vrrpPolicies.every((p) => p === 2) ? 'SCHED_RR' : 'not all SCHED_RR'} after` : ''}`);
      rows.push([name, impl, r.falseTransitions, r.instancesAffected, `${r.masterAdverts} / ${r.expected} (${(ratio * 100).toFixed(1)}%)`, f1(r.maxGapMs)]);
      for (const [role, s] of Object.entries(r.loop ?? {})) {
        const { lagMs: l, gcMs: g } = s;
        loops.push([name, `${impl} ${role}`, `${f1(l.p50)} / ${f1(l.p99)} / ${f1(l.max)}`, g.count, `${f1(g.p50)} / ${f1(g.p99)} / ${f1(g.max)}`]);
      }
    }
  }
  emitResult({
    bench: 'load',
    params: { seconds: SECONDS, cells: CELLS.map((c) => `${c.intervalMs}x${c.instances}`).join(','), busy: BUSY, daemons: IMPLS.join(','), cores: cpus().length },
    tables: [
      {
        section: 'load',
        caption: `VRRPv3, ${BUSY} busy loops on ${cpus().length} cores for ${SECONDS} s per run; false takeovers counted on the wire.`,
        columns: ['advert_int × instances', 'daemon', 'false takeovers', 'instances affected', 'master adverts / expected', 'longest gap, ms'],
        rows,
      },
      {
        section: 'load-loop',
        caption: "kad's VRRP children under the same load.",
        columns: ['advert_int × instances', 'daemon', 'event-loop lag p50 / p99 / max, ms', 'GCs', 'GC pause p50 / p99 / max, ms'],
        rows: loops,
      },
    ],
  });
}

main().then(() => cleanupAll(), (err: unknown) => {
  cleanupAll();
  console.error(err);
  process.exitCode = 1;
});
