/**
 * Prometheus text exposition format 0.0.4, written directly (pure): `# HELP`, `# TYPE`, then one
 * `name{label="value",...} number` line per sample. Label sets are formatted once by the caller
 * and reused for every family that shares them (an instance's labels appear in 14 counters), which
 * is what makes a 6000-series scrape cheap (docs/benchmarks.md). The text is byte for byte what
 * prom-client's Registry writes for the same samples (test/unit/status/exposition.test.ts).
 */

/** Content-Type of the text format (as prom-client's Registry sends it). */
export const EXPOSITION_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export type MetricType = 'gauge' | 'counter';

/** A metric family: its samples are lines appended during one render. */
export interface FamilyDef {
  readonly name: string;
  readonly help: string;
  readonly type: MetricType;
}

const NEEDS_ESCAPE = /[\\\n"]/;

/** A label value escaped as the format requires (backslash, newline, double quote). */
export function escapeLabelValue(v: string): string {
  if (!NEEDS_ESCAPE.test(v)) return v;
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

/** `a="x",b="y"` for the given pairs (no braces; '' for none). Names are not escaped: they are ours. */
export function labelText(pairs: Readonly<Record<string, string>>): string {
  let out = '';
  for (const k in pairs) out += `${out === '' ? '' : ','}${k}="${escapeLabelValue(pairs[k] ?? '')}"`;
  return out;
}

/** Two formatted label sets joined (either may be empty). */
export function joinLabels(a: string, b: string): string {
  return a === '' ? b : b === '' ? a : `${a},${b}`;
}

function valueText(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

/** The sample lines of one family as exposition text ('\n' between lines, none at the end). */
export function familyLines(name: string, labels: readonly string[], values: readonly number[]): string {
  const out: string[] = [];
  for (let i = 0; i < values.length; i++) {
    const l = labels[i] ?? '';
    const v = valueText(values[i] ?? NaN);
    out.push(l === '' ? `${name} ${v}` : `${name}{${l}} ${v}`);
  }
  return out.join('\n');
}

/** One family's samples: parallel label sets (labelText() results) and values. */
export interface FamilySamples {
  readonly labels: string[];
  readonly values: number[];
}

/** One scrape's samples, family by family, in the order the families were declared. */
export class Exposition {
  private readonly samples = new Map<FamilyDef, FamilySamples>();

  constructor(families: readonly FamilyDef[]) {
    for (const f of families) this.samples.set(f, { labels: [], values: [] });
  }

  /** Add a sample; `labels` is a labelText() result. */
  add(f: FamilyDef, labels: string, value: number): void {
    const s = this.samples.get(f);
    if (!s) throw new Error(`metric family ${f.name} was not declared`);
    s.labels.push(labels);
    s.values.push(value);
  }

  /** The families that have samples, in declaration order. */
  *filled(): IterableIterator<[FamilyDef, FamilySamples]> {
    for (const e of this.samples) if (e[1].values.length > 0) yield e;
  }

  /**
   * The exposition text, with the lines of `merged` (family name → text other processes wrote)
   * after this one's in each family; families they have but this one did not declare are left
   * out. A family without samples keeps its HELP and TYPE lines.
   */
  text(merged: readonly ReadonlyMap<string, string>[] = []): string {
    const out: string[] = [];
    for (const [f, s] of this.samples) {
      if (out.length > 0) out.push(''); // a blank line between families, as prom-client writes them
      out.push(`# HELP ${f.name} ${f.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`, `# TYPE ${f.name} ${f.type}`);
      if (s.values.length > 0) out.push(familyLines(f.name, s.labels, s.values));
      for (const m of merged) {
        const lines = m.get(f.name);
        if (lines) out.push(lines);
      }
    }
    return out.join('\n') + '\n';
  }
}
