/**
 * VRRP instances and sync groups from drafts to the model: global defaults applied, then the
 * checks keepalived makes (each one measured against keepalived 2.2.7 `-t`) plus kad's trap
 * warnings. Cross-references (track_*, sync-group members) are checked here too.
 */
import type { Cx } from './context.js';
import type { ConfigEnv } from './env.js';
import type { Family, GlobalDefs, SyncGroup, TrackRef, VrrpInstance } from './model.js';
import type { GroupDraft, InstanceDraft } from './blocks/vrrp.js';
import type { Node } from './tree.js';
import { ipvlanOf, preemptRules, priorityOf, stateOf, strictFirstVip, strictTimers, strictVersion, unicastWithoutPeers, vipCapacity, vmacRules } from './vrrp-complete.js';

export interface TrackNames {
  scripts: ReadonlySet<string>;
  files: ReadonlySet<string>;
  processes: ReadonlySet<string>;
}

function checkRefs(cx: Cx, at: Node | undefined, refs: readonly TrackRef[], names: ReadonlySet<string>, what: string, owner: string): TrackRef[] {
  return refs.filter((r) => {
    if (names.has(r.name)) return true;
    cx.report(at?.head ?? { file: '', line: 0, col: 0 }, 'KAD_ERR_CONFIG_UNKNOWN_REFERENCE', `${owner}: ${what} '${r.name}' is not defined; ignored`);
    return false;
  });
}

function familyOf(d: InstanceDraft): Family {
  return d.vips[0]?.family ?? (d.unicastSrcIp?.includes(':') ? 6 : 4);
}

/** Address-family, interval and version rules (RFC 3768 §5.3.7, RFC 5798 §5.2.7). */
function protocolRules(cx: Cx, d: InstanceDraft, g: GlobalDefs, family: Family, strict: boolean): { version: 2 | 3; advertIntMs: number } {
  const at = d.node.head;
  const mixed = d.vips.filter((v) => v.family !== family);
  for (const v of mixed) {
    cx.report(v.source.file ? { file: v.source.file, line: v.source.line, col: 1 } : at, 'KAD_ERR_CONFIG_INCONSISTENT',
      `${d.name}: VIP ${v.address} is IPv${v.family} but the instance is IPv${family}; all VIPs of an instance share one family (use virtual_ipaddress_excluded)`);
  }
  const version = strictVersion(cx, d, family, strict) ?? (family === 6 ? 3 : g.vrrpVersion);
  let advertIntMs = d.advertIntMs ?? 1000;
  if (version === 2 && advertIntMs % 1000 !== 0) {
    const rounded = Math.max(1000, Math.round(advertIntMs / 1000) * 1000);
    cx.report(at, 'KAD_ERR_CONFIG_INVALID_VALUE', `${d.name}: VRRPv2 advert_int must be whole seconds (RFC 3768 §5.3.7); ${advertIntMs / 1000}s rounded to ${rounded / 1000}s`);
    advertIntMs = rounded;
  }
  if (version === 3) advertIntMs = v3Interval(cx, d, advertIntMs);
  if (version === 3 && family === 4 && !(d.v3ChecksumAsV2 ?? g.v3ChecksumAsV2)) {
    cx.report(at, 'KAD_WARN_CONFIG_V3_CHECKSUM', `${d.name}: VRRPv3 over IPv4 checksums the IP pseudo-header (keepalived's default); routers that follow RFC 9568 §5.2.8 (Cisco, Juniper) reject these adverts unless v3_checksum_as_v2 is set on one side`);
  }
  return { version, advertIntMs };
}

/** RFC 5798 §5.2.7: a 12-bit count of centiseconds, so 0.01-40.95 s in 10 ms steps. */
function v3Interval(cx: Cx, d: InstanceDraft, ms: number): number {
  if (ms >= 40960) {
    cx.report(d.node.head, 'KAD_ERR_CONFIG_INVALID_VALUE', `${d.name}: VRRPv3 advert_int ${ms / 1000}s is beyond 40.95s (RFC 5798 §5.2.7); set to 40.95s`);
    return 40950;
  }
  if (ms % 10 !== 0) {
    const rounded = Math.max(10, Math.round(ms / 10) * 10);
    cx.report(d.node.head, 'KAD_ERR_CONFIG_INVALID_VALUE', `${d.name}: VRRPv3 advert_int must be in units of 10 ms (RFC 5798 §5.2.7); ${ms / 1000}s rounded to ${rounded / 1000}s`);
    return rounded;
  }
  return ms;
}

/** vrrp_strict rules (keepalived `vrrp_strict`, RFC 5798 §6.1 / §8.3.2). */
function strictRules(cx: Cx, d: InstanceDraft, version: 2 | 3, priority: number, family: Family): boolean {
  const at = d.node.head;
  let accept = d.accept ?? false;
  if (d.auth && d.auth.type !== 'none') {
    cx.report(d.auth.node.head, 'KAD_ERR_CONFIG_INCONSISTENT', `${d.name}: vrrp_strict does not allow authentication; ignored`);
  }
  if (accept && version === 2 && priority !== 255) {
    cx.report(at, 'KAD_ERR_CONFIG_INCONSISTENT', `${d.name}: vrrp_strict: accept mode is not allowed with VRRPv2 (RFC 3768); reset`);
    accept = false;
  }
  if (!accept && priority !== 255) {
    cx.report(at, 'KAD_WARN_CONFIG_STRICT_NO_ACCEPT', `${d.name}: vrrp_strict without 'accept': while MASTER, kad's nftables rules drop traffic to and from the VIPs, so they answer no ping or service`);
  }
  strictFirstVip(cx, d, family, true);
  return accept;
}

function checkInterfaces(cx: Cx, d: InstanceDraft, g: GlobalDefs, env: ConfigEnv): void {
  const at = d.node.head;
  if (d.interface === undefined) {
    cx.report(at, 'KAD_ERR_CONFIG_MISSING_REQUIRED', `${d.name}: no 'interface'; keepalived cannot run this instance`);
  } else if (!g.dynamicInterfaces && !env.interfaceExists(d.interface)) {
    cx.report(at, 'KAD_ERR_CONFIG_INTERFACE_MISSING', `${d.name}: interface '${d.interface}' does not exist (set dynamic_interfaces to allow this)`);
  } else if (env.interfaceIsLoopback?.(d.interface)) {
    // keepalived 2.2.7: "cannot use a loopback interface (lo) for vrrp - ignoring", then the
    // instance has no interface: a config error.
    cx.report(d.interfaceAt ?? at, 'KAD_ERR_CONFIG_INVALID_VALUE', `${d.name}: cannot use the loopback interface '${d.interface}' for VRRP`);
  }
  for (const v of [...d.vips, ...d.excludedVips]) {
    if (v.dev !== undefined && !g.dynamicInterfaces && !env.interfaceExists(v.dev)) {
      cx.report({ file: v.source.file, line: v.source.line, col: 1 }, 'KAD_ERR_CONFIG_INTERFACE_MISSING', `${d.name}: VIP ${v.address} names interface '${v.dev}', which does not exist`);
    }
  }
  for (const t of d.trackInterfaces) {
    if (!g.dynamicInterfaces && !env.interfaceExists(t.name)) {
      cx.report(d.trackNodes.interface?.head ?? at, 'KAD_ERR_CONFIG_INTERFACE_MISSING', `${d.name}: tracked interface '${t.name}' does not exist`);
    }
  }
  // The instance's own interface is tracked already (down means FAULT): keepalived 2.2.7 drops
  // such an entry, weight and all, and counts it as a config error.
  const own = d.trackInterfaces.filter((t) => t.name === d.interface);
  if (own.length > 0) {
    cx.report(d.trackNodes.interface?.head ?? at, 'KAD_ERR_CONFIG_INCONSISTENT', `(${d.name}) ignoring track_interface ${d.interface} since it is the instance's own interface`);
    d.trackInterfaces = d.trackInterfaces.filter((t) => t.name !== d.interface);
  }
}

/** The macvlan's name and MAC (a 5-octet MAC gets the VRID as sixth; vrrp_strict clears it). */
function vmacOf(d: InstanceDraft, strict: boolean): Pick<VrrpInstance, 'vmacName' | 'vmacMac' | 'vmacXmitBase'> {
  if (!d.useVmac) return { vmacXmitBase: false };
  const mac = d.vmacMac === undefined || strict ? undefined
    : d.vmacMac.split(':').length === 5 ? `${d.vmacMac}:${(d.vrid ?? 0).toString(16).padStart(2, '0')}` : d.vmacMac;
  return { ...(d.vmacName ? { vmacName: d.vmacName } : {}), ...(mac ? { vmacMac: mac } : {}), vmacXmitBase: d.vmacXmitBase && !strict };
}

/** Applies defaults and checks to one instance. */
export function finishInstance(cx: Cx, d: InstanceDraft, g: GlobalDefs, env: ConfigEnv, names: TrackNames): VrrpInstance {
  const at = d.node.head;
  if (d.vrid === undefined) cx.report(at, 'KAD_ERR_CONFIG_MISSING_REQUIRED', `${d.name}: virtual_router_id is required (1-255)`);
  checkInterfaces(cx, d, g, env);
  const strict = d.strict ?? g.vrrpStrict;
  if (d.vips.length === 0 && (!d.noVirtualIpaddress || strict)) {
    cx.report(at, 'KAD_ERR_CONFIG_MISSING_REQUIRED', `${d.name}: no virtual_ipaddress; at least one VIP is needed${d.noVirtualIpaddress ? ' (vrrp_strict does not allow no_virtual_ipaddress)' : ''}`);
  }
  unicastWithoutPeers(cx, d);
  const family = familyOf(d);
  const priority = priorityOf(d);
  const state = stateOf(cx, d, priority, strict);
  const { version, advertIntMs } = protocolRules(cx, d, g, family, strict);
  const accept = strict ? strictRules(cx, d, version, priority, family) : d.accept ?? true;
  const { preempt, preemptDelayMs } = preemptRules(cx, d, state, priority, strict);
  const ah = !strict && version === 2 && d.auth?.type === 'AH';
  if (ah && state === 'MASTER' && priority !== 255) {
    cx.report(d.auth!.node.head, 'KAD_ERR_CONFIG_INCONSISTENT', `${d.name}: state MASTER is incompatible with AH authentication; starting as BACKUP`);
  }
  if (d.auth && d.auth.type !== 'none' && version === 3) {
    cx.report(d.auth.node.head, 'KAD_WARN_CONFIG_IGNORED', `${d.name}: authentication is ignored with VRRPv3 (RFC 5798 §9)`);
  }
  vmacRules(cx, d, strict);
  const ipvlan = ipvlanOf(cx, d, family);
  const mcastSrcIp = d.mcastSrcIp ?? ipvlan?.address?.address;
  const { vips, excess } = vipCapacity(cx, d, family, version, ah, d.interface === undefined ? undefined : env.interfaceMtu?.(d.interface));
  const timers = strictTimers(cx, d, g, strict);
  return {
    name: d.name, source: cx.src(d.node), initialState: state === 'MASTER' && !(ah && priority !== 255) ? 'MASTER' : 'BACKUP',
    ...(d.interface !== undefined ? { interface: d.interface } : {}), vrid: d.vrid ?? 0, priority, advertIntMs, version, family,
    vips, excludedVips: [...d.excludedVips, ...excess], virtualRoutes: d.virtualRoutes, virtualRules: d.virtualRules,
    ...(mcastSrcIp ? { mcastSrcIp } : {}), ...(d.unicastSrcIp ? { unicastSrcIp: d.unicastSrcIp } : {}),
    unicastPeers: d.unicastPeers, unicastTtl: d.unicastTtl ?? 255, unicastFaultNoPeer: d.unicastFaultNoPeer,
    checkUnicastSrc: d.checkUnicastSrc || g.vrrpCheckUnicastSrc, ...(d.mcastDstIp ? { mcastDstIp: d.mcastDstIp } : {}),
    useVmac: d.useVmac, ...vmacOf(d, strict), ...(d.useVmacAddr ? { useVmacAddr: true } : {}), ...(ipvlan ? { ipvlan } : {}), accept, preempt, preemptDelayMs, dontTrackPrimary: d.dontTrackPrimary,
    skipCheckAdvAddr: d.skipCheckAdvAddr ?? g.vrrpSkipCheckAdvAddr, strict, v3ChecksumAsV2: d.v3ChecksumAsV2 ?? g.v3ChecksumAsV2,
    lowerPrioNoAdvert: timers.lowerPrioNoAdvert, higherPrioSendAdvert: timers.higherPrioSendAdvert, downTimerAdverts: timers.downTimerAdverts,
    garpMasterDelayMs: d.garp.masterDelayMs ?? g.vrrpGarpMasterDelayMs, garpMasterRepeat: d.garp.masterRepeat ?? g.vrrpGarpMasterRepeat,
    garpLowerPrioDelayMs: timers.garpLowerPrioDelayMs, garpLowerPrioRepeat: timers.garpLowerPrioRepeat,
    garpMasterRefreshMs: d.garp.masterRefreshMs ?? g.vrrpGarpMasterRefreshMs,
    garpMasterRefreshRepeat: d.garp.masterRefreshRepeat ?? g.vrrpGarpMasterRefreshRepeat,
    auth: !d.auth || d.auth.type === 'none' || strict || version === 3 ? { type: 'none' } : { type: d.auth.type, password: d.auth.password },
    trackInterfaces: d.trackInterfaces,
    trackScripts: checkRefs(cx, d.trackNodes.script, d.trackScripts, names.scripts, 'track_script', d.name),
    trackFiles: checkRefs(cx, d.trackNodes.file, d.trackFiles, names.files, 'track_file', d.name),
    trackProcesses: checkRefs(cx, d.trackNodes.process, d.trackProcesses, names.processes, 'track_process', d.name),
    notify: d.notify, notifyDeleted: d.notifyDeleted, notifyPriorityChanges: d.notifyPriorityChanges ?? g.vrrpNotifyPriorityChanges, ...(d.smtpAlert !== undefined ? { smtpAlert: d.smtpAlert } : {}),
    promoteSecondaries: d.promoteSecondaries, ...(d.lvsSyncDaemonInterface ? { lvsSyncDaemonInterface: d.lvsSyncDaemonInterface } : {}),
  };
}

/** Duplicate VRID on one interface and family (RFC 5798 §5.2.3: the VRID names the router). */
export function checkDuplicateVrids(cx: Cx, list: readonly VrrpInstance[]): void {
  const seen = new Map<string, VrrpInstance>();
  for (const v of list) {
    if (v.vrid === 0) continue;
    const key = `${v.interface ?? ''}|${v.family}|${v.vrid}`;
    const other = seen.get(key);
    if (other) {
      cx.report({ file: v.source.file, line: v.source.line, col: 1 }, 'KAD_ERR_CONFIG_DUPLICATE',
        `${v.name}: virtual_router_id ${v.vrid} is already used by ${other.name} (${other.source.file}:${other.source.line}) on ${v.interface ?? 'the same link'} for IPv${v.family}`);
    } else seen.set(key, v);
  }
}

/** The weights vrrp_scripts and track_files give themselves (a track entry may override them). */
export interface OwnWeights {
  scripts: ReadonlyMap<string, number>;
  files: ReadonlyMap<string, number>;
}

/**
 * keepalived 2.2.7 does not let a sync group member's trackers move its priority: a weighted
 * script or file is dropped, a weighted interface is tracked without its weight (an error, exit
 * 5), unless the group says `sync_group_tracking_weight`. Process trackers are left as they are.
 */
function memberWithoutWeights(cx: Cx, inst: VrrpInstance, own: OwnWeights): VrrpInstance {
  const at = { file: inst.source.file, line: inst.source.line, col: 1 };
  const why = 'due to SYNC group (keepalived 2.2.7; add sync_group_tracking_weight to the group to keep tracking weights)';
  const keep = (what: string, weights: ReadonlyMap<string, number>) => (r: TrackRef): boolean => {
    const weight = r.weight ?? weights.get(r.name) ?? 0;
    if (weight === 0) return true;
    cx.report(at, 'KAD_ERR_CONFIG_INCONSISTENT', `(${inst.name}) ignoring tracked ${what} ${r.name} with weight ${weight} ${why}`);
    return false;
  };
  const interfaces = inst.trackInterfaces.map((r) => {
    if (!r.weight) return r;
    cx.report(at, 'KAD_ERR_CONFIG_INCONSISTENT', `(${inst.name}) ignoring ${r.name} tracked interface weight ${why}; a fault still counts`);
    return { ...r, weight: 0 };
  });
  return {
    ...inst,
    trackInterfaces: interfaces,
    trackScripts: inst.trackScripts.filter(keep('script', own.scripts)),
    trackFiles: inst.trackFiles.filter(keep('file', own.files)),
  };
}

/** Sync groups: members must exist, belong to one group only, and be at least two. */
export function finishGroups(cx: Cx, drafts: readonly GroupDraft[], instances: VrrpInstance[], names: TrackNames, own: OwnWeights): SyncGroup[] {
  const byName = new Map(instances.map((v, i) => [v.name, i]));
  const out: SyncGroup[] = [];
  for (const g of drafts) {
    const members = g.members.filter((m) => {
      const i = byName.get(m);
      if (i === undefined) {
        cx.report(g.node.head, 'KAD_ERR_CONFIG_UNKNOWN_REFERENCE', `vrrp_sync_group ${g.name}: member '${m}' is not a vrrp_instance`);
        return false;
      }
      const inst = instances[i]!;
      if (inst.syncGroup !== undefined) {
        cx.report(g.node.head, 'KAD_ERR_CONFIG_DUPLICATE', `vrrp_sync_group ${g.name}: ${m} is already in sync group ${inst.syncGroup}`);
        return false;
      }
      instances[i] = { ...(g.trackingWeight ? inst : memberWithoutWeights(cx, inst, own)), syncGroup: g.name };
      return true;
    });
    if (members.length === 0) {
      cx.report(g.node.head, 'KAD_ERR_CONFIG_MISSING_REQUIRED', `vrrp_sync_group ${g.name} has no members; removed`);
      continue;
    }
    if (members.length === 1) {
      cx.report(g.node.head, 'KAD_ERR_CONFIG_INCONSISTENT', `vrrp_sync_group ${g.name} has only one member (${members[0]}); a sync group needs two`);
    }
    const { node: _node, trackingWeight: _tw, ...rest } = g;
    out.push({
      ...rest, members,
      trackScripts: checkRefs(cx, g.node, g.trackScripts, names.scripts, 'track_script', g.name),
      trackFiles: checkRefs(cx, g.node, g.trackFiles, names.files, 'track_file', g.name),
      trackProcesses: checkRefs(cx, g.node, g.trackProcesses, names.processes, 'track_process', g.name),
    });
  }
  return out;
}
