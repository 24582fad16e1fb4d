// A backup held off the CPU past Master_Down_Interval (SIGSTOP of its VRRP child, 5 s) while the
// master keeps advertising: when it runs again, its expired Master_Down_Timer fires before the
// socket is polled, and the master's queued adverts are read first — no false takeover.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, Lab, sleep, vrrpInstance, waitForHolder, type Daemon } from '../helpers/lab.js';
import { cleanupAll, netnsUnavailableReason } from '../helpers/netns.js';
import { requirement } from '../helpers/requirement.js';

const why = requirement('vrrp-held', netnsUnavailableReason());
const VIP = '10.231.0.181';
const conf = (prio: number): string => vrrpInstance({ vrid: 81, priority: prio, vips: [`${VIP}/24`] });

describe.skipIf(why !== undefined)('a backup held off the CPU', () => {
  let lab: Lab;
  let master: Daemon;
  let backup: Daemon;
  beforeAll(async () => {
    ensureBuilt();
    lab = Lab.create({ directors: 2 });
    backup = lab.startKad(1, conf(90));
    master = lab.startKad(0, conf(100));
    await waitForHolder(lab, VIP, 0, 10_000);
  });
  afterAll(async () => {
    await Promise.all([master?.stop(), backup?.stop()]);
    cleanupAll();
  });

  it('reads the adverts queued while it was stopped before its down timer can take over', async () => {
    await backup.waitForOutput(/Entering BACKUP STATE/, 5000);
    const child = backup.vrrpChildPid;
    const from = backup.output.length;
    process.kill(child, 'SIGSTOP');
    await sleep(5000); // Master_Down_Interval of priority 90 is 3.6 s
    process.kill(child, 'SIGCONT');
    await sleep(1500);
    expect(backup.output.slice(from)).not.toMatch(/Entering MASTER STATE/);
    expect(lab.hasAddress(1, VIP)).toBe(false);
    expect(lab.hasAddress(0, VIP)).toBe(true);
  });
});
