/**
 * The checker's data dump (SIGUSR1 → keepalived_check.data), laid out like keepalived's
 * "Health checkers" and "LVS Topology" sections: one block per checked service, then the
 * virtual servers with their real servers and live state. Pure.
 */
import type { Checker } from '../config/model.js';
import type { Farm, RsState, VsState } from './farm.js';
import { rsWeight } from './farm.js';

const yes = (b: boolean): string => (b ? 'yes' : 'no');

function checkerLines(c: Checker, up: boolean, target: string): string[] {
  const out = [
    `   Keepalive method = ${c.type}`,
    `   Connection dest = ${target}`,
    `   Alive = ${yes(up)}`,
    `   Connection timeout = ${c.connectTimeoutMs / 1000}`,
    `   Retry = ${c.retry}`,
    `   Delay before retry = ${c.delayBeforeRetryMs / 1000}`,
    `   Delay loop = ${c.delayLoopMs / 1000}`,
    `   Warmup = ${c.warmupMs / 1000}`,
    `   Log all failures = ${yes(c.logAllFailures)}`,
  ];
  if (c.type === 'HTTP_GET' || c.type === 'SSL_GET') {
    for (const u of c.urls) {
      out.push(`   Checked url = ${u.path}`);
      if (u.digest) out.push(`     digest = ${u.digest}`);
      out.push(`     HTTP Status Code = ${u.statusCodes.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(', ') || '200-299'}`);
    }
  } else if (c.type === 'MISC_CHECK') {
    out.push(`   Script = ${c.script.text}`, `   Timeout = ${c.miscTimeoutMs / 1000}`, `   Dynamic = ${yes(c.dynamic)}`);
  } else if (c.type === 'DNS_CHECK') {
    out.push(`   Type = ${c.queryType}`, `   Name = ${c.name}`);
  } else if (c.type === 'SMTP_CHECK') {
    out.push(`   helo = ${c.heloName}`);
  }
  return out;
}

function rsLines(r: RsState): string[] {
  const out = [
    `   Real Server = ${r.name}`,
    `     weight = ${rsWeight(r)}`,
    `     alive = ${yes(r.alive)}`,
    `     inhibit_on_failure = ${yes(r.rs.inhibitOnFailure)}`,
    `     forwarding method = ${r.rs.forwarding.method}`,
  ];
  if (r.rs.notifyUp) out.push(`     notify_up = ${r.rs.notifyUp.text}`);
  if (r.rs.notifyDown) out.push(`     notify_down = ${r.rs.notifyDown.text}`);
  return out;
}

function vsLines(v: VsState): string[] {
  const vs = v.vs;
  const out = [
    ` Virtual Server = ${vs.name}`,
    `   delay_loop = ${vs.delayLoopMs / 1000}, lvs_sched = ${vs.scheduler}`,
    `   protocol = ${vs.protocol}`,
    `   alpha is ${vs.alpha ? 'ON' : 'OFF'}, omega is ${vs.omega ? 'ON' : 'OFF'}`,
    `   quorum = ${vs.quorum}, hysteresis = ${vs.hysteresis}`,
    `   Quorum state = ${v.quorumUp ? 'UP' : 'DOWN'}`,
    `   ha_suspend = ${yes(vs.haSuspend)}`,
    `   default forwarding method = ${vs.forwarding.method}`,
  ];
  if (vs.sorryServer) out.push(`   sorry server = ${vs.sorryServer.address}:${vs.sorryServer.port}${vs.sorryServer.inhibit ? ' inhibit' : ''}`);
  for (const r of v.realServers) out.push(...rsLines(r));
  return out;
}

/** The text of keepalived_check.data. */
export function formatCheckData(farm: Farm, wallMs: number): string {
  const lines = [`------< Health checkers data: ${new Date(wallMs).toUTCString()} >------`, '------< Health checkers >------'];
  for (const r of farm.realServers()) {
    for (const c of r.checkers) lines.push(` ${c.target.name}`, ...checkerLines(c.spec, c.up, c.target.name));
  }
  lines.push('------< LVS Topology >------');
  for (const v of farm.virtualServers) lines.push(...vsLines(v));
  return lines.join('\n') + '\n';
}
