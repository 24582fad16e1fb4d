// The shared alert mailer: which block's setting wins, sending never waits for the server, and
// failures are logged at most once a minute with a count (the real nodemailer transport against
// a closed loopback port).
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ManualClock, SystemClock } from '../../../src/core/clock.js';
import { memoryLogger } from '../../../src/core/log.js';
import { alertWanted, Mailer, type MailServer } from '../../../src/supervisor/mailer.js';
import { parseText } from '../config/mem-io.js';
import { globalDefs } from '../../fixtures/check/model.js';

const withServer = globalDefs({ smtpServer: { host: '127.0.0.1', port: 25 }, notificationEmail: ['ops@example.test'] });

describe('alertWanted', () => {
  it('own setting, then smtp_alert_vrrp/_checker, then smtp_alert, else no; never without server or recipients', () => {
    expect(alertWanted(withServer, 'vrrp', undefined)).toBe(false);
    expect(alertWanted({ ...withServer, smtpAlert: true }, 'vrrp', undefined)).toBe(true);
    expect(alertWanted({ ...withServer, smtpAlert: true, smtpAlertVrrp: false }, 'vrrp', undefined)).toBe(false);
    expect(alertWanted({ ...withServer, smtpAlert: true, smtpAlertVrrp: false }, 'checker', undefined)).toBe(true);
    expect(alertWanted({ ...withServer, smtpAlertChecker: true }, 'vrrp', undefined)).toBe(false);
    expect(alertWanted({ ...withServer, smtpAlert: false }, 'vrrp', true)).toBe(true);
    expect(alertWanted({ ...withServer, smtpAlert: true }, 'checker', false)).toBe(false);
    expect(alertWanted({ ...withServer, notificationEmail: [] }, 'vrrp', true)).toBe(false);
    expect(alertWanted(globalDefs({ notificationEmail: ['a@b'] }), 'vrrp', true)).toBe(false);
  });
});

describe('Mailer', () => {
  it('send returns at once while the server never answers', () => {
    const m = new Mailer(withServer, memoryLogger().log, new ManualClock(), () => new Promise(() => undefined));
    const t0 = performance.now();
    for (let i = 0; i < 100; i++) m.send({ subject: 's', body: 'b' });
    expect(performance.now() - t0).toBeLessThan(50);
    expect(m.sent).toBe(100);
  });

  it('a refused connection through nodemailer is logged once (with the count) per minute', async () => {
    const srv = createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as { port: number }).port;
    await new Promise<void>((r) => srv.close(() => r())); // nothing listens there now
    const { log, records } = memoryLogger();
    const g = { ...withServer, smtpServer: { host: '127.0.0.1', port }, smtpConnectTimeoutMs: 2000 };
    const m = new Mailer(g, log, new SystemClock());
    for (let i = 0; i < 3; i++) m.send({ subject: `[r] VRRP Instance VI_${i} - Entering MASTER state`, body: 'x' });
    await m.settle();
    expect(m.failed).toBe(3);
    const warns = records.filter((r) => r.code === 'KAD_WARN_SMTP_ALERT');
    expect(warns).toHaveLength(1);
    expect(String(warns[0]!.msg)).toMatch(/ECONNREFUSED|connect/i);
  });
});

describe('mail keywords from config text', () => {
  const g = (globals: string) => parseText(`global_defs {\n router_id r1\n smtp_server 127.0.0.1 2525\n notification_email {\n  ops@example.test\n }\n${globals}}\n`).config!.global;

  it('smtp_helo_name is the name the mailer greets with (router_id by default)', () => {
    const servers: MailServer[] = [];
    for (const globals of [' smtp_helo_name mx.example.test\n', '']) {
      new Mailer(g(globals), memoryLogger().log, new ManualClock(), (_m, s) => { servers.push(s); return Promise.resolve(); }).send({ subject: 's', body: 'b' });
    }
    expect(servers.map((s) => [s.host, s.port, s.helo])).toEqual([['127.0.0.1', 2525, 'mx.example.test'], ['127.0.0.1', 2525, 'r1']]);
  });

  it('smtp_alert_checker mails the checker side only; smtp_alert_vrrp the VRRP side', () => {
    const c = g(' smtp_alert_checker\n');
    expect([alertWanted(c, 'checker', undefined), alertWanted(c, 'vrrp', undefined)]).toEqual([true, false]);
    const v = g(' smtp_alert_vrrp\n');
    expect([alertWanted(v, 'checker', undefined), alertWanted(v, 'vrrp', undefined)]).toEqual([false, true]);
  });
});
