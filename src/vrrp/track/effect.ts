/**
 * What the tracked objects mean for one VRRP instance: FAULT or not, and how much to add to its
 * configured priority. Pure: the runtime feeds it the current status of every tracker.
 *
 * keepalived's weight rules (keepalived.conf(5), track_interface / track_script / track_file):
 * - weight 0: the tracker failing puts the instance in FAULT.
 * - weight > 0: added while the tracker is good (interface up, script succeeding).
 * - weight < 0: added (so subtracted) while the tracker is bad.
 * - `reverse` inverts the direction of the adjustment.
 * - track_file: weight 0 → a non-zero value is a failure; otherwise value × weight is added, and a
 *   result at or below -254 means FAULT.
 * The effective priority is clamped to 1..254; an address owner (255) is never adjusted.
 */
import type { TrackRef, VrrpInstance } from '../../config/model.js';

/** Snapshot of every tracker's status, by name. */
export interface TrackStatus {
  /** Interface name → link is up and running. */
  interfaces: ReadonlyMap<string, boolean>;
  /** vrrp_script name → succeeding. */
  scripts: ReadonlyMap<string, boolean>;
  /** track_file name → current value. */
  files: ReadonlyMap<string, number>;
}

export interface TrackEffect {
  /** Names of trackers that force FAULT (empty when none). */
  faultBy: readonly string[];
  /** Sum of weight adjustments. */
  priorityDelta: number;
}

/** Default weights of the tracked objects themselves (a ref without `weight` uses these). */
export interface TrackWeights {
  scripts: ReadonlyMap<string, { weight: number; reverse: boolean }>;
  files: ReadonlyMap<string, { weight: number; reverse: boolean }>;
}

function weightOf(ref: TrackRef, own: { weight: number; reverse: boolean } | undefined): { w: number; rev: boolean } {
  if (ref.weight !== undefined) return { w: ref.weight, rev: ref.reverse };
  return { w: own?.weight ?? 0, rev: ref.reverse || (own?.reverse ?? false) };
}

/** Effect of one good/bad tracker with weight `w`. */
function boolEffect(name: string, good: boolean, w: number, rev: boolean, acc: { fault: string[]; delta: number }): void {
  if (w === 0) {
    if (!good) acc.fault.push(name);
    return;
  }
  const sign = rev ? -1 : 1;
  if (w > 0 && good) acc.delta += sign * w;
  if (w < 0 && !good) acc.delta += sign * w;
}

/** Compute FAULT and priority adjustment for `refs` given `status`. */
export function trackEffect(
  refs: { interfaces: readonly TrackRef[]; scripts: readonly TrackRef[]; files: readonly TrackRef[] },
  status: TrackStatus,
  weights: TrackWeights,
): TrackEffect {
  const acc = { fault: [] as string[], delta: 0 };
  for (const r of refs.interfaces) {
    boolEffect(r.name, status.interfaces.get(r.name) ?? false, r.weight ?? 0, r.reverse, acc);
  }
  for (const r of refs.scripts) {
    const { w, rev } = weightOf(r, weights.scripts.get(r.name));
    boolEffect(r.name, status.scripts.get(r.name) ?? true, w, rev, acc);
  }
  for (const r of refs.files) {
    const { w, rev } = weightOf(r, weights.files.get(r.name));
    const v = status.files.get(r.name) ?? 0;
    if (w === 0) {
      if (v !== 0) acc.fault.push(r.name);
      continue;
    }
    const d = v * w * (rev ? -1 : 1);
    if (d <= -254) acc.fault.push(r.name);
    else acc.delta += d;
  }
  return { faultBy: acc.fault, priorityDelta: acc.delta };
}

/** Refs that apply to an instance: its own plus its sync group's (group trackers only fault). */
export function instanceRefs(
  inst: VrrpInstance,
  group: { trackInterfaces: readonly TrackRef[]; trackScripts: readonly TrackRef[]; trackFiles: readonly TrackRef[] } | undefined,
): { interfaces: TrackRef[]; scripts: TrackRef[]; files: TrackRef[] } {
  const asFault = (rs: readonly TrackRef[]): TrackRef[] => rs.map((r) => ({ name: r.name, weight: 0, reverse: false }));
  const interfaces = [...inst.trackInterfaces];
  // An instance cannot speak VRRP on a link that is down: like keepalived, its own interface is
  // tracked (FAULT when down) unless dont_track_primary is set.
  if (inst.interface !== undefined && !inst.dontTrackPrimary && !interfaces.some((r) => r.name === inst.interface)) {
    interfaces.push({ name: inst.interface, weight: 0, reverse: false });
  }
  return {
    interfaces: [...interfaces, ...asFault(group?.trackInterfaces ?? [])],
    scripts: [...inst.trackScripts, ...asFault(group?.trackScripts ?? [])],
    files: [...inst.trackFiles, ...asFault(group?.trackFiles ?? [])],
  };
}

/** Priority an instance runs with: configured + delta, clamped 1..254; 255 stays 255. */
export function effectivePriority(configured: number, delta: number): number {
  if (configured === 255) return 255;
  return Math.max(1, Math.min(254, configured + delta));
}
