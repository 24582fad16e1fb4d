/**
 * What every block handler gets: the diagnostic sink and typed readers for keyword arguments
 * (integers in a range, timers in seconds with fractions, booleans, addresses). Each reader
 * reports a problem at the word's position and returns undefined, so handlers keep defaults.
 */
import { didYouMean, type ConfigCode, type DiagnosticSink, type Position } from './diagnostics.js';
import { type ParsedIp, parseIp } from '../core/addr.js';
import type { SourceRef } from './model.js';
import type { Node } from './tree.js';
import { keepalivedVerdict } from './keepalived-227.js';
import { isUnsupported } from './keyword-support.js';

export type Handler<T> = (n: Node, target: T, cx: Cx) => void;
export type Table<T> = Readonly<Record<string, Handler<T>>>;

/** Accepts a keyword and does nothing with it (listed unsupported in ./keyword-support.ts). */
export const ignore: Handler<unknown> = () => undefined;

const maps = new WeakMap<object, Map<string, Handler<never>>>();
/** keyword → the blocks whose table knows it, for "belongs in" hints. Filled at module load. */
const homes = new Map<string, string[]>();
/** table → the block name it was registered under. */
const blockOf = new WeakMap<object, string>();

/** Records which block a table belongs to (for hints on misplaced keywords); returns the table. */
export function registerTable<T>(block: string, table: Table<T>): Table<T> {
  // One table object, one block: keyword support and keepalived's verdicts are per block.
  const prev = blockOf.get(table);
  if (prev !== undefined && prev !== block) throw new Error(`keyword table of ${prev} registered again as ${block}; register a copy`);
  blockOf.set(table, block);
  for (const k of Object.keys(table)) {
    const list = homes.get(k) ?? [];
    if (!list.includes(block)) list.push(block);
    homes.set(k, list);
  }
  return table;
}

/** Every block name with the keywords its tables know (for the keyword sweeps that measure keepalived). */
export function registeredKeywords(): ReadonlyMap<string, readonly string[]> {
  const out = new Map<string, string[]>();
  for (const [k, blocks] of homes) for (const b of blocks) out.set(b, [...(out.get(b) ?? []), k]);
  return out;
}

function unknownHint(name: string, table: object): string {
  const home = homes.get(name);
  if (home) return `; '${name}' belongs in ${home.slice(0, 3).join(' or ')}`;
  const near = didYouMean(name, Object.keys(table));
  return near ? `; did you mean '${near}'?` : '';
}

/** Tables are objects for readability; lookups go through a Map built once per table. */
function handlers<T>(table: Table<T>): Map<string, Handler<never>> {
  let m = maps.get(table);
  if (!m) {
    m = new Map(Object.entries(table) as [string, Handler<never>][]);
    maps.set(table, m);
  }
  return m;
}

export class Cx {
  constructor(readonly sink: DiagnosticSink) {}

  report(at: Position, code: ConfigCode, message: string): void {
    this.sink.report(at, code, message);
  }

  /** The model's source reference for a statement or a token. */
  src(n: Node | Position): SourceRef {
    const p = 'head' in n ? n.head : n;
    return { file: p.file, line: p.line };
  }

  /** Runs each statement through the table; unknown keywords are reported with a suggestion. */
  run<T>(nodes: readonly Node[] | undefined, table: Table<T>, target: T, block: string | (() => string)): void {
    const map = handlers(table);
    const home = blockOf.get(table) ?? '';
    for (const n of nodes ?? []) {
      const h = map.get(n.name) as Handler<T> | undefined;
      if (h && !this.asKeepalived(home, n)) continue;
      // No silent keyword: one kad accepts but does not act on is said so at every use.
      if (h && isUnsupported(home, n.name)) this.report(n.head, 'KAD_WARN_UNSUPPORTED', `${n.name} is not supported by kad and is ignored`);
      if (h) {
        h(n, target, this);
        continue;
      }
      this.report(n.head, 'KAD_ERR_CONFIG_UNKNOWN_KEYWORD',
        `unknown keyword '${n.name}' in ${typeof block === 'string' ? block : block()}` + unknownHint(n.name, table) +
        (n.children ? ' (its block is skipped)' : ''));
    }
  }

  /**
   * Reports what keepalived 2.2.7 does with a keyword kad's table knows, where that differs
   * (measured, ./keepalived-227.ts); false when the statement is not to be handled further.
   */
  private asKeepalived(home: string, n: Node): boolean {
    const v = keepalivedVerdict(home, n.name, n.args.length > 0);
    if (v === 'unknown') {
      this.report(n.head, 'KAD_ERR_CONFIG_UNKNOWN_KEYWORD', `keepalived 2.2.7 does not know '${n.name}' in ${home} ("Unknown keyword", the line is ignored there); ${isUnsupported(home, n.name) ? 'kad ignores it too' : 'kad still reads it'}`);
      return true;
    }
    if (v === 'needs-value') {
      this.report(n.head, 'KAD_ERR_CONFIG_MISSING_PARAMETER', `'${n.name}' needs a value; keepalived 2.2.7 reports it and ignores the line, and so does kad`);
      return false;
    }
    if (v !== 'stops') return true;
    const brace = n.children || n.braceAfter ? "; a '{' or '}' ends a word, so an unrendered template value like {{ var }} is no value" : '';
    this.report(n.head, 'KAD_ERR_CONFIG_NO_VALUE',
      `'${n.name}' has no value: keepalived 2.2.7 stops reading here ("missing a parameter") and exits 2 without starting, so it never reads what kad reports after this line${brace}`);
    return false;
  }

  arg(n: Node, i: number, what: string): string | undefined {
    const a = n.args[i];
    if (a === undefined) {
      this.report(n.head, 'KAD_ERR_CONFIG_MISSING_PARAMETER', `'${n.name}' needs ${what}`);
      return undefined;
    }
    return a.text;
  }

  pos(n: Node, i: number): Position {
    return n.args[i] ?? n.head;
  }

  int(n: Node, i: number, min: number, max: number): number | undefined {
    const s = this.arg(n, i, `a number (${min}-${max})`);
    if (s === undefined) return undefined;
    if (!/^[-+]?\d+$/.test(s)) {
      this.report(this.pos(n, i), 'KAD_ERR_CONFIG_INVALID_NUMBER', `'${n.name}': '${s}' is not an integer`);
      return undefined;
    }
    const v = Number(s);
    if (v < min || v > max) {
      this.report(this.pos(n, i), 'KAD_ERR_CONFIG_INVALID_NUMBER', `'${n.name}' ${s} is outside ${min}-${max}`);
      return undefined;
    }
    return v;
  }

  /** Seconds (fractions allowed) into milliseconds, range in seconds. */
  timerMs(n: Node, i: number, minS: number, maxS: number): number | undefined {
    const s = this.arg(n, i, 'a time in seconds');
    if (s === undefined) return undefined;
    if (!/^\+?(\d+\.?\d*|\.\d+)$/.test(s)) {
      this.report(this.pos(n, i), 'KAD_ERR_CONFIG_INVALID_NUMBER', `'${n.name}': '${s}' is not a time in seconds`);
      return undefined;
    }
    const v = Number(s);
    if (v < minS || v > maxS) {
      this.report(this.pos(n, i), 'KAD_ERR_CONFIG_INVALID_NUMBER', `'${n.name}' ${s} is outside ${minS}-${maxS} seconds`);
      return undefined;
    }
    return Math.round(v * 1000 * 1000) / 1000;
  }

  /** Optional boolean argument; absent = true. */
  bool(n: Node, i: number): boolean | undefined {
    const a = n.args[i];
    if (a === undefined) return true;
    const v = a.text.toLowerCase();
    if (['on', 'true', 'yes'].includes(v)) return true;
    if (['off', 'false', 'no'].includes(v)) return false;
    this.report(a, 'KAD_ERR_CONFIG_INVALID_VALUE', `'${n.name}': '${a.text}' is not one of on|off|true|false|yes|no`);
    return undefined;
  }

  ip(n: Node, i: number, what = 'an IP address'): ParsedIp | undefined {
    const s = this.arg(n, i, what);
    if (s === undefined) return undefined;
    const ip = parseIp(s);
    if (!ip) this.report(this.pos(n, i), 'KAD_ERR_CONFIG_INVALID_ADDRESS', `'${n.name}': '${s}' is not a valid IP address`);
    return ip;
  }

  oneOf<T extends string>(n: Node, i: number, allowed: readonly T[], upper = false): T | undefined {
    const s = this.arg(n, i, `one of ${allowed.join('|')}`);
    if (s === undefined) return undefined;
    const v = upper ? s.toUpperCase() : s;
    if ((allowed as readonly string[]).includes(v)) return v as T;
    const hint = didYouMean(s, allowed);
    this.report(this.pos(n, i), 'KAD_ERR_CONFIG_INVALID_VALUE',
      `'${n.name}': '${s}' is not one of ${allowed.join('|')}` + (hint ? `; did you mean '${hint}'?` : ''));
    return undefined;
  }

  /** The words of a block's statements, each statement one entry (for lists like `group { }`). */
  entries(n: Node): Node[] {
    if (!n.children) {
      this.report(n.head, 'KAD_ERR_CONFIG_MISSING_PARAMETER', `'${n.name}' needs a { } block`);
      return [];
    }
    return n.children;
  }
}
