// The proc connector on the real kernel: process events for a real process (a copy of sleep under
// a name unique to this run), from the initial network namespace and from inside another one
// (where the kernel refuses the listen request and the seam opens its socket from pid 1's
// namespace), and ProcessWatch's quorum following that process. Latencies are measured from the
// spawn/kill call to the event and printed.
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SystemClock } from '../../src/core/clock.js';
import { memoryLogger } from '../../src/core/log.js';
import { ProcConnector, type ProcEvent } from '../../src/net/proc-connector.js';
import { ProcessWatch } from '../../src/vrrp/runtime/track/process.js';
import { startAgent, type Agent } from '../fixtures/net/agent-client.js';
import { waitUntil } from '../helpers/lab.js';
import { cleanupAll, createNetns, netnsUnavailableReason, onCleanup, uniqueName } from '../helpers/netns.js';
import { requirement } from '../helpers/requirement.js';

const why = requirement('net-proc-connector', netnsUnavailableReason());

describe.skipIf(why !== undefined)('proc connector (real kernel)', () => {
  let dir: string;
  let name: string;
  let binary: string;
  const children: ChildProcess[] = [];

  /** Start the uniquely named process; resolves with it and the time of the spawn call. */
  const start = (): { child: ChildProcess; atMs: number } => {
    const atMs = Date.now();
    const child = spawn(binary, ['600'], { stdio: 'ignore' });
    children.push(child);
    return { child, atMs };
  };
  const exited = (c: ChildProcess): Promise<void> => new Promise((r) => (c.exitCode !== null || c.signalCode !== null ? r() : c.once('exit', () => r())));

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'kad-proc-'));
    name = uniqueName('kpc');
    binary = join(dir, name);
    copyFileSync('/bin/sleep', binary);
    onCleanup(`proc test dir ${dir}`, () => {
      for (const c of children) c.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    });
  });
  afterAll(() => cleanupAll());

  it('delivers exec and exit events of a process within milliseconds (initial namespace)', async () => {
    const events: (ProcEvent & { atMs: number })[] = [];
    const conn = ProcConnector.open({ onEvents: (evs) => events.push(...evs.map((e) => ({ ...e, atMs: Date.now() }))), onOverrun: () => undefined });
    try {
      expect(conn.viaInitNetns).toBe(false);
      await waitUntil(() => events.some((e) => e.kind === 'ack' && e.err === 0), 1000, 'the answer to the listen request', 2);
      const { child, atMs } = start();
      const pid = child.pid!;
      await waitUntil(() => events.some((e) => e.kind === 'exec' && e.tgid === pid), 2000, 'exec event', 2);
      const execMs = events.find((e) => e.kind === 'exec' && e.tgid === pid)!.atMs - atMs;
      expect(events.some((e) => e.kind === 'fork' && e.childTgid === pid)).toBe(true);
      const killedAt = Date.now();
      child.kill('SIGTERM');
      await waitUntil(() => events.some((e) => e.kind === 'exit' && e.tgid === pid), 2000, 'exit event', 2);
      const exit = events.find((e) => e.kind === 'exit' && e.tgid === pid)!;
      console.log(`proc connector: exec seen ${execMs} ms after spawn(), exit ${exit.atMs - killedAt} ms after kill()`);
      expect(execMs).toBeLessThan(1000);
      expect(exit.atMs - killedAt).toBeLessThan(1000);
    } finally {
      conn.close();
    }
  });

  describe('from inside a network namespace', () => {
    let agent: Agent;
    beforeAll(async () => {
      agent = await startAgent(createNetns('kpc'));
    });
    afterAll(async () => agent?.stop());

    it('opens the socket from pid 1\'s namespace and hears the same events', async () => {
      expect(await agent.call('proc-listen', { comm: name })).toEqual({ viaInitNetns: true });
      const { child } = start();
      const pid = child.pid!;
      await agent.waitEvent((e) => e.event === 'proc' && e.kind === 'exec' && e.pid === pid, 3000);
      child.kill('SIGKILL');
      await agent.waitEvent((e) => e.event === 'proc' && e.kind === 'exit' && e.pid === pid, 3000);
    });
  });

  it('ProcessWatch: quorum 2 of the process, gained and lost as copies start and exit', async () => {
    const { log } = memoryLogger();
    const w = new ProcessWatch(new SystemClock(), log);
    const flips: { name: string; up: boolean; atMs: number }[] = [];
    w.onChange((n, up) => flips.push({ name: n, up, atMs: Date.now() }));
    const first = start();
    await waitUntil(() => first.child.pid !== undefined, 1000, 'spawn');
    try {
      const base = { args: [], paramMatch: 'none', weight: 0, weightReverse: false, quorum: 1, forkDelayMs: 0, terminateDelayMs: 0, fullCommand: false } as const;
      w.configure([
        { ...base, name: 'tp', process: name, quorum: 2 },
        // The command line: argv[0] is the path spawn() ran, its argument '600'.
        { ...base, name: 'cmd', process: binary, fullCommand: true, paramMatch: 'exact', args: ['600'] },
        { ...base, name: 'cmd-other', process: binary, fullCommand: true, paramMatch: 'exact', args: ['601'] },
        { ...base, name: 'cmd-initial', process: binary, fullCommand: true, paramMatch: 'initial', args: ['6'] },
        { ...base, name: 'at-most-one', process: name, quorumMax: 1 },
      ]);
      // The first copy may still be between fork and exec: the scan or the exec event counts it.
      await waitUntil(() => w.processes('tp').count === 1, 2000, 'first copy counted');
      expect([w.ok('tp'), w.ok('cmd'), w.ok('cmd-other'), w.ok('cmd-initial'), w.ok('at-most-one')]).toEqual([false, true, false, true, true]);
      const second = start();
      await waitUntil(() => flips.length === 2, 2000, 'quorum gained, quorum_max exceeded');
      const killedAt = Date.now();
      second.child.kill('SIGTERM');
      await waitUntil(() => flips.length === 4, 2000, 'quorum lost, back within quorum_max');
      const tp = flips.filter((f) => f.name === 'tp');
      console.log(`ProcessWatch: quorum gained ${tp[0]!.atMs - second.atMs} ms after spawn(), lost ${tp[1]!.atMs - killedAt} ms after kill()`);
      expect(flips.map((f) => [f.name, f.up])).toEqual([['tp', true], ['at-most-one', false], ['tp', false], ['at-most-one', true]]);
      expect(tp[1]!.atMs - killedAt).toBeLessThan(1000);
      await exited(second.child);
      expect(w.processes('tp')).toEqual({ count: 1, pids: [first.child.pid] });
    } finally {
      w.stop();
      first.child.kill('SIGKILL');
    }
  });

  it('ProcessWatch fork_delay: a fork that exits within it is not seen, one that stays counts after it', async () => {
    const shell = join(dir, uniqueName('kpf'));
    copyFileSync('/bin/bash', shell);
    const { log } = memoryLogger();
    const w = new ProcessWatch(new SystemClock(), log);
    const flips: { up: boolean; atMs: number }[] = [];
    w.onChange((_n, up) => flips.push({ up, atMs: Date.now() }));
    w.configure([{
      name: 'forks', process: shell.slice(dir.length + 1), args: [], paramMatch: 'none', weight: 0, weightReverse: false,
      quorum: 2, forkDelayMs: 300, terminateDelayMs: 0, fullCommand: false,
    }]);
    try {
      // A background builtin: bash forks a copy of itself that exits at once.
      const brief = spawn(shell, ['-c', 'true & wait; sleep 0.6'], { stdio: 'ignore' });
      children.push(brief);
      await exited(brief);
      expect(flips).toEqual([]);
      // A subshell: a copy of bash that lives 1 s (it runs sleep as its own child).
      const at = Date.now();
      const long = spawn(shell, ['-c', '(sleep 1; :); :'], { stdio: 'ignore' });
      children.push(long);
      await exited(long);
      expect(flips.map((f) => f.up)).toEqual([true, false]);
      console.log(`ProcessWatch fork_delay 300 ms: quorum gained ${flips[0]!.atMs - at} ms after spawn()`);
      expect(flips[0]!.atMs - at).toBeGreaterThanOrEqual(300);
    } finally {
      w.stop();
    }
  });
});
