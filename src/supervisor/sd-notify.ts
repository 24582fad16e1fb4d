/**
 * systemd readiness protocol (sd_notify(3)): one datagram "KEY=VALUE\n..." to $NOTIFY_SOCKET.
 * kad sends READY=1 (with MAINPID) once every child has read its configuration, RELOADING=1 and
 * READY=1 around a reload, STOPPING=1 on stop and ERRNO=n on a fatal start failure, like keepalived.
 * Without NOTIFY_SOCKET every call is a no-op.
 */
import { UnixDgramSender } from '../net/unix-dgram.js';
import type { Logger } from '../core/log.js';

/** What the supervisor tells the service manager. */
export interface Notifier {
  ready(mainPid: number): void;
  reloading(monotonicUs: bigint): void;
  stopping(): void;
  errno(errno: number): void;
  close(): void;
}

/** Format one notification; pure. */
export function formatNotify(fields: Readonly<Record<string, string | number | bigint>>): string {
  return Object.entries(fields).map(([k, v]) => `${k}=${String(v)}`).join('\n');
}

/** A notifier for `socketPath` (from NOTIFY_SOCKET); undefined path → no-op notifier. */
export function createNotifier(socketPath: string | undefined, log: Logger): Notifier {
  if (!socketPath) {
    const noop = (): void => undefined;
    return { ready: noop, reloading: noop, stopping: noop, errno: noop, close: noop };
  }
  const sender = new UnixDgramSender();
  const send = (fields: Record<string, string | number | bigint>): void => {
    try {
      sender.send(socketPath, Buffer.from(formatNotify(fields)));
    } catch (err) {
      // systemd gone or socket unusable: the daemon keeps running, the failure is logged.
      log.warn({ code: 'KAD_WARN_SUPERVISOR_NOTIFY', err: (err as Error).message }, 'sd_notify failed');
    }
  };
  return {
    ready: (mainPid) => send({ READY: 1, STATUS: 'running', MAINPID: mainPid }),
    // systemd >= 253 expects MONOTONIC_USEC with RELOADING=1 (Type=notify-reload); older ignore it.
    reloading: (monotonicUs) => send({ RELOADING: 1, STATUS: 'reloading', MONOTONIC_USEC: monotonicUs }),
    stopping: () => send({ STOPPING: 1, STATUS: 'stopping' }),
    errno: (n) => send({ ERRNO: n }),
    close: () => sender.close(),
  };
}
