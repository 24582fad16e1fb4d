/**
 * One UDP request/response exchange on a connected socket with a Clock deadline, shared by
 * UDP_CHECK and DNS_CHECK. The socket is always closed. A connected UDP socket reports an ICMP
 * port unreachable as ECONNREFUSED, which is how "down" is seen without a reply.
 */
import { createSocket, type Socket } from 'node:dgram';
import type { Clock, TimerHandle } from '../core/clock.js';
import type { CheckTarget } from './types.js';

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
    const sock: Socket = createSocket(target.family === 6 ? 'udp6' : 'udp4');

    let finished = false;
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
    sock.on('error', (err: NodeJS.ErrnoException) => done({ kind: 'error', code: err.code ?? err.message }));
    sock.on('message', (d: Buffer) => {
      if (accept(d)) done({ kind: 'reply', data: d });
    });
    const start = (): void => sock.connect(target.port, target.address, () => sock.send(payload));
    if (target.bindTo !== undefined || target.bindPort !== undefined) {
      sock.bind({ address: target.bindTo, port: target.bindPort ?? 0 }, start);
    } else start();
  });
}
