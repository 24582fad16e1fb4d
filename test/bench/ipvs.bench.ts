// IPVS programming cost (run: `npx tsx test/bench/ipvs.bench.ts`, as root). One user-mode Linux
// boot (the host kernel has no IPVS) runs test/kernel/guest/bench.ts, which programs the same
// table — 1000 TCP services × 10 NAT destinations, wrr, weight 1 — three ways:
//  - kad: KernelIpvsPort.apply from an empty table (dump, desired table, reconcile, 11,000
//    netlink requests through the native library), and the same requests as bare FFI calls;
//  - `ipvsadm --restore` of the equivalent rules file;
//  - keepalived 2.2.7's checker child (`keepalived -n -C`) with the equivalent config, timed from
//    spawn until `ipvsadm -Ln` lists all 10,000 destinations (20 ms polling, itself slow here).
// Then a no-op periodic pass over the full table (the repair cost) and its parts. The guest runs
// code 5-10× slower than the host, so the pure reconcile is also timed on the host.
import { execFileSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { desiredTable } from '../../src/ipvs/desired.js';
import { reconcile } from '../../src/ipvs/reconcile.js';
import { config, rs, vs } from '../fixtures/check/model.js';
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
  console.log('| way (1000 services × 10 dests, empty table → full) | ms | dests in kernel |');
  console.log('|---|---|---|');
  console.log(`| kad KernelIpvsPort.apply (dump + reconcile + 11,000 requests) | ${o.kadApplyMs} | ${o.kadDests} |`);
  console.log(`| kad bare FFI calls (11,000 requests) | ${o.rawFfiMs} | 10000 |`);
  console.log(`| ipvsadm --restore | ${o.ipvsadmRestoreMs} | ${o.ipvsadmDests} |`);
  console.log(`| keepalived 2.2.7 checker, spawn → table complete | ${o.keepalivedMs} | ${o.keepalivedDests} |`);
  console.log('');
  console.log('| periodic pass at 10,000 dests (guest) | ms |');
  console.log('|---|---|');
  console.log(`| apply with a new snapshot, nothing to change (dump + desired + reconcile) | ${o.kadNoopPassMs} |`);
  console.log(`| periodic repair pass, nothing to change (dump + reconcile; desired table cached) | ${o.kadRepairPassMs} |`);
  console.log(`| kernel dump (1 + 1000 netlink dumps) | ${o.dumpMs} |`);
  console.log(`| desired table | ${o.desiredMs} |`);
  console.log(`| reconcile | ${o.reconcileMs} |`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
