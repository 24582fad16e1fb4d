/**
 * Routes and rules as the kernel takes them (the fields of RTM_NEWROUTE / RTM_NEWRULE), shared
 * by the config model (which adds where a line was written) and the rtnetlink seams. Types only.
 */
import type { Family } from './addr.js';

/** An address with its prefix length (`10.0.0.0/24`; a bare address is a host prefix). */
export interface Prefix {
  address: string;
  prefixLen: number;
}

/** Route types (linux/rtnetlink.h `rtn_type`) a route line may start with. */
export type RouteType = 'unicast' | 'local' | 'broadcast' | 'anycast' | 'multicast' | 'blackhole' | 'unreachable' | 'prohibit' | 'throw';

/** Route metrics (RTAX_*) kad sets; u32 values as `ip route` takes them. */
export type RouteMetricName = 'mtu' | 'advmss' | 'hoplimit' | 'window' | 'cwnd' | 'ssthresh' | 'reordering' | 'initcwnd' | 'initrwnd' | 'quickack' | 'fastopen_no_cookie';

/** One `nexthop` of a multipath route (`or ADDR` is a second next hop). */
export interface NextHop {
  via?: string;
  dev?: string;
  /** 1-256 as written (`weight`); undefined = 1. */
  weight?: number;
  onlink: boolean;
}

/**
 * A route (`ip route add` syntax, keepalived 2.2.7's options). Defaults as keepalived's: table
 * main, scope universe, protocol keepalived (18).
 */
export interface RouteFields {
  family: Family;
  type: RouteType;
  /** Destination (`default` is 0.0.0.0/0 or ::/0). */
  dst: Prefix;
  /** `from` (IPv6 source routing). */
  from?: Prefix;
  /** `src`: preferred source address. */
  src?: string;
  via?: string;
  dev?: string;
  /** Table number (names resolved through rt_tables when the file is read). */
  table: number;
  metric?: number;
  /** rtnetlink scope number (0 universe, 253 link, 254 host...). */
  scope: number;
  protocol: number;
  tos?: number;
  /** RTA_FLOW: realm FROM << 16 | TO (IPv4). */
  realms?: number;
  onlink: boolean;
  metrics: Readonly<Partial<Record<RouteMetricName, number>>>;
  /** Metrics given with `lock`. */
  locked: readonly RouteMetricName[];
  /** `features ecn`. */
  ecn: boolean;
  congctl?: string;
  /** IPv6 router preference: 0 medium, 1 high, 3 low. */
  pref?: number;
  /** IPv6 `expires` in seconds. */
  expires?: number;
  nexthops: readonly NextHop[];
}

/** What a rule does (FR_ACT_*): look up a table, jump, nothing, or drop. */
export type RuleAction = 'table' | 'goto' | 'nop' | 'blackhole' | 'unreachable' | 'prohibit';

/** A policy-routing rule (`ip rule add` syntax, keepalived 2.2.7's options). */
export interface RuleFields {
  family: Family;
  from?: Prefix;
  to?: Prefix;
  /** `not`: the selector is inverted. */
  not: boolean;
  /** `preference`/`priority`/`order`; keepalived assigns 16384, 16383... to rules without one. */
  priority: number;
  action: RuleAction;
  /** The table of a `table`/`lookup` rule. */
  table?: number;
  /** The preference a `goto` rule jumps to. */
  goto?: number;
  l3mdev: boolean;
  iif?: string;
  oif?: string;
  fwmark?: number;
  fwmask?: number;
  tos?: number;
  /** FRA_PROTOCOL: keepalived (18) unless `no_track`. */
  protocol?: number;
  ipProto?: number;
  sport?: readonly [number, number];
  dport?: readonly [number, number];
  uidRange?: readonly [number, number];
  suppressPrefixLen?: number;
  /** FRA_FLOW: realm FROM << 16 | TO (IPv4, table rules). */
  realms?: number;
}
