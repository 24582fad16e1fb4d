/**
 * PING_CHECK: one ICMP (or ICMPv6) echo through a raw socket (src/net/icmp-socket.ts, needs
 * CAP_NET_RAW) sent from bindto, through bind_if and with fwmark when they are set; up when
 * the matching echo reply arrives before connect_timeout.
 */
import { randomInt } from 'node:crypto';
import type { PingChecker } from '../config/model.js';
import type { TimerHandle } from '../core/clock.js';
import { errnoName } from '../core/errors.js';
import { IcmpSocket } from '../net/icmp-socket.js';
import { encodeEcho, isEchoReply } from './icmp-packet.js';
import { bindingOf, type CheckEnv, type CheckResult, type CheckTarget } from './types.js';

let nextSeq = randomInt(0, 0x10000);

export function runPingCheck(checker: PingChecker, target: CheckTarget, env: CheckEnv): Promise<CheckResult> {
  return new Promise((resolve) => {
    const fam = target.family;
    const id = process.pid & 0xffff;
    const seq = (nextSeq = (nextSeq + 1) & 0xffff);
    let finished = false;
    let sock: IcmpSocket | undefined;
    const done = (r: CheckResult): void => {
      if (finished) return;
      finished = true;
      env.clock.clearTimer(timer);
      sock?.close();
      resolve(r);
    };
    const timer: TimerHandle = env.clock.setTimer(checker.connectTimeoutMs, () => done({ ok: false, reason: 'timeout', detail: 'no echo reply' }));
    try {
      sock = IcmpSocket.open({
        binding: bindingOf(target),
        onMessage: (buf, source) => {
          if (source === target.address && isEchoReply(fam, buf, id, seq)) done({ ok: true });
        },
        onError: (err) => done({ ok: false, reason: 'error', detail: err.errnoInfo?.code ?? err.message }),
      });
    } catch (err) {
      done({ ok: false, reason: 'error', detail: (err as Error).message });
      return;
    }
    const n = sock.send(encodeEcho(fam, id, seq, Buffer.from('kad-ping-check')), target.address);
    if (n < 0) done({ ok: false, reason: 'error', detail: errnoName(-n) });
  });
}
