/**
 * One UDP request/response exchange on a connected socket (bound as bindto, bind_port, bind_if
 * and fwmark ask: see src/net/bound-socket.ts) with a Clock deadline, shared by UDP_CHECK and
 * DNS_CHECK. The socket is always closed. A connected UDP socket reports an ICMP
 * port unreachable as ECONNREFUSED, which is how "down" is seen without a reply.
 */
import type { Socket } from 'node:dgram';
import type { Clock, TimerHandle } from '../core/clock.js';
import { boundUdpSocket } from '../net/bound-socket.js';
import { bindingOf, type CheckTarget } from './types.js';

export type UdpOutcome =
  | { kind: 'reply'; data: Buffer }
  | { kind: 'timeout' }
  | { kind: 'error'; code: string };

/** Send `payload`, then wait for the first datagram `accept` takes, an error or the deadline. */
export function udpExchange(
  target: CheckTarget,
  payload: Buffer,
  timeoutMs: number,
  clock: Clock,
  accept: (d: Buffer) => boolean = () => true,
): Promise<UdpOutcome> {
  return new Promise((resolve) => {
    let sock: Socket;
    let finished = false;
    const failed = (err: NodeJS.ErrnoException): void => done({ kind: 'error', code: err.code ?? err.message });
    // dgram hands a connect error (ENETUNREACH: no route) to the callback, not to 'error'.
    const start = (): void => {
      if (finished) return;
      sock.connect(target.port, target.address, (err?: NodeJS.ErrnoException) => (err ? failed(err) : sock.send(payload)));
    };
    try {
      sock = boundUdpSocket(bindingOf(target), start);
    } catch (err) {
      resolve({ kind: 'error', code: err instanceof Error ? err.message : String(err) });
      return;
    }
    const done = (o: UdpOutcome): void => {
      if (finished) return;
      finished = true;
      clock.clearTimer(timer);
      sock.removeAllListeners();
      sock.on('error', () => undefined);
      try {
        sock.close();
      } catch {
        // already closed
      }
      resolve(o);
    };
    const timer: TimerHandle = clock.setTimer(timeoutMs, () => done({ kind: 'timeout' }));
    sock.on('error', failed);
    sock.on('message', (d: Buffer) => {
      if (accept(d)) done({ kind: 'reply', data: d });
    });
  });
}
