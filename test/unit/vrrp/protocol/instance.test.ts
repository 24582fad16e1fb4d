// Instance, FSM, timers and sync-group details the replay scenarios do not reach directly.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../../src/core/clock.js';
import { memoryLogger, silentLogger } from '../../../../src/core/log.js';
import { step, type FsmContext } from '../../../../src/vrrp/protocol/fsm.js';
import { Instance } from '../../../../src/vrrp/protocol/instance.js';
import { trackerEffect } from '../../../../src/vrrp/protocol/instance-types.js';
import { parseIpv4Frame } from '../../../../src/vrrp/protocol/frame.js';
import { parseIpv4 } from '../../../../src/core/addr.js';
import { deliver, recordingPorts, advertPriority, type PortRecord } from '../../../helpers/vrrp/lan.js';
import { decodeAdvert } from '../../../../src/vrrp/protocol/packet.js';
import { defaultSpec } from '../../../helpers/vrrp/spec-defaults.js';
import { SyncGroupRuntime } from '../../../../src/vrrp/protocol/sync-group.js';
import { masterDownIntervalMs, roundAdvertIntMs, skewTimeMs } from '../../../../src/vrrp/protocol/timers.js';
import type { VrrpInstance as Spec } from '../../../../src/config/model.js';

function make(over: Partial<Spec> = {}, primary = '10.0.0.1') {
  const clock = new ManualClock();
  const records: PortRecord[] = [];
  const sent: { bytes: Uint8Array; dest: string }[] = [];
  const { log, records: logs } = memoryLogger();
  const ports = recordingPorts(clock, records, (bytes, dest) => sent.push({ bytes, dest }));
  const inst = new Instance(defaultSpec(over), { clock, log, ports, primaryAddress: primary });
  return { clock, records, sent, logs, inst };
}

describe('retire (reload of a changed instance)', () => {
  it('stops without a word: no priority-0 advert, no VIP change, no notify, no timer left', () => {
    const m = make({ priority: 255 });
    m.inst.start();
    const sent = m.sent.length;
    const records = m.records.length;
    m.inst.retire();
    m.clock.advance(10_000);
    expect(m.sent.length).toBe(sent);
    expect(m.records.length).toBe(records);
    expect(m.inst.state).toBe('MASTER');
  });
});

describe('timers', () => {
  it('Skew_Time and Master_Down_Interval (RFC 3768/5798 §6.1, keepalived µs precision)', () => {
    expect(skewTimeMs(100, 1000)).toBe(609.375);
    expect(masterDownIntervalMs(100, 1000)).toBe(3609.375);
    expect(masterDownIntervalMs(90, 1000)).toBe(3648.4375);
    expect(masterDownIntervalMs(100, 1000, 5)).toBe(5609.375);
    expect(skewTimeMs(255, 1000)).toBe(3.90625);
  });
  it('rounds intervals like keepalived and clamps to the wire range', () => {
    expect(roundAdvertIntMs(2, 1400)).toBe(1000);
    expect(roundAdvertIntMs(2, 100)).toBe(1000);
    expect(roundAdvertIntMs(2, 300_000)).toBe(255_000);
    expect(roundAdvertIntMs(3, 1234)).toBe(1230);
    expect(roundAdvertIntMs(3, 1)).toBe(10);
    expect(roundAdvertIntMs(3, 50_000)).toBe(40_950);
  });
});

describe('advert timer under a late clock', () => {
  /** A clock whose timers all run `lateMs` after they are due, as Node's do on a busy core. */
  function lateClock(lateMs: number): ManualClock {
    const c = new ManualClock();
    const set = c.setTimer.bind(c);
    c.setTimer = (delayMs, fn) => set(delayMs + lateMs, fn);
    return c;
  }
  function advertsInOneSecond(lateMs: number): number {
    const clock = lateClock(lateMs);
    const sent: number[] = [];
    const ports = recordingPorts(clock, [], () => sent.push(clock.nowMs()));
    const inst = new Instance(defaultSpec({ priority: 255, version: 3, advertIntMs: 10 }), { clock, log: silentLogger(), ports, primaryAddress: '10.0.0.1' });
    inst.start();
    clock.advance(100);
    const from = sent.length;
    clock.advance(1000);
    return sent.length - from;
  }
  it('counts each advert from when the last was due: 100 a second at 10 ms though every timer runs 1 ms late', () => {
    expect(advertsInOneSecond(0)).toBe(100);
    expect(advertsInOneSecond(1)).toBe(100);
    expect(advertsInOneSecond(4)).toBe(100);
  });
  it('more than an interval late: the next advert is one interval after this one, no burst', () => {
    expect(advertsInOneSecond(15)).toBe(40); // each 25 ms
  });
});

describe('fsm step is pure and total', () => {
  const ctx: FsmContext = {
    version: 2, effectivePriority: 100, preempt: true, preemptBlocked: false, lowerPrioNoAdvert: false,
    higherPrioSendAdvert: false, advertIntMs: 1000, masterAdverIntMs: 1000, downTimerAdverts: 3,
    primaryAddress: parseIpv4('10.0.0.1')!,
  };
  it('same input, same output', () => {
    expect(step(ctx, 'INIT', { type: 'startup' })).toEqual(step(ctx, 'INIT', { type: 'startup' }));
  });
  it('ignores events that mean nothing in a state', () => {
    expect(step(ctx, 'INIT', { type: 'adverTimer' })).toEqual({ state: 'INIT', reason: 'ignored', actions: [] });
    expect(step(ctx, 'BACKUP', { type: 'adverTimer' }).reason).toBe('ignored');
    expect(step(ctx, 'MASTER', { type: 'masterDownTimer' }).reason).toBe('ignored');
    expect(step(ctx, 'FAULT', { type: 'advert', priority: 1, advertIntMs: 1000, srcAddress: parseIpv4('10.0.0.2')! }).reason).toBe('ignored');
  });
  it('FAULT: shutdown stops, an owner recovers straight to MASTER', () => {
    expect(step(ctx, 'FAULT', { type: 'shutdown' })).toMatchObject({ state: 'INIT', reason: 'shutdown' });
    expect(step({ ...ctx, effectivePriority: 255 }, 'FAULT', { type: 'faultCleared' }).state).toBe('MASTER');
  });
  it('sync moves', () => {
    expect(step(ctx, 'BACKUP', { type: 'syncMaster' })).toMatchObject({ state: 'MASTER', reason: 'syncGroupMaster' });
    expect(step(ctx, 'MASTER', { type: 'syncBackup' })).toMatchObject({ state: 'BACKUP', reason: 'syncGroupBackup' });
    expect(step(ctx, 'INIT', { type: 'fault' }).state).toBe('FAULT');
  });
});

describe('Instance', () => {
  it('trackerEffect follows keepalived weights', () => {
    expect(trackerEffect(false, 0)).toEqual({ faulted: true, priorityDelta: 0 });
    expect(trackerEffect(true, 10)).toEqual({ faulted: false, priorityDelta: 10 });
    expect(trackerEffect(false, -10)).toEqual({ faulted: false, priorityDelta: -10 });
    expect(trackerEffect(true, -10, true)).toEqual({ faulted: false, priorityDelta: -10 });
  });

  it('reads adverts still waiting in the socket before declaring the master down (held off the CPU)', () => {
    const clock = new ManualClock();
    const records: PortRecord[] = [];
    const ports = recordingPorts(clock, records, () => undefined);
    const backup = new Instance(defaultSpec({ priority: 100 }), { clock, log: silentLogger(), ports, primaryAddress: '10.0.0.1' });
    const master = make({ priority: 200, name: 'peer' }, '10.0.0.2');
    master.inst.start();
    master.clock.advance(5000);
    const advert = master.sent[master.sent.length - 1]!.bytes;
    backup.start();
    deliver(backup, advert);
    // The master's advert is queued while this process sleeps past Master_Down_Interval.
    let queued = 1;
    ports.receivePending = () => {
      for (; queued > 0; queued--) deliver(backup, advert);
    };
    clock.advance(masterDownIntervalMs(100, 1000) + 1);
    expect(backup.state).toBe('BACKUP');
    expect(queued).toBe(0);
    // Nothing waiting: the master is down.
    clock.advance(masterDownIntervalMs(100, 1000) + 1);
    expect(backup.state).toBe('MASTER');
  });

  it('snapshot reports state, priorities, master seen, faults and counters', () => {
    const { inst, clock } = make({ priority: 100 });
    inst.start();
    const peer = make({ priority: 200, name: 'peer' }, '10.0.0.2');
    peer.inst.start();
    peer.clock.advance(5000);
    deliver(inst, peer.sent[0]!.bytes);
    inst.setTracker('script:x', trackerEffect(false, -5));
    const s = inst.snapshot();
    expect(s).toMatchObject({
      name: 'VI_1', vrid: 51, state: 'BACKUP', basePriority: 100, effectivePriority: 95,
      masterPriority: 200, masterAddress: '10.0.0.2', vipsSet: false, faults: [],
      stats: { advert_rcvd: 1 },
    });
    expect(s.lastTransitionWallMs).toBe(clock.wallMs());
    // What the data dump prints as "Using src_ip", "Master down timer" and "Read timeout".
    expect(s.sourceAddress).toBe('10.0.0.1');
    expect(s.masterDownIntervalMs).toBe(masterDownIntervalMs(95, 1000));
    // The down timer was armed by the advert, at priority 100 (the tracker came after).
    expect(s.nextTimerInMs).toBe(masterDownIntervalMs(100, 1000));
    clock.advance(1000);
    expect(inst.snapshot().nextTimerInMs).toBe(masterDownIntervalMs(100, 1000) - 1000);
    inst.linkChanged(false);
    expect(inst.snapshot().faults).toEqual(['interface']);
    inst.setTracker('script:y', trackerEffect(false, 0));
    expect(inst.snapshot().faults).toEqual(['interface', 'script:y']);
  });

  it("logs election events in keepalived's wording", () => {
    const { inst, logs } = make({ priority: 100 });
    inst.start();
    const peer = (priority: number) => {
      const p = make({ priority: 255, name: 'peer' }, '10.0.0.2');
      p.inst.start();
      p.inst.setBasePriority(priority);
      p.clock.advance(1000);
      if (priority === 0) p.inst.shutdown();
      return p.sent.at(-1)!.bytes;
    };
    deliver(inst, peer(50));
    deliver(inst, peer(0));
    const msgs = logs.map((r) => r.msg);
    expect(msgs).toContain('(VI_1) received lower priority (50) advert from 10.0.0.2 - discarding');
    expect(msgs).toContain('(VI_1) Backup received priority 0 advertisement');
    const m = make({ priority: 255 });
    m.inst.start();
    m.inst.setBasePriority(100);
    deliver(m.inst, peer(200));
    expect(m.logs.map((r) => r.msg)).toEqual(
      expect.arrayContaining(['(VI_1) setting VIPs.', '(VI_1) Master received advert from 10.0.0.2 with higher priority 200, ours 100', '(VI_1) removing VIPs.', '(VI_1) Entering BACKUP STATE']),
    );
  });

  it('logs drops as records with a stable code, rate-limited', () => {
    const { inst, logs } = make();
    inst.start();
    for (let i = 0; i < 50; i++) deliver(inst, new Uint8Array([1, 2, 3]));
    const drops = logs.filter((r) => r.code === 'KAD_WARN_VRRP_PACKET_DROPPED');
    expect(drops.length).toBe(10);
    expect(drops[0]).toMatchObject({ instance: 'VI_1', drop: 'ipHeaderInvalid' });
    expect(inst.snapshot().drops).toEqual({ ipHeaderInvalid: 50 });
    expect(logs.some((r) => r.msg === '(VI_1) Entering BACKUP STATE' && r.reason === 'startupBackup')).toBe(true);
  });

  it('unicast: one packet per peer with unicast_ttl; AH with the TTL zeroed in the ICV', () => {
    const { inst, sent } = make({
      priority: 255,
      unicastPeers: [{ address: '10.0.0.2' }, { address: '10.0.0.3' }],
      unicastTtl: 64,
      unicastSrcIp: '10.0.0.1',
      auth: { type: 'AH', password: 'pw' },
    });
    inst.start();
    expect(sent.map((s) => s.dest)).toEqual(['10.0.0.2', '10.0.0.3']);
    const f = parseIpv4Frame(sent[0]!.bytes);
    expect(f).toMatchObject({ ok: true, header: { ttl: 64, protocol: 51, dst: '10.0.0.2' }, ah: { seq: 1 } });
    expect(parseIpv4Frame(sent[1]!.bytes)).toMatchObject({ ok: true, ah: { seq: 2 } });
    const rx = make({ priority: 100, unicastPeers: [{ address: '10.0.0.1' }], auth: { type: 'AH', password: 'pw' } }, '10.0.0.2');
    rx.inst.start();
    expect(deliver(rx.inst, sent[0]!.bytes)).toEqual({ accepted: true, reason: 'advertAccepted' });
    expect(deliver(rx.inst, sent[0]!.bytes)).toMatchObject({ accepted: false, drop: 'authFailure' });
  });

  it('AH: after accepting a peer sequence, own adverts continue above it (keepalived shares one counter)', () => {
    const peer = make({ priority: 255, auth: { type: 'AH', password: 'pw' }, name: 'peer' }, '10.0.0.2');
    peer.inst.start();
    peer.clock.advance(40_000); // 41 adverts: sequence 1..41
    const me = make({ priority: 100, auth: { type: 'AH', password: 'pw' } });
    me.inst.start();
    expect(deliver(me.inst, peer.sent.at(-1)!.bytes)).toMatchObject({ accepted: true });
    me.inst.setTracker('t', trackerEffect(false, 0));
    me.inst.setTracker('t', trackerEffect(true, 0));
    deliver(me.inst, peer.sent.at(-1)!.bytes); // replayed: dropped
    me.clock.advance(4000); // peer silent: takeover
    expect(me.inst.state).toBe('MASTER');
    expect(parseIpv4Frame(me.sent[0]!.bytes)).toMatchObject({ ok: true, ah: { seq: 42 } });
  });

  it('v3_checksum_as_v2 sends the RFC 9568 checksum; IPv6 sends the bare message', () => {
    const v3 = make({ priority: 255, version: 3, v3ChecksumAsV2: true });
    v3.inst.start();
    const f = parseIpv4Frame(v3.sent[0]!.bytes);
    expect(f.ok && decodeAdvert(f.payload, { family: 4 })).toMatchObject({ ok: true, advert: { checksumMode: 'plain' } });
    const v6 = make({ priority: 255, version: 3, family: 6, vips: [] }, 'fe80::1');
    v6.inst.start();
    expect(v6.sent[0]!.dest).toBe('ff02::12');
    expect(advertPriority(v6.sent[0]!.bytes)).toBe(255);
    expect(advertPriority(new Uint8Array([0x31, 1, 42]))).toBe(42);
    expect(advertPriority(new Uint8Array([1]))).toBeUndefined();
  });

  it('notify_priority_changes reports each new priority (not as a state notify); clearStats zeroes counters', () => {
    const { inst, records } = make({ notifyPriorityChanges: true, priority: 255 });
    inst.start();
    inst.setBasePriority(200);
    inst.setBasePriority(200);
    expect(records.filter((r) => r.kind === 'notify').map((r) => [r.state, r.priority])).toEqual([['MASTER', 255]]);
    expect(records.filter((r) => r.kind === 'priority').map((r) => [r.master, r.priority])).toEqual([[true, 200]]);
    expect(inst.snapshot().stats.advert_sent).toBe(1);
    inst.clearStats();
    expect(inst.snapshot().stats.advert_sent).toBe(0);
    inst.shutdown();
    inst.setBasePriority(100);
    expect(records.at(-1)).toMatchObject({ kind: 'priority', master: false, priority: 100 });
    inst.linkChanged(false);
    expect(inst.state).toBe('INIT');
  });
});

describe('SyncGroupRuntime', () => {
  it('reports the group state and calls back on changes', () => {
    const clock = new ManualClock();
    const states: string[] = [];
    const mk = (name: string, vrid: number) =>
      new Instance(defaultSpec({ name, vrid }), { clock, log: silentLogger(), ports: recordingPorts(clock, []), primaryAddress: '10.0.0.1' });
    const a = mk('A', 1);
    const b = mk('B', 2);
    const g = new SyncGroupRuntime('G', [a, b], silentLogger(), (s) => states.push(s));
    expect(g.state).toBe('INIT');
    a.start();
    b.start();
    expect(g.state).toBe('BACKUP');
    clock.advance(3609.375);
    expect(g.state).toBe('MASTER');
    b.setTracker('t', trackerEffect(false, 0));
    expect([a.state, b.state, g.state]).toEqual(['FAULT', 'FAULT', 'FAULT']);
    a.setTracker('t', trackerEffect(false, 0));
    b.setTracker('t', trackerEffect(true, 0));
    expect([a.state, b.state]).toEqual(['FAULT', 'FAULT']);
    a.setTracker('t', trackerEffect(true, 0));
    expect([a.state, b.state]).toEqual(['BACKUP', 'BACKUP']);
    expect(states).toContain('MASTER');
    expect(states).toContain('FAULT');
  });
});
