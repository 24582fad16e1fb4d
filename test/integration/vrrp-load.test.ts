// No false failover on a busy director: the shortened run of test/bench/load.bench.ts. Two kad
// directors, VRRPv3 at advert_int 10 ms with kad's real-time option (vrrp_rt_priority), busy
// loops on every core for 20 s while nothing fails; any advert from the backup in that window is
// a false takeover (split brain) and fails the test. Without real-time scheduling the kernel may
// hold the master off the CPU for longer than Master_Down_Interval (36.5 ms) among six busy
// loops; the benchmark measures that case next to keepalived (docs/benchmarks.md).
import { cpus } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, Lab } from '../helpers/lab.js';
import { runLoad } from '../helpers/load.js';
import { cleanupAll, netnsUnavailableReason } from '../helpers/netns.js';
import { requirement } from '../helpers/requirement.js';

const why = requirement('vrrp-load', netnsUnavailableReason());

describe.skipIf(why !== undefined)('VRRPv3 at 10 ms under CPU load', () => {
  let lab: Lab;
  beforeAll(() => {
    ensureBuilt();
    lab = Lab.create({ directors: 2 });
  });
  afterAll(() => cleanupAll());

  it('10 instances, SCHED_RR, every core busy for 20 s: no false takeover, the master keeps advertising', async () => {
    const busy = 3 * cpus().length;
    const r = await runLoad(lab, 'kad-rt', { instances: 10, intervalMs: 10, busy, seconds: 20 });
    const m = r.loop?.master;
    const report = `${r.falseTransitions} false takeovers on ${r.instancesAffected} instances, ${r.masterAdverts}/${r.expected} adverts, ` +
      `longest gap ${r.maxGapMs.toFixed(1)} ms; master event-loop lag p99 ${m?.lagMs.p99.toFixed(1)} max ${m?.lagMs.max.toFixed(1)} ms, ` +
      `GC max ${m?.gcMs.max.toFixed(1)} ms; ${r.rtOverruns} RLIMIT_RTTIME overruns logged`;
    expect(r.falseTransitions, report).toBe(0);
    expect(r.backupAdverts, report).toBe(0);
    // Master_Down_Interval at priority 90 is 36.5 ms: every gap stayed below it.
    expect(r.maxGapMs, report).toBeLessThan(36.5);
    expect(r.masterAdverts / r.expected, report).toBeGreaterThan(0.8);
    expect(m, 'loop statistics of the master VRRP child').toBeDefined();
    // An RLIMIT_RTTIME overrun (a long garbage collection) is logged; both VRRP children are
    // still SCHED_RR after the window.
    expect(r.vrrpPolicies, `scheduling policies of the VRRP children; ${r.rtOverruns} overruns logged`).toEqual([2, 2]);
  }, 120_000);
});
