// json_version 2 (keepalived's vrrp_json.c after 2.2.7): the instances go into a "vrrp" array of
// an object, each instance's data lists the vrrp_track_process names it tracks, and a top-level
// "track_process" array (only when some are configured) describes each tracked process.
// json_version 1 stays the bare array keepalived 2.2.7 writes (print.test.ts compares it).
import { describe, expect, it } from 'vitest';
import { formatJson, type InstanceDump, type TrackProcessDump } from '../../../../src/vrrp/dump/print.js';
import { trackProcessDumps } from '../../../../src/vrrp/dump/record.js';
import { emptyStats } from '../../../../src/vrrp/protocol/stats.js';
import type { Config, TrackProcess } from '../../../../src/config/model.js';

const instance = (over: Partial<InstanceDump> = {}): InstanceDump => ({
  name: 'VI_1', version: 2, state: 'MASTER', wantState: 'MASTER', configFaults: 0, interfaceFaults: 0,
  trackScriptsInit: 0, lastTransitionWallMs: 1795514748523.452, readTimeoutWallMs: 0, masterDownTimerUs: 3609375,
  interface: 'eth0', srcIp: '10.232.0.11', mcastAddress: '224.0.0.18', unicastPeers: [], garpDelayS: 5,
  garpRepeat: 5, garpRefreshS: 0, garpRefreshRepeat: 1, garpLowerPrioDelayS: 5, garpLowerPrioRepeat: 5,
  downTimerAdverts: 3, lowerPrioNoAdvert: false, higherPrioSendAdvert: false, vrid: 51, basePriority: 100,
  effectivePriority: 100, totalPriority: 100, masterPriority: 0, advertIntMs: 1000, masterAdvertIntMs: 1000,
  accept: true, preempt: true, preemptDelayMs: 0, promoteSecondaries: false, dontTrackPrimary: false,
  skipCheckAdvAddr: false, strict: false, auth: { type: 'none' }, vips: ['10.232.0.100/24 dev eth0 scope global set'],
  evips: [], vipSet: true, smtpAlert: false, notifyDeleted: false, notifyPriorityChanges: false, fdIn: 0, fdOut: 0,
  counters: emptyStats(), ...over,
});

const proc: TrackProcessDump = {
  process: '/usr/sbin/haproxy', parameters: '-f /etc/h.cfg', paramMatch: 'initial', minProcesses: 1, maxProcesses: 4,
  currentProcesses: 2, haveQuorum: true, weight: -10, terminateDelayMs: 1500, forkDelayMs: 0,
  forkDelayTimerRunning: false, terminateDelayTimerRunning: true, fullCommand: false,
};

describe('json_version 2', () => {
  it('is an object with the instances under "vrrp" and the tracked processes under "track_process"', () => {
    const out = formatJson([instance({ trackProcessNames: ['hap'] })], { version: 2, trackProcesses: [proc] });
    expect(out.endsWith('}\n')).toBe(true);
    const doc = JSON.parse(out) as { vrrp: { data: Record<string, unknown>; stats: Record<string, unknown> }[]; track_process: Record<string, unknown>[] };
    expect(Object.keys(doc)).toEqual(['vrrp', 'track_process']);
    expect(doc.vrrp[0]?.data.iname).toBe('VI_1');
    expect(doc.vrrp[0]?.data.track_process).toEqual(['hap']);
    expect(Object.keys(doc.vrrp[0]?.data ?? {}).slice(-2)).toEqual(['track_process', 'auth_type']);
    expect(doc.track_process).toEqual([{
      process: '/usr/sbin/haproxy', parameters: '-f /etc/h.cfg', param_match: 'initial', min_processes: 1, max_processes: 4,
      current_processes: 2, have_quorum: true, weight: -10, terminate_delay: 1.5, fork_delay: 0,
      fork_delay_timer_running: false, terminate_delay_timer_running: true, full_command: false,
    }]);
    expect(out).toContain('"process":"\\/usr\\/sbin\\/haproxy"');
  });

  it('leaves out "track_process", parameters and max_processes when there are none', () => {
    const doc = JSON.parse(formatJson([instance()], { version: 2 })) as Record<string, unknown>;
    expect(Object.keys(doc)).toEqual(['vrrp']);
    const bare = { ...proc, parameters: undefined, maxProcesses: undefined };
    delete bare.parameters;
    delete bare.maxProcesses;
    const one = JSON.parse(formatJson([], { version: 2, trackProcesses: [bare] })) as { vrrp: unknown[]; track_process: Record<string, unknown>[] };
    expect(one.vrrp).toEqual([]);
    expect(Object.keys(one.track_process[0] ?? {})).not.toContain('parameters');
    expect(Object.keys(one.track_process[0] ?? {})).not.toContain('max_processes');
  });

  it('version 1 is the bare array without per-instance track_process', () => {
    const out = formatJson([instance({ trackProcessNames: ['hap'] })], { version: 1 });
    const doc = JSON.parse(out) as { data: Record<string, unknown> }[];
    expect(Array.isArray(doc)).toBe(true);
    expect(doc[0]?.data).not.toHaveProperty('track_process');
  });

  it('takes the tracked processes from the configuration and the live counts', () => {
    const tp = (name: string, o: Partial<TrackProcess> = {}): TrackProcess => ({
      name, process: name, args: [], paramMatch: 'none', weight: 5, weightReverse: false, quorum: 1, forkDelayMs: 0,
      terminateDelayMs: 0, fullCommand: false, ...o,
    });
    const config = { trackProcesses: [tp('a', { args: ['-x', 'y'], weightReverse: true, quorumMax: 3 }), tp('b')] } as unknown as Config;
    const live = (name: string): { count: number; up: boolean; pending: boolean } | undefined => (name === 'a' ? { count: 3, up: false, pending: true } : undefined);
    expect(trackProcessDumps(config, live)).toEqual([
      {
        process: 'a', parameters: '-x y', paramMatch: 'none', minProcesses: 1, maxProcesses: 3, currentProcesses: 3, haveQuorum: false,
        weight: -5, terminateDelayMs: 0, forkDelayMs: 0, forkDelayTimerRunning: true, terminateDelayTimerRunning: false, fullCommand: false,
      },
      {
        process: 'b', paramMatch: 'none', minProcesses: 1, currentProcesses: 0, haveQuorum: false, weight: 5, terminateDelayMs: 0,
        forkDelayMs: 0, forkDelayTimerRunning: false, terminateDelayTimerRunning: false, fullCommand: false,
      },
    ]);
  });
});
