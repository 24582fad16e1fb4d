/**
 * Conversions between kad's IPVS model (./model.ts) and the plain records the native library
 * takes and returns (struct kad_ipvs_* in native/ipvs/kadipvs.h). Pure: no I/O.
 */
import type { L4Protocol } from '../config/model.js';
import { formatAddress, ipvsAddress } from './addr.js';
import {
  FWD_LOCALNODE, FWD_METHOD, PROTOCOL_NUMBER, SYNC_STATE, TUN_FLAGS, TUN_TYPE,
  type DumpedDest, type DumpedService, type IpvsDest, type IpvsService, type IpvsStats, type SyncDaemonSpec,
} from './model.js';

/** struct kad_ipvs_stats. */
export interface NativeStats {
  conns: number | bigint; inpkts: number | bigint; outpkts: number | bigint; inbytes: number | bigint; outbytes: number | bigint;
  cps: number | bigint; inpps: number | bigint; outpps: number | bigint; inbps: number | bigint; outbps: number | bigint;
}

/** struct kad_ipvs_service (stats only in dumps). */
export interface NativeService {
  af: number; protocol: number; addr: ArrayLike<number>; port: number; fwmark: number;
  sched_name: string; flags: number; timeout: number; netmask: number; pe_name: string;
  stats?: NativeStats;
}

/** struct kad_ipvs_dest (counters and stats only in dumps). */
export interface NativeDest {
  af: number; addr: ArrayLike<number>; port: number; fwd_method: number; weight: number;
  u_thresh: number; l_thresh: number; tun_type: number; tun_port: number; tun_flags: number;
  active_conns?: number; inact_conns?: number; persist_conns?: number; stats?: NativeStats;
}

/** struct kad_ipvs_daemon. */
export interface NativeDaemon {
  state: number; mcast_ifn: string; syncid: number; sync_maxlen: number; mcast_af: number;
  mcast_group: ArrayLike<number>; mcast_port: number; mcast_ttl: number;
}


export const AF_INET = 2;
export const AF_INET6 = 10;

export const famToAf = (f: 4 | 6): number => (f === 6 ? AF_INET6 : AF_INET);
export const afToFam = (af: number): 4 | 6 => (af === AF_INET6 ? 6 : 4);

function protoName(n: number): L4Protocol {
  return n === PROTOCOL_NUMBER.UDP ? 'UDP' : n === PROTOCOL_NUMBER.SCTP ? 'SCTP' : 'TCP';
}

function keyOf<T extends Record<string, number>>(table: T, n: number, fallback: keyof T): keyof T {
  return (Object.keys(table) as (keyof T)[]).find((k) => table[k] === n) ?? fallback;
}

export function toNativeService(s: IpvsService): NativeService {
  return {
    af: famToAf(s.family),
    protocol: PROTOCOL_NUMBER[s.protocol],
    addr: s.fwmark > 0 ? new Uint8Array(16) : ipvsAddress(s.address, s.family),
    port: s.fwmark > 0 ? 0 : s.port,
    fwmark: s.fwmark,
    sched_name: s.scheduler,
    flags: s.flags,
    timeout: s.persistenceTimeoutS,
    netmask: s.netmaskPrefixLen,
    pe_name: s.peName,
  };
}

export function toNativeDest(d: IpvsDest): NativeDest {
  return {
    af: famToAf(d.family),
    addr: ipvsAddress(d.address, d.family),
    port: d.port,
    fwd_method: FWD_METHOD[d.method],
    weight: d.weight,
    u_thresh: d.upperThreshold,
    l_thresh: d.lowerThreshold,
    tun_type: TUN_TYPE[d.tunnelType],
    tun_port: d.tunnelPort,
    tun_flags: TUN_FLAGS[d.tunnelFlags],
  };
}

function fromStats(st: NativeStats | undefined): IpvsStats {
  const s: Partial<NativeStats> = st ?? {};
  const n = (v: number | bigint | undefined): number => Number(v ?? 0);
  return {

    conns: n(s.conns), inPkts: n(s.inpkts), outPkts: n(s.outpkts), inBytes: n(s.inbytes), outBytes: n(s.outbytes),
    cps: n(s.cps), inPps: n(s.inpps), outPps: n(s.outpps), inBps: n(s.inbps), outBps: n(s.outbps),
  };
}

export function fromNativeService(s: NativeService): DumpedService {
  const family = afToFam(s.af);
  const fwmark = s.fwmark;
  return {
    family,
    protocol: protoName(s.protocol),
    address: fwmark > 0 ? '' : formatAddress(s.addr, family),
    port: fwmark > 0 ? 0 : s.port,
    fwmark,
    scheduler: s.sched_name,
    flags: s.flags,
    persistenceTimeoutS: s.timeout,
    netmaskPrefixLen: s.netmask,
    peName: s.pe_name,
    stats: fromStats(s.stats),
  };
}

export function fromNativeDest(d: NativeDest): DumpedDest {
  const family = afToFam(d.af);
  const method = keyOf(FWD_METHOD, d.fwd_method, 'NAT');
  return {
    family,
    address: formatAddress(d.addr, family),
    port: d.port,
    method,
    weight: d.weight,
    upperThreshold: d.u_thresh,
    lowerThreshold: d.l_thresh,
    tunnelType: keyOf(TUN_TYPE, d.tun_type, 'ipip'),
    tunnelPort: d.tun_port,
    tunnelFlags: keyOf(TUN_FLAGS, d.tun_flags, 'nocsum'),
    localNode: d.fwd_method === FWD_LOCALNODE,
    activeConns: d.active_conns ?? 0,
    inactConns: d.inact_conns ?? 0,
    persistConns: d.persist_conns ?? 0,
    stats: fromStats(d.stats),
  };
}

export function toNativeDaemon(d: SyncDaemonSpec): NativeDaemon {
  const v6 = d.group?.includes(':') ?? false;
  return {
    state: SYNC_STATE[d.state],
    mcast_ifn: d.interface,
    syncid: d.syncId,
    sync_maxlen: d.maxlen,
    mcast_af: d.group === undefined ? 0 : v6 ? AF_INET6 : AF_INET,
    mcast_group: d.group === undefined ? new Uint8Array(16) : ipvsAddress(d.group, v6 ? 6 : 4),
    mcast_port: d.port,
    mcast_ttl: d.ttl,
  };
}

export function fromNativeDaemon(d: NativeDaemon): SyncDaemonSpec {
  return {
    state: keyOf(SYNC_STATE, d.state, 'master'),
    interface: d.mcast_ifn,
    syncId: d.syncid,
    maxlen: d.sync_maxlen,
    group: d.mcast_af === 0 ? undefined : formatAddress(d.mcast_group, d.mcast_af === AF_INET6 ? 6 : 4),
    port: d.mcast_port,
    ttl: d.mcast_ttl,
  };
}
