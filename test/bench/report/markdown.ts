// Pure text building for docs/benchmarks.md: markdown tables from benchmark results, and the
// replacement of generated sections between `<!-- bench:NAME:begin -->` and
// `<!-- bench:NAME:end -->` markers, leaving everything outside the markers as it was.

/** Median and range of repeated measurements of one quantity. */
export interface Stats {
  median: number;
  min: number;
  max: number;
  n: number;
  /** Decimals to print (default 1). */
  digits?: number;
}

export type Cell = string | number | Stats | null;

/** One table of a benchmark, headed for the doc section `section`. */
export interface BenchTable {
  section: string;
  /** One line printed above the table (inside the generated block). */
  caption?: string;
  columns: string[];
  rows: Cell[][];
}

/** What one benchmark writes to `$BENCH_OUT_DIR/NAME.json`. */
export interface BenchResult {
  bench: string;
  /** What it ran: repeats, durations, sizes. */
  params: Record<string, string | number | boolean>;
  tables: BenchTable[];
  /** Failover latency cells for the chart (failover.bench.ts only). */
  failover?: FailoverCell[];
}

export interface FailoverCell {
  daemon: 'kad' | 'keepalived';
  version: 2 | 3;
  kind: 'hard' | 'graceful';
  limitMs: number;
  ms: Stats;
}

/** Median (mean of the middle two for an even count), min and max; undefined without samples. */
export function stats(xs: readonly number[], digits = 1): Stats | undefined {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return undefined;
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  return { median, min: s[0]!, max: s[s.length - 1]!, n: s.length, digits };
}


/** `median (min–max)`, or the bare value for a single sample. */
export function formatCell(c: Cell): string {
  if (c === null) return '';
  if (typeof c === 'string') return c;
  if (typeof c === 'number') return String(c);
  const d = c.digits ?? 1;
  if (c.n === 1 || c.min === c.max) return c.median.toFixed(d);
  return `${c.median.toFixed(d)} (${c.min.toFixed(d)}–${c.max.toFixed(d)})`;
}

const escapeCell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderTable(t: Pick<BenchTable, 'columns' | 'rows'>): string {
  const line = (cells: string[]): string => `| ${cells.map(escapeCell).join(' | ')} |`;
  return [line(t.columns), `|${t.columns.map(() => '---').join('|')}|`, ...t.rows.map((r) => line(r.map(formatCell)))].join('\n');
}

export const beginMarker = (name: string): string => `<!-- bench:${name}:begin -->`;
export const endMarker = (name: string): string => `<!-- bench:${name}:end -->`;

/** Names of the generated sections in a document, in order. */
export function sectionNames(doc: string): string[] {
  return [...doc.matchAll(/<!-- bench:([\w.-]+):begin -->/g)].map((m) => m[1]!);
}

/**
 * The document with the text between NAME's markers replaced by `body` (markers kept);
 * `found: false` and the document unchanged when the markers are missing or out of order.
 */
export function replaceSection(doc: string, name: string, body: string): { doc: string; found: boolean } {
  const b = beginMarker(name);
  const e = endMarker(name);
  const i = doc.indexOf(b);
  const j = i < 0 ? -1 : doc.indexOf(e, i + b.length);
  if (i < 0 || j < 0) return { doc, found: false };
  return { doc: `${doc.slice(0, i + b.length)}\n${body.trim()}\n${doc.slice(j)}`, found: true };
}

/** The tables of all results grouped by section name, in the order they come. */
export function tablesBySection(results: readonly BenchResult[]): Map<string, { result: BenchResult; tables: BenchTable[] }> {
  const out = new Map<string, { result: BenchResult; tables: BenchTable[] }>();
  for (const r of results) {
    for (const t of r.tables) {
      const entry = out.get(t.section) ?? { result: r, tables: [] };
      entry.tables.push(t);
      out.set(t.section, entry);
    }
  }
  return out;
}

/** One generated block: a provenance line, then each table with its caption. */
export function sectionBody(tables: readonly BenchTable[], provenance: string): string {
  const parts = [`_${provenance}_`];
  for (const t of tables) parts.push((t.caption ? `${t.caption}\n\n` : '') + renderTable(t));
  return parts.join('\n\n');
}

/** `runs=5, seconds=60` */
export const formatParams = (p: BenchResult['params']): string =>
  Object.entries(p).map(([k, v]) => `${k}=${String(v)}`).join(', ');
