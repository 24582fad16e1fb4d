/**
 * The alert mailer both children share (keepalived.conf(5) `smtp_alert`): one mail per event to
 * the `notification_email` list through `smtp_server`, plain SMTP as keepalived speaks it (no
 * STARTTLS, no AUTH), delivered by nodemailer. Sending never blocks the caller: `send` returns at
 * once, every step is bounded by `smtp_connect_timeout`, and a failed delivery is logged
 * (rate-limited, one line) and not retried. Which events are mailed is decided by the callers
 * through {@link alertWanted}.
 */
import type { Transporter } from 'nodemailer';
import type { GlobalDefs } from '../config/model.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/log.js';
import { RateLimiter } from '../core/rate-limit.js';

/** One alert: keepalived's subject ("[router_id] ...") and one-line body. */
export interface AlertMail {
  subject: string;
  body: string;
}

/** A delivered mail, as a transport sees it (what the tests and fakes record). */
export interface Envelope extends AlertMail {
  from: string;
  to: readonly string[];
}

/** Delivers one mail; rejects on failure. Injected in tests. */
export type MailTransport = (m: Envelope, g: MailServer) => Promise<void>;

export interface MailServer {
  host: string;
  port: number;
  helo: string;
  timeoutMs: number;
}

/** Which child asks: `smtp_alert_vrrp` or `smtp_alert_checker` is the default of its side. */
export type AlertSide = 'vrrp' | 'checker';

/**
 * Whether a block's alerts are mailed: its own `smtp_alert`, else the side's global default,
 * else global `smtp_alert`, else no; never without a server and recipients.
 */
export function alertWanted(g: GlobalDefs, side: AlertSide, own: boolean | undefined): boolean {
  if (!g.smtpServer || g.notificationEmail.length === 0) return false;
  return own ?? (side === 'vrrp' ? g.smtpAlertVrrp : g.smtpAlertChecker) ?? g.smtpAlert ?? false;
}

/**
 * nodemailer over plain SMTP, every phase bounded by the connect timeout. nodemailer (and the
 * TLS, DNS and zlib modules it pulls in, ≈ 12 MB of RSS) is loaded with the first mail, so a
 * child without smtp_alert never carries it.
 */
export const nodemailerTransport: MailTransport = async (m, s) => {
  const { createTransport } = await import('nodemailer');
  const t: Transporter = createTransport({
    host: s.host, port: s.port, secure: false, ignoreTLS: true, name: s.helo,
    connectionTimeout: s.timeoutMs, greetingTimeout: s.timeoutMs, socketTimeout: s.timeoutMs,
  });
  try {
    await t.sendMail({ from: m.from, to: [...m.to], subject: m.subject, text: m.body });
  } finally {
    t.close();
  }
};

export class Mailer {
  /** Mails handed to the transport, delivered, failed (stats and tests). */
  sent = 0;
  delivered = 0;
  failed = 0;
  private readonly running = new Set<Promise<void>>();
  private readonly failLog = new RateLimiter(1, 1 / 60);

  constructor(
    private global: GlobalDefs,
    private readonly log: Logger,
    private readonly clock: Clock,
    private readonly transport: MailTransport = nodemailerTransport,
  ) {}

  /** Follow new global settings (reload). */
  setGlobal(g: GlobalDefs): void {
    this.global = g;
  }

  /** Mail `m` in the background; returns at once. */
  send(m: AlertMail): void {
    const g = this.global;
    if (!g.smtpServer || g.notificationEmail.length === 0) return;
    const server: MailServer = {
      host: g.smtpServer.host, port: g.smtpServer.port, timeoutMs: g.smtpConnectTimeoutMs,
      helo: g.passthrough.smtp_helo_name?.trim() || g.routerId,
    };
    const env: Envelope = { ...m, from: g.notificationEmailFrom ?? `keepalived@${g.routerId}`, to: g.notificationEmail };
    this.sent++;
    const p = this.transport(env, server).then(
      () => {
        this.delivered++;
        this.log.info({ subject: m.subject }, 'SMTP alert successfully sent.');
      },
      (err: unknown) => {
        this.failed++;
        const suppressed = this.failLog.take(this.clock.nowMs());
        if (suppressed < 0) return;
        const detail = err instanceof Error ? err.message : String(err);
        this.log.warn({ code: 'KAD_WARN_SMTP_ALERT', server: `${server.host}:${server.port}`, detail, suppressed },
          `Error sending alert mail "${m.subject}" through [${server.host}]:${server.port}: ${detail}${suppressed ? ` (${suppressed} more failures not logged)` : ''}`);
      },
    );
    const tracked = p.finally(() => this.running.delete(tracked));
    this.running.add(tracked);
  }

  /** Wait for the mails still in flight (tests, graceful stop); never needed for correctness. */
  async settle(): Promise<void> {
    await Promise.all([...this.running]);
  }
}
