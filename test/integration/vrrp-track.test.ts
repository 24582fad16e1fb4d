// Trackers and notify scripts end to end: a failing vrrp_script (weight -20) lowers the master's
// priority below the backup's, which preempts; the script succeeding again gives the VIP back.
// notify_master and the generic notify run on each transition (fire-and-forget).
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, Lab, sleep, vrrpInstance, waitForHolder, waitUntil, type Daemon } from '../helpers/lab.js';
import { cleanupAll, netnsUnavailableReason } from '../helpers/netns.js';
import { requirement } from '../helpers/requirement.js';

const why = requirement('vrrp-track', netnsUnavailableReason());

const VIP = '10.231.0.120';

describe.skipIf(why !== undefined)('vrrp_script weight and notify scripts', () => {
  let lab: Lab;
  let master: Daemon;
  let backup: Daemon;
  let failFlag: string;
  let notifyLog: string;

  beforeAll(async () => {
    ensureBuilt();
    lab = Lab.create({ directors: 2 });
    failFlag = join(lab.dir, 'fail');
    notifyLog = join(lab.dir, 'notify.log');
    const check = lab.writeFile('check.sh', `#!/bin/sh\ntest ! -e ${failFlag}\n`);
    const notify = lab.writeFile('notify.sh', `#!/bin/sh\necho "$*" >> ${notifyLog}\n`);
    chmodSync(check, 0o755);
    chmodSync(notify, 0o755);
    const conf = (prio: number, extra: string): string => `
global_defs {
  enable_script_security
  script_user root
}
vrrp_script chk {
  script "${check}"
  interval 0.2
  weight -20
  fall 1
  rise 1
}
${vrrpInstance({ name: 'VI_1', vrid: 71, priority: prio, advertInt: '0.2', vips: [`${VIP}/24`], lines: `version 3\n  ${extra}` })}`;
    master = lab.startKad(0, conf(100, `track_script {\n    chk\n  }\n  notify_master "${notify} master-script"\n  notify "${notify}"`));
    await sleep(300);
    backup = lab.startKad(1, conf(90, ''));
    await waitForHolder(lab, VIP, 0, 5000);
  });
  afterAll(async () => {
    await Promise.all([master?.stop(), backup?.stop()]);
    cleanupAll();
  });

  it('runs notify_master and the generic notify (INSTANCE NAME STATE PRIORITY) on takeover', async () => {
    await waitUntil(() => existsSync(notifyLog) && /INSTANCE VI_1 MASTER 100/.test(readFileSync(notifyLog, 'utf8')), 3000, 'notify lines');
    const lines = readFileSync(notifyLog, 'utf8').split('\n');
    expect(lines).toContain('master-script');
    expect(lines).toContain('INSTANCE VI_1 MASTER 100');
  });

  it('a failing script lowers the priority by its weight: the backup preempts; success gives it back', async () => {
    writeFileSync(failFlag, '');
    await waitForHolder(lab, VIP, 1, 4000);
    await master.waitForOutput(/Changing effective priority from 100 to 80/, 1000);
    rmSync(failFlag);
    await waitForHolder(lab, VIP, 0, 4000);
    await waitUntil(() => /INSTANCE VI_1 BACKUP 80/.test(readFileSync(notifyLog, 'utf8')), 2000, 'BACKUP notify');
  });
});
