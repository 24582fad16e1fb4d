/**
 * The dump records (pure): one instance's state and configuration as the formatters of print.ts
 * want it, and the text of each dump kind (USR1 data, USR2 stats, JSON); the daemon writes them.
 */
import type { Config, IpAddress } from '../../config/model.js';
import type { DumpKind } from '../../supervisor/ipc.js';
import type { Instance } from '../protocol/instance.js';
import { formatData, formatJson, formatStats, type InstanceDump, type TrackProcessDump } from './print.js';
import type { InterfaceDump, SockpoolDump } from './print-host.js';
import { vmacNameOf } from '../runtime/vmac-plan.js';

/** One instance as the dump formatters (print.ts) want it. */
export function instanceDump(inst: Instance, ifName: string, config: Config, wallNowMs: number): InstanceDump {
  const s = inst.snapshot();
  const spec = inst.spec;
  const st = s.stats;
  const vmac = spec.useVmac ? vmacNameOf(spec) : undefined;
  const vipText = (a: IpAddress): string => `${a.address}/${a.prefixLen} dev ${a.dev ?? vmac ?? ifName} scope ${a.scope ?? 'global'}${s.vipsSet ? ' set' : ''}`;
  const group = spec.mcastDstIp ?? (spec.family === 4 ? config.global.vrrpMcastGroup4 : config.global.vrrpMcastGroup6);
  return {
    name: s.name, version: spec.version, state: s.state === 'INIT' ? 'INIT' : s.state, wantState: s.state,
    configFaults: 0, interfaceFaults: s.faults.includes('interface') ? 1 : 0, trackScriptsInit: 0,
    lastTransitionWallMs: s.lastTransitionWallMs ?? 0,
    readTimeoutWallMs: s.nextTimerInMs === undefined ? 0 : wallNowMs + s.nextTimerInMs,
    masterDownTimerUs: Math.round(s.masterDownIntervalMs * 1000),
    interface: ifName, srcIp: s.sourceAddress, ...(vmac ? { vmacIfname: vmac, vmacXmitBase: spec.vmacXmitBase } : {}),
    ...(spec.ipvlan ? { ipvlan: { name: spec.ipvlan.name, mode: spec.ipvlan.mode, ...(spec.ipvlan.address ? { address: `${spec.ipvlan.address.address}/${spec.ipvlan.address.prefixLen}` } : {}) } } : {}),
    mcastAddress: spec.unicastPeers.length > 0 ? undefined : group, unicastPeers: spec.unicastPeers.map((p) => p.address),
    garpDelayS: spec.garpMasterDelayMs / 1000, garpRepeat: spec.garpMasterRepeat, garpRefreshS: spec.garpMasterRefreshMs / 1000,
    garpRefreshRepeat: spec.garpMasterRefreshRepeat, garpLowerPrioDelayS: spec.garpLowerPrioDelayMs / 1000,
    garpLowerPrioRepeat: spec.garpLowerPrioRepeat, downTimerAdverts: spec.downTimerAdverts,
    lowerPrioNoAdvert: spec.lowerPrioNoAdvert, higherPrioSendAdvert: spec.higherPrioSendAdvert, vrid: spec.vrid,
    basePriority: s.basePriority, effectivePriority: s.effectivePriority, totalPriority: s.effectivePriority,
    masterPriority: s.state === 'MASTER' ? 0 : s.masterPriority ?? 0, advertIntMs: s.advertIntMs, masterAdvertIntMs: s.masterAdverIntMs,
    accept: spec.accept, preempt: spec.preempt, preemptDelayMs: spec.preemptDelayMs, promoteSecondaries: spec.promoteSecondaries,
    dontTrackPrimary: spec.dontTrackPrimary, skipCheckAdvAddr: spec.skipCheckAdvAddr, strict: spec.strict, auth: spec.auth,
    vips: spec.vips.map(vipText), evips: spec.excludedVips.map(vipText), vipSet: s.vipsSet, smtpAlert: spec.smtpAlert ?? false,
    notifyDeleted: spec.notify.deleted !== undefined, notifyPriorityChanges: spec.notifyPriorityChanges, fdIn: 0, fdOut: 0,
    trackProcessNames: spec.trackProcesses.map((t) => t.name), counters: st,
  };
}

/** What a dump needs beyond the instances: the wall clock now, and (USR1) the host sections. */
export interface DumpContext {
  wallNowMs: number;
  host?: { pools: readonly SockpoolDump[]; interfaces: readonly InterfaceDump[] };
  /** The live state of a vrrp_track_process (JSON version 2); undefined when it is not tracked. */
  trackProcessState?: (name: string) => TrackProcessState | undefined;
}

/** How a tracked process stands: matching processes, quorum, and a delayed change pending. */
export interface TrackProcessState {
  count: number;
  up: boolean;
  pending: boolean;
}

/** The vrrp_track_process entries as the version 2 JSON dump lists them. */
export function trackProcessDumps(config: Config, state: DumpContext['trackProcessState']): TrackProcessDump[] {
  return config.trackProcesses.map((t) => {
    const s = state?.(t.name) ?? { count: 0, up: t.quorum === 0, pending: false };
    return {
      process: t.process, ...(t.args.length > 0 ? { parameters: t.args.join(' ') } : {}), paramMatch: t.paramMatch,
      minProcesses: t.quorum, ...(t.quorumMax !== undefined ? { maxProcesses: t.quorumMax } : {}),
      currentProcesses: s.count, haveQuorum: s.up, weight: t.weightReverse ? -t.weight : t.weight,
      terminateDelayMs: t.terminateDelayMs, forkDelayMs: t.forkDelayMs,
      // A pending gain waits out fork_delay, a pending loss terminate_delay.
      forkDelayTimerRunning: s.pending && !s.up, terminateDelayTimerRunning: s.pending && s.up, fullCommand: t.fullCommand,
    };
  });
}

/** The text of a dump: USR1 data, USR2 stats or JSON. */
export function dumpText(what: Exclude<DumpKind, 'stats-clear'>, instances: readonly Instance[], config: Config, cx: DumpContext): string {
  const dumps = instances.map((i) => instanceDump(i, i.spec.interface ?? config.global.defaultInterface, config, cx.wallNowMs));
  if (what === 'data') return formatData(config.global, dumps, cx.host);
  if (what === 'stats') return formatStats(dumps);
  const version = config.global.jsonVersion;
  return formatJson(dumps, version === 2 ? { version, trackProcesses: trackProcessDumps(config, cx.trackProcessState) } : { version });
}
