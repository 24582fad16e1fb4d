import { describe, expect, it } from 'vitest';
import type { ScriptSpec, VrrpScript } from '../../../../../src/config/model.js';
import { ManualClock, SystemClock } from '../../../../../src/core/clock.js';
import { memoryLogger, silentLogger } from '../../../../../src/core/log.js';
import { ProcessScriptRunner } from '../../../../../src/script/runner.js';
import type { ScriptOutcome as ScriptResult, ScriptRunner } from '../../../../../src/script/types.js';
import { classifyRun, ScriptTracker } from '../../../../../src/vrrp/runtime/track/script.js';

const spec = (argv: string[]): ScriptSpec => ({ text: argv.join(' '), argv });

function vrrpScript(over: Partial<VrrpScript> = {}): VrrpScript {
  return {
    name: 'chk', script: spec(['/bin/true']), intervalMs: 1000, timeoutMs: 1000, weight: 0,
    weightReverse: false, rise: 1, fall: 1, initFail: false, ...over,
  };
}

/** A runner whose results are scripted by the test and resolve immediately. */
class QueueRunner implements ScriptRunner {
  runs = 0;
  constructor(private readonly results: ScriptResult[]) {}
  run(): Promise<ScriptResult> {
    this.runs++;
    const r = this.results.shift() ?? ok;
    return Promise.resolve(r);
  }
}

const ok: ScriptResult = { kind: 'exit', code: 0 };
const bad: ScriptResult = { kind: 'exit', code: 1 };

async function tick(clock: ManualClock, ms: number): Promise<void> {
  await Promise.resolve();
  await Promise.resolve();
  clock.advance(ms);
  await Promise.resolve();
  await Promise.resolve();
}

describe('ScriptTracker rise/fall', () => {
  it('goes bad after `fall` consecutive failures and good after `rise` successes', () => {
    const t = new ScriptTracker(vrrpScript({ rise: 2, fall: 3 }), new ManualClock(), new QueueRunner([]), silentLogger());
    const seen: boolean[] = [];
    t.onChange((g) => seen.push(g));
    t.record('exitNonZero');
    t.record('exitNonZero');
    t.record(undefined); // a success resets the failure run
    t.record('exitNonZero');
    t.record('timeout');
    expect(t.ok).toBe(true);
    t.record('exitNonZero');
    expect(t.ok).toBe(false);
    t.record(undefined);
    expect(t.ok).toBe(false);
    t.record(undefined);
    expect(t.ok).toBe(true);
    expect(seen).toEqual([false, true]);
  });

  it('starts bad with init_fail', () => {
    const t = new ScriptTracker(vrrpScript({ initFail: true }), new ManualClock(), new QueueRunner([]), silentLogger());
    expect(t.ok).toBe(false);
  });

  it('classifies every way a run fails', () => {
    expect(classifyRun(ok)).toBeUndefined();
    expect(classifyRun(bad)).toBe('exitNonZero');
    expect(classifyRun({ kind: 'timeout' })).toBe('timeout');
    expect(classifyRun({ kind: 'signal', signal: 'SIGSEGV' })).toBe('signalled');
    expect(classifyRun({ kind: 'spawn-error', detail: 'EAGAIN' })).toBe('spawnFailed');
    expect(classifyRun({ kind: 'refused', reason: 'insecure', detail: 'x' })).toBe('refused');
  });

  it('runs once per interval on the clock and logs the transition like keepalived', async () => {
    const clock = new ManualClock();
    const runner = new QueueRunner([ok, bad, ok]);
    const { log, records } = memoryLogger();
    const t = new ScriptTracker(vrrpScript({ intervalMs: 2000 }), clock, runner, log);
    t.start();
    await tick(clock, 0);
    expect(runner.runs).toBe(1);
    await tick(clock, 1999);
    expect(runner.runs).toBe(1);
    await tick(clock, 1);
    expect(runner.runs).toBe(2);
    expect(t.ok).toBe(false);
    expect(records.some((r) => r.msg === 'VRRP_Script(chk) failed')).toBe(true);
    t.stop();
    await tick(clock, 10_000);
    expect(runner.runs).toBe(2);
  });
});

describe('ProcessScriptRunner', () => {
  const runner = new ProcessScriptRunner({ clock: new SystemClock(), log: silentLogger(), policy: { enableScriptSecurity: false } });

  it('reports the exit code and appends arguments', async () => {
    const r = await runner.run(spec(['/bin/sh', '-c', 'exit $1', 'sh']), { args: ['7'], what: 'test' });
    expect(r).toEqual({ kind: 'exit', code: 7 });
  });

  it('kills a script that outlives its timeout', async () => {
    const t0 = performance.now();
    const r = await runner.run(spec(['/bin/sleep', '5']), { timeoutMs: 100, what: 'test' });
    expect(r).toEqual({ kind: 'timeout' });
    expect(performance.now() - t0).toBeLessThan(2000);
  });

  it('refuses a missing program without throwing', async () => {
    const r = await runner.run(spec(['/nonexistent/kad-script']), { what: 'test' });
    expect(r).toMatchObject({ kind: 'refused', reason: 'not-found' });
  });
});

describe('ScriptTracker.carry (reload of a changed script)', () => {
  it('starts from its predecessor\'s status and rise/fall counts', () => {
    const old = new ScriptTracker(vrrpScript({ rise: 3, fall: 1 }), new ManualClock(), new QueueRunner([]), silentLogger());
    old.record('exitNonZero');
    old.record(undefined);
    const next = new ScriptTracker(vrrpScript({ rise: 3, fall: 1, intervalMs: 2000 }), new ManualClock(), new QueueRunner([]), silentLogger());
    next.carry(old);
    expect(next.ok).toBe(false);
    expect(next.counts).toEqual({ successes: 1, failures: 0 });
    next.record(undefined);
    next.record(undefined);
    expect(next.ok).toBe(true);
  });
});

describe('ScriptTracker.runState (keepalived_script_state)', () => {
  it('is running during a run, requested/forcing termination as the timeout kills it, idle after', async () => {
    const clock = new ManualClock();
    const runner = new ProcessScriptRunner({ clock, log: silentLogger(), policy: { enableScriptSecurity: false } });
    // Ignores SIGTERM (the ignore survives exec into sleep), so only the SIGKILL 2 s later ends it.
    const t = new ScriptTracker(vrrpScript({ script: spec(['/bin/sh', '-c', 'trap "" TERM; exec sleep 30']), timeoutMs: 100, intervalMs: 60_000 }), clock, runner, silentLogger());
    expect(t.runState).toBe('idle');
    t.start();
    expect(t.runState).toBe('running');
    await new Promise((r) => setTimeout(r, 200)); // the process really starts (and the trap is set)
    clock.advance(100);
    expect(t.runState).toBe('requested termination');
    await new Promise((r) => setTimeout(r, 200));
    expect(t.runState).toBe('requested termination'); // SIGTERM is ignored: still there
    clock.advance(2000);
    expect(t.runState).toBe('forcing termination');
    const t0 = performance.now();
    while (t.runState !== 'idle' && performance.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 20));
    expect(t.runState).toBe('idle');
    expect(t.counts.failures).toBe(1); // the timed-out run counted as a failure
    t.stop();
  });
});
