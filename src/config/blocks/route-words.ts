/**
 * What route and rule lines share: a cursor over the words of one line that reports at the
 * word's position, the number and name tables of iproute2 (rt_protos, rt_scopes, the reserved
 * rt_tables names), and prefix parsing with keepalived's `default`/`all`.
 */
import type { Cx } from '../context.js';
import type { Position } from '../diagnostics.js';
import { parsePrefix } from '../../core/addr.js';
import type { ConfigEnv } from '../env.js';
import type { Family, Prefix, SourceRef } from '../model.js';
import type { Node } from '../tree.js';

/** rt_protos as iproute2 ships it (`protocol NAME`). */
export const PROTOCOLS: Readonly<Record<string, number>> = {
  redirect: 1, kernel: 2, boot: 3, static: 4, gated: 8, ra: 9, mrt: 10, zebra: 11, bird: 12, dnrouted: 13,
  xorp: 14, ntk: 15, dhcp: 16, keepalived: 18, babel: 42, bgp: 186, isis: 187, ospf: 188, rip: 189, eigrp: 192,
};
export const RTPROT_KEEPALIVED = 18;
/** rt_scopes. */
export const SCOPES: Readonly<Record<string, number>> = { global: 0, universe: 0, site: 200, link: 253, host: 254, nowhere: 255 };
/** The reserved rt_tables names (others come from the rt_tables files). */
export const TABLES: Readonly<Record<string, number>> = { default: 253, main: 254, local: 255 };

/** The words of one line, read left to right; problems are reported at the word. */
export class Words {
  i = 0;
  constructor(readonly cx: Cx, readonly n: Node, readonly kind: 'route' | 'rule') {}

  get words(): string[] {
    return [this.n.name, ...this.n.args.map((a) => a.text)];
  }

  get done(): boolean {
    return this.i >= this.n.args.length + 1;
  }

  peek(): string | undefined {
    return this.i === 0 ? this.n.name : this.n.args[this.i - 1]?.text;
  }

  at(i = this.i): Position {
    return i === 0 ? this.n.head : (this.n.args[i - 1] ?? this.n.args[this.n.args.length - 1] ?? this.n.head);
  }

  /** The next word; undefined (reported) when the line ends. */
  take(what: string): string | undefined {
    const w = this.peek();
    if (w === undefined) {
      this.bad(`needs ${what}`);
      return undefined;
    }
    this.i++;
    return w;
  }

  /** Report a bad address of the line (skipped). */
  badAddress(why: string): void {
    this.bad(why, undefined, 'KAD_ERR_CONFIG_INVALID_ADDRESS');
  }

  /** Report an error for the line (it is skipped, as keepalived 2.2.7 skips it). */
  bad(why: string, at = this.at(Math.max(0, this.i - 1)), code: 'KAD_ERR_CONFIG_INVALID_VALUE' | 'KAD_ERR_CONFIG_INVALID_ADDRESS' = 'KAD_ERR_CONFIG_INVALID_VALUE'): void {
    this.cx.report(at, code, `${this.kind} '${this.words.join(' ')}': ${why}; ${this.kind} skipped`);
  }

  /** An unsigned number (decimal, 0x hex, 0 octal as strtoul) up to `max`; undefined (reported) otherwise. */
  number(what: string, max = 0xffffffff, min = 0): number | undefined {
    const w = this.take(what);
    if (w === undefined) return undefined;
    const v = parseUnsigned(w);
    if (v === undefined || v > max || v < min) {
      this.bad(`invalid ${what} '${w}'`);
      return undefined;
    }
    return v;
  }

  /** A number or a name of `names`. */
  named(what: string, names: Readonly<Record<string, number>>, max = 255): number | undefined {
    const w = this.peek();
    if (w !== undefined && names[w] !== undefined) {
      this.i++;
      return names[w];
    }
    return this.number(what, max);
  }

  /** `realms [FROM/]TO` by number (IPv4 only, as keepalived); names of rt_realms are not read. */
  realms(fam: FamilyOf): number | undefined {
    const t = this.take('realms');
    const m = t === undefined ? null : /^(?:(\d+)\/)?(\d+)$/.exec(t);
    if (!m || Number(m[1] ?? 0) > 0xffff || Number(m[2]) > 0xffff) return this.bad(`invalid realms '${t ?? ''}' (numbers FROM/TO; rt_realms names are not read by kad)`), undefined;
    if (fam.value === 6) return this.bad('realms are only valid for IPv4'), undefined;
    fam.set(4);
    return ((Number(m[1] ?? 0) << 16) | Number(m[2])) >>> 0;
  }

  /** Warn that an option is read but not acted on (the line is still applied without it). */
  unsupported(word: string, values: number): void {
    this.cx.report(this.at(this.i - 1), 'KAD_WARN_CONFIG_IGNORED', `${this.kind} option '${word}' is not supported by kad and is ignored`);
    this.i += values;
  }
}

/** strtoul(…, 0) without sign or trailing text. */
export function parseUnsigned(w: string): number | undefined {
  if (/^0x[0-9a-f]+$/i.test(w)) return Number.parseInt(w.slice(2), 16);
  if (/^0[0-7]+$/.test(w)) return Number.parseInt(w, 8);
  if (/^\d+$/.test(w)) return Number(w);
  return undefined;
}

/** A route/rule prefix (`default`/`all`/`any` are the whole family); undefined when not one. */
export function routePrefix(w: string, family: Family | undefined): (Prefix & { family?: Family }) | undefined {
  if (w === 'default' || w === 'all' || w === 'any') return { address: family === 6 ? '::' : '0.0.0.0', prefixLen: 0, ...(family ? { family } : {}) };
  const p = parsePrefix(w);
  return p ? { address: p.address, prefixLen: p.prefixLen, family: p.family } : undefined;
}

/** Tracks the family of a line: the first address or `inet`/`inet6` decides, a mix is an error. */
export class FamilyOf {
  value: Family | undefined;
  constructor(private readonly w: Words) {}

  set(f: Family | undefined): boolean {
    if (f === undefined) return true;
    if (this.value !== undefined && this.value !== f) {
      this.w.bad('mixes IPv4 and IPv6');
      return false;
    }
    this.value = f;
    return true;
  }
}

/** A table by number (1-2^32-1) or name: the reserved names here, other names resolved later. */
export function readTable(w: Words): { table: number; tableName?: string } | undefined {
  const t = w.take('a table');
  if (t === undefined) return undefined;
  const n = parseUnsigned(t);
  if (n !== undefined) {
    if (n === 0 || n > 0xffffffff) {
      w.bad(`table ${t} is not valid`);
      return undefined;
    }
    return { table: n };
  }
  if (TABLES[t] !== undefined) return { table: TABLES[t]! };
  if (!/^[A-Za-z_][\w.-]*$/.test(t)) {
    w.bad(`'${t}' is not a table number or name`);
    return undefined;
  }
  return { table: 0, tableName: t };
}

/**
 * Resolve table names through rt_tables (`env.routeTable`) and check the interfaces a line
 * names, as keepalived 2.2.7 does when it reads the line; lines that fail are reported and
 * dropped.
 */
export function resolveRouteNames<T extends { table?: number; tableName?: string; words: readonly string[]; source: SourceRef }>(
  cx: Cx, lines: readonly T[], env: ConfigEnv, dynamicInterfaces: boolean, devices: (line: T) => readonly (string | undefined)[],
): T[] {
  return lines.flatMap((line) => {
    const at = { file: line.source.file, line: line.source.line, col: 1 };
    let out = line;
    if (line.tableName !== undefined && line.table === 0) {
      const n = env.routeTable?.(line.tableName);
      if (n === undefined) {
        cx.report(at, 'KAD_ERR_CONFIG_INVALID_VALUE', `'${line.words.join(' ')}': routing table '${line.tableName}' not found in rt_tables; skipped`);
        return [];
      }
      out = { ...line, table: n };
    }
    const missing = dynamicInterfaces ? undefined : devices(line).find((d) => d !== undefined && !env.interfaceExists(d));
    if (missing !== undefined) {
      cx.report(at, 'KAD_ERR_CONFIG_INTERFACE_MISSING', `'${line.words.join(' ')}': interface '${missing}' does not exist; skipped`);
      return [];
    }
    return [out];
  });
}

/** The number rt_tables text gives `name` (`NUM NAME` lines, `#` comments), if any. */
export function tableIn(text: string, name: string): number | undefined {
  for (const line of text.split('\n')) {
    const [num, word] = line.replace(/#.*/, '').trim().split(/\s+/);
    const n = num === undefined ? undefined : parseUnsigned(num);
    if (word === name && n !== undefined) return n;
  }
  return undefined;
}
