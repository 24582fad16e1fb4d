/**
 * TCP (and TLS) connection with a deadline taken from the injected Clock, shared by TCP_CHECK,
 * HTTP_GET/SSL_GET and SMTP_CHECK. The socket is always destroyed by `finish`, so a check never
 * leaks a descriptor whatever the outcome.
 */
import { Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import type { Clock, TimerHandle } from '../core/clock.js';
import type { CheckResult, CheckTarget, FailReason } from './types.js';

export interface TlsOptions {
  servername?: string;
  verify: boolean;
}

/**
 * One connection attempt: `onConnect` drives the conversation and calls `done` once; the
 * deadline (`timeoutMs`, from the start) ends it with `timeout`. Resolves exactly once.
 * `abortiveClose`: end an established plain-TCP connection with RST instead of FIN.
 */
export function withConnection(
  target: CheckTarget,
  timeoutMs: number,
  clock: Clock,
  tls: TlsOptions | undefined,
  onConnect: (sock: Socket | TLSSocket, done: (r: CheckResult) => void) => void,
  abortiveClose = false,
): Promise<CheckResult> {
  return new Promise((resolve) => {
    let finished = false;
    let connected = false;
    const sock = openSocket(target, tls);
    const done = (r: CheckResult): void => {
      if (finished) return;
      finished = true;
      clock.clearTimer(timer);
      sock.removeAllListeners();
      sock.on('error', () => undefined);
      // An established plain-TCP probe is closed with RST when asked (TCP_CHECK): no FIN exchange
      // and no TIME_WAIT entry per check, which matters at thousands of checks per second.
      if (abortiveClose && !tls && connected) (sock as Socket).resetAndDestroy();
      else sock.destroy();
      resolve(r);
    };
    const timer: TimerHandle = clock.setTimer(timeoutMs, () => done({ ok: false, reason: 'timeout', detail: 'timeout' }));
    sock.on('error', (err: NodeJS.ErrnoException) => done(socketFailure(err)));
    sock.once(tls ? 'secureConnect' : 'connect', () => {
      connected = true;
      onConnect(sock, done);
    });
  });
}

function openSocket(target: CheckTarget, tls: TlsOptions | undefined): Socket | TLSSocket {
  const base = {
    host: target.address,
    port: target.port,
    family: target.family,
    ...(target.bindTo !== undefined ? { localAddress: target.bindTo } : {}),
    ...(target.bindPort !== undefined ? { localPort: target.bindPort } : {}),
  };
  if (!tls) {
    const s = new Socket();
    s.connect(base);
    return s;
  }
  const opts: ConnectionOptions = { ...base, rejectUnauthorized: tls.verify };
  // SNI only when asked for (enable_sni / sni_name), like keepalived; never for IP literals.
  if (tls.servername !== undefined) opts.servername = tls.servername;
  else opts.servername = '';
  return tlsConnect(opts);
}

/** Map a socket error to a failure reason. */
export function socketFailure(err: NodeJS.ErrnoException): CheckResult {
  const reason: FailReason = err.code === 'ECONNREFUSED' ? 'refused' : err.code === 'ETIMEDOUT' ? 'timeout' : 'error';
  return { ok: false, reason, detail: err.code ?? err.message };
}
