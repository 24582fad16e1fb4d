/**
 * UDP_CHECK: send `payload`. With require_reply the reply must arrive, have a length within
 * min/max_reply_length and match the hex pattern (`X` = any nibble). Without it the server is
 * up unless an ICMP port unreachable comes back before connect_timeout.
 */
import type { UdpChecker } from '../config/model.js';
import { udpExchange } from './udp-exchange.js';
import type { CheckEnv, CheckResult, CheckTarget } from './types.js';

/** Does `data` start with `pattern` (hex digits, `X`/`x` matching any nibble)? */
export function matchesPattern(data: Buffer, pattern: string): boolean {
  const hex = data.toString('hex');
  const p = pattern.replace(/\s+/g, '').toLowerCase();
  if (hex.length < p.length) return false;
  for (let i = 0; i < p.length; i++) {
    if (p[i] !== 'x' && p[i] !== hex[i]) return false;
  }
  return true;
}

/** Judge a reply (pure). */
export function judgeReply(checker: UdpChecker, data: Buffer): CheckResult {
  if (data.length < checker.minReplyLength || data.length > checker.maxReplyLength) {
    return { ok: false, reason: 'reply', detail: `reply length ${data.length}` };
  }
  if (checker.replyPattern !== undefined && !matchesPattern(data, checker.replyPattern)) {
    return { ok: false, reason: 'reply', detail: 'reply does not match' };
  }
  return { ok: true };
}

export async function runUdpCheck(checker: UdpChecker, target: CheckTarget, env: CheckEnv): Promise<CheckResult> {
  const payload = Buffer.from(checker.payload ?? '', 'hex');
  const out = await udpExchange(target, payload, checker.connectTimeoutMs, env.clock);
  if (out.kind === 'error') {
    return { ok: false, reason: out.code === 'ECONNREFUSED' ? 'refused' : 'error', detail: out.code };
  }
  if (out.kind === 'timeout') {
    return checker.requireReply ? { ok: false, reason: 'timeout', detail: 'no reply' } : { ok: true };
  }
  return checker.requireReply ? judgeReply(checker, out.data) : { ok: true };
}
