/**
 * Virtual servers from drafts to the model: timing inherited checker → real server → virtual
 * server → defaults (keepalived.conf(5)), plus the checks keepalived 2.2.7 `-t` makes
 * (protocol, scheduler and method set, real servers present, no duplicates, group references).
 */
import type { Cx } from './context.js';
import type { CheckerType, GlobalDefs, RealServer, VirtualServer, VirtualServerGroup, VsKey } from './model.js';
import { finishChecker, type Timing } from './blocks/checkers.js';
import type { RsDraft, VsDraft } from './blocks/lvs.js';

const DEFAULT_DELAY_LOOP_MS = 60_000;
const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;

function retryDefault(t: CheckerType): number {
  return t === 'DNS_CHECK' ? 3 : t === 'MISC_CHECK' ? 0 : 1;
}

function resolveTiming(type: CheckerType, c: Timing, rs: Timing, vs: Timing): Required<Timing> {
  const delayLoopMs = c.delayLoopMs ?? rs.delayLoopMs ?? vs.delayLoopMs ?? DEFAULT_DELAY_LOOP_MS;
  return {
    connectTimeoutMs: c.connectTimeoutMs ?? rs.connectTimeoutMs ?? vs.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    retry: c.retry ?? rs.retry ?? vs.retry ?? retryDefault(type),
    delayBeforeRetryMs: c.delayBeforeRetryMs ?? rs.delayBeforeRetryMs ?? vs.delayBeforeRetryMs ??
      (type === 'HTTP_GET' || type === 'SSL_GET' ? 3000 : type === 'DNS_CHECK' ? delayLoopMs : 1000),
    delayLoopMs,
    warmupMs: c.warmupMs ?? rs.warmupMs ?? vs.warmupMs ?? delayLoopMs,
    alpha: c.alpha ?? rs.alpha ?? vs.alpha ?? false,
  };
}

/** keepalived's printable service name: `[10.0.0.1]:tcp:80`, `FWM 1`, `group web`. */
export function vsName(key: VsKey, protocol: string): string {
  if (key.kind === 'fwmark') return `FWM ${key.fwmark}`;
  if (key.kind === 'group') return `group ${key.group}`;
  return `[${key.address}]:${protocol.toLowerCase()}:${key.port}`;
}

function finishRs(cx: Cx, r: RsDraft, vs: VsDraft, g: GlobalDefs): RealServer {
  return {
    address: r.address, family: r.family, port: r.port, weight: r.weight,
    forwarding: r.forwarding ?? vs.forwarding ?? { method: 'NAT' },
    ...(r.uthreshold !== undefined ? { uthreshold: r.uthreshold } : {}),
    ...(r.lthreshold !== undefined ? { lthreshold: r.lthreshold } : {}),
    inhibitOnFailure: r.inhibitOnFailure ?? vs.inhibitOnFailure,
    ...(r.notifyUp ? { notifyUp: r.notifyUp } : {}), ...(r.notifyDown ? { notifyDown: r.notifyDown } : {}),
    alpha: r.timing.alpha ?? vs.timing.alpha ?? false,
    ...(r.virtualhost ?? vs.virtualhost ? { virtualhost: r.virtualhost ?? vs.virtualhost } : {}),
    ...(r.smtpAlert !== undefined ? { smtpAlert: r.smtpAlert } : {}),
    checkers: r.checkers.map((c) => finishChecker(c, resolveTiming(c.type, c.timing, r.timing, vs.timing),
      Boolean(c.common.logAllFailures ?? g.checkerLogAllFailures), cx.src(c.head))),
    source: cx.src(r.head),
  };
}

function vsChecks(cx: Cx, v: VsDraft, key: VsKey, name: string): void {
  const at = v.head;
  if (key.kind === 'fwmark' && v.protocol !== undefined) {
    cx.report(at, 'KAD_ERR_CONFIG_INCONSISTENT', `virtual_server ${name}: protocol is ignored for a fwmark service`);
  } else if (key.kind !== 'fwmark' && v.protocol === undefined) {
    cx.report(at, 'KAD_ERR_CONFIG_MISSING_REQUIRED', `virtual_server ${name}: no protocol set (keepalived defaults to UDP, which is rarely meant)`);
  }
  if (key.kind !== 'fwmark' && v.schedFlags.includes('ops') && v.protocol !== 'UDP') {
    cx.report(at, 'KAD_ERR_CONFIG_INCONSISTENT', `virtual_server ${name}: one-packet scheduling (ops) requires UDP; reset, as keepalived 2.2.7 does`);
    v.schedFlags = v.schedFlags.filter((f) => f !== 'ops');
  }
  if (v.scheduler === undefined) cx.report(at, 'KAD_ERR_CONFIG_MISSING_REQUIRED', `virtual_server ${name}: no lb_algo/lvs_sched set; using wlc`);
  if (v.forwarding === undefined) cx.report(at, 'KAD_ERR_CONFIG_MISSING_REQUIRED', `virtual_server ${name}: no lb_kind/lvs_method set; using NAT`);
  if (v.realServers.length === 0) {
    cx.report(at, 'KAD_ERR_CONFIG_MISSING_REQUIRED', `virtual_server ${name} has no real_server; it is ignored`);
  }
}

/** What keepalived 2.2.7 reports on a `virtual_server group` service (measured). */
function groupChecks(cx: Cx, v: VsDraft, group: VirtualServerGroup): void {
  const name = `group ${group.name}`;
  const portless = group.entries.some((e) => e.kind !== 'fwmark' && !e.port);
  if (portless && v.persistenceTimeoutS === undefined) {
    cx.report(v.head, 'KAD_ERR_CONFIG_INCONSISTENT', `virtual_server ${name}: an entry of the group has no port (port 0), which only a persistent service can have; keepalived 2.2.7 reports it and makes the service persistent (persistence_timeout 360), and so does kad`);
    v.persistenceTimeoutS = 360;
  }
  if (v.protocol !== undefined && group.entries.length > 0 && group.entries.every((e) => e.kind === 'fwmark')) {
    cx.report(v.head, 'KAD_ERR_CONFIG_INCONSISTENT', `virtual_server ${name}: protocol is ignored for a group of fwmarks only`);
  }
}

/** Finishes every virtual server and reports duplicates and unknown groups. */
export function finishVirtualServers(cx: Cx, drafts: readonly VsDraft[], groups: readonly VirtualServerGroup[], g: GlobalDefs): VirtualServer[] {
  const groupNames = new Set(groups.map((x) => x.name));
  const byName = new Map(groups.map((x) => [x.name, x] as const));
  const seen = new Map<string, number>();
  const out: VirtualServer[] = [];
  for (const v of drafts) {
    if (!v.key) continue;
    const key = v.key;
    const protocol = key.kind === 'fwmark' ? 'TCP' : v.protocol ?? 'UDP';
    const name = vsName(key, protocol);
    if (key.kind === 'group' && !groupNames.has(key.group)) {
      // keepalived drops such a service without a word (and without checking it further).
      cx.report(v.head, 'KAD_WARN_CONFIG_UNKNOWN_GROUP', `virtual_server group '${key.group}': no virtual_server_group of that name; the service is ignored`);
      continue;
    }
    vsChecks(cx, v, key, name);
    if (key.kind === 'group') groupChecks(cx, v, byName.get(key.group)!);
    const id = `${name}|${protocol}`;
    const first = seen.get(id);
    if (first !== undefined) {
      cx.report(v.head, 'KAD_WARN_CONFIG_DUPLICATE_SERVICE', `virtual_server ${name} is already defined at line ${first}; keepalived 2.2.7 accepts this (exit 0) though both definitions name the one IPVS service; kad uses only the first and ignores this one: merge them into one block`);
      continue;
    }
    seen.set(id, v.head.line);
    out.push({
      key, name, protocol, scheduler: v.scheduler ?? 'wlc', schedFlags: v.schedFlags, forwarding: v.forwarding ?? { method: 'NAT' },
      ...(v.persistenceTimeoutS !== undefined ? { persistenceTimeoutS: v.persistenceTimeoutS } : {}),
      ...(v.persistenceGranularity ? { persistenceGranularity: v.persistenceGranularity } : {}),
      ...(v.persistenceEngine ? { persistenceEngine: v.persistenceEngine } : {}),
      ...(v.ipFamily ? { ipFamily: v.ipFamily } : {}),
      haSuspend: v.haSuspend, ...(v.virtualhost ? { virtualhost: v.virtualhost } : {}),
      alpha: v.timing.alpha ?? false, omega: v.omega, quorum: v.quorum, hysteresis: v.hysteresis,
      ...(v.quorumUp ? { quorumUp: v.quorumUp } : {}), ...(v.quorumDown ? { quorumDown: v.quorumDown } : {}),
      ...(v.sorryServer ? { sorryServer: v.sorryServer } : {}),
      delayLoopMs: v.timing.delayLoopMs ?? DEFAULT_DELAY_LOOP_MS, inhibitOnFailure: v.inhibitOnFailure,
      realServers: v.realServers.map((r) => finishRs(cx, r, v, g)),
      ...(v.smtpAlert !== undefined ? { smtpAlert: v.smtpAlert } : {}),
      source: cx.src(v.head),
    });
  }
  return out;
}
