// The Prometheus text exposition parsed by a real parser (npm parse-prometheus-text-format,
// prom2json-compatible output), with typed look-ups for tests. Values stay strings in the
// parser's output; `value` turns the one sample matching some labels into a number.
import { createRequire } from 'node:module';

export interface PromSample {
  value: string;
  labels?: Record<string, string>;
}

export interface PromFamily {
  name: string;
  help: string;
  type: 'COUNTER' | 'GAUGE' | 'HISTOGRAM' | 'SUMMARY' | 'UNTYPED';
  metrics: PromSample[];
}

const parseText = createRequire(import.meta.url)('parse-prometheus-text-format') as (text: string) => PromFamily[];

/** Parse exposition text into metric families by name. */
export function parseExposition(text: string): Map<string, PromFamily> {
  return new Map(parseText(text).map((f) => [f.name, f] as const));
}

/** The one sample of `name` whose labels include `labels`; throws when none or several match. */
export function sample(families: Map<string, PromFamily>, name: string, labels: Record<string, string> = {}): number {
  const f = families.get(name);
  if (!f) throw new Error(`no metric ${name}`);
  const hits = f.metrics.filter((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
  if (hits.length !== 1) throw new Error(`${hits.length} samples of ${name} match ${JSON.stringify(labels)}`);
  return Number(hits[0]?.value);
}

/** Samples of `name` matching `labels` (possibly none). */
export function samples(families: Map<string, PromFamily>, name: string, labels: Record<string, string> = {}): PromSample[] {
  return (families.get(name)?.metrics ?? []).filter((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
}
