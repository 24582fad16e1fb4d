/**
 * Prometheus text exposition format 0.0.4, written directly (pure): `# HELP`, `# TYPE`, then one
 * `name{label="value",...} number` line per sample. Label sets are formatted once by the caller
 * and reused for every family that shares them (an instance's labels appear in 14 counters), which
 * is what makes a 6000-series scrape cheap (docs/benchmarks.md).
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

/** One scrape's samples, family by family, in the order the families were declared. */
export class Exposition {
  private readonly samples = new Map<FamilyDef, string[]>();

  constructor(families: readonly FamilyDef[]) {
    for (const f of families) this.samples.set(f, []);
  }

  /** Add a sample; `labels` is a labelText() result. */
  add(f: FamilyDef, labels: string, value: number): void {
    const list = this.samples.get(f);
    if (!list) throw new Error(`metric family ${f.name} was not declared`);
    list.push(labels === '' ? `${f.name} ${valueText(value)}` : `${f.name}{${labels}} ${valueText(value)}`);
  }

  /** The sample lines of each family that has any, by family name (what a child sends). */
  lines(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [f, list] of this.samples) if (list.length > 0) out[f.name] = list.join('\n');
    return out;
  }

  /** Append sample lines another process wrote (lines()); families not declared here are ignored. */
  merge(lines: Readonly<Record<string, string>>): void {
    for (const [f, list] of this.samples) {
      const text = lines[f.name];
      if (text !== undefined && text !== '') list.push(text);
    }
  }

  /** The exposition text; a family without samples keeps its HELP and TYPE lines. */
  text(): string {
    const out: string[] = [];
    for (const [f, list] of this.samples) {
      out.push(`# HELP ${f.name} ${f.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`, `# TYPE ${f.name} ${f.type}`);
      for (const l of list) out.push(l);
    }
    return out.join('\n') + '\n';
  }
}
