/**
 * The checker child's part of the status document: every virtual server with its quorum and
 * real servers, each real server with its weight, verdict and the last result of each checker,
 * and, with a kernel IPVS table, the traffic counters of its services and their destinations.
 */
import { destKey, PROTOCOL_NUMBER, type DumpedEntry, type IpvsStats } from '../ipvs/model.js';
import type { CheckReport, CheckerStatus, LvsCounters, LvsServiceTraffic, RealServerStatus, VirtualServerStatus } from '../status/types.js';
import { liveWeight, rsWeight, type CheckerState, type Farm, type RsState, type VsState } from './farm.js';

function checkerStatus(c: CheckerState, withLast: boolean): CheckerStatus {
  const out: CheckerStatus = { type: c.spec.type, target: c.target.name, up: c.up, attempts: c.attempts, failures: c.failures, durationTotalMs: c.durationTotalMs ?? 0 };
  if (c.last && withLast) {
    out.last = { ok: c.last.ok, at: new Date(c.last.wallMs).toISOString(), durationMs: c.last.durationMs };
    if (c.last.reason !== undefined) out.last.reason = c.last.reason;
    if (c.last.detail !== undefined) out.last.detail = c.last.detail;
  }
  return out;
}

function rsStatus(r: RsState, withLast: boolean): RealServerStatus {
  return {
    name: r.name, address: r.rs.address, port: r.rs.port, alive: r.alive,
    weight: r.alive ? rsWeight(r) : 0,
    configuredWeight: r.rs.weight, checkers: r.checkers.map((c) => checkerStatus(c, withLast)),
  };
}

const counters = (s: IpvsStats): LvsCounters => ({ conns: s.conns, inPkts: s.inPkts, outPkts: s.outPkts, inBytes: s.inBytes, outBytes: s.outBytes });

/** One kernel service as keepalived-exporter labels it: `addr` address:port (fwmark:N), `proto` number. */
function lvsTraffic(e: DumpedEntry): LvsServiceTraffic {
  const s = e.service;
  const fwmark = s.fwmark > 0;
  return {
    addr: fwmark ? `fwmark:${s.fwmark}` : destKey(s),
    proto: fwmark ? 0 : PROTOCOL_NUMBER[s.protocol],
    counters: counters(s.stats),
    dests: e.dests.map((d) => ({ addr: destKey(d), counters: counters(d.stats) })),
  };
}

function vsStatus(v: VsState, traffic: readonly DumpedEntry[] | undefined, withLast: boolean): VirtualServerStatus {
  const out: VirtualServerStatus = {
    name: v.vs.name, protocol: v.vs.protocol, scheduler: v.vs.scheduler, quorum: v.vs.quorum,
    quorumUp: v.quorumUp, liveWeight: liveWeight(v), realServers: v.realServers.map((r) => rsStatus(r, withLast)),
  };
  if (traffic) out.lvs = traffic.map(lvsTraffic);
  return out;
}

/**
 * The checker child's answer to a status request; `traffic` (virtual server name → its dumped
 * kernel services) is absent without a kernel IPVS table. `withLast: false` leaves out each
 * checker's last result (the metrics do not use it; 1000 timestamps a scrape).
 */
export function buildCheckReport(farm: Farm, traffic?: ReadonlyMap<string, readonly DumpedEntry[]>, withLast = true): CheckReport {
  return { virtualServers: farm.virtualServers.map((v) => vsStatus(v, traffic?.get(v.vs.name), withLast)) };
}
