/**
 * `static_routes` / `virtual_routes` lines: `[TYPE] DST [via|gw [inet|inet6] GW] [src ADDR]
 * [from PREFIX] [dev|oif IF] [table T] [metric|priority|preference N] [scope S] [protocol P]
 * [tos|dsfield N] [realms [FROM/]TO] [onlink] [mtu|advmss|... [lock] N] [features ecn] [congctl NAME] [pref P]
 * [expires N] [no_track] [nexthop via GW [dev IF] [weight W] [onlink]]...` — keepalived
 * 2.2.7's words (`proto` is not one of them: it is an unknown keyword there, and here).
 * A bad line is reported and skipped; options kad does not act on are warned about.
 */
import type { Cx } from '../context.js';
import { parseIp } from '../../core/addr.js';
import type { NextHop, RouteMetricName, RouteSpec, RouteType } from '../model.js';
import type { Node } from '../tree.js';
import { FamilyOf, PROTOCOLS, readTable, routePrefix, RTPROT_KEEPALIVED, SCOPES, Words } from './route-words.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
const TYPES: readonly RouteType[] = ['unicast', 'local', 'broadcast', 'anycast', 'multicast', 'blackhole', 'unreachable', 'prohibit', 'throw'];
/** Metrics that take `[lock] N`, and those that take only N (0/1 for the flags). */
const LOCKABLE = new Set<RouteMetricName>(['mtu', 'advmss', 'cwnd', 'ssthresh', 'reordering']);
const METRIC_MAX: Readonly<Record<RouteMetricName, number>> = {
  mtu: 0xffffffff, advmss: 0xffffffff, hoplimit: 255, window: 0xffffffff, cwnd: 0xffffffff, ssthresh: 0xffffffff,
  reordering: 0xffffffff, initcwnd: 0xffffffff, initrwnd: 0xffffffff, quickack: 1, fastopen_no_cookie: 1,
};
/** Read by keepalived 2.2.7, not acted on by kad: the number of values each takes. */
const UNSUPPORTED: Readonly<Record<string, number>> = { rtt: 1, rttvar: 1, rto_min: 1, 'ttl-propagate': 1, track_group: 1, append: 0 };
const PREFS: Readonly<Record<string, number>> = { low: 3, medium: 0, high: 1 };

/** A route line being read. */
type Draft = Mutable<Omit<RouteSpec, 'dst' | 'family'>> & {
  dst?: RouteSpec['dst']; metrics: Partial<Record<RouteMetricName, number>>; locked: RouteMetricName[]; nexthops: NextHop[];
  /** `protocol` as written (a tracked route keeps keepalived's). */
  protocolGiven?: number;
};

/** One route line; undefined (reported) when it cannot be applied. */
export function parseRouteLine(cx: Cx, n: Node): RouteSpec | undefined {
  const w = new Words(cx, n, 'route');
  const fam = new FamilyOf(w);
  const r: Draft = {
    words: w.words, type: 'unicast', table: 254, scope: 0, protocol: RTPROT_KEEPALIVED, onlink: false, noTrack: false,
    metrics: {}, locked: [], ecn: false, nexthops: [], source: cx.src(n),
  };
  while (!w.done) if (!routeWord(cx, w, fam, r, w.take('a word')!)) return undefined;
  if (!r.dst) return w.bad('route must have a destination', n.head), undefined;
  const { protocolGiven, ...route } = r;
  return finishRoute(cx, n, route as typeof route & { dst: RouteSpec['dst'] }, fam.value ?? 4, protocolGiven);
}

function address(w: Words, fam: FamilyOf, what: string): string | undefined {
  const word = w.take(what);
  const ip = word === undefined ? undefined : parseIp(word);
  if (word !== undefined && !ip) w.badAddress(`invalid ${what} '${word}'`);
  return ip && fam.set(ip.family) ? ip.address : undefined;
}

/** Gateway, source, device, table, metric, scope, protocol: false (reported) when the line is bad. */
function routeWord(cx: Cx, w: Words, fam: FamilyOf, r: Draft, word: string): boolean {
  if (word === 'inet' || word === 'inet6') {
    if (!fam.set(word === 'inet' ? 4 : 6)) return false;
  } else if (word === 'via' || word === 'gw') {
    if (word === 'gw') cx.report(w.at(w.i - 1), 'KAD_WARN_CONFIG_DEPRECATED', `route: "gw" is deprecated, use "via" (keepalived 2.2.7 says so too)`);
    if (w.peek() === 'inet' || w.peek() === 'inet6') { if (!fam.set(w.take('')! === 'inet' ? 4 : 6)) return false; }
    if ((r.via = address(w, fam, 'a gateway')) === undefined) return false;
  } else if (word === 'src') {
    if ((r.src = address(w, fam, 'a source address')) === undefined) return false;
  } else if (word === 'from') {
    const p = routePrefix(w.take('a prefix') ?? '', fam.value);
    if (!p || p.family !== 6) return w.bad('route from address only supported with IPv6'), false;
    if (!fam.set(6)) return false;
    r.from = { address: p.address, prefixLen: p.prefixLen };
  } else if (word === 'dev' || word === 'oif') {
    if ((r.dev = w.take('an interface')) === undefined) return false;
  } else if (word === 'table') {
    const t = readTable(w);
    if (!t) return false;
    r.table = t.table;
    if (t.tableName) r.tableName = t.tableName;
  } else if (word === 'metric' || word === 'priority' || word === 'preference') {
    if ((r.metric = w.number('metric')) === undefined) return false;
  } else if (word === 'scope') {
    const s = w.named('scope', SCOPES);
    if (s === undefined) return false;
    r.scope = s;
  } else if (word === 'protocol') {
    if ((r.protocolGiven = w.named('protocol', PROTOCOLS)) === undefined) return false;
  } else return optionWord(cx, w, fam, r, word);
  return true;
}

/** TOS, realms, metrics, next hops and the other options; any other word is the destination. */
function optionWord(cx: Cx, w: Words, fam: FamilyOf, r: Draft, word: string): boolean {
  if (word === 'tos' || word === 'dsfield') {
    if ((r.tos = w.number('TOS', 255)) === undefined) return false;
  } else if (word === 'realms') {
    if ((r.realms = w.realms(fam)) === undefined) return false;
  } else if (word === 'onlink') r.onlink = true;
  else if (word === 'no_track') r.noTrack = true;
  else if (word in METRIC_MAX) {
    const m = word as RouteMetricName;
    if (LOCKABLE.has(m) && w.peek() === 'lock') { w.i++; r.locked.push(m); }
    const v = w.number(m, METRIC_MAX[m]);
    if (v === undefined) return false;
    r.metrics[m] = v;
  } else if (word === 'features') {
    const f = w.take('a feature');
    if (f === 'ecn') r.ecn = true;
    else if (f !== undefined) cx.report(w.at(w.i - 1), 'KAD_WARN_CONFIG_IGNORED', `route feature '${f}' is not supported (keepalived 2.2.7 knows only ecn) and is ignored`);
  } else if (word === 'congctl') {
    if (w.peek() === 'lock') w.i++;
    if ((r.congctl = w.take('an algorithm')) === undefined) return false;
  } else if (word === 'pref' || word === 'expires') {
    if (fam.value === 4) return w.bad(`${word} is only valid for IPv6`), false;
    fam.set(6);
    if (word === 'pref') { if ((r.pref = w.named('pref', PREFS)) === undefined) return false; }
    else if ((r.expires = w.number('expires')) === undefined) return false;
  } else if (word === 'or') {
    cx.report(w.at(w.i - 1), 'KAD_WARN_CONFIG_DEPRECATED', `route: "or" is deprecated, use "nexthop" (keepalived 2.2.7 says so too)`);
    const or = address(w, fam, 'an address');
    if (or === undefined) return false;
    if (r.nexthops.length === 0) r.nexthops.push({ ...(r.via ? { via: r.via } : {}), onlink: false }, { via: or, onlink: false });
    delete r.via;
  } else if (word === 'nexthop') {
    w.i--;
    if (!parseNexthops(w, fam, r.nexthops)) return false;
  } else if (UNSUPPORTED[word] !== undefined) w.unsupported(word, UNSUPPORTED[word]!);
  else if (word === 'encap' || word === 'as' || word === 'nhid') return w.bad(`'${word}' is not supported by kad`), false;
  else {
    let dst = word;
    if (dst === 'to') dst = w.take('a destination') ?? '';
    if ((TYPES as readonly string[]).includes(dst)) { r.type = dst as RouteType; dst = w.take('a destination') ?? ''; }
    const p = routePrefix(dst, fam.value);
    if (!p) return (/^[\d.:a-f/]+$/i.test(dst) && /[.:]/.test(dst) ? w.badAddress(`invalid destination '${dst}'`) : w.bad(`unknown route keyword '${dst}'`)), false;
    if (!fam.set(p.family)) return false;
    r.dst = { address: p.address, prefixLen: p.prefixLen };
  }
  return true;
}

function parseNexthops(w: Words, fam: FamilyOf, out: NextHop[]): boolean {
  while (w.peek() === 'nexthop') {
    w.i++;
    const nh: Mutable<NextHop> = { onlink: false };
    for (let word = w.peek(); word !== undefined && word !== 'nexthop'; word = w.peek()) {
      w.i++;
      if (word === 'via') {
        if (w.peek() === 'inet' || w.peek() === 'inet6') { if (!fam.set(w.take('')! === 'inet' ? 4 : 6)) return false; }
        const a = w.take('a gateway');
        const ip = a === undefined ? undefined : parseIp(a);
        if (!ip) return w.badAddress(`invalid nexthop address '${a ?? ''}'`), false;
        if (!fam.set(ip.family)) return false;
        nh.via = ip.address;
      } else if (word === 'dev') {
        if ((nh.dev = w.take('an interface')) === undefined) return false;
      } else if (word === 'weight') {
        if ((nh.weight = w.number('weight', 256, 1)) === undefined) return false;
      } else if (word === 'onlink') nh.onlink = true;
      else if (word === 'realms') w.unsupported(word, 1);
      else return w.bad(`route has trailing nonsense after nexthops - '${word}'`), false;
    }
    out.push(nh);
  }
  if (!w.done) return w.bad(`route has trailing nonsense after nexthops - '${w.peek() ?? ''}'`), false;
  return true;
}

function finishRoute(cx: Cx, n: Node, r: Omit<RouteSpec, 'family'>, family: 4 | 6, protocol: number | undefined): RouteSpec {
  // `default` read before the family was known is the whole of the line's family.
  const out: RouteSpec = { ...r, family, ...(r.dst.prefixLen === 0 ? { dst: { address: family === 6 ? '::' : '0.0.0.0', prefixLen: 0 } } : {}) };
  if (protocol !== undefined && protocol !== RTPROT_KEEPALIVED && !r.noTrack) {
    cx.report(n.head, 'KAD_WARN_CONFIG_ROUTE_ADJUSTED', `route '${r.words.join(' ')}': a tracked route has protocol keepalived (18); protocol ${protocol} ignored (add no_track to keep it), as keepalived 2.2.7 does`);
  } else if (protocol !== undefined) out.protocol = protocol;
  if (!r.dev && !r.noTrack) {
    cx.report(n.head, 'KAD_ERR_CONFIG_MISSING_PARAMETER', `route '${r.words.join(' ')}' has no 'dev': it cannot be tracked (add dev IF or no_track)`);
  }
  return out;
}

/** All route lines of a block. */
export function parseRouteBlock(cx: Cx, n: Node): RouteSpec[] {
  return cx.entries(n).flatMap((e) => {
    const r = parseRouteLine(cx, e);
    return r ? [r] : [];
  });
}
