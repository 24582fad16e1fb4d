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

/**
 * Samples written in another process (a child's answer to a metrics request): each distinct
 * label set once in `labels`, and per family name a flat list of (index into `labels`, value)
 * pairs. An instance's label set serves its 14 counters, so this is a third of the lines' size.
 * Values are finite numbers (JSON has no NaN or Infinity).
 */
export interface SampleTable {
  labels: string[];
  families: Record<string, number[]>;
}

/** One scrape's samples, family by family, in the order the families were declared. */
export class Exposition {
  /** Each label set once; samples refer to it by index (what table() sends as is). */
  private readonly labels: string[] = [];
  private readonly labelIndex = new Map<string, number>();
  /** Per family: flat (label index, value) pairs. */
  private readonly samples = new Map<FamilyDef, number[]>();

  constructor(families: readonly FamilyDef[]) {
    for (const f of families) this.samples.set(f, []);
  }

  /** Add a sample; `labels` is a labelText() result. */
  add(f: FamilyDef, labels: string, value: number): void {
    const list = this.samples.get(f);
    if (!list) throw new Error(`metric family ${f.name} was not declared`);
    let at = this.labelIndex.get(labels);
    if (at === undefined) {
      at = this.labels.push(labels) - 1;
      this.labelIndex.set(labels, at);
    }
    list.push(at, value);
  }

  /** The samples as a table another process can pass to text(). */
  table(): SampleTable {
    const families: Record<string, number[]> = {};
    for (const [f, list] of this.samples) if (list.length > 0) families[f.name] = list;
    return { labels: this.labels, families };
  }

  /**
   * The exposition text, with the samples of `merged` (tables other processes wrote) after this
   * one's in each family; families they have but this one did not declare are left out. A family
   * without samples keeps its HELP and TYPE lines.
   */
  text(merged: readonly SampleTable[] = []): string {
    const out: string[] = [];
    const lines = (name: string, labels: readonly string[], flat: readonly number[]): void => {
      for (let i = 0; i + 1 < flat.length; i += 2) {
        const l = labels[flat[i]!] ?? '';
        const v = valueText(flat[i + 1] ?? NaN);
        out.push(l === '' ? `${name} ${v}` : `${name}{${l}} ${v}`);
      }
    };
    for (const [f, list] of this.samples) {
      if (out.length > 0) out.push(''); // a blank line between families, as prom-client writes them
      out.push(`# HELP ${f.name} ${f.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`, `# TYPE ${f.name} ${f.type}`);
      lines(f.name, this.labels, list);
      for (const t of merged) {
        const flat = t.families[f.name];
        if (flat) lines(f.name, t.labels, flat);
      }
    }
    return out.join('\n') + '\n';
  }
}
