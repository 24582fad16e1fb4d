/**
 * Layer: the rtnetlink route seam (RTM_NEWROUTE / RTM_DELROUTE through npm `netlink`).
 * `routeMessage` turns the words of a keepalived route line (`192.0.2.0/24 via 10.0.0.1 dev
 * eth0 table 100 metric 5`, `blackhole 198.51.100.0/24`, `default via fe80::1 dev eth0`) into
 * an rtmsg and its attributes; it is pure (device and table names are resolved by callers'
 * functions) so it is unit-tested without root. add/remove are idempotent (EEXIST / ESRCH are
 * outcomes, not errors).
 */
import netlink from 'netlink';
import type { RtNetlinkSocket, rt as rtTypes } from 'netlink';
import { KadError } from '../core/errors.js';
import { addressBytes, parseIp, parsePrefix } from '../core/addr.js';
import { errnoFromNetlink, rtnlError } from './rtnl-errors.js';

const AF_INET = 2;
const AF_INET6 = 10;
const EEXIST = 17;
const ESRCH = 3;
const ENOENT = 2;
const RT_TABLE_MAIN = 254;
const RTNH_F_ONLINK = 4;

/** Route types (linux/rtnetlink.h enum rtn_type) that a route line may start with. */
const TYPES: Readonly<Record<string, number>> = { unicast: 1, local: 2, broadcast: 3, anycast: 4, multicast: 5, blackhole: 6, unreachable: 7, prohibit: 8, throw: 9 };
const SCOPES: Readonly<Record<string, number>> = { global: 0, universe: 0, site: 200, link: 253, host: 254, nowhere: 255 };
const PROTOS: Readonly<Record<string, number>> = { redirect: 1, kernel: 2, boot: 3, static: 4, ra: 9, dhcp: 16, keepalived: 18 };

export interface RouteResolvers {
  /** Interface name to index; undefined when there is no such device. */
  ifIndex(name: string): number | undefined;
  /** Table name (from rt_tables) to number; undefined when unknown. */
  table?(name: string): number | undefined;
}

export interface RouteMessage {
  data: rtTypes.Route;
  attrs: rtTypes.RouteAttrs;
}

function bad(words: readonly string[], why: string): KadError {
  return new KadError('KAD_ERR_NET_BAD_ADDRESS', `route '${words.join(' ')}': ${why}`);
}

function numberOr(words: readonly string[], text: string | undefined, names: Readonly<Record<string, number>>, what: string): number {
  if (text === undefined) throw bad(words, `${what} needs a value`);
  if (/^\d+$/.test(text)) return Number(text);
  const n = names[text];
  if (n === undefined) throw bad(words, `unknown ${what} '${text}'`);
  return n;
}

/** Encode the words of one route line. Throws KadError on anything it cannot express. */
export function routeMessage(words: readonly string[], resolve: RouteResolvers): RouteMessage {
  let family: 4 | 6 | undefined = words.includes('inet6') ? 6 : undefined;
  let type = TYPES.unicast!;
  let dst: { address: string; prefixLen: number } | undefined;
  let scope: number | undefined;
  let table = RT_TABLE_MAIN;
  let protocol = PROTOS.keepalived!;
  const attrs: rtTypes.RouteAttrs = {};
  const addrs: Array<[keyof rtTypes.RouteAttrs, string]> = [];
  let onlink = false;
  const setFamily = (f: 4 | 6): void => {
    if (family !== undefined && family !== f) throw bad(words, 'mixes IPv4 and IPv6');
    family = f;
  };
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const next = (): string => {
      const v = words[++i];
      if (v === undefined) throw bad(words, `'${w}' needs a value`);
      return v;
    };
    if (w === 'inet6' || w === 'no_track') continue;
    if (TYPES[w] !== undefined && dst === undefined) { type = TYPES[w]!; continue; }
    if (w === 'to') continue;
    if (w === 'via' || w === 'gw') { const ip = parseIp(next()); if (!ip) throw bad(words, 'bad gateway'); setFamily(ip.family); addrs.push(['gateway', ip.address]); continue; }
    if (w === 'src') { const ip = parseIp(next()); if (!ip) throw bad(words, 'bad src'); setFamily(ip.family); addrs.push(['prefsrc', ip.address]); continue; }
    if (w === 'dev' || w === 'oif') { const name = next(); const idx = resolve.ifIndex(name); if (idx === undefined) throw bad(words, `no device '${name}'`); attrs.oif = idx; continue; }
    if (w === 'table') { const t = next(); table = /^\d+$/.test(t) ? Number(t) : t === 'main' ? RT_TABLE_MAIN : (resolve.table?.(t) ?? (() => { throw bad(words, `unknown table '${t}'`); })()); continue; }
    if (w === 'metric' || w === 'preference' || w === 'priority') { const m = next(); if (!/^\d+$/.test(m)) throw bad(words, 'bad metric'); attrs.priority = Number(m); continue; }
    if (w === 'scope') { scope = numberOr(words, next(), SCOPES, 'scope'); continue; }
    if (w === 'proto' || w === 'protocol') { protocol = numberOr(words, next(), PROTOS, 'protocol'); continue; }
    if (w === 'onlink') { onlink = true; continue; }
    if (w === 'mtu' || w === 'advmss') {
      const v = next(); if (!/^\d+$/.test(v)) throw bad(words, `bad ${w}`);
      const b = Buffer.alloc(4); b.writeUInt32LE(Number(v), 0);
      attrs.metrics = { ...(attrs.metrics ?? {}), [w]: b };
      continue;
    }
    if (dst === undefined) {
      if (w === 'default') { dst = { address: '', prefixLen: 0 }; continue; }
      const p = parsePrefix(w);
      if (!p) throw bad(words, `bad destination '${w}'`);
      setFamily(p.family); dst = { address: p.address, prefixLen: p.prefixLen };
      continue;
    }
    throw bad(words, `unsupported word '${w}'`);
  }
  if (dst === undefined) throw bad(words, 'no destination');
  const fam = family ?? 4;
  if (dst.address) attrs.dst = addressBytes(dst.address, fam);
  for (const [k, a] of addrs) (attrs as Record<string, unknown>)[k] = addressBytes(a, fam);
  attrs.table = table;
  if (scope === undefined) scope = type !== TYPES.unicast ? 0 : attrs.gateway || onlink ? 0 : attrs.oif !== undefined ? SCOPES.link! : 0;
  const data: rtTypes.Route = { family: fam === 6 ? AF_INET6 : AF_INET, dstLen: dst.prefixLen, table: table < 256 ? table : 252, protocol, scope, type };
  if (onlink) data.flags = { __unknown: RTNH_F_ONLINK };
  return { data, attrs };
}

export type AddOutcome = 'added' | 'exists';
export type RemoveOutcome = 'removed' | 'absent';

/** Add a route. 'exists' when the kernel already has it. */
export async function addRoute(rt: RtNetlinkSocket, m: RouteMessage, what: string): Promise<AddOutcome> {
  try {
    await rt.newRoute(m.data, m.attrs, { flags: netlink.FlagsNew.CREATE | netlink.FlagsNew.EXCL });
    return 'added';
  } catch (err) {
    if (errnoFromNetlink(err) === EEXIST) return 'exists';
    throw rtnlError(err, 'RTM_NEWROUTE', what);
  }
}

/** Remove a route. 'absent' when it is not there. */
export async function removeRoute(rt: RtNetlinkSocket, m: RouteMessage, what: string): Promise<RemoveOutcome> {
  try {
    await rt.delRoute(m.data, m.attrs);
    return 'removed';
  } catch (err) {
    const errno = errnoFromNetlink(err);
    if (errno === ESRCH || errno === ENOENT) return 'absent';
    throw rtnlError(err, 'RTM_DELROUTE', what);
  }
}
