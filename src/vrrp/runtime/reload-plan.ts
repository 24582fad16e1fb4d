/**
 * What a VRRP reload keeps, rebuilds, removes and adds (pure). Two model objects are the same
 * when they are equal but for where they were written (`source`: a line moved is no change).
 * An instance is kept only when its own block and what it reads from the rest of the file (the
 * default interface, the multicast groups, its sync group) are unchanged.
 */
import type { Config, VrrpInstance } from '../../config/model.js';

/** Deep equality of two model values, `source` locations left out. */
export function sameModel(a: unknown, b: unknown): boolean {
  const text = (v: unknown): string => JSON.stringify(v, (k, x: unknown) => (k === 'source' ? undefined : x));
  return text(a) === text(b);
}

/** The instance names of a reload, by what happens to them. */
export interface ReloadPlan {
  keep: string[];
  rebuild: string[];
  remove: string[];
  add: string[];
}

function context(config: Config, spec: VrrpInstance): unknown {
  const g = config.global;
  return {
    defaultInterface: g.defaultInterface, mcast4: g.vrrpMcastGroup4, mcast6: g.vrrpMcastGroup6,
    group: config.syncGroups.find((s) => s.members.includes(spec.name)),
  };
}

/** Compare the instances of the running configuration with those of the new one. */
export function planReload(old: Config, next: Config): ReloadPlan {
  const plan: ReloadPlan = { keep: [], rebuild: [], remove: [], add: [] };
  const before = new Map(old.vrrpInstances.map((s) => [s.name, s] as const));
  for (const spec of next.vrrpInstances) {
    const was = before.get(spec.name);
    if (!was) plan.add.push(spec.name);
    else if (sameModel(was, spec) && sameModel(context(old, was), context(next, spec))) plan.keep.push(spec.name);
    else plan.rebuild.push(spec.name);
    before.delete(spec.name);
  }
  plan.remove.push(...before.keys());
  return plan;
}
