// Supervisor operations, kad vs keepalived 2.2.7 side by side in the same two-director lab
// (test/helpers/lab.ts, real bridge, priorities 100/90, advert_int 1):
// - VRRP child SIGKILL on the master: kill → new child forked, kill → first advert from the
//   master, the master's VIP gap, whether the backup took over;
// - graceful stop of the master's parent: SIGTERM → parent exit.
// Run as root after `npm run build`: `npx tsx test/bench/supervisor.bench.ts`. Prints a markdown
// table for docs/benchmarks.md (env KILLS, default 5); under the runner (test/bench/run.ts) also
// writes it as JSON.
import { ensureBuilt, Lab, sleep, waitForHolder, waitUntil, type Daemon } from '../helpers/lab.js';
import { PAIR_VIP, pairConfig, vrrpChildPids } from '../fixtures/processes/vrrp-pair.js';
import { cleanupAll } from '../helpers/netns.js';
import { emitResult, stats, type Cell } from './report/result.js';

const KILLS = Number(process.env.KILLS ?? 5);

type Kind = 'kad' | 'keepalived';

interface Result {
  forkMs: number[];
  firstAdvertMs: number[];
  vipGapMs: number[];
  takeovers: number;
  stopMs: number;
}

async function killOnce(lab: Lab, master: Daemon, backup: Daemon, r: Result): Promise<void> {
  const cap = await lab.startCapture();
  const mon = await lab.monitorAddresses(0);
  const backupSeen = backup.output.length;
  const before = vrrpChildPids(master);
  const killedAt = Date.now();
  const t0 = performance.now();
  process.kill(before.at(-1) as number, 'SIGKILL');
  await waitUntil(() => vrrpChildPids(master).length > before.length, 10_000, 'respawn');
  r.forkMs.push(performance.now() - t0);
  await waitUntil(() => cap.peek().some((p) => p.kind === 'vrrp' && p.src === lab.ipv4(0) && p.tMs > killedAt && p.priority === 100), 15_000, 'master advert');
  r.firstAdvertMs.push(performance.now() - t0);
  await waitForHolder(lab, PAIR_VIP, 0, 15_000);
  await sleep(300);
  await cap.stop();
  mon.stop();
  const del = mon.events.find((e) => e.address === PAIR_VIP && e.op === 'del');
  const add = mon.events.find((e) => e.address === PAIR_VIP && e.op === 'add' && (!del || e.tMs >= del.tMs));
  r.vipGapMs.push(del ? (add ? add.tMs - del.tMs : Infinity) : 0);
  if (/Entering MASTER STATE/.test(backup.output.slice(backupSeen))) r.takeovers++;
  await sleep(500);
}

async function measure(kind: Kind): Promise<Result> {
  const lab = Lab.create({ directors: 2 });
  const start = (i: number, prio: number): Daemon => (kind === 'kad' ? lab.startKad(i, pairConfig(prio)) : lab.startKeepalived(i, pairConfig(prio)));
  const backup = start(1, 90);
  const master = start(0, 100);
  const r: Result = { forkMs: [], firstAdvertMs: [], vipGapMs: [], takeovers: 0, stopMs: NaN };
  try {
    await waitForHolder(lab, PAIR_VIP, 0, 20_000);
    await sleep(1_500);
    for (let i = 0; i < KILLS; i++) await killOnce(lab, master, backup, r);
    const t0 = performance.now();
    master.proc.kill('SIGTERM');
    await master.exited;
    r.stopMs = performance.now() - t0;
  } finally {
    await Promise.all([master.stop(), backup.stop()]);
    cleanupAll();
  }
  return r;
}

async function main(): Promise<void> {
  ensureBuilt();
  const rows: Cell[][] = [];
  for (const kind of ['kad', 'keepalived'] as const) {
    const r = await measure(kind);
    const st = (xs: number[]): Cell => stats(xs, 0) ?? null;
    rows.push([kind, st(r.forkMs), st(r.firstAdvertMs), st(r.vipGapMs), `${r.takeovers}/${KILLS}`, r.stopMs.toFixed(0)]);
  }
  emitResult({
    bench: 'supervisor',
    params: { kills: KILLS },
    tables: [{
      section: 'supervisor',
      caption: `VRRP child SIGKILLed ${KILLS} times on the master (ms, median (min–max)); then SIGTERM to the master's parent.`,
      columns: ['daemon', 'kill → child forked', 'kill → first advert (prio 100)', 'VIP gap on master', 'backup took over', 'SIGTERM → parent exit (ms)'],
      rows,
    }],
  });
}

main().catch((err: unknown) => {
  console.error(err);
  cleanupAll();
  process.exitCode = 1;
});
