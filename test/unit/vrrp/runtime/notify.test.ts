import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { GlobalDefs, ScriptSpec } from '../../../../src/config/model.js';
import { ManualClock, SystemClock } from '../../../../src/core/clock.js';
import type { ScriptRunner } from '../../../../src/script/types.js';
import { Mailer, type Envelope } from '../../../../src/supervisor/mailer.js';
import { globalDefs } from '../../../fixtures/check/model.js';
import { memoryLogger } from '../../../../src/core/log.js';
import { Notifier } from '../../../../src/vrrp/runtime/notify.js';
import { ProcessScriptRunner } from '../../../../src/script/runner.js';
import { parseText, TEST_ENV } from '../../config/mem-io.js';

const dir = mkdtempSync(join(tmpdir(), 'kad-notify-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const sh = (body: string): ScriptSpec => ({ text: body, argv: ['/bin/sh', '-c', body, 'notify'] });

describe('Notifier', () => {
  it('runs the state script and the generic notify with INSTANCE NAME STATE PRIORITY', async () => {
    const out = join(dir, 'out');
    const { log } = memoryLogger();
    const n = new Notifier(new ProcessScriptRunner({ clock: new SystemClock(), log, policy: { enableScriptSecurity: false } }), log);
    n.notify('INSTANCE', 'VI_1', { master: sh(`echo master >> ${out}`), any: sh(`echo "$@" >> ${out}`) }, 'MASTER', 100);
    await n.settle();
    expect(readFileSync(out, 'utf8').split('\n').filter(Boolean).sort()).toEqual(['INSTANCE VI_1 MASTER 100', 'master']);
  });

  it('returns before a hanging script ends and logs a failing one', async () => {
    const { log, records } = memoryLogger();
    const n = new Notifier(new ProcessScriptRunner({ clock: new SystemClock(), log, policy: { enableScriptSecurity: false } }), log);
    const t0 = performance.now();
    n.notify('GROUP', 'G1', { backup: sh('sleep 0.3; exit 3') }, 'BACKUP', 0);
    expect(performance.now() - t0).toBeLessThan(100);
    await n.settle();
    expect(records.some((r) => r.code === 'KAD_WARN_VRRP_NOTIFY' && String(r.msg).includes('exited with status 3'))).toBe(true);
    expect(n.failed).toBe(1);
  });

  it('a missing notify script is counted on every transition and logged once', async () => {
    const { log, records } = memoryLogger();
    const n = new Notifier(new ProcessScriptRunner({ clock: new SystemClock(), log, policy: { enableScriptSecurity: false } }), log);
    const missing: ScriptSpec = { text: join(dir, 'missing.sh'), argv: [join(dir, 'missing.sh')] };
    for (const state of ['MASTER', 'BACKUP', 'MASTER'] as const) {
      n.notify('INSTANCE', 'VI_1', { master: missing, backup: missing }, state, 100);
      await n.settle();
    }
    expect(n.failed).toBe(3);
    expect(records.filter((r) => r.code === 'KAD_WARN_SCRIPT_REFUSED' && r.what === '(VI_1) notify_master')).toHaveLength(1);
    expect(records.filter((r) => r.code === 'KAD_WARN_VRRP_NOTIFY')).toHaveLength(0);
  });
});

describe('Notifier outputs: FIFO lines and mails', () => {
  const noScripts: ScriptRunner = { run: () => Promise.resolve({ kind: 'exit', code: 0 }) };
  function make(over: Partial<GlobalDefs> = {}): { n: Notifier; lines: string[]; mails: Envelope[]; mailer: Mailer } {
    const lines: string[] = [];
    const mails: Envelope[] = [];
    const g = globalDefs({ routerId: 'RID1', smtpServer: { host: '127.0.0.1', port: 25 }, notificationEmail: ['ops@example.test'], ...over });
    const { log } = memoryLogger();
    const mailer = new Mailer(g, log, new ManualClock(), (m) => { mails.push(m); return Promise.resolve(); });
    const n = new Notifier(noScripts, log, { fifo: { line: (l) => lines.push(l) }, mailer, global: () => g });
    return { n, lines, mails, mailer };
  }

  it('writes one line per event in keepalived 2.2.7 format, in order', () => {
    const { n, lines } = make();
    n.notify('GROUP', 'G1', {}, 'BACKUP', 0);
    n.notify('INSTANCE', 'VI_1', {}, 'BACKUP', 100);
    n.notify('INSTANCE', 'VI_1', {}, 'MASTER', 100);
    n.notify('GROUP', 'G1', {}, 'MASTER', 0);
    n.notifyPriority('VI_1', true, 107);
    n.notifyPriority('VI_1', false, 97);
    n.notifyRxLowerPri('VI_1', {}, 100);
    n.notify('INSTANCE', 'VI_2', {}, 'DELETED', 100);
    n.notify('INSTANCE', 'VI_1', {}, 'STOP', 97);
    expect(lines).toEqual([
      'GROUP "G1" BACKUP 0', 'INSTANCE "VI_1" BACKUP 100', 'INSTANCE "VI_1" MASTER 100', 'GROUP "G1" MASTER 0',
      'INSTANCE "VI_1" MASTER_PRIORITY 107', 'INSTANCE "VI_1" BACKUP_PRIORITY 97', 'INSTANCE "VI_1" MASTER_RX_LOWER_PRI 100',
      'INSTANCE "VI_2" DELETED 100', 'INSTANCE "VI_1" STOP 97',
    ]);
  });

  it('mails with keepalived subjects and bodies; the same state twice is mailed once; STOP never', () => {
    const { n, mails } = make();
    n.notify('INSTANCE', 'VI_1', {}, 'BACKUP', 100, true);
    n.notify('INSTANCE', 'VI_1', {}, 'BACKUP', 100, true);
    n.notify('INSTANCE', 'VI_1', {}, 'MASTER', 100, true);
    n.notify('GROUP', 'G1', {}, 'MASTER', 0, true);
    n.notify('INSTANCE', 'VI_1', {}, 'FAULT', 100, true);
    n.notify('GROUP', 'G1', {}, 'FAULT', 0, true);
    n.notify('INSTANCE', 'VI_2', {}, 'DELETED', 100, true);
    n.notify('INSTANCE', 'VI_1', {}, 'STOP', 100, true);
    expect(mails.map((m) => [m.subject, m.body])).toEqual([
      ['[RID1] VRRP Instance VI_1 - Entering BACKUP state', '=> VRRP Instance is no longer owning VRRP VIPs <='],
      ['[RID1] VRRP Instance VI_1 - Entering MASTER state', '=> VRRP Instance is now owning VRRP VIPs <='],
      ['[RID1] VRRP Group G1 - Entering MASTER state', '=> All VRRP group instances are now in MASTER state <='],
      ['[RID1] VRRP Instance VI_1 - Entering FAULT state', '=> VRRP Instance is no longer owning VRRP VIPs <='],
      ['[RID1] VRRP Group G1 - Entering FAULT state', '=> All VRRP group instances are now in FAULT state <='],
      ['[RID1] VRRP Instance VI_2 - Deleted', '=> VRRP Deleted at reload <='],
    ]);
    expect(mails[0]).toMatchObject({ from: 'keepalived@RID1', to: ['ops@example.test'] });
  });

  it('smtp_alert: the block wins, then smtp_alert_vrrp, then smtp_alert; no_email_faults drops FAULT', () => {
    const unset = make();
    unset.n.notify('INSTANCE', 'A', {}, 'MASTER', 1);
    expect(unset.mails).toEqual([]);
    const vrrpOn = make({ smtpAlert: false, smtpAlertVrrp: true });
    vrrpOn.n.notify('INSTANCE', 'A', {}, 'MASTER', 1);
    vrrpOn.n.notify('INSTANCE', 'B', {}, 'MASTER', 1, false);
    expect(vrrpOn.mails.map((m) => m.subject)).toEqual(['[RID1] VRRP Instance A - Entering MASTER state']);
    const allOn = make({ smtpAlert: true, noEmailFaults: true });
    allOn.n.notify('INSTANCE', 'A', {}, 'FAULT', 1);
    allOn.n.notify('GROUP', 'G', {}, 'FAULT', 0);
    allOn.n.notify('INSTANCE', 'A', {}, 'BACKUP', 1);
    expect(allOn.mails.map((m) => m.subject)).toEqual(['[RID1] VRRP Instance A - Entering BACKUP state']);
    const noServer = make({ smtpAlert: true, smtpServer: undefined });
    noServer.n.notify('INSTANCE', 'A', {}, 'MASTER', 1);
    expect(noServer.mails).toEqual([]);
  });
});

describe('notify keywords from config text', () => {
  it('notify_master/backup/fault/stop and notify_master_rx_lower_pri of an instance and a sync group run their scripts', async () => {
    const out = join(dir, 'keywords');
    const script = (word: string): string => `"/bin/sh -c 'echo ${word} >> ${out}'"`;
    const inst = ['notify_master', 'notify_backup', 'notify_fault', 'notify_stop', 'notify_master_rx_lower_pri'].map((k) => ` ${k} ${script(`vi-${k}`)}\n`).join('');
    const grp = ['notify_master', 'notify_backup', 'notify_fault', 'notify_stop'].map((k) => ` ${k} ${script(`g-${k}`)}\n`).join('');
    const vi = (name: string, vrid: number, extra: string): string =>
      `vrrp_instance ${name} {\n interface eth0\n virtual_router_id ${vrid}\n priority 100\n virtual_ipaddress {\n 10.0.0.${vrid}/24\n }\n${extra}}\n`;
    const r = parseText(`global_defs {\n enable_script_security\n}\nvrrp_sync_group G1 {\n group {\n VI_1\n VI_2\n }\n${grp}}\n${vi('VI_1', 1, inst)}${vi('VI_2', 2, '')}`,
      {}, {}, { ...TEST_ENV, findProgram: (p) => (p === '/bin/sh' ? p : undefined) });
    expect(r.config).toBeDefined();
    const { log } = memoryLogger();
    const n = new Notifier(new ProcessScriptRunner({ clock: new SystemClock(), log, policy: { enableScriptSecurity: false } }), log);
    const i = r.config!.vrrpInstances[0]!;
    const g = r.config!.syncGroups[0]!;
    for (const state of ['MASTER', 'BACKUP', 'FAULT', 'STOP'] as const) {
      n.notify('INSTANCE', i.name, i.notify, state, 100);
      n.notify('GROUP', g.name, g.notify, state, 0);
    }
    n.notifyRxLowerPri(i.name, i.notify, 100);
    await n.settle();
    expect(readFileSync(out, 'utf8').split('\n').filter(Boolean).sort()).toEqual([
      'g-notify_backup', 'g-notify_fault', 'g-notify_master', 'g-notify_stop',
      'vi-notify_backup', 'vi-notify_fault', 'vi-notify_master', 'vi-notify_master_rx_lower_pri', 'vi-notify_stop',
    ]);
  });
});
