/**
 * What routes and rules should be in the kernel, and what to change to get there (pure).
 * Wanted: `static_routes` / `static_rules` always, and the `virtual_routes` / `virtual_rules` of
 * every instance that holds MASTER. Entries are keyed by what they are (not where they were
 * written), so one route two MASTERs share stays until the last lets go, a reload that moves a
 * line changes nothing, and a changed line is removed and added. Order: on the way out rules
 * before routes (a rule must not point at a table being emptied), on the way in routes first.
 */
import type { RouteSpec, RuleSpec, VrrpInstance } from '../../config/model.js';

export type RouteEntry = { kind: 'route'; key: string; owner: string; spec: RouteSpec } | { kind: 'rule'; key: string; owner: string; spec: RuleSpec };

/** The kernel-facing identity of a route or rule: the model without where it was written. */
export function entryKey(kind: 'route' | 'rule', spec: RouteSpec | RuleSpec): string {
  return kind + JSON.stringify(spec, (k, v: unknown) => (k === 'source' || k === 'words' || k === 'tableName' ? undefined : v));
}

function entries(owner: string, routes: readonly RouteSpec[], rules: readonly RuleSpec[]): RouteEntry[] {
  return [
    ...routes.map((spec) => ({ kind: 'route' as const, key: entryKey('route', spec), owner, spec })),
    ...rules.map((spec) => ({ kind: 'rule' as const, key: entryKey('rule', spec), owner, spec })),
  ];
}

/** Static entries (owner 'static') and those of the MASTER instances given. */
export function wantedEntries(
  statics: { routes: readonly RouteSpec[]; rules: readonly RuleSpec[] } | undefined,
  masters: readonly VrrpInstance[],
): RouteEntry[] {
  return [
    ...(statics ? entries('static', statics.routes, statics.rules) : []),
    ...masters.flatMap((m) => entries(m.name, m.virtualRoutes, m.virtualRules)),
  ];
}

/** The changes that take `installed` to `wanted`, in the order they must reach the kernel. */
export function planRoutes(installed: ReadonlyMap<string, RouteEntry>, wanted: readonly RouteEntry[]): { remove: RouteEntry[]; add: RouteEntry[] } {
  const want = new Map<string, RouteEntry>();
  for (const e of wanted) if (!want.has(e.key)) want.set(e.key, e);
  const remove = [...installed.values()].filter((e) => !want.has(e.key));
  const add = [...want.values()].filter((e) => !installed.has(e.key));
  const rank = (e: RouteEntry, rulesFirst: boolean): number => (e.kind === 'rule') === rulesFirst ? 0 : 1;
  return {
    remove: remove.sort((a, b) => rank(a, true) - rank(b, true)),
    add: add.sort((a, b) => rank(a, false) - rank(b, false)),
  };
}
