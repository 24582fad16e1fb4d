/**
 * Address lines as used in `virtual_ipaddress` and `static_ipaddress`: `IP[/LEN] [brd X]
 * [dev IF] [scope S] [label L] [peer P] [-nodad] [noprefixroute] [no_track] ...` (routes and
 * rules: route.ts, rule.ts).
 */
import type { Cx } from '../context.js';
import { isUnsupported } from '../keyword-support.js';
import { parsePrefix } from '../../core/addr.js';
import type { IpAddress } from '../model.js';
import type { Node } from '../tree.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
const SCOPES = ['global', 'site', 'link', 'host', 'nowhere'] as const;
// keepalived 2.2.7 knows no `valid_lft`: it reports the word and its value as unknown entries.
const WITH_VALUE = new Set(['metric', 'track_group', 'use_vmac']);
const FLAGS = new Set(['home', 'mngtmpaddr', 'autojoin', 'use_vmac', 'no_track']);

/** Every option word an address line takes (the 'address' block of ../keyword-support.ts). */
export const ADDRESS_OPTIONS: readonly string[] = [...new Set(['dev', 'brd', 'broadcast', 'label', 'peer', 'scope', '-nodad', 'nodad',
  'noprefixroute', 'no_track', 'preferred_lft', ...WITH_VALUE, ...FLAGS])];

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
    // No silent keyword: an option kad reads but does not apply is said so.
    if (isUnsupported('address', w)) cx.report(n.args[i]!, 'KAD_WARN_UNSUPPORTED', `${w} is not supported by kad and is ignored`);
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
