/**
 * smtp_alert for checkers: which real-server transitions are mailed and keepalived's subject and
 * body for them. Enabled per real server (`smtp_alert`), else per virtual server, else by global
 * `smtp_alert_checker` / `smtp_alert`. Delivery is the shared mailer's (src/supervisor/mailer.ts).
 */
import type { Config, RealServer, VirtualServer } from '../config/model.js';
import { alertWanted, type AlertMail } from '../supervisor/mailer.js';

/** Should a transition of `rs` be mailed? */
export function alertEnabled(config: Config, vs: VirtualServer, rs: RealServer): boolean {
  return alertWanted(config.global, 'checker', rs.smtpAlert ?? vs.smtpAlert);
}

/** The mail keepalived sends: "[router_id] Realserver [ip]:tcp:port of virtual server ... - UP". */
export function alertMail(config: Config, vsName: string, rsName: string, up: boolean): AlertMail {
  return {
    subject: `[${config.global.routerId}] Realserver ${rsName} of virtual server ${vsName} - ${up ? 'UP' : 'DOWN'}`,
    body: up ? '=> CHECK succeed on service <=' : '=> CHECK failed on service <=',
  };
}
