// Two kad directors fail over for real (issue 4, group 1): VIP only on the master; a hard kill
// (SIGSTOP then SIGKILL of the master's process tree) hands the VIP to the backup within
// Master_Down_Interval + 20 ms of the master's last advert on the wire; a graceful stop
// (SIGTERM → priority-0 advert) within Skew_Time + 20 ms; a restarted master preempts, unless
// nopreempt. kad is started as operators start keepalived: kad -n -l -D -f -p -r -c -P.
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { masterDownIntervalMs, skewTimeMs } from '../../src/vrrp/protocol/timers.js';
import { authBlock, ensureBuilt, Lab, measureTakeover, sleep, vrrpInstance, waitForHolder, waitUntil, type Daemon } from '../helpers/lab.js';
import { cleanupAll, netnsUnavailableReason } from '../helpers/netns.js';
import { requirement } from '../helpers/requirement.js';

const why = requirement('vrrp-failover', netnsUnavailableReason());

const VIP = '10.231.0.100';
const BACKUP_PRIO = 90;
const VIP2 = '10.231.0.101';
const conf = (prio: number, extra = '', vips = [VIP]): string =>
  vrrpInstance({ name: 'VI_1', vrid: 51, priority: prio, vips: vips.map((v) => `${v}/24`), lines: `${extra}\n  ${authBlock('PASS', 'secret1')}` });

describe.skipIf(why !== undefined)('two kad directors fail over', () => {
  let lab: Lab;
  let master: Daemon;
  let backup: Daemon;

  beforeAll(async () => {
    ensureBuilt();
    lab = Lab.create({ directors: 2 });
    backup = lab.startKad(1, conf(BACKUP_PRIO));
    master = lab.startKad(0, conf(100));
    await waitForHolder(lab, VIP, 0, 10_000);
  });
  afterAll(async () => {
    await Promise.all([master?.stop(), backup?.stop()]);
    cleanupAll();
  });

  /**
   * One takeover, timed on the wire from one capture (the old master's last advert to the new
   * master's first advert or GARP). One attempt, and it must be in bounds: the timing tests run
   * after the rest of the suite, one file at a time.
   */
  async function takeover(how: 'hard' | 'graceful'): Promise<{ deltaMs: number; lastPriority: number }> {
    const limitMs = how === 'hard' ? masterDownIntervalMs(BACKUP_PRIO, 1000) : skewTimeMs(BACKUP_PRIO, 1000);
    const cap = await lab.startCapture();
    await sleep(how === 'hard' ? 1100 : 300); // at least one advert in the capture
    if (how === 'hard') await master.hardKill();
    else await master.stop();
    await waitForHolder(lab, VIP, 1, 6000).catch(() => undefined);
    await sleep(50);
    const t = measureTakeover(await cap.stop(), lab.ipv4(0), lab.ipv4(1), VIP);
    console.log(`${how} failover ${t.deltaMs.toFixed(1)} ms (timer ${limitMs} ms, allowed up to 20 ms more)`);
    expect(t.deltaMs).toBeGreaterThanOrEqual(limitMs - 1);
    expect(t.deltaMs).toBeLessThanOrEqual(limitMs + 20);
    return t;
  }

  it('hard kill: the backup holds the VIP within Master_Down_Interval + 20 ms of the last advert', async () => {
    const t = await takeover('hard');
    expect(t.lastPriority).toBe(100);
    // The frozen master could not release its VIP (like keepalived): only the backup holds it once it is gone.
    expect(lab.hasAddress(1, VIP)).toBe(true);
  });

  it('restart: the master removes its stale VIP and preempts', async () => {
    expect(lab.hasAddress(0, VIP)).toBe(true); // left behind by the killed master
    master = lab.startKad(0, conf(100));
    await master.waitForOutput(/Entering BACKUP STATE/, 5000);
    expect(lab.hasAddress(0, VIP)).toBe(false);
    await waitForHolder(lab, VIP, 0, 10_000);
    expect(backup.output).toMatch(/Entering BACKUP STATE/);
  });

  it('graceful stop: priority-0 advert, the backup holds the VIP within Skew_Time + 20 ms', async () => {
    const t = await takeover('graceful');
    expect(t.lastPriority).toBe(0);
    expect((await master.exited).code).toBe(0);
  });

  it('nopreempt: a restarted higher-priority director does not take the VIP back', async () => {
    master = lab.startKad(0, conf(100, 'nopreempt'));
    await master.waitForOutput(/Entering BACKUP STATE/, 5000);
    await sleep(masterDownIntervalMs(100, 1000) + 1000);
    expect(lab.hasAddress(1, VIP)).toBe(true);
    expect(lab.hasAddress(0, VIP)).toBe(false);
  });

  it('reload (SIGHUP) adding a VIP: the master keeps its VIP, adds the new one, stays MASTER', async () => {
    await master.stop(); // the other director would see a different address list (as keepalived does)
    const mon = await lab.monitorAddresses(1);
    writeFileSync(backup.confFile, conf(BACKUP_PRIO, '', [VIP, VIP2]));
    const before = backup.output.length;
    backup.proc.kill('SIGHUP');
    await waitUntil(() => lab.hasAddress(1, VIP2), 5000, 'the added VIP');
    await sleep(200);
    mon.stop();
    expect(lab.hasAddress(1, VIP)).toBe(true);
    expect(mon.events.filter((e) => e.op === 'del')).toEqual([]);
    expect(backup.output.slice(before)).not.toMatch(/Entering BACKUP STATE/);
  });
});
