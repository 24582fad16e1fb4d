// The shipped dashboard and alert rules use only metrics kad exports, and every exported metric
// is documented in docs/observability.md. promtool (Debian's prometheus package) checks the rules.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { StatusMetrics } from '../../../src/supervisor/status-metrics.js';
import { requirement } from '../../helpers/requirement.js';

const exported = new Set(new StatusMetrics().names());
const METRIC = /\b(?:keepalived|kad)_[a-z0-9_]+\b/g;

/** Every string under `key` anywhere in a parsed JSON value. */
function stringsUnder(v: unknown, key: string): string[] {
  if (Array.isArray(v)) return v.flatMap((x) => stringsUnder(x, key));
  if (typeof v !== 'object' || v === null) return [];
  return Object.entries(v).flatMap(([k, x]) => (k === key && typeof x === 'string' ? [x] : stringsUnder(x, key)));
}

const namesIn = (texts: readonly string[]): string[] => [...new Set(texts.flatMap((t) => t.match(METRIC) ?? []))];

describe('observability docs', () => {
  it('exports the keepalived-exporter names kad shares', () => {
    for (const n of ['keepalived_up', 'keepalived_vrrp_state', 'keepalived_advertisements_received_total', 'keepalived_advertisements_sent_total',
      'keepalived_become_master_total', 'keepalived_release_master_total', 'keepalived_script_status']) expect(exported).toContain(n);
  });

  it('the Grafana dashboard queries only exported metrics', () => {
    const dash = JSON.parse(readFileSync('docs/grafana-dashboard.json', 'utf8')) as unknown;
    const exprs = [...stringsUnder(dash, 'expr'), ...stringsUnder(dash, 'query')];
    const names = namesIn(exprs);
    expect(names.length).toBeGreaterThan(15);
    expect(names.filter((n) => !exported.has(n))).toEqual([]);
  });

  it('the alert rules use only exported metrics, and cover split brain, flapping and quorum', () => {
    const text = readFileSync('docs/prometheus-alerts.yml', 'utf8');
    const exprs = [...text.matchAll(/^\s+expr:\s*(.+)$/gm)].map((m) => m[1] ?? '');
    expect(exprs.length).toBeGreaterThanOrEqual(3);
    const names = namesIn(exprs);
    expect(names.filter((n) => !exported.has(n))).toEqual([]);
    for (const alert of ['KadSplitBrain', 'KadFlapping', 'KadPoolBelowQuorum']) expect(text).toContain(`alert: ${alert}`);
  });

  it('docs/observability.md names every exported metric', () => {
    const doc = readFileSync('docs/observability.md', 'utf8');
    expect([...exported].filter((n) => !doc.includes(`\`${n}\``))).toEqual([]);
  });

  const noPromtool = requirement('promtool check rules', existsSync('/usr/bin/promtool') ? undefined : 'promtool (Debian package prometheus) is not installed');
  it.skipIf(noPromtool !== undefined)('promtool accepts the alert rules', () => {
    expect(execFileSync('promtool', ['check', 'rules', 'docs/prometheus-alerts.yml'], { encoding: 'utf8' })).toMatch(/SUCCESS: \d+ rules found/);
  });
});
