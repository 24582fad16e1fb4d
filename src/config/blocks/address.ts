/**
 * Address, route and rule lines as used in `virtual_ipaddress`, `static_ipaddress`,
 * `virtual_routes`, `static_routes`, `virtual_rules` and `static_rules`: `IP[/LEN] [brd X]
 * [dev IF] [scope S] [label L] [peer P] [-nodad] [noprefixroute] [no_track] ...`.
 */
import type { Cx } from '../context.js';
import { parseIp, parsePrefix } from '../../core/addr.js';
import type { Family, IpAddress, RouteSpec } from '../model.js';
import type { Node } from '../tree.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
const SCOPES = ['global', 'site', 'link', 'host', 'nowhere'] as const;
// keepalived 2.2.7 knows no `valid_lft`: it reports the word and its value as unknown entries.
const WITH_VALUE = new Set(['metric', 'track_group', 'use_vmac']);
const FLAGS = new Set(['home', 'mngtmpaddr', 'autojoin', 'use_vmac', 'no_track']);

/** One address statement; undefined (with a diagnostic) when the address is invalid. */
export function parseAddressLine(cx: Cx, n: Node): IpAddress | undefined {
  const p = parsePrefix(n.name);
  if (!p) {
    cx.report(n.head, 'KAD_ERR_CONFIG_INVALID_ADDRESS', `'${n.name}' is not a valid IP address[/prefix]; address skipped`);
    return undefined;
  }
  const a: Mutable<IpAddress> & { options: string[] } = {
    address: p.address, prefixLen: p.prefixLen, family: p.family,
    noDad: false, noPrefixRoute: false, noTrack: false, options: [], source: cx.src(n),
  };
  for (let i = 0; i < n.args.length; i++) {
    const w = n.args[i]!.text;
    const next = (): string | undefined => (i + 1 < n.args.length ? n.args[++i]!.text : cx.arg(n, i + 1, `a value after '${w}'`));
    if (w === 'dev') a.dev = next();
    else if (w === 'brd' || w === 'broadcast') a.brd = next();
    else if (w === 'label') a.label = next();
    else if (w === 'peer') a.peer = next();
    else if (w === 'scope') {
      const s = next();
      if (s !== undefined) {
        if ((SCOPES as readonly string[]).includes(s)) a.scope = s as (typeof SCOPES)[number];
        else if (/^\d+$/.test(s) && Number(s) < 256) a.scope = Number(s);
        else cx.report(n.args[i]!, 'KAD_ERR_CONFIG_INVALID_VALUE', `unknown scope '${s}'`);
      }
    } else if (w === '-nodad' || w === 'nodad') a.noDad = true;
    else if (w === 'noprefixroute') a.noPrefixRoute = true;
    else if (w === 'no_track') a.noTrack = true;
    else if (w === 'preferred_lft') {
      const v = next();
      if (v === 'forever') a.preferredLft = 'forever';
      else if (v !== undefined && /^\d+$/.test(v) && Number(v) <= 0xffffffff) a.preferredLft = Number(v);
      else if (v !== undefined) cx.report(n.args[i]!, 'KAD_ERR_CONFIG_INVALID_VALUE', `preferred_lft ${v} is invalid (seconds 0-4294967295 or 'forever')`);
    }
    else if (WITH_VALUE.has(w) && !FLAGS.has(w)) a.options.push(w, next() ?? '');
    else if (FLAGS.has(w)) a.options.push(w);
    else cx.report(n.args[i]!, 'KAD_ERR_CONFIG_INVALID_VALUE', `unknown address option '${w}'`);
  }
  return a;
}

/** All addresses of a block. */
export function parseAddressBlock(cx: Cx, n: Node): IpAddress[] {
  return cx.entries(n).flatMap((e) => {
    const a = parseAddressLine(cx, e);
    return a ? [a] : [];
  });
}

/** Route or rule lines: kept as words; the family is taken from the first address-like word. */
export function parseRouteBlock(cx: Cx, n: Node, kind: 'route' | 'rule'): RouteSpec[] {
  return cx.entries(n).flatMap((e) => {
    const words = [e.name, ...e.args.map((a) => a.text)];
    let family: Family = words.includes('inet6') ? 6 : 4;
    let bad = false;
    for (let i = 0; i < words.length; i++) {
      const w = words[i]!;
      const isAddrSlot = (kind === 'route' && (i === 0 || ['via', 'gw', 'src', 'or', 'from', 'to'].includes(words[i - 1]!)) && !['blackhole', 'unreachable', 'prohibit', 'throw', 'default'].includes(w))
        || (kind === 'rule' && ['from', 'to'].includes(words[i - 1] ?? ''));
      if (!isAddrSlot || w === 'all' || w === 'default') continue;
      const p = parsePrefix(w) ?? (parseIp(w) ? parsePrefix(w) : undefined);
      if (!p) {
        cx.report(e.head, 'KAD_ERR_CONFIG_INVALID_ADDRESS', `${kind} has an invalid address '${w}'; ${kind} skipped`);
        bad = true;
        break;
      }
      family = p.family;
    }
    if (bad) return [];
    if (kind === 'route' && !words.includes('dev') && !words.includes('no_track')) {
      cx.report(e.head, 'KAD_ERR_CONFIG_MISSING_PARAMETER', `route '${words.join(' ')}' has no 'dev': it cannot be tracked (add dev IF or no_track)`);
    }
    return [{ words, family, source: cx.src(e) }];
  });
}
