/**
 * The VRRP child's part of the status document (pure): one entry per instance from its
 * configuration, its snapshot and the transition log, plus the state of every vrrp_script
 * as the instances tracking it see it. The instance is taken structurally (what snapshot()
 * returns and its spec), so this file depends on no VRRP module.
 */
import type { Config, TrackRef, VrrpInstance as InstanceSpec } from '../config/model.js';
import type { TransitionLog } from './transitions.js';
import type { InstanceStatus, ScriptRunState, ScriptStatus, TrackedObject, VrrpReport } from './types.js';

/** What the report reads from an instance's snapshot(). */
export interface SnapshotView {
  name: string;
  vrid: number;
  state: string;
  basePriority: number;
  effectivePriority: number;
  advertIntMs: number;
  masterAdverIntMs: number;
  masterPriority?: number;
  masterAddress?: string;
  faults: string[];
  stats: object;
  drops: object;
}

/** A tracker's effect on the instance (faulted, signed priority contribution). */
export interface EffectView {
  faulted: boolean;
  priorityDelta: number;
}

/** One running instance: its spec, snapshot and tracker effects keyed `kind:name`. */
export interface InstanceView {
  spec: InstanceSpec;
  snapshot(): SnapshotView;
  effects: ReadonlyMap<string, EffectView>;
}

const KINDS = [['script', 'trackScripts'], ['interface', 'trackInterfaces'], ['file', 'trackFiles'], ['process', 'trackProcesses']] as const;

function tracked(spec: InstanceSpec, config: Config, effects: ReadonlyMap<string, EffectView>): TrackedObject[] {
  const own = (kind: string, r: TrackRef): number => {
    if (r.weight !== undefined) return r.weight;
    if (kind === 'script') return config.vrrpScripts.find((s) => s.name === r.name)?.weight ?? 0;
    if (kind === 'file') return config.trackFiles.find((s) => s.name === r.name)?.weight ?? 0;
    if (kind === 'process') return config.trackProcesses.find((s) => s.name === r.name)?.weight ?? 0;
    return 0;
  };
  return KINDS.flatMap(([kind, key]) => spec[key].map((r) => {
    const e = effects.get(`${kind}:${r.name}`);
    return { kind, name: r.name, weight: own(kind, r), faulted: e?.faulted ?? false, priorityDelta: e?.priorityDelta ?? 0 };
  }));
}

/** The numeric fields of `o` (a plain loop: this runs for every instance at every scrape). */
function counts(o: object): Record<string, number> {
  const out: Record<string, number> = {};
  const r = o as Record<string, unknown>;
  for (const k in r) {
    const v = r[k];
    if (typeof v === 'number') out[k] = v;
  }
  return out;
}

function instanceStatus(v: InstanceView, config: Config, log: TransitionLog): InstanceStatus {
  const s = v.snapshot();
  log.notePeer(s.name, s.masterAddress);
  const out: InstanceStatus = {
    name: s.name, vrid: s.vrid, interface: v.spec.interface ?? config.global.defaultInterface, family: v.spec.family,
    state: s.state, basePriority: s.basePriority, effectivePriority: s.effectivePriority,
    vips: v.spec.vips.map((a) => `${a.address}/${a.prefixLen}`),
    advertIntMs: s.advertIntMs, masterAdverIntMs: s.masterAdverIntMs, faults: [...s.faults],
    transitions: log.countsOf(s.name), counters: counts(s.stats), drops: counts(s.drops),
    tracked: tracked(v.spec, config, v.effects),
  };
  if (s.masterAddress !== undefined) out.masterAddress = s.masterAddress;
  if (s.masterPriority !== undefined) out.masterPriority = s.masterPriority;
  const last = log.lastOf(s.name);
  if (last) out.lastTransition = last;
  return out;
}

/**
 * A vrrp_script is GOOD while no instance tracking it sees it failing: a failed script either
 * faults the instance (weight 0) or changes its priority the way a failure does.
 */
function scriptStatuses(config: Config, instances: readonly InstanceStatus[], runState: ScriptRunStateOf): ScriptStatus[] {
  return config.vrrpScripts.map((sc) => {
    const state = runState(sc.name) ?? 'idle';
    const refs = instances.flatMap((i) => i.tracked.filter((t) => t.kind === 'script' && t.name === sc.name));
    if (refs.length === 0) return { name: sc.name, status: 'INIT', state };
    const failing = refs.some((t) => t.faulted || (t.weight > 0 && t.priorityDelta === 0) || (t.weight < 0 && t.priorityDelta < 0));
    return { name: sc.name, status: failing ? 'BAD' : 'GOOD', state };
  });
}

/** What a vrrp_script is doing now (undefined: nothing runs it, shown as idle). */
export type ScriptRunStateOf = (name: string) => ScriptRunState | undefined;

/** The VRRP child's answer to a status request. */
export function buildVrrpReport(instances: readonly InstanceView[], config: Config, log: TransitionLog, runState: ScriptRunStateOf = () => undefined): VrrpReport {
  const list = instances.map((i) => instanceStatus(i, config, log));
  return { instances: list, scripts: scriptStatuses(config, list, runState) };
}
