/** DNS_CHECK: query `name`/`type` over UDP; up on a NOERROR reply carrying an answer of that type. */
import { randomInt } from 'node:crypto';
import type { DnsChecker } from '../config/model.js';
import { encodeQuery, judgeAnswer, QTYPE } from './dns-packet.js';
import { udpExchange } from './udp-exchange.js';
import type { CheckEnv, CheckResult, CheckTarget } from './types.js';

export async function runDnsCheck(checker: DnsChecker, target: CheckTarget, env: CheckEnv): Promise<CheckResult> {
  const id = randomInt(0, 0x10000);
  const qtype = QTYPE[checker.queryType];
  const query = encodeQuery(id, checker.name, qtype);
  const out = await udpExchange(target, query, checker.connectTimeoutMs, env.clock, (d) => d.length >= 2 && d.readUInt16BE(0) === id);
  if (out.kind === 'timeout') return { ok: false, reason: 'timeout', detail: 'no reply' };
  if (out.kind === 'error') return { ok: false, reason: out.code === 'ECONNREFUSED' ? 'refused' : 'error', detail: out.code };
  const v = judgeAnswer(out.data, id, qtype);
  return v.ok ? { ok: true } : { ok: false, reason: 'dns-answer', detail: v.detail };
}
