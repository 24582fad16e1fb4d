/**
 * Which tracked objects act on one VRRP instance, with which weight, and the effect of each on
 * the instance (`setTracker(id, effect)`). Pure: the runtime feeds current statuses in.
 *
 * Weight rules for interfaces and scripts are the core's `trackerEffect` (keepalived.conf(5)).
 * track_file values are numbers (keepalived.conf(5), track_file): weight 0 → a non-zero value
 * means FAULT; otherwise value × weight (negated with `reverse`) is added, and a result at or
 * below -254 means FAULT. A vrrp_track_process is up or down (its quorum) and follows the same
 * weight rule as a script. Sync-group trackers apply to every member with weight 0 (keepalived
 * ignores weights on group trackers unless sync_group_tracking_weight is set).
 * The instance's own interface is not listed: the instance tracks it itself (linkChanged).
 */
import type { Config, SyncGroup, TrackRef, VrrpInstance } from '../../../config/model.js';
import { trackerEffect, type TrackerEffect } from '../../protocol/instance-types.js';

export type TrackKind = 'interface' | 'script' | 'file' | 'process';

/** One tracked object as seen by one instance. */
export interface TrackBinding {
  /** Unique per instance: `interface:eth1`, `script:chk_nginx`, `file:weight`, `process:haproxy`. */
  id: string;
  kind: TrackKind;
  name: string;
  weight: number;
  reverse: boolean;
}

/** Effect of a track_file value. */
export function fileEffect(value: number, weight: number, reverse: boolean): TrackerEffect {
  if (weight === 0) return { faulted: value !== 0, priorityDelta: 0 };
  const delta = value * weight * (reverse ? -1 : 1);
  if (delta <= -254) return { faulted: true, priorityDelta: 0 };
  return { faulted: false, priorityDelta: delta };
}

/** Effect of one binding given the tracker's status (boolean for interfaces and scripts). */
export function bindingEffect(b: TrackBinding, status: boolean | number): TrackerEffect {
  if (b.kind === 'file') return fileEffect(typeof status === 'number' ? status : 0, b.weight, b.reverse);
  return trackerEffect(status === true, b.weight, b.reverse);
}

function bind(kind: TrackKind, refs: readonly TrackRef[], own: (name: string) => { weight: number; reverse: boolean } | undefined): TrackBinding[] {
  return refs.map((r) => {
    const o = own(r.name);
    const weight = r.weight ?? o?.weight ?? 0;
    const reverse = r.weight !== undefined ? r.reverse : r.reverse || (o?.reverse ?? false);
    return { id: `${kind}:${r.name}`, kind, name: r.name, weight, reverse };
  });
}

type Weighted = { name: string; weight: number; weightReverse: boolean };

/** The own weight of each tracked object of one kind, by name. */
function ownWeight(list: readonly Weighted[]): (name: string) => { weight: number; reverse: boolean } | undefined {
  return (n) => {
    const o = list.find((x) => x.name === n);
    return o && { weight: o.weight, reverse: o.weightReverse };
  };
}

/** Every tracker binding of `inst`, its sync group's included (as weight-0 faults). */
export function bindingsFor(
  inst: VrrpInstance,
  config: Pick<Config, 'vrrpScripts' | 'trackFiles' | 'trackProcesses' | 'syncGroups'>,
): TrackBinding[] {
  const group: SyncGroup | undefined = config.syncGroups.find((g) => g.name === inst.syncGroup || g.members.includes(inst.name));
  const faultOnly = (rs: readonly TrackRef[]): TrackRef[] => rs.map((r) => ({ name: r.name, weight: 0, reverse: false }));
  const none = (): undefined => undefined;
  const all = [
    ...bind('interface', inst.trackInterfaces, none),
    ...bind('script', inst.trackScripts, ownWeight(config.vrrpScripts)),
    ...bind('file', inst.trackFiles, ownWeight(config.trackFiles)),
    ...bind('process', inst.trackProcesses, ownWeight(config.trackProcesses)),
    ...bind('interface', faultOnly(group?.trackInterfaces ?? []), none),
    ...bind('script', faultOnly(group?.trackScripts ?? []), none),
    ...bind('file', faultOnly(group?.trackFiles ?? []), none),
    ...bind('process', faultOnly(group?.trackProcesses ?? []), none),
  ];
  // The same object listed twice (instance and group) keeps the first binding.
  const seen = new Set<string>();
  return all.filter((b) => !seen.has(b.id) && seen.add(b.id));
}
