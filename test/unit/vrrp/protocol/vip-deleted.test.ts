// A tracked VIP deleted under a MASTER (keepalived 2.2.7, measured): BACKUP with a priority-0
// advert, VIPs removed, Master_Down_Timer at Skew_Time, MASTER again and VIPs back when nobody
// better answers. `no_track` VIPs do not count.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../../src/core/clock.js';
import { silentLogger } from '../../../../src/core/log.js';
import { parseIpv4 } from '../../../../src/core/addr.js';
import { step, type FsmContext } from '../../../../src/vrrp/protocol/fsm.js';
import { Instance } from '../../../../src/vrrp/protocol/instance.js';
import { deletedTrackedVip } from '../../../../src/vrrp/protocol/vip-watch.js';
import { skewTimeMs } from '../../../../src/vrrp/protocol/timers.js';
import { recordingPorts, advertPriority, type PortRecord } from '../../../helpers/vrrp/lan.js';
import { defaultSpec, vip } from '../../../helpers/vrrp/spec-defaults.js';

const ctx: FsmContext = {
  version: 2, effectivePriority: 100, preempt: true, preemptBlocked: false, lowerPrioNoAdvert: false,
  higherPrioSendAdvert: false, advertIntMs: 1000, masterAdverIntMs: 1000, downTimerAdverts: 3,
  primaryAddress: parseIpv4('10.0.0.1')!,
};

describe('fsm vipDeleted', () => {
  it('MASTER: BACKUP, priority 0, VIPs removed, down timer at Skew_Time', () => {
    const r = step(ctx, 'MASTER', { type: 'vipDeleted' });
    expect(r.state).toBe('BACKUP');
    expect(r.reason).toBe('vipDeleted');
    const types = r.actions.map((a) => a.type);
    expect(types.indexOf('sendPriorityZero')).toBeLessThan(types.indexOf('removeVips'));
    expect(r.actions).toContainEqual({ type: 'armMasterDownTimer', delayMs: skewTimeMs(100, 1000) });
    expect(r.actions).toContainEqual({ type: 'notify', state: 'BACKUP' });
  });
  it('is ignored in BACKUP, FAULT and INIT', () => {
    for (const s of ['BACKUP', 'FAULT', 'INIT'] as const) expect(step(ctx, s, { type: 'vipDeleted' })).toEqual({ state: s, reason: 'ignored', actions: [] });
  });
});

describe('Instance.vipDeleted', () => {
  it('returns to MASTER after Skew_Time and adds the VIPs again', () => {
    const clock = new ManualClock();
    const records: PortRecord[] = [];
    const sent: (number | undefined)[] = [];
    const ports = recordingPorts(clock, records, (bytes) => sent.push(advertPriority(bytes)));
    const inst = new Instance(defaultSpec({ priority: 100 }), { clock, log: silentLogger(), ports, primaryAddress: '10.0.0.1' });
    inst.start();
    clock.advance(4000);
    expect(inst.state).toBe('MASTER');
    inst.vipDeleted();
    expect(inst.state).toBe('BACKUP');
    expect(sent[sent.length - 1]).toBe(0);
    clock.advance(skewTimeMs(100, 1000) - 1);
    expect(inst.state).toBe('BACKUP');
    clock.advance(2);
    expect(inst.state).toBe('MASTER');
    expect(inst.snapshot().vipsSet).toBe(true);
  });
});

describe('deletedTrackedVip', () => {
  const addrs = [vip('10.0.0.100/24'), { ...vip('10.0.0.101/24'), noTrack: true }, { ...vip('fd00::0:1/128'), dev: 'eth1' }];
  const devOf = (a: { dev?: string }): string => a.dev ?? 'eth0';
  it('matches a tracked VIP by interface and canonical address', () => {
    expect(deletedTrackedVip(addrs, devOf, { ifName: 'eth0', address: '10.0.0.100' })?.address).toBe('10.0.0.100');
    expect(deletedTrackedVip(addrs, devOf, { ifName: 'eth1', address: 'fd00::1' })?.address).toBe('fd00::0:1');
  });
  it('ignores no_track VIPs, other interfaces and other addresses', () => {
    expect(deletedTrackedVip(addrs, devOf, { ifName: 'eth0', address: '10.0.0.101' })).toBeUndefined();
    expect(deletedTrackedVip(addrs, devOf, { ifName: 'eth1', address: '10.0.0.100' })).toBeUndefined();
    expect(deletedTrackedVip(addrs, devOf, { ifName: 'eth0', address: '10.0.0.1' })).toBeUndefined();
  });
});
