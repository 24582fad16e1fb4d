/**
 * smtp_alert for checkers: mail the notification_email list through global_defs smtp_server
 * when a real server goes up or down, with keepalived's subject and body wording. Enabled per
 * real server (`smtp_alert`), else per virtual server, else by global `smtp_alert_checker` /
 * `smtp_alert`. A failed delivery is logged (KAD_WARN_CHECK_SMTP_ALERT) and never retried.
 */
import type { Config, RealServer, VirtualServer } from '../config/model.js';
import type { Clock } from '../core/clock.js';
import { withConnection } from './connect.js';
import { smtpReply } from './smtp.js';
import type { CheckResult, CheckTarget } from './types.js';

export interface AlertMail {
  from: string;
  to: readonly string[];
  subject: string;
  body: string;
}

function globalFlag(config: Config, key: string): boolean | undefined {
  const v = config.global.passthrough[key];
  if (v === undefined) return undefined;
  return !/^(false|no|off|0)$/i.test(v.trim());
}

/** Should a transition of `rs` be mailed? */
export function alertEnabled(config: Config, vs: VirtualServer, rs: RealServer): boolean {
  if (!config.global.smtpServer || config.global.notificationEmail.length === 0) return false;
  return rs.smtpAlert ?? vs.smtpAlert ?? globalFlag(config, 'smtp_alert_checker') ?? globalFlag(config, 'smtp_alert') ?? false;
}

/** The mail keepalived sends: "[router_id] Realserver [ip]:tcp:port of virtual server ... - UP". */
export function alertMail(config: Config, vsName: string, rsName: string, up: boolean): AlertMail {
  const g = config.global;
  return {
    from: g.notificationEmailFrom ?? `keepalived@${g.routerId}`,
    to: g.notificationEmail,
    subject: `[${g.routerId}] Realserver ${rsName} of virtual server ${vsName} - ${up ? 'UP' : 'DOWN'}`,
    body: up ? '=> CHECK succeed on service <=' : '=> CHECK failed on service <=',
  };
}

/** The DATA part: headers, blank line, body, with dot-stuffing (RFC 5321 §4.5.2). */
export function formatMail(m: AlertMail, wallMs: number): string {
  const lines = [`From: ${m.from}`, `Subject: ${m.subject}`, `To: ${m.to.join(', ')}`, `Date: ${new Date(wallMs).toUTCString()}`, '', m.body];
  return lines.map((l) => (l.startsWith('.') ? `.${l}` : l)).join('\r\n') + '\r\n.\r\n';
}

/** Deliver one mail; resolves ok or with the failing step. */
export function sendAlert(target: CheckTarget, helo: string, m: AlertMail, timeoutMs: number, clock: Clock): Promise<CheckResult> {
  const steps: { send?: string; expect: number }[] = [
    { expect: 220 },
    { send: `HELO ${helo}`, expect: 250 },
    { send: `MAIL FROM:<${m.from}>`, expect: 250 },
    ...m.to.map((t) => ({ send: `RCPT TO:<${t}>`, expect: 250 })),
    { send: 'DATA', expect: 354 },
    { send: formatMail(m, clock.wallMs()).slice(0, -2), expect: 250 },
  ];
  return withConnection(target, timeoutMs, clock, undefined, (sock, done) => {
    let buf = '';
    let i = 0;
    sock.on('data', (d: Buffer) => {
      buf += d.toString('latin1');
      const code = smtpReply(buf);
      if (code === undefined) return;
      buf = '';
      if (code !== steps[i]!.expect) return done({ ok: false, reason: 'protocol', detail: `step ${i}: ${code}` });
      i++;
      if (i === steps.length) {
        sock.write('QUIT\r\n');
        return done({ ok: true });
      }
      sock.write(`${steps[i]!.send!}\r\n`);
    });
    sock.on('end', () => done({ ok: false, reason: 'protocol', detail: 'connection closed' }));
  });
}
