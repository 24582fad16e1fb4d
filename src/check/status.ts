/**
 * The checker child's part of the status document: every virtual server with its quorum and
 * real servers, each real server with its weight, verdict and the last result of each checker.
 */
import type { CheckReport, CheckerStatus, RealServerStatus, VirtualServerStatus } from '../status/types.js';
import { liveWeight, rsWeight, type CheckerState, type Farm, type RsState, type VsState } from './farm.js';

function checkerStatus(c: CheckerState): CheckerStatus {
  const out: CheckerStatus = { type: c.spec.type, target: c.target.name, up: c.up, attempts: c.attempts, failures: c.failures, durationTotalMs: c.durationTotalMs ?? 0 };
  if (c.last) {
    out.last = { ok: c.last.ok, at: new Date(c.last.wallMs).toISOString(), durationMs: c.last.durationMs };
    if (c.last.reason !== undefined) out.last.reason = c.last.reason;
    if (c.last.detail !== undefined) out.last.detail = c.last.detail;
  }
  return out;
}

function rsStatus(r: RsState): RealServerStatus {
  return {
    name: r.name, address: r.rs.address, port: r.rs.port, alive: r.alive,
    weight: r.alive ? rsWeight(r) : 0,
    configuredWeight: r.rs.weight, checkers: r.checkers.map(checkerStatus),
  };
}

function vsStatus(v: VsState): VirtualServerStatus {
  return {
    name: v.vs.name, protocol: v.vs.protocol, scheduler: v.vs.scheduler, quorum: v.vs.quorum,
    quorumUp: v.quorumUp, liveWeight: liveWeight(v), realServers: v.realServers.map(rsStatus),
  };
}

/** The checker child's answer to a status request. */
export function buildCheckReport(farm: Farm): CheckReport {
  return { virtualServers: farm.virtualServers.map(vsStatus) };
}
