/**
 * SMTP_CHECK: read the 220 greeting, send `HELO helo_name`, expect 250, then QUIT. With `host`
 * blocks every host is checked in turn and all must answer.
 */
import type { SmtpChecker, SmtpHost } from '../config/model.js';
import { withConnection } from './connect.js';
import { endpointName, type CheckEnv, type CheckResult, type CheckTarget } from './types.js';

/** Complete reply code once a final line (`NNN ` or `NNN\r\n`) has been received. */
export function smtpReply(buffer: string): number | undefined {
  const lines = buffer.split('\r\n');
  for (const line of lines.slice(0, -1)) {
    const m = /^(\d{3})(?: |$)/.exec(line);
    if (m) return Number(m[1]);
  }
  return undefined;
}

function converse(checker: SmtpChecker, target: CheckTarget, timeoutMs: number, env: CheckEnv): Promise<CheckResult> {
  return withConnection(target, timeoutMs, env.clock, undefined, (sock, done) => {
    let buf = '';
    let stage: 'greeting' | 'helo' = 'greeting';
    sock.on('data', (d: Buffer) => {
      buf += d.toString('latin1');
      const code = smtpReply(buf);
      if (code === undefined) return;
      buf = '';
      if (stage === 'greeting') {
        if (code !== 220) return done({ ok: false, reason: 'protocol', detail: `greeting ${code}` });
        stage = 'helo';
        sock.write(`HELO ${checker.heloName}\r\n`);
        return;
      }
      if (code !== 250) return done({ ok: false, reason: 'protocol', detail: `HELO answered ${code}` });
      sock.write('QUIT\r\n');
      done({ ok: true });
    });
    sock.on('end', () => done({ ok: false, reason: 'protocol', detail: 'connection closed' }));
  });
}

/** The target of one SMTP_CHECK `host { }`: its connect_ip, connect_port, bindto, bind_if and fwmark over the checker's. */
export function hostTarget(base: CheckTarget, h: SmtpHost): CheckTarget {
  const address = h.connectIp ?? base.address;
  const port = h.connectPort ?? base.port;
  const t: CheckTarget = { ...base, address, port, family: address.includes(':') ? 6 : 4, name: endpointName(address, 'tcp', port) };
  if (h.bindTo !== undefined) t.bindTo = h.bindTo;
  if (h.bindIf !== undefined) t.bindIf = h.bindIf;
  if (h.fwmark !== undefined) t.fwmark = h.fwmark;
  return t;
}

export async function runSmtpCheck(checker: SmtpChecker, target: CheckTarget, env: CheckEnv): Promise<CheckResult> {
  if (checker.hosts.length === 0) return converse(checker, target, checker.connectTimeoutMs, env);
  for (const h of checker.hosts) {
    const t = hostTarget(target, h);
    const r = await converse(checker, t, h.connectTimeoutMs ?? checker.connectTimeoutMs, env);
    if (!r.ok) return { ...r, detail: `${t.name} ${r.detail}` };
  }
  return { ok: true };
}
