/**
 * Config + checker snapshot → the IPVS table kad wants in the kernel. Pure.
 *
 * - One service per virtual_server; a `virtual_server_group` expands to one service per
 *   address, address range member and fwmark in the group, each with the same destinations.
 * - Destinations carry the real server's port on every kind of service, fwmark included (0 when
 *   the config gives none), as keepalived's ipvs_set_drule does.
 * - A real server the checker reports alive is a destination with its effective weight; a dead
 *   one is absent, or present with weight 0 when `inhibit_on_failure` is set (keepalived sends
 *   SET_DEST weight 0 rather than DEL_DEST, so persistent clients are not re-scheduled).
 * - When the checker reports quorum down, the sorry_server is added (weight 1) and the real
 *   servers still alive leave the pool (weight 0 with inhibit_on_failure), as keepalived's
 *   update_quorum_state does; with `sorry_server_inhibit` the sorry server stays in the table
 *   at weight 0 while quorum is up.
 * - A virtual server missing from the snapshot (before the first check) starts with every real
 *   server up except in alpha mode, as keepalived does.
 */
import type { Config, Forwarding, RealServer, SorryServer, VirtualServer, VirtualServerGroup } from '../config/model.js';
import { rsKey } from './port.js';
import type { CheckerSnapshot, VsStatus } from './port.js';
import { canonicalAddress } from '../core/addr.js';
import { addressRange, netmaskPrefixLen } from './addr.js';
import { serviceKey, SVC_F, type DumpedEntry, type IpvsDest, type IpvsService, type IpvsTable, type TableEntry } from './model.js';

/** Scheduler flag keywords (`lvs_sched_flags` / `sh-port` ...) → `IP_VS_SVC_F_*`. */
const SCHED_FLAG_BITS: Readonly<Record<string, number>> = Object.freeze({
  'flag-1': SVC_F.SCHED1,
  'flag-2': SVC_F.SCHED2,
  'flag-3': SVC_F.SCHED3,
  'sh-fallback': SVC_F.SCHED1,
  'sh-port': SVC_F.SCHED2,
  'mh-fallback': SVC_F.SCHED1,
  'mh-port': SVC_F.SCHED2,
  ops: SVC_F.ONEPACKET,
  'one-packet': SVC_F.ONEPACKET,
});

/** `persistence_granularity` (IPv4 netmask or IPv6 prefix length) → prefix length. */
export function granularityPrefixLen(text: string | undefined, family: 4 | 6): number {
  const full = family === 4 ? 32 : 128;
  if (text === undefined || text === '') return full;
  if (/^\d+$/.test(text)) return Math.min(Number(text), full);
  return netmaskPrefixLen(text) ?? full;
}

/** The service template (no address yet) that a virtual server asks for. */
function serviceTemplate(vs: VirtualServer): Omit<IpvsService, 'family' | 'address' | 'port' | 'fwmark'> {
  let flags = 0;
  for (const f of vs.schedFlags) flags |= SCHED_FLAG_BITS[f] ?? 0;
  const persistent = vs.persistenceTimeoutS !== undefined && vs.persistenceTimeoutS > 0;
  if (persistent) flags |= SVC_F.PERSISTENT;
  return {
    protocol: vs.protocol,
    scheduler: vs.scheduler,
    flags,
    persistenceTimeoutS: persistent ? vs.persistenceTimeoutS! : 0,
    netmaskPrefixLen: 0,
    peName: vs.persistenceEngine ?? '',
  };
}

/** Service identities of one virtual server (several for a group). */
function serviceIdentities(vs: VirtualServer, groups: ReadonlyMap<string, VirtualServerGroup>): Pick<IpvsService, 'family' | 'address' | 'port' | 'fwmark'>[] {
  const k = vs.key;
  if (k.kind === 'ip') return [{ family: k.family, address: canonicalAddress(k.address, k.family) ?? k.address, port: k.port, fwmark: 0 }];
  if (k.kind === 'fwmark') return [{ family: vs.ipFamily ?? k.family, address: '', port: 0, fwmark: k.fwmark }];
  const group = groups.get(k.group);
  if (!group) return [];
  return group.entries.flatMap((e) => {
    if (e.kind === 'fwmark') return [{ family: vs.ipFamily ?? e.family, address: '', port: 0, fwmark: e.fwmark ?? 0 }];
    const port = e.port ?? 0;
    if (e.kind === 'range' && e.lastAddress) {
      return addressRange(e.address!, e.lastAddress, e.family).map((address) => ({ family: e.family, address, port, fwmark: 0 }));
    }
    return [{ family: e.family, address: canonicalAddress(e.address!, e.family) ?? e.address!, port, fwmark: 0 }];
  });
}

function dest(address: string, family: 4 | 6, port: number, fwd: Forwarding, weight: number, rs?: RealServer): IpvsDest {
  return {
    family,
    address: canonicalAddress(address, family) ?? address,
    port,
    method: fwd.method,
    weight: Math.max(0, Math.trunc(weight)),
    upperThreshold: rs?.uthreshold ?? 0,
    lowerThreshold: rs?.lthreshold ?? 0,
    tunnelType: fwd.tunnelType ?? 'ipip',
    tunnelPort: fwd.tunnelPort ?? 0,
    tunnelFlags: fwd.tunnelChecksum ?? 'nocsum',
  };
}

function sorryDest(vs: VirtualServer, s: SorryServer, quorumUp: boolean): IpvsDest | undefined {
  if (quorumUp && !s.inhibit) return undefined;
  return dest(s.address, s.family, s.port, s.forwarding ?? vs.forwarding, quorumUp ? 0 : 1);
}

/** Destinations of one virtual server given its checker status. */
export function destsFor(vs: VirtualServer, status: VsStatus | undefined): IpvsDest[] {
  const out: IpvsDest[] = [];
  const sorryActive = vs.sorryServer !== undefined && status?.quorumUp === false;
  for (const rs of vs.realServers) {
    const st = status?.realServers.get(rsKey(rs.address, rs.port));
    const alive = (st ? st.alive : !(rs.alpha || vs.alpha)) && !sorryActive;
    const port = rs.port;
    if (alive) out.push(dest(rs.address, rs.family, port, rs.forwarding, st?.weight ?? rs.weight, rs));
    else if (rs.inhibitOnFailure || vs.inhibitOnFailure) out.push(dest(rs.address, rs.family, port, rs.forwarding, 0, rs));
  }
  if (vs.sorryServer) {
    const s = sorryDest(vs, vs.sorryServer, status?.quorumUp ?? true);
    // A sorry server that is also a real server is already there (weight from the RS wins).
    if (s && !out.some((d) => d.address === s.address && d.port === s.port)) out.push(s);
  }
  return out;
}

/** The whole desired table for a configuration and the checker's current view. */
export function desiredTable(config: Config, snapshot: CheckerSnapshot): IpvsTable {
  const groups = new Map(config.virtualServerGroups.map((g) => [g.name, g] as const));
  const table: TableEntry[] = [];
  for (const vs of config.virtualServers) {
    const template = serviceTemplate(vs);
    const status = snapshot.get(vs.name);
    for (const id of serviceIdentities(vs, groups)) {
      const service: IpvsService = {
        ...template,
        ...id,
        netmaskPrefixLen: granularityPrefixLen(vs.persistenceGranularity, id.family),
      };
      table.push({ service, dests: destsFor(vs, status) });
    }
  }
  return table;
}

/**
 * The dumped kernel services of each virtual server (by its name; several for a group), for the
 * traffic counters of the status document. A service the kernel does not hold is left out.
 */
export function dumpedByVirtualServer(config: Config, dumped: readonly DumpedEntry[]): Map<string, DumpedEntry[]> {
  const groups = new Map(config.virtualServerGroups.map((g) => [g.name, g] as const));
  const byKey = new Map(dumped.map((e) => [serviceKey(e.service), e] as const));
  const out = new Map<string, DumpedEntry[]>();
  for (const vs of config.virtualServers) {
    out.set(vs.name, serviceIdentities(vs, groups).flatMap((id) => byKey.get(serviceKey({ ...id, protocol: vs.protocol })) ?? []));
  }
  return out;
}
