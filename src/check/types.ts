/**
 * Shared shapes of the checker subsystem: what one check attempt returns, where it connects,
 * and the environment (clock, logger, scripts) a checker runs in. Every checker type is one
 * function `(checker, target, env) → Promise<CheckResult>` that never rejects and never
 * outlives its timeout.
 */
import type { Clock } from '../core/clock.js';
import type { Checker, Config, Family, RealServer, VirtualServer } from '../config/model.js';
import type { SocketBinding } from '../net/bound-socket.js';
import type { ScriptRunner } from '../script/types.js';

/** Why an attempt failed; used in logs and counters. */
export type FailReason =
  | 'refused'
  | 'timeout'
  | 'error'
  | 'status'
  | 'digest'
  | 'protocol'
  | 'dns-answer'
  | 'reply'
  | 'exit'
  | 'signal';

export type CheckResult =
  | { ok: true; /** misc_dynamic / FILE_CHECK: the weight the server should carry. */ weight?: number; detail?: string }
  | { ok: false; reason: FailReason; detail: string };

/** Where an attempt goes: connect_ip/connect_port already resolved against the real server. */
export interface CheckTarget {
  address: string;
  port: number;
  family: Family;
  bindTo?: string;
  bindPort?: number;
  /** bind_if: SO_BINDTODEVICE. */
  bindIf?: string;
  /** fwmark: SO_MARK (0 or unset: none). */
  fwmark?: number;
  /** Printable like keepalived: `[10.0.0.2]:tcp:80`. */
  name: string;
  vs: VirtualServer;
  rs: RealServer;
}

/** What a checker may use: time, config (FILE_CHECK looks up track_file), the script runner (MISC_CHECK). */
export interface CheckEnv {
  clock: Clock;
  config: Config;
  scripts?: ScriptRunner;
}

export type CheckFn<C extends Checker = Checker> = (checker: C, target: CheckTarget, env: CheckEnv) => Promise<CheckResult>;

/** Format an endpoint the way keepalived's FMT_RS/FMT_VS do: `[addr]:proto:port`. */
export function endpointName(address: string, protocol: string, port: number): string {
  return `[${address}]:${protocol.toLowerCase()}:${port}`;
}

/** Resolve the connection endpoint of `checker` for real server `rs` of `vs`. */
export function resolveTarget(checker: Checker, vs: VirtualServer, rs: RealServer): CheckTarget {
  const address = checker.connectIp ?? rs.address;
  const port = checker.connectPort ?? rs.port;
  const family = address.includes(':') ? 6 : 4;
  const proto = checker.type === 'UDP_CHECK' || checker.type === 'DNS_CHECK' ? 'udp' : vs.protocol;
  const t: CheckTarget = { address, port, family, name: endpointName(address, proto, port), vs, rs };
  if (checker.bindTo !== undefined) t.bindTo = checker.bindTo;
  if (checker.bindPort !== undefined) t.bindPort = checker.bindPort;
  if (checker.bindIf !== undefined) t.bindIf = checker.bindIf;
  if (checker.fwmark !== undefined) t.fwmark = checker.fwmark;
  return t;
}

/** The socket options of a target: source address and port, interface, mark. */
export function bindingOf(t: CheckTarget): SocketBinding {
  const b: SocketBinding = { family: t.family };
  if (t.bindTo !== undefined) b.bindTo = t.bindTo;
  if (t.bindPort !== undefined) b.bindPort = t.bindPort;
  if (t.bindIf !== undefined) b.bindIf = t.bindIf;
  if (t.fwmark !== undefined) b.fwmark = t.fwmark;
  return b;
}
