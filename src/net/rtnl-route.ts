/**
 * Layer: the rtnetlink route seam (RTM_NEWROUTE / RTM_DELROUTE through npm `netlink`).
 * `routeMessage` turns a parsed route (the config model's RouteSpec fits {@link RouteInput})
 * into an rtmsg and its attributes: destination, type, table (RTA_TABLE for any number), via,
 * src, IPv6 from, dev, metric, scope, protocol, tos, realms, onlink, RTA_METRICS (with the lock mask,
 * ECN, congctl), IPv6 pref/expires, and RTA_MULTIPATH for next hops. It is pure (interface names
 * are resolved by the caller's function), so it is unit-tested without root. add/remove are
 * idempotent (EEXIST / ESRCH are outcomes, not errors).
 */
import netlink from 'netlink';
import type { RtNetlinkSocket, rt as rtTypes } from 'netlink';
import { KadError } from '../core/errors.js';
import { addressBytes } from '../core/addr.js';
import type { RouteFields } from '../core/route.js';
import { idempotent } from './rtnl-errors.js';

const AF_INET = 2;
const AF_INET6 = 10;
const EEXIST = 17;
const ESRCH = 3;
const ENOENT = 2;
const RT_TABLE_UNSPEC = 0;
const RTNH_F_ONLINK = 4;
const RTA_GATEWAY = 5;
const RTAX_FEATURE_ECN = 1;

/** rtn_type numbers. */
const TYPES: Readonly<Record<string, number>> = { unicast: 1, local: 2, broadcast: 3, anycast: 4, multicast: 5, blackhole: 6, unreachable: 7, prohibit: 8, throw: 9 };
/** RTAX_* numbers of the u32 metrics (their lock bit is 1 << RTAX). */
const METRICS: Readonly<Record<string, { key: keyof rtTypes.RouteMetrics; rtax: number }>> = {
  mtu: { key: 'mtu', rtax: 2 }, window: { key: 'window', rtax: 3 }, ssthresh: { key: 'ssthresh', rtax: 6 },
  cwnd: { key: 'cwnd', rtax: 7 }, advmss: { key: 'advmss', rtax: 8 }, reordering: { key: 'reordering', rtax: 9 },
  hoplimit: { key: 'hoplimit', rtax: 10 }, initcwnd: { key: 'initcwnd', rtax: 11 }, initrwnd: { key: 'initrwnd', rtax: 14 },
  quickack: { key: 'quickack', rtax: 15 }, fastopen_no_cookie: { key: 'fastopenNoCookie', rtax: 17 },
};

/** What a route needs to be encoded (the config model's RouteSpec is one). */
export type RouteInput = RouteFields;

export interface RouteResolvers {
  /** Interface name to index; undefined when there is no such device. */
  ifIndex(name: string): number | undefined;
}

export interface RouteMessage {
  data: rtTypes.Route;
  attrs: rtTypes.RouteAttrs;
}

/** The route as `ip route` would print its key (for logs). */
export function routeText(r: RouteInput): string {
  const dst = r.dst.prefixLen === 0 ? 'default' : `${r.dst.address}/${r.dst.prefixLen}`;
  return [r.type === 'unicast' ? '' : `${r.type} `, dst, r.via ? ` via ${r.via}` : '', r.dev ? ` dev ${r.dev}` : '', r.table !== 254 ? ` table ${r.table}` : ''].join('');
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0, 0);
  return b;
}

function devIndex(name: string, resolve: RouteResolvers, what: string): number {
  const idx = resolve.ifIndex(name);
  if (idx === undefined) throw new KadError('KAD_ERR_NET_BAD_ADDRESS', `route ${what}: no device '${name}'`);
  return idx;
}

/** struct rtnexthop + RTA_GATEWAY for each hop (linux/rtnetlink.h), 4-byte aligned. */
function multipath(r: RouteInput, resolve: RouteResolvers, what: string): Buffer {
  return Buffer.concat(r.nexthops.map((h) => {
    const gw = h.via === undefined ? Buffer.alloc(0) : addressBytes(h.via, r.family);
    const attr = gw.length === 0 ? Buffer.alloc(0) : Buffer.alloc(4 + gw.length);
    if (gw.length > 0) { attr.writeUInt16LE(4 + gw.length, 0); attr.writeUInt16LE(RTA_GATEWAY, 2); gw.copy(attr, 4); }
    const hop = Buffer.alloc(8);
    hop.writeUInt16LE(8 + attr.length, 0);
    hop.writeUInt8(h.onlink ? RTNH_F_ONLINK : 0, 2);
    hop.writeUInt8((h.weight ?? 1) - 1, 3);
    hop.writeInt32LE(h.dev === undefined ? 0 : devIndex(h.dev, resolve, what), 4);
    return Buffer.concat([hop, attr]);
  }));
}

function metricsOf(r: RouteInput): rtTypes.RouteMetrics | undefined {
  const m: rtTypes.RouteMetrics = {};
  let lock = 0;
  for (const [name, v] of Object.entries(r.metrics)) {
    const info = METRICS[name];
    if (!info || v === undefined) continue;
    (m as Record<string, Buffer>)[info.key] = u32(v);
    if ((r.locked as readonly string[]).includes(name)) lock |= 1 << info.rtax;
  }
  if (lock) m.lock = u32(lock);
  if (r.ecn) m.features = u32(RTAX_FEATURE_ECN);
  if (r.congctl) m.ccAlgo = Buffer.from(`${r.congctl}\0`);
  return Object.keys(m).length > 0 ? m : undefined;
}

/** Encode one route. Throws KadError when a device it names does not exist. */
export function routeMessage(r: RouteInput, resolve: RouteResolvers): RouteMessage {
  const what = routeText(r);
  const fam = r.family;
  const attrs: rtTypes.RouteAttrs = { table: r.table };
  if (r.dst.prefixLen > 0) attrs.dst = addressBytes(r.dst.address, fam);
  if (r.from) attrs.src = addressBytes(r.from.address, fam);
  if (r.src) attrs.prefsrc = addressBytes(r.src, fam);
  if (r.via) attrs.gateway = addressBytes(r.via, fam);
  if (r.dev) attrs.oif = devIndex(r.dev, resolve, what);
  if (r.metric !== undefined) attrs.priority = r.metric;
  if (r.realms !== undefined) attrs.flow = r.realms;
  const metrics = metricsOf(r);
  if (metrics) attrs.metrics = metrics;
  if (r.pref !== undefined) attrs.pref = Buffer.from([r.pref]);
  if (r.expires !== undefined) attrs.expires = u32(r.expires);
  if (r.nexthops.length > 0) attrs.multipath = multipath(r, resolve, what);
  const data: rtTypes.Route = {
    family: fam === 6 ? AF_INET6 : AF_INET, dstLen: r.dst.prefixLen, srcLen: r.from?.prefixLen ?? 0, tos: r.tos ?? 0,
    table: r.table < 256 ? r.table : RT_TABLE_UNSPEC, protocol: r.protocol, scope: r.scope, type: TYPES[r.type] ?? 1,
  };
  if (r.onlink) data.flags = { __unknown: RTNH_F_ONLINK };
  return { data, attrs };
}

export type AddOutcome = 'added' | 'exists';
export type RemoveOutcome = 'removed' | 'absent';

/** Add a route. 'exists' when the kernel already has it. */
export function addRoute(rt: RtNetlinkSocket, m: RouteMessage, what: string): Promise<AddOutcome> {
  const flags = netlink.FlagsNew.CREATE | netlink.FlagsNew.EXCL;
  return idempotent(() => rt.newRoute(m.data, m.attrs, { flags }), { done: 'added', already: 'exists' }, [EEXIST], 'RTM_NEWROUTE', what);
}

/** Remove a route. 'absent' when it is not there. */
export function removeRoute(rt: RtNetlinkSocket, m: RouteMessage, what: string): Promise<RemoveOutcome> {
  return idempotent(() => rt.delRoute(m.data, m.attrs), { done: 'removed', already: 'absent' }, [ESRCH, ENOENT], 'RTM_DELROUTE', what);
}
