// Notification keywords in the model: notify FIFOs with their owner and scripts, the smtp_alert
// defaults, no_email_faults, notify_deleted and the priority-change default.
import { describe, expect, it } from 'vitest';
import { codes, parseText } from './mem-io.js';

const instance = (lines = ''): string =>
  `vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 7\n ${lines}\n virtual_ipaddress {\n 10.0.0.1\n }\n}\n`;

describe('notification keywords', () => {
  it('reads the three FIFOs, their owners and their scripts', () => {
    const r = parseText(`global_defs {
  notify_fifo /run/kad/all.fifo nobody nogroup
  notify_fifo_script "/usr/bin/reader all" root
  vrrp_notify_fifo /run/kad/vrrp.fifo
  vrrp_notify_fifo_script /usr/bin/reader-vrrp
  lvs_notify_fifo /run/kad/lvs.fifo
  smtp_alert
  smtp_alert_vrrp off
  smtp_alert_checker on
  no_email_faults
}
${instance()}`);
    expect(r.exitCode).toBe(0);
    const g = r.config!.global;
    expect(g.notifyFifos).toEqual({
      all: { path: '/run/kad/all.fifo', user: 'nobody', group: 'nogroup', script: { text: '/usr/bin/reader all', argv: ['/usr/bin/reader', 'all'], user: 'root' } },
      vrrp: { path: '/run/kad/vrrp.fifo', script: { text: '/usr/bin/reader-vrrp', argv: ['/usr/bin/reader-vrrp'] } },
      lvs: { path: '/run/kad/lvs.fifo' },
    });
    expect(g).toMatchObject({ smtpAlert: true, smtpAlertVrrp: false, smtpAlertChecker: true, noEmailFaults: true });
    expect(g.passthrough).not.toHaveProperty('notify_fifo');
  });

  it('a FIFO script without its FIFO and a relative FIFO path are reported', () => {
    const r = parseText(`global_defs {\n lvs_notify_fifo_script /bin/cat\n vrrp_notify_fifo relative.fifo\n}\n${instance()}`);
    expect(codes(r)).toEqual(expect.arrayContaining(['KAD_ERR_CONFIG_MISSING_REQUIRED', 'KAD_ERR_CONFIG_INVALID_VALUE']));
    expect(r.config?.global.notifyFifos).toEqual({});
  });

  it('notify_deleted with and without a script; notify_priority_changes defaults to vrrp_notify_priority_changes', () => {
    const bare = parseText(`global_defs {\n vrrp_notify_priority_changes\n}\n${instance('notify_deleted')}`);
    expect(bare.config!.vrrpInstances[0]).toMatchObject({ notifyDeleted: true, notifyPriorityChanges: true });
    expect(bare.config!.vrrpInstances[0]!.notify.deleted).toBeUndefined();
    const withScript = parseText(`global_defs {\n vrrp_notify_priority_changes\n}\n${instance('notify_deleted /bin/gone.sh\n notify_priority_changes off')}`);
    expect(withScript.config!.vrrpInstances[0]).toMatchObject({ notifyDeleted: true, notifyPriorityChanges: false, notify: { deleted: { text: '/bin/gone.sh' } } });
    expect(parseText(instance()).config!.vrrpInstances[0]).toMatchObject({ notifyDeleted: false, notifyPriorityChanges: false });
  });
});
