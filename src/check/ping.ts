/**
 * PING_CHECK: one ICMP (or ICMPv6) echo through a raw socket (npm raw-socket, needs
 * CAP_NET_RAW); up when the matching echo reply arrives before connect_timeout.
 * This file is the raw-socket seam of the checker.
 */
import { createRequire } from 'node:module';
import { randomInt } from 'node:crypto';
import type { PingChecker } from '../config/model.js';
import type { TimerHandle } from '../core/clock.js';
import { encodeEcho, isEchoReply } from './icmp-packet.js';
import type { CheckEnv, CheckResult, CheckTarget } from './types.js';

interface RawSocket {
  on(ev: 'message', fn: (buf: Buffer, source: string) => void): void;
  on(ev: 'error', fn: (err: Error) => void): void;
  send(buf: Buffer, off: number, len: number, addr: string, cb: (err: Error | null) => void): void;
  close(): void;
}
interface RawModule {
  createSocket(o: { protocol: number; addressFamily: number }): RawSocket;
  Protocol: { ICMP: number; ICMPv6: number };
  AddressFamily: { IPv4: number; IPv6: number };
}

const require = createRequire(import.meta.url);
let raw: RawModule | undefined;
function rawModule(): RawModule {
  raw ??= require('raw-socket') as RawModule;
  return raw;
}

let nextSeq = randomInt(0, 0x10000);

export function runPingCheck(checker: PingChecker, target: CheckTarget, env: CheckEnv): Promise<CheckResult> {
  return new Promise((resolve) => {
    const m = rawModule();
    const fam = target.family;
    let sock: RawSocket;
    try {
      sock = m.createSocket(fam === 4
        ? { protocol: m.Protocol.ICMP, addressFamily: m.AddressFamily.IPv4 }
        : { protocol: m.Protocol.ICMPv6, addressFamily: m.AddressFamily.IPv6 });
    } catch (err) {
      resolve({ ok: false, reason: 'error', detail: (err as Error).message });
      return;
    }
    const id = process.pid & 0xffff;
    const seq = (nextSeq = (nextSeq + 1) & 0xffff);

    let finished = false;
    const done = (r: CheckResult): void => {
      if (finished) return;
      finished = true;
      env.clock.clearTimer(timer);
      sock.close();
      resolve(r);
    };
    const timer: TimerHandle = env.clock.setTimer(checker.connectTimeoutMs, () => done({ ok: false, reason: 'timeout', detail: 'no echo reply' }));
    sock.on('error', (err) => done({ ok: false, reason: 'error', detail: err.message }));
    sock.on('message', (buf, source) => {
      if (source === target.address && isEchoReply(fam, buf, id, seq)) done({ ok: true });
    });
    const pkt = encodeEcho(fam, id, seq, Buffer.from('kad-ping-check'));
    sock.send(pkt, 0, pkt.length, target.address, (err) => {
      if (err) done({ ok: false, reason: 'error', detail: err.message });
    });
  });
}
