// vrrp_track_process end to end: two kad directors in network namespaces; the master tracks a
// real process (a copy of sleep under a name unique to this run) with two instances: VI_1 without
// a weight (the process gone → FAULT) and VI_2 with weight -20 (100 → 80, below the backup's 90).
// Killing the process moves both VIPs to the backup; starting it again brings them back
// (preempt). The reaction of kad, from kill()/spawn() in the test to kad's log line, is measured.
// A reload adding terminate_delay keeps the tracker's state (no event), and the delay then hides
// a restart within it and holds back the loss of a process that stays away.
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, Lab, sleep, vrrpInstance, waitForHolder, waitUntil, type Daemon } from '../helpers/lab.js';
import { cleanupAll, netnsUnavailableReason, onCleanup, uniqueName } from '../helpers/netns.js';
import { requirement } from '../helpers/requirement.js';

const why = requirement('vrrp-track-process', netnsUnavailableReason());

const VIP1 = '10.231.0.131';
const VIP2 = '10.231.0.132';

/** Milliseconds from `since` until `re` first appears in the daemon's output after `from` characters. */
async function reaction(d: Daemon, re: RegExp, from: number, since: number, what: string): Promise<number> {
  await waitUntil(() => re.test(d.output.slice(from)), 5000, what, 1);
  return Date.now() - since;
}

/** Until `d` has printed nothing for `ms`. */
async function quiet(d: Daemon, ms: number): Promise<void> {
  for (let n = -1; n !== d.output.length;) {
    n = d.output.length;
    await sleep(ms);
  }
}

describe.skipIf(why !== undefined)('vrrp_track_process', () => {
  let lab: Lab;
  let master: Daemon;
  let backup: Daemon;
  let binary: string;
  let name: string;
  let tracked: ChildProcess | undefined;
  let masterConf: (trackerLines: string) => string;

  const startTracked = (): ChildProcess => {
    const c = spawn(binary, ['600'], { stdio: 'ignore' });
    onCleanup(`tracked process ${name}`, () => c.kill('SIGKILL'));
    return c;
  };

  beforeAll(async () => {
    ensureBuilt();
    lab = Lab.create({ directors: 2 });
    name = uniqueName('ktp');
    binary = join(lab.dir, name);
    copyFileSync('/bin/sleep', binary);
    tracked = startTracked();
    const instances = (prio: number, track: boolean): string => [
      vrrpInstance({ name: 'VI_1', vrid: 81, priority: prio, advertInt: '0.2', vips: [`${VIP1}/24`], lines: `version 3${track ? '\n  track_process {\n    tp\n  }' : ''}` }),
      vrrpInstance({ name: 'VI_2', vrid: 82, priority: prio, advertInt: '0.2', vips: [`${VIP2}/24`], lines: `version 3${track ? '\n  track_process {\n    tp weight -20\n  }' : ''}` }),
    ].join('');
    masterConf = (trackerLines) => `vrrp_track_process tp {\n  process ${name}\n${trackerLines}}\n${instances(100, true)}`;
    master = lab.startKad(0, masterConf(''));
    await master.waitForOutput(/\(VI_2\) Entering BACKUP STATE/, 10_000);
    backup = lab.startKad(1, instances(90, false));
    await waitForHolder(lab, VIP1, 0, 10_000);
    await waitForHolder(lab, VIP2, 0, 10_000);
  });
  afterAll(async () => {
    tracked?.kill('SIGKILL');
    await Promise.all([master?.stop(), backup?.stop()]);
    cleanupAll();
  });

  it('the process exits: VI_1 goes FAULT, VI_2 drops to 80, the backup takes both VIPs; it returns: the master preempts', async () => {
    expect(master.output).not.toMatch(/Entering FAULT STATE/);
    // From inside its namespace kad still gets process events (no fallback to reading /proc).
    expect(master.output).not.toMatch(/no process events/);
    let mark = master.output.length;
    const killedAt = Date.now();
    tracked!.kill('SIGTERM');
    const lostMs = await reaction(master, /Quorum lost for tracked process tp/, mark, killedAt, 'quorum lost');
    const faultMs = await reaction(master, /\(VI_1\) Entering FAULT STATE/, mark, killedAt, 'VI_1 FAULT');
    const prioMs = await reaction(master, /\(VI_2\) Changing effective priority from 100 to 80/, mark, killedAt, 'VI_2 priority 80');
    await waitForHolder(lab, VIP1, 1, 5000);
    await waitForHolder(lab, VIP2, 1, 5000);
    const takeoverMs = Date.now() - killedAt;

    mark = master.output.length;
    const startedAt = Date.now();
    tracked = startTracked();
    const gainedMs = await reaction(master, /Quorum gained for tracked process tp/, mark, startedAt, 'quorum gained');
    const backMs = await reaction(master, /\(VI_2\) Changing effective priority from 80 to 100/, mark, startedAt, 'VI_2 priority 100');
    await waitForHolder(lab, VIP1, 0, 5000);
    await waitForHolder(lab, VIP2, 0, 5000);
    console.log(`track_process: exit → quorum lost ${lostMs} ms, VI_1 FAULT ${faultMs} ms, VI_2 priority 80 ${prioMs} ms, both VIPs on the backup ${takeoverMs} ms; ` +
      `start → quorum gained ${gainedMs} ms, VI_2 priority 100 ${backMs} ms, VIPs back ${Date.now() - startedAt} ms`);
    // kad reacts in milliseconds (events, no polling); the bound leaves room for a loaded machine.
    for (const ms of [lostMs, faultMs, prioMs, gainedMs, backMs]) expect(ms).toBeLessThan(1000);
  });

  it('reload with terminate_delay 0.5: no event; a restart within 0.5 s is not seen, an exit that lasts counts after it', async () => {
    // The VIPs of the last test can be in the kernel before their log lines reach this process.
    await quiet(master, 300);
    let mark = master.output.length;
    writeFileSync(master.confFile, masterConf('  terminate_delay 0.5\n'));
    master.proc.kill('SIGHUP');
    await waitUntil(() => /Reload complete/.test(master.output.slice(mark)), 10_000, 'reload');
    expect(master.output.slice(mark)).toMatch(/2 instances kept, 0 rebuilt/);
    expect(master.output.slice(mark)).not.toMatch(/Quorum|Entering|effective priority/);

    mark = master.output.length;
    tracked!.kill('SIGTERM');
    await sleep(100);
    tracked = startTracked();
    await sleep(1000);
    expect(master.output.slice(mark)).not.toMatch(/Quorum|Entering|effective priority/);

    mark = master.output.length;
    const killedAt = Date.now();
    tracked.kill('SIGTERM');
    const lostMs = await reaction(master, /Quorum lost for tracked process tp/, mark, killedAt, 'quorum lost');
    await master.waitForOutput(/\(VI_1\) Entering FAULT STATE/, 2000);
    console.log(`track_process with terminate_delay 0.5: quorum lost ${lostMs} ms after kill()`);
    expect(lostMs).toBeGreaterThanOrEqual(500);
    expect(lostMs).toBeLessThan(1500);
    await waitForHolder(lab, VIP1, 1, 5000);
    tracked = startTracked();
    await waitForHolder(lab, VIP1, 0, 5000);
    await waitForHolder(lab, VIP2, 0, 5000);
  });
});
