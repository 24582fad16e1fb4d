/**
 * The IPVS table as kad sees it: services and their destinations, in the terms of
 * include/uapi/linux/ip_vs.h but with strings for addresses and names for methods. Pure data;
 * both the desired table (built from config + checker state) and the actual table (dumped from
 * the kernel) use these types, so reconcile.ts can compare them field by field.
 */
import type { Family, L4Protocol, LvsMethod } from '../config/model.js';

/** Service flags (`IP_VS_SVC_F_*`). */
export const SVC_F = Object.freeze({
  PERSISTENT: 0x1,
  HASHED: 0x2,
  ONEPACKET: 0x4,
  SCHED1: 0x8,
  SCHED2: 0x10,
  SCHED3: 0x20,
});

/** Flags the kernel sets itself; never compared or sent. */
export const SVC_F_KERNEL_ONLY = SVC_F.HASHED;

/** Forwarding method numbers (`IP_VS_CONN_F_*`); LOCALNODE (1) is the kernel's own choice. */
export const FWD_METHOD: Readonly<Record<LvsMethod, number>> = Object.freeze({ NAT: 0, TUN: 2, DR: 3 });
export const FWD_LOCALNODE = 1;

/** Tunnel types (`IP_VS_CONN_F_TUNNEL_TYPE_*`) and encapsulation flags. */
export const TUN_TYPE = Object.freeze({ ipip: 0, gue: 1, gre: 2 });
export const TUN_FLAGS = Object.freeze({ nocsum: 0, csum: 1, remcsum: 2 });

export const PROTOCOL_NUMBER: Readonly<Record<L4Protocol, number>> = Object.freeze({ TCP: 6, UDP: 17, SCTP: 132 });

/** Sync daemon states (`IP_VS_STATE_*`). */
export const SYNC_STATE = Object.freeze({ master: 1, backup: 2 });

export interface IpvsStats {
  conns: number;
  inPkts: number;
  outPkts: number;
  inBytes: number;
  outBytes: number;
  cps: number;
  inPps: number;
  outPps: number;
  inBps: number;
  outBps: number;
}

/** A virtual service. `fwmark` > 0 makes it a fwmark service (protocol/address/port unused). */
export interface IpvsService {
  family: Family;
  protocol: L4Protocol;
  address: string;
  port: number;
  fwmark: number;
  scheduler: string;
  /** `IP_VS_SVC_F_*` without HASHED. */
  flags: number;
  /** Persistence timeout in seconds (0 = not persistent). */
  persistenceTimeoutS: number;
  /** Persistence granularity as a prefix length (32/128 = per client address). */
  netmaskPrefixLen: number;
  /** Persistence engine ("sip"), empty for none. */
  peName: string;
}

/** A real server (destination) of a service. */
export interface IpvsDest {
  family: Family;
  address: string;
  port: number;
  method: LvsMethod;
  weight: number;
  upperThreshold: number;
  lowerThreshold: number;
  /** TUN only: `ipip` unless configured. */
  tunnelType: keyof typeof TUN_TYPE;
  tunnelPort: number;
  tunnelFlags: keyof typeof TUN_FLAGS;
  /**
   * Dumps only: the kernel forwards to this address locally (IP_VS_CONN_F_LOCALNODE), which it
   * chooses itself for a destination that is one of the director's own addresses.
   */
  localNode?: boolean;
}

export interface DumpedDest extends IpvsDest {
  activeConns: number;
  inactConns: number;
  persistConns: number;
  stats: IpvsStats;
}

export interface DumpedService extends IpvsService {
  stats: IpvsStats;
}

/** One service with its destinations. */
export interface TableEntry {
  service: IpvsService;
  dests: readonly IpvsDest[];
}

/** One service as dumped from the kernel, with its destinations and their counters. */
export interface DumpedEntry extends TableEntry {
  service: DumpedService;
  dests: readonly DumpedDest[];
}

/** A whole table, desired or actual. */
export type IpvsTable = readonly TableEntry[];

export interface IpvsTimeouts {
  tcpS: number;
  tcpFinS: number;
  udpS: number;
}

export interface SyncDaemonSpec {
  state: keyof typeof SYNC_STATE;
  interface: string;
  syncId: number;
  /** 0 = kernel default. */
  maxlen: number;
  /** undefined = kernel default group (224.0.0.81). */
  group?: string;
  /** 0 = kernel default (8848). */
  port: number;
  /** 0 = kernel default (1). */
  ttl: number;
}

function hostPort(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

/** Identity of a service, as ipvsadm prints it: `TCP 10.0.0.1:80`, `FWM 7 IPv6`. */
export function serviceKey(s: Pick<IpvsService, 'family' | 'protocol' | 'address' | 'port' | 'fwmark'>): string {
  if (s.fwmark > 0) return s.family === 6 ? `FWM ${s.fwmark} IPv6` : `FWM ${s.fwmark}`;
  return `${s.protocol} ${hostPort(s.address, s.port)}`;
}

/** Identity of a destination within its service. */
export function destKey(d: Pick<IpvsDest, 'address' | 'port'>): string {
  return hostPort(d.address, d.port);
}
