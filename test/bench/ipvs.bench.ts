// IPVS programming cost (run: `npx tsx test/bench/ipvs.bench.ts`, as root). One user-mode Linux
// boot (the host kernel has no IPVS) runs test/kernel/guest/bench.ts, which programs the same
// table — 1000 TCP services × 10 NAT destinations, wrr, weight 1 — three ways:
//  - kad: KernelIpvsPort.apply from an empty table (dump, desired table, reconcile, 11,000
//    netlink requests through the native library), and the same requests as bare FFI calls;
//  - `ipvsadm --restore` of the equivalent rules file;
//  - keepalived 2.2.7's checker child (`keepalived -n -C`) with the equivalent config, timed from
//    spawn until `ipvsadm -Ln` lists all 10,000 destinations (20 ms polling, itself slow here).
// Then a no-op periodic pass over the full table (the repair cost) and its parts. The guest runs
// code 5-10× slower than the host, so the pure reconcile is also timed on the host. Under the
// runner (test/bench/run.ts) the tables are also written as JSON.
import { execFileSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { desiredTable } from '../../src/ipvs/desired.js';
import { reconcile } from '../../src/ipvs/reconcile.js';
import { config, rs, vs } from '../fixtures/check/model.js';
import { emitResult } from './report/result.js';
import { PROJECT_DIR, bundleGuest, guestNode, runInUml, umlUnavailableReason } from '../kernel/uml.js';

function hostReconcile(): { desiredMs: number; reconcileMs: number } {
  const cfg = config(Array.from({ length: 1000 }, (_, s) =>
    vs(`10.${100 + (s >> 8)}.${s & 255}.1`, 80, Array.from({ length: 10 }, (_, d) => rs(`10.200.${s & 255}.${d + 1 + 10 * (s >> 8)}`, 80, [])))));
  const runs: { desiredMs: number; reconcileMs: number }[] = [];
  for (let i = 0; i < 7; i++) {
    let t0 = performance.now();
    const want = desiredTable(cfg, new Map());
    const desiredMs = performance.now() - t0;
    const actual = want.map((e) => ({ service: e.service, dests: e.dests.map((d) => ({ ...d })) }));
    t0 = performance.now();
    reconcile(want, actual);
    runs.push({ desiredMs, reconcileMs: performance.now() - t0 });
  }
  const median = (xs: number[]): number => Math.round(xs.sort((a, b) => a - b)[xs.length >> 1]! * 10) / 10;
  return { desiredMs: median(runs.map((r) => r.desiredMs)), reconcileMs: median(runs.map((r) => r.reconcileMs)) };
}

async function main(): Promise<void> {
  const host = hostReconcile();
  console.log(`host, pure: desired table ${host.desiredMs} ms, reconcile of 10,000 dests ${host.reconcileMs} ms (median of 7)`);
  const reason = umlUnavailableReason();
  if (reason) {
    console.warn(`ipvs bench: kernel part skipped: ${reason}`);
    return;
  }
  execFileSync('make', ['-s', '-C', `${PROJECT_DIR}/native/ipvs`]);
  const js = await bundleGuest(`${PROJECT_DIR}/test/kernel/guest/bench.ts`);
  const r = await runInUml(guestNode('bench.mjs', ['$KAD_SCRATCH']), { files: { 'bench.mjs': js }, timeoutMs: 300_000, memMb: 1024 });
  if (r.code !== 0) throw new Error(`guest failed: ${r.stderr}`);
  const o = JSON.parse(r.stdout) as Record<string, number>;
  emitResult({
    bench: 'ipvs',
    params: { services: 1000, destsPerService: 10, hostRuns: 7 },
    tables: [
      {
        section: 'ipvs',
        caption: 'One user-mode Linux boot, 1000 TCP services × 10 NAT destinations, empty table → full.',
        columns: ['way', 'ms', 'dests in kernel'],
        rows: [
          ['kad KernelIpvsPort.apply (dump + reconcile + 11,000 requests)', o.kadApplyMs ?? null, o.kadDests ?? null],
          ['kad bare FFI calls (11,000 requests)', o.rawFfiMs ?? null, 10000],
          ['ipvsadm --restore', o.ipvsadmRestoreMs ?? null, o.ipvsadmDests ?? null],
          ['keepalived 2.2.7 checker, spawn → table complete', o.keepalivedMs ?? null, o.keepalivedDests ?? null],
        ],
      },
      {
        section: 'ipvs-pass',
        caption: 'Reconcile cost at 10,000 destinations, nothing to change.',
        columns: ['pass', 'ms'],
        rows: [
          ['apply with a new snapshot (dump + desired + reconcile), guest', o.kadNoopPassMs ?? null],
          ['periodic repair pass (desired table cached), guest', o.kadRepairPassMs ?? null],
          ['kernel dump (1 service dump + 1000 destination dumps), guest', o.dumpMs ?? null],
          ['desired table, guest / host', `${o.desiredMs} / ${host.desiredMs}`],
          ['reconcile (pure diff), guest / host', `${o.reconcileMs} / ${host.reconcileMs}`],
        ],
      },
    ],
  });
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
