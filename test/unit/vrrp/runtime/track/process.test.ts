// vrrp_track_process without a kernel: matching, quorum, the fork/terminate delays on a manual
// clock, the process table fed with events, reload carrying state by name, and the watch's
// fallbacks (lost events, no connector) over fake seams.
import { describe, expect, it } from 'vitest';
import type { TrackProcess } from '../../../../../src/config/model.js';
import { ManualClock } from '../../../../../src/core/clock.js';
import { memoryLogger } from '../../../../../src/core/log.js';
import { KadError } from '../../../../../src/core/errors.js';
import type { ProcConnectorOptions, ProcEvent } from '../../../../../src/net/proc-connector.js';
import { bindingEffect, bindingsFor } from '../../../../../src/vrrp/runtime/track/effect.js';
import { defaultSpec } from '../../../../helpers/vrrp/spec-defaults.js';
import { processMatches, type ProcInfo } from '../../../../../src/vrrp/runtime/track/process-match.js';
import { delayFor, ProcessQuorum, quorumMet } from '../../../../../src/vrrp/runtime/track/process-quorum.js';
import { ProcessTable, type ProcSource } from '../../../../../src/vrrp/runtime/track/process-table.js';
import { ACK_TIMEOUT_MS, POLL_MS, ProcessWatch, RESCAN_SETTLE_MS } from '../../../../../src/vrrp/runtime/track/process.js';

const spec = (o: Partial<TrackProcess> = {}): TrackProcess => ({
  name: 'tp', process: 'haproxy', args: [], paramMatch: 'none', weight: 0, weightReverse: false,
  quorum: 1, forkDelayMs: 0, terminateDelayMs: 0, fullCommand: false, ...o,
});

/** A fake /proc: pid → info, mutable by the test. */
function fakeProc(initial: Record<number, ProcInfo> = {}): ProcSource & { procs: Map<number, ProcInfo>; reads: number } {
  const procs = new Map(Object.entries(initial).map(([k, v]) => [Number(k), v] as const));
  const src = {
    procs,
    reads: 0,
    pids: () => [...procs.keys()],
    read(pid: number): ProcInfo | undefined {
      src.reads++;
      return procs.get(pid);
    },
  };
  return src;
}

const exec = (pid: number): ProcEvent => ({ kind: 'exec', pid, tgid: pid });
const exit = (pid: number): ProcEvent => ({ kind: 'exit', pid, tgid: pid, exitCode: 0, exitSignal: 17 });
const fork = (parent: number, child: number): ProcEvent => ({ kind: 'fork', parentPid: parent, parentTgid: parent, childPid: child, childTgid: child });

describe('process matching', () => {
  it('the name is compared exactly, never as a pattern', () => {
    expect(processMatches(spec({ process: 'ssh' }), { comm: 'ssh' })).toBe(true);
    expect(processMatches(spec({ process: 'ssh' }), { comm: 'sshd' })).toBe(false);
    expect(processMatches(spec(), { argv: ['haproxy'] })).toBeUndefined();
  });

  it('full_command compares argv[0], arguments ignored without param_match', () => {
    const s = spec({ process: '/usr/sbin/haproxy', fullCommand: true });
    expect(processMatches(s, { comm: 'haproxy', argv: ['/usr/sbin/haproxy', '-f', 'x'] })).toBe(true);
    expect(processMatches(s, { comm: '/usr/sbin/haproxy', argv: ['haproxy'] })).toBe(false);
    expect(processMatches(s, { comm: 'haproxy' })).toBeUndefined();
  });

  it('param_match exact, partial and initial', () => {
    const argv = ['nginx', '-c', '/etc/nginx/main.conf', '-g', 'daemon off;'];
    const m = (paramMatch: TrackProcess['paramMatch'], args: string[]): boolean | undefined =>
      processMatches(spec({ process: 'nginx', fullCommand: true, paramMatch, args }), { argv });
    expect(m('exact', ['-c', '/etc/nginx/main.conf', '-g', 'daemon off;'])).toBe(true);
    expect(m('exact', ['-c', '/etc/nginx/main.conf'])).toBe(false);
    expect(m('exact', [])).toBe(false);
    expect(m('partial', ['-c', '/etc/nginx/main.conf'])).toBe(true);
    expect(m('partial', ['-c', '/etc/nginx/main'])).toBe(false);
    expect(m('initial', ['-c', '/etc/nginx/main'])).toBe(true);
    expect(m('initial', ['-x', '/etc/nginx/main'])).toBe(false);
    expect(m('initial', [])).toBe(true);
    expect(processMatches(spec({ process: 'nginx', fullCommand: true, paramMatch: 'exact' }), { argv: ['nginx'] })).toBe(true);
  });
});

describe('quorum and delays', () => {
  it('up while quorum <= n <= quorum_max; quorum_max 0: up while none runs', () => {
    expect([0, 1, 2, 3].map((n) => quorumMet({ quorum: 2, quorumMax: 2 }, n))).toEqual([false, false, true, false]);
    expect([0, 1, 9].map((n) => quorumMet({ quorum: 1 }, n))).toEqual([false, true, true]);
    expect([0, 1].map((n) => quorumMet({ quorum: 0, quorumMax: 0 }, n))).toEqual([true, false]);
  });

  it('the delay depends on the cause: fork → fork_delay, exit → terminate_delay, exec and renames at once', () => {
    const d = { forkDelayMs: 300, terminateDelayMs: 700 };
    expect([delayFor(d, 'fork', true), delayFor(d, 'fork', false)]).toEqual([300, 300]);
    expect([delayFor(d, 'exit', true), delayFor(d, 'exit', false)]).toEqual([700, 700]);
    expect([delayFor(d, 'exec', true), delayFor(d, 'mismatch', false)]).toEqual([0, 0]);
    expect([delayFor(d, 'rescan', true), delayFor(d, 'rescan', false)]).toEqual([0, 700]);
  });

  it('terminate_delay: a loss counts after the delay; a restart within it is never seen', () => {
    const clock = new ManualClock();
    const flips: boolean[] = [];
    const q = new ProcessQuorum(spec({ terminateDelayMs: 500 }), clock, (up) => flips.push(up));
    q.init(1);
    q.set(0, 'exit');
    clock.advance(499);
    expect([q.ok, flips]).toEqual([true, []]);
    q.set(1, 'exec');
    clock.advance(1000);
    expect([q.ok, flips, q.pending]).toEqual([true, [], false]);
    q.set(0, 'exit');
    clock.advance(500);
    expect([q.ok, flips]).toEqual([false, [false]]);
  });

  it('fork_delay: a quorum gained by a fork counts after the delay, unless the child is gone by then', () => {
    const clock = new ManualClock();
    const flips: boolean[] = [];
    const q = new ProcessQuorum(spec({ quorum: 2, forkDelayMs: 200 }), clock, (up) => flips.push(up));
    q.init(1);
    q.set(2, 'fork');
    clock.advance(100);
    q.set(1, 'mismatch'); // the child exec'd something else
    clock.advance(500);
    expect(flips).toEqual([]);
    q.set(2, 'fork');
    clock.advance(200);
    expect(flips).toEqual([true]);
    q.set(3, 'exec');
    expect(flips).toEqual([true]);
  });

  it('a pending delay keeps its deadline through other changes and settles on the count it finds', () => {
    const clock = new ManualClock();
    const flips: boolean[] = [];
    const q = new ProcessQuorum(spec({ quorum: 2, forkDelayMs: 200 }), clock, (up) => flips.push(up));
    q.init(1);
    q.set(2, 'fork');
    q.set(3, 'fork'); // the worker forks again...
    q.set(2, 'mismatch'); // ...and that child execs something else
    clock.advance(199);
    expect(flips).toEqual([]);
    clock.advance(1);
    expect([flips, clock.pendingCount]).toEqual([[true], 0]);
  });
});

describe('process table', () => {
  it('counts at start without an event, then follows exec, fork and exit', () => {
    const clock = new ManualClock();
    const changes: [string, boolean, number][] = [];
    const t = new ProcessTable(clock, (n, up, c) => changes.push([n, up, c]));
    const proc = fakeProc({ 10: { comm: 'haproxy' }, 11: { comm: 'bash' } });
    t.configure([spec({ quorum: 2 })], proc);
    expect([t.count('tp'), t.ok('tp'), changes]).toEqual([1, false, []]);
    proc.procs.set(12, { comm: 'haproxy' });
    t.handle(exec(12), proc);
    expect(changes).toEqual([['tp', true, 2]]);
    t.handle(fork(12, 13), proc); // a worker: counted with its parent
    expect(t.pidsOf('tp')).toEqual([10, 12, 13]);
    t.handle(exit(10), proc);
    t.handle(exit(13), proc);
    expect(changes).toEqual([['tp', true, 2], ['tp', false, 1]]);
    t.handle(exit(999), proc); // never counted
    expect(t.count('tp')).toBe(1);
  });

  it('ignores threads, and processes gone before their exec is read', () => {
    const t = new ProcessTable(new ManualClock(), () => undefined);
    const proc = fakeProc({ 10: { comm: 'haproxy' } });
    t.configure([spec()], proc);
    t.handle({ kind: 'fork', parentPid: 10, parentTgid: 10, childPid: 11, childTgid: 10 }, proc);
    t.handle({ kind: 'exit', pid: 11, tgid: 10, exitCode: 0, exitSignal: 0 }, proc);
    t.handle(exec(55), proc);
    expect(t.count('tp')).toBe(1);
  });

  it('a fork already seen by the start-of-day scan is not counted twice', () => {
    const t = new ProcessTable(new ManualClock(), () => undefined);
    const proc = fakeProc({ 10: { comm: 'haproxy' }, 11: { comm: 'haproxy' } });
    t.configure([spec()], proc);
    t.handle(fork(10, 11), proc);
    expect(t.count('tp')).toBe(2);
  });

  it('exec into something else and renames (comm) stop the count at once; command-line trackers ignore renames', () => {
    const changes: boolean[] = [];
    const t = new ProcessTable(new ManualClock(), (_n, up) => changes.push(up));
    const proc = fakeProc({ 10: { comm: 'haproxy', argv: ['haproxy', '-f', 'a'] } });
    const cmd = spec({ name: 'cmd', process: 'haproxy', fullCommand: true, paramMatch: 'partial', args: ['-f'], terminateDelayMs: 9999 });
    t.configure([spec({ terminateDelayMs: 9999 }), cmd], proc);
    t.handle({ kind: 'comm', pid: 10, tgid: 10, comm: 'haproxy-old' }, proc);
    expect([t.ok('tp'), t.ok('cmd'), changes]).toEqual([false, true, [false]]);
    proc.procs.set(10, { comm: 'sleep', argv: ['sleep', '1'] });
    t.handle(exec(10), proc);
    expect([t.ok('cmd'), changes]).toEqual([false, [false, false]]);
  });

  it('reload: unchanged trackers keep their count and pending delay; changed ones start from the old status', () => {
    const clock = new ManualClock();
    const changes: [string, boolean][] = [];
    const t = new ProcessTable(clock, (n, up) => changes.push([n, up]));
    const proc = fakeProc({ 10: { comm: 'haproxy' }, 20: { comm: 'nginx' } });
    const a = spec({ name: 'a', terminateDelayMs: 1000 });
    const b = spec({ name: 'b', terminateDelayMs: 1000 });
    t.configure([a, b], proc);
    t.handle(exit(10), proc);
    proc.procs.delete(10);
    clock.advance(400);
    const b2 = { ...b, process: 'nginx' };
    t.configure([a, b2, spec({ name: 'c', process: 'nginx' })], proc);
    expect(proc.reads).toBe(3); // one scan of the one process left, for the changed and the new tracker
    expect([t.ok('a'), t.ok('b'), t.ok('c'), changes]).toEqual([true, true, true, []]);
    clock.advance(600);
    expect(changes).toEqual([['a', false]]);
    const b3 = { ...b2, process: 'gone' };
    t.configure([b3], proc);
    expect([t.ok('a'), t.ok('b')]).toEqual([undefined, true]);
    clock.advance(1000); // a changed tracker losing its quorum waits terminate_delay
    expect(changes).toEqual([['a', false], ['b', false]]);
  });
});

describe('process watch', () => {
  function watchWith(open: (o: ProcConnectorOptions) => { close(): void }) {
    const clock = new ManualClock();
    const { log, records } = memoryLogger();
    const proc = fakeProc({ 10: { comm: 'haproxy' } });
    const w = new ProcessWatch(clock, log, { open, source: proc });
    const ups: boolean[] = [];
    w.onChange((_n, up) => ups.push(up));
    return { clock, records, proc, w, ups };
  }

  it('opens the connector before the scan, applies events, rescans after lost events, closes when unused', () => {
    let opts: ProcConnectorOptions | undefined;
    let closed = 0;
    const order: string[] = [];
    const { clock, records, proc, w, ups } = watchWith((o) => {
      order.push('open');
      opts = o;
      return { close: () => closed++ };
    });
    const pids = proc.pids;
    proc.pids = () => (order.push('scan'), pids());
    w.configure([spec()]);
    expect([order, w.ok('tp')]).toEqual([['open', 'scan'], true]);
    opts!.onEvents([{ kind: 'ack', err: 0 }]);
    clock.advance(ACK_TIMEOUT_MS);
    expect(records.filter((r) => r.code === 'KAD_WARN_VRRP_PROC_EVENTS')).toEqual([]);
    opts!.onEvents([exit(10)]);
    proc.procs.delete(10);
    expect([w.ok('tp'), ups]).toEqual([false, [false]]);
    expect(records.some((r) => r.msg === 'Quorum lost for tracked process tp')).toBe(true);
    proc.procs.set(30, { comm: 'haproxy' });
    opts!.onOverrun(new KadError('KAD_ERR_NET_SYSCALL', 'recvmsg: ENOBUFS'));
    opts!.onOverrun(new KadError('KAD_ERR_NET_SYSCALL', 'recvmsg: ENOBUFS'));
    clock.advance(RESCAN_SETTLE_MS);
    expect([w.ok('tp'), ups, w.processes('tp')]).toEqual([true, [false, true], { count: 1, pids: [30] }]);
    w.configure([]);
    expect(closed).toBe(1);
  });

  const noEvents: [string, (o: ProcConnectorOptions) => { close(): void }, number][] = [
    ['the socket cannot be opened', () => {
      throw new KadError('KAD_ERR_NET_SYSCALL', 'sendto (PROC_CN_MCAST_LISTEN): ECONNREFUSED');
    }, 0],
    ['the listen request is never answered (another PID namespace)', () => ({ close: () => undefined }), ACK_TIMEOUT_MS],
  ];
  for (const [when, open, waitMs] of noEvents) {
    it(`reads /proc every POLL_MS and says so when ${when}`, () => {
      const { clock, records, proc, w, ups } = watchWith(open);
      w.configure([spec()]);
      clock.advance(waitMs);
      expect(records.filter((r) => r.code === 'KAD_WARN_VRRP_PROC_EVENTS')).toHaveLength(1);
      proc.procs.delete(10);
      clock.advance(POLL_MS);
      expect(ups).toEqual([false]);
      w.stop();
      expect(clock.pendingCount).toBe(0);
    });
  }
});

describe('process effect on an instance', () => {
  it('binds the tracker\'s own weight unless the reference gives one; a sync group\'s as a weight-0 fault', () => {
    const inst = { ...defaultSpec(), name: 'VI_1', trackProcesses: [{ name: 'a', reverse: false }, { name: 'b', weight: 7, reverse: false }] };
    const group = { name: 'G', members: ['VI_1'], trackInterfaces: [], trackScripts: [], trackFiles: [], trackProcesses: [{ name: 'c', weight: 9, reverse: false }], notify: {}, source: { file: 'x', line: 1 } };
    const b = bindingsFor(inst, { vrrpScripts: [], trackFiles: [], trackProcesses: [spec({ name: 'a', weight: -30, weightReverse: true }), spec({ name: 'b' })], syncGroups: [group] });
    expect(b.map((x) => [x.id, x.weight, x.reverse])).toEqual([['process:a', -30, true], ['process:b', 7, false], ['process:c', 0, false]]);
  });


  it('weight 0 faults when the quorum is lost; weight 0 reverse when it is met; weights add as for scripts', () => {
    const b = { id: 'process:tp', kind: 'process' as const, name: 'tp', weight: 0, reverse: false };
    expect(bindingEffect(b, false)).toEqual({ faulted: true, priorityDelta: 0 });
    expect(bindingEffect({ ...b, reverse: true }, true)).toEqual({ faulted: true, priorityDelta: 0 });
    expect(bindingEffect({ ...b, weight: -30 }, false)).toEqual({ faulted: false, priorityDelta: -30 });
    expect(bindingEffect({ ...b, weight: 10 }, true)).toEqual({ faulted: false, priorityDelta: 10 });
  });
});
