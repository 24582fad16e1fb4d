// smtp_alert: a real server going down and up is mailed through a real SMTP server
// (npm smtp-server) with keepalived's subject wording.
import { describe, expect, it } from 'vitest';
import { SystemClock } from '../../src/core/clock.js';
import { memoryLogger } from '../../src/core/log.js';
import { MemoryPort } from '../../src/check/memory-port.js';
import { Scheduler } from '../../src/check/scheduler.js';
import type { CheckFn, CheckResult } from '../../src/check/types.js';
import { config, globalDefs, rs, tcp, vs } from '../fixtures/check/model.js';
import { mailHeader, startSmtp } from '../fixtures/check/servers.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('smtp_alert', () => {
  it('mails DOWN and UP transitions to notification_email', async () => {
    const smtp = await startSmtp();
    let result: CheckResult = { ok: false, reason: 'refused', detail: 'x' };
    const fake: CheckFn = () => Promise.resolve(result);
    const cfg = config(
      [
        vs('10.0.0.1', 80, [rs('10.0.0.2', 80, [tcp({ retry: 0, delayLoopMs: 100 })], { smtpAlert: true })]),
        vs('10.0.0.5', 80, [rs('10.0.0.6', 80, [tcp({ retry: 0, delayLoopMs: 100 })])]),
      ],
      { global: globalDefs({ routerId: 'LVS_TEST', smtpServer: { host: '127.0.0.1', port: smtp.port }, notificationEmail: ['ops@example.test'], notificationEmailFrom: 'kad@example.test' }) },
    );
    const sched = new Scheduler(cfg, { clock: new SystemClock(), log: memoryLogger().log, port: new MemoryPort(), runners: { TCP_CHECK: fake } });
    try {
      sched.start();
      for (let i = 0; i < 250 && smtp.mails.length < 1; i++) await sleep(20);
      result = { ok: true };
      for (let i = 0; i < 250 && smtp.mails.length < 2; i++) await sleep(20);
      expect(smtp.mails.map((m) => [m.from, m.to, mailHeader(m.data, 'Subject')])).toEqual([
        ['kad@example.test', ['ops@example.test'], '[LVS_TEST] Realserver [10.0.0.2]:tcp:80 of virtual server [10.0.0.1]:tcp:80 - DOWN'],
        ['kad@example.test', ['ops@example.test'], '[LVS_TEST] Realserver [10.0.0.2]:tcp:80 of virtual server [10.0.0.1]:tcp:80 - UP'],
      ]);
      expect(smtp.mails[0]!.data).toContain('=> CHECK failed on service <=');
    } finally {
      sched.stop();
      await smtp.close();
    }
  });
});
