// interface_up_down_delays on a real kad pair: the master's link is set down by hand. A down
// shorter than the down delay (1 s) is never seen (no FAULT, the master keeps the VIP, the
// backup never takes over); a longer one sends the instance to FAULT once it has lasted 1 s, and
// after the link is back the instance leaves FAULT only when the up delay (2 s) has passed.
// keepalived 2.2.7 with `d0 1 2` (measured in a namespace): a 300 ms flap logs nothing at all;
// FAULT 1.02 s after the link went down, BACKUP 2.00 s after it came back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, Lab, sleep, vrrpInstance, waitForHolder, waitUntil, type Daemon } from '../helpers/lab.js';
import { cleanupAll, netnsUnavailableReason } from '../helpers/netns.js';
import { requirement } from '../helpers/requirement.js';

const why = requirement('vrrp-link-delays', netnsUnavailableReason());
const VIP = '10.231.0.141';
const DELAYS = 'interface_up_down_delays {\n  eth0 1 2\n}\n';

describe.skipIf(why !== undefined)('interface_up_down_delays', () => {
  let lab: Lab;
  let master: Daemon;
  let backup: Daemon;
  beforeAll(async () => {
    ensureBuilt();
    lab = Lab.create({ directors: 2 });
    master = lab.startKad(0, `${DELAYS}${vrrpInstance({ vrid: 41, priority: 200, vips: [`${VIP}/24`] })}`);
    backup = lab.startKad(1, vrrpInstance({ vrid: 41, priority: 100, vips: [`${VIP}/24`] }));
    await waitForHolder(lab, VIP, 0, 15_000);
  }, 90_000);
  afterAll(async () => {
    await master?.stop();
    await backup?.stop();
    cleanupAll();
  });

  /** Watches who holds the VIP every 20 ms until `stop()`; returns whether the backup ever did / the master ever lost it. */
  function watchVip(): { stop: () => { backupHeld: boolean; masterLost: boolean } } {
    const seen = { backupHeld: false, masterLost: false };
    const t = setInterval(() => {
      if (lab.hasAddress(1, VIP)) seen.backupHeld = true;
      if (!lab.hasAddress(0, VIP)) seen.masterLost = true;
    }, 20);
    return { stop: () => (clearInterval(t), seen) };
  }

  it('a 300 ms down is ignored: no FAULT, the master keeps the VIP, the backup never takes over', async () => {
    const watch = watchVip();
    lab.directors[0]!.ip('link', 'set', 'eth0', 'down');
    await sleep(300);
    lab.directors[0]!.ip('link', 'set', 'eth0', 'up');
    // Longer than the backup's Master_Down_Interval (3.61 s) and than the down delay.
    await sleep(4500);
    const seen = watch.stop();
    // As keepalived: the flap is not even logged.
    expect(master.output).not.toMatch(/Netlink reports eth0/);
    expect(master.output).not.toMatch(/FAULT/);
    expect(seen).toEqual({ backupHeld: false, masterLost: false });
  }, 20_000);

  it('a 2.5 s down: FAULT after ~1 s; back up: FAULT is left only after the 2 s up delay', async () => {
    const downAt = Date.now();
    lab.directors[0]!.ip('link', 'set', 'eth0', 'down');
    await master.waitForOutput(/\(VI_41\) Entering FAULT STATE/, 3000);
    expect(master.output).toMatch(/Netlink reports eth0 down/);
    const faultMs = Date.now() - downAt;
    console.log(`link down to FAULT: ${faultMs} ms (down delay 1000 ms)`);
    expect(faultMs).toBeGreaterThanOrEqual(950);
    expect(faultMs).toBeLessThan(1600);
    // FAULT took the VIP off the master's interface.
    await waitUntil(() => !lab.hasAddress(0, VIP), 1000, 'the VIP off the master in FAULT');
    await sleep(2500 - (Date.now() - downAt));
    const before = master.output.length;
    const upAt = Date.now();
    let vipBackMs: number | undefined;
    const poll = setInterval(() => {
      if (vipBackMs === undefined && lab.hasAddress(0, VIP)) vipBackMs = Date.now() - upAt;
    }, 20);
    try {
      lab.directors[0]!.ip('link', 'set', 'eth0', 'up');
      await waitUntil(() => /\(VI_41\) Entering BACKUP STATE/.test(master.output.slice(before)), 5000, 'FAULT left');
      const leftMs = Date.now() - upAt;
      console.log(`link up to leaving FAULT: ${leftMs} ms (up delay 2000 ms)`);
      expect(leftMs).toBeGreaterThanOrEqual(1950);
      expect(leftMs).toBeLessThan(2600);
      // Priority 200 preempts the backup again: the VIP is back on the master, not before the up delay.
      await waitForHolder(lab, VIP, 0, 8000);
      await waitUntil(() => vipBackMs !== undefined, 2000, 'the master to poll its VIP back');
      expect(vipBackMs).toBeGreaterThanOrEqual(1950);
    } finally {
      clearInterval(poll);
    }
  }, 30_000);
});
