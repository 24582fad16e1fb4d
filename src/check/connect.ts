/**
 * TCP (and TLS) connection with a deadline taken from the injected Clock, shared by TCP_CHECK,
 * HTTP_GET/SSL_GET and SMTP_CHECK. The socket is always destroyed by `done`, so a check never
 * leaks a descriptor whatever the outcome. A target with bind_if or fwmark connects over an own
 * descriptor (src/net/bound-socket.ts) that carries those options; every other one over a plain
 * `net.Socket`.
 */
import { Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import type { Clock, TimerHandle } from '../core/clock.js';
import { boundTcpSocket, needsOwnSocket } from '../net/bound-socket.js';
import { bindingOf, type CheckResult, type CheckTarget, type FailReason } from './types.js';

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
    let opened: Opened;
    try {
      opened = openSocket(target, tls);
    } catch (err) {
      resolve(openFailure(err));
      return;
    }
    const { sock, plain } = opened;
    let finished = false;
    let connected = false;
    const done = (r: CheckResult): void => {
      if (finished) return;
      finished = true;
      clock.clearTimer(timer);
      for (const s of new Set([sock, plain])) {
        s.removeAllListeners();
        s.on('error', () => undefined);
      }
      // An established plain-TCP probe is closed with RST when asked (TCP_CHECK): no FIN exchange
      // and no TIME_WAIT entry per check, which matters at thousands of checks per second.
      if (abortiveClose && !tls && connected) plain.resetAndDestroy();
      else sock.destroy();
      if (plain !== sock) plain.destroy();
      resolve(r);
    };
    const timer: TimerHandle = clock.setTimer(timeoutMs, () => done({ ok: false, reason: 'timeout', detail: 'timeout' }));
    // Under TLS over an own descriptor, connect errors arrive on the TCP socket underneath.
    for (const s of new Set([sock, plain])) s.on('error', (err: NodeJS.ErrnoException) => done(socketFailure(err)));
    sock.once(tls ? 'secureConnect' : 'connect', () => {
      connected = true;
      onConnect(sock, done);
    });
  });
}

/** The socket the conversation uses, and the TCP socket under it (the same one without TLS). */
interface Opened {
  sock: Socket | TLSSocket;
  plain: Socket;
}

function openSocket(target: CheckTarget, tls: TlsOptions | undefined): Opened {
  const dest = { host: target.address, port: target.port, family: target.family };
  const binding = bindingOf(target);
  let plain: Socket | undefined;
  if (needsOwnSocket(binding)) {
    // Bound already (bindto, bind_port): connect() must not be given a local address again.
    plain = boundTcpSocket(binding);
    plain.connect(dest);
  }
  const source = {
    ...(target.bindTo !== undefined ? { localAddress: target.bindTo } : {}),
    ...(target.bindPort !== undefined ? { localPort: target.bindPort } : {}),
  };
  if (!tls) {
    if (plain) return { sock: plain, plain };
    const s = new Socket();
    s.connect({ ...dest, ...source });
    return { sock: s, plain: s };
  }
  const opts: ConnectionOptions = plain ? { ...dest, socket: plain } : { ...dest, ...source };
  opts.rejectUnauthorized = tls.verify;
  // SNI only when asked for (enable_sni / sni_name), like keepalived; never for IP literals.
  if (tls.servername !== undefined) opts.servername = tls.servername;
  else opts.servername = '';
  const sock = tlsConnect(opts);
  return { sock, plain: plain ?? sock };
}

/** The own descriptor could not be made: "setsockopt (SO_BINDTODEVICE eth9): ENODEV". */
function openFailure(err: unknown): CheckResult {
  return { ok: false, reason: 'error', detail: err instanceof Error ? err.message : String(err) };
}

/** Map a socket error to a failure reason. */
export function socketFailure(err: NodeJS.ErrnoException): CheckResult {
  const reason: FailReason = err.code === 'ECONNREFUSED' ? 'refused' : err.code === 'ETIMEDOUT' ? 'timeout' : 'error';
  return { ok: false, reason, detail: err.code ?? err.message };
}
