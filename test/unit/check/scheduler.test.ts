// Scheduler logic against a ManualClock and scripted checker results: retry and
// delay_before_retry timing, alpha, inhibit_on_failure, dynamic weights, ha_suspend, reload.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/core/clock.js';
import { memoryLogger } from '../../../src/core/log.js';
import type { Config, ScriptSpec, VrrpInstance } from '../../../src/config/model.js';
import { MemoryPort } from '../../../src/check/memory-port.js';
import { Scheduler } from '../../../src/check/scheduler.js';
import type { CheckFn, CheckResult } from '../../../src/check/types.js';
import { common, config, rs, tcp, vs } from '../../fixtures/check/model.js';
import { parseText } from '../config/mem-io.js';

const flush = (): Promise<void> => new Promise((r) => setImmediate(r));
const UP: CheckResult = { ok: true };
const DOWN: CheckResult = { ok: false, reason: 'refused', detail: 'ECONNREFUSED' };

/** A farm whose checker results are set per address; records when each check started. */
function harness(cfg: Config, opts: { random?: () => number; isLocal?: (a: string) => boolean } = {}) {
  const clock = new ManualClock();
  const { log, records } = memoryLogger();
  const port = new MemoryPort();
  const results = new Map<string, CheckResult>();
  const calls: { address: string; atMs: number }[] = [];
  const scripts: string[] = [];
  const fake: CheckFn = (_c, t) => {
    calls.push({ address: t.address, atMs: clock.nowMs() });
    return Promise.resolve(results.get(t.address) ?? UP);
  };
  const runScript = (s: ScriptSpec, why: string): void => void scripts.push(`${why}:${s.text}`);
  const sched = new Scheduler(cfg, {
    clock, log, port, runScript, runners: { TCP_CHECK: fake, MISC_CHECK: fake, HTTP_GET: fake }, random: opts.random ?? (() => 0),
    ...(opts.isLocal ? { isLocal: opts.isLocal } : {}),
  });
  const step = async (ms: number): Promise<void> => {
    clock.advance(ms);
    await flush();
    await sched.settled();
  };
  const msgs = (): string[] => records.map((r) => r.msg);
  return { clock, port, results, calls, scripts, sched, step, msgs };
}

const VS = '[10.0.0.1]:tcp:80';
const script = (text: string): ScriptSpec => ({ text, argv: [text] });

describe('check scheduler', () => {
  it('retries `retry` times, delay_before_retry apart, before removing; then recovers', async () => {
    const h = harness(config([vs('10.0.0.1', 80, [rs('10.0.0.2', 80, [tcp({ retry: 2, delayBeforeRetryMs: 700, delayLoopMs: 3000 })])])]));
    h.sched.start();
    await h.step(0);
    expect(h.msgs()[0]).toBe(`Activating healthchecker for service [10.0.0.2]:tcp:80 for VS ${VS}`);
    expect(h.port.rows(VS)).toEqual({ '10.0.0.2:80': 1 });
    h.results.set('10.0.0.2', DOWN);
    await h.step(3000);
    expect(h.port.rows(VS)).toEqual({ '10.0.0.2:80': 1 });
    await h.step(700);
    expect(h.port.rows(VS)).toEqual({ '10.0.0.2:80': 1 });
    await h.step(700);
    expect(h.calls.map((c) => c.atMs)).toEqual([0, 3000, 3700, 4400]);
    expect(h.port.rows(VS)).toEqual({});
    expect(h.msgs()).toContain(`Removing service [10.0.0.2]:tcp:80 to VS ${VS}`);
    expect(h.msgs()).toContain('TCP_CHECK on service [10.0.0.2]:tcp:80 failed after 2 retries.');
    // Down: the next check comes a full delay_loop later, and no retry is spent on a down server.
    h.results.set('10.0.0.2', UP);
    await h.step(3000);
    expect(h.calls.at(-1)!.atMs).toBe(7400);
    expect(h.port.rows(VS)).toEqual({ '10.0.0.2:80': 1 });
    expect(h.msgs()).toContain('TCP connection to [10.0.0.2]:tcp:80 success.');
    expect(h.msgs()).toContain(`Adding service [10.0.0.2]:tcp:80 to VS ${VS}`);
  });

  it('a success between failures resets the retry budget', async () => {
    const h = harness(config([vs('10.0.0.1', 80, [rs('10.0.0.2', 80, [tcp({ retry: 1, delayBeforeRetryMs: 100, delayLoopMs: 1000 })])])]));
    h.sched.start();
    await h.step(0);
    h.results.set('10.0.0.2', DOWN);
    await h.step(1000);
    h.results.set('10.0.0.2', UP);
    await h.step(100);
    h.results.set('10.0.0.2', DOWN);
    await h.step(1000);
    expect(h.port.rows(VS)).toEqual({ '10.0.0.2:80': 1 });
    await h.step(100);
    expect(h.port.rows(VS)).toEqual({});
  });

  it('fast_recovery retries a down HTTP server delay_before_retry apart', async () => {
    const httpGet = {
      type: 'HTTP_GET' as const, ...common({ retry: 0, delayBeforeRetryMs: 200, delayLoopMs: 3000 }),
      urls: [], httpProtocol: '1.0' as const, enableSni: false, verifyCert: false, fastRecovery: true,
    };
    const cfg = config([vs('10.0.0.1', 80, [rs('10.0.0.2', 80, [httpGet])])]);
    const h = harness(cfg);
    h.results.set('10.0.0.2', DOWN);
    h.sched.start();
    await h.step(0);
    await h.step(200);
    await h.step(200);
    h.results.set('10.0.0.2', UP);
    await h.step(200);
    expect(h.calls.map((c) => c.atMs)).toEqual([0, 200, 400, 600]);
    expect(h.port.rows(VS)).toEqual({ '10.0.0.2:80': 1 });
    await h.step(3000);
    expect(h.calls.map((c) => c.atMs)).toEqual([0, 200, 400, 600, 3600]);
  });

  it('alpha starts a server down until its first success; warmup spreads the first check', async () => {
    const h = harness(config([vs('10.0.0.1', 80, [rs('10.0.0.2', 80, [tcp({ alpha: true, warmupMs: 4000 })])])]), { random: () => 0.5 });
    h.sched.start();
    await h.step(0);
    expect(h.port.rows(VS)).toEqual({});
    await h.step(1999);
    expect(h.calls).toEqual([]);
    await h.step(1);
    expect(h.calls.map((c) => c.atMs)).toEqual([2000]);
    expect(h.port.rows(VS)).toEqual({ '10.0.0.2:80': 1 });
  });

  it('inhibit_on_failure keeps a failed server at weight 0 and logs Disabling', async () => {
    const h = harness(config([vs('10.0.0.1', 80, [rs('10.0.0.2', 80, [tcp({ retry: 0 })], { inhibitOnFailure: true, weight: 3 })])]));
    h.sched.start();
    h.results.set('10.0.0.2', DOWN);
    await h.step(0);
    expect(h.port.rows(VS)).toEqual({ '10.0.0.2:80': 0 });
    expect(h.msgs()).toContain(`Disabling service [10.0.0.2]:tcp:80 to VS ${VS}`);
  });

  it('log_all_failures logs failures of a server already down', async () => {
    const mk = (all: boolean) => harness(config([vs('10.0.0.1', 80, [rs('10.0.0.2', 80, [tcp({ retry: 0, delayLoopMs: 1000, logAllFailures: all })])])]));
    for (const all of [false, true]) {
      const h = mk(all);
      h.results.set('10.0.0.2', DOWN);
      h.sched.start();
      await h.step(0);
      await h.step(1000);
      await h.step(1000);
      const n = h.msgs().filter((m) => m.startsWith('TCP connection to [10.0.0.2]:tcp:80 failed')).length;
      expect(n).toBe(all ? 3 : 1);
    }
  });

  it('misc_dynamic weights reach the snapshot; notify scripts run on transitions', async () => {
    const misc = { type: 'MISC_CHECK' as const, ...common({ retry: 0, delayLoopMs: 1000 }), script: script('/bin/true'), miscTimeoutMs: 1000, dynamic: true };
    const h = harness(config([vs('10.0.0.1', 80, [rs('10.0.0.2', 80, [misc], { notifyUp: script('up.sh'), notifyDown: script('down.sh') })])]));
    h.results.set('10.0.0.2', { ok: true, weight: 7 });
    h.sched.start();
    await h.step(0);
    expect(h.port.rows(VS)).toEqual({ '10.0.0.2:80': 7 });
    h.results.set('10.0.0.2', DOWN);
    await h.step(1000);
    h.results.set('10.0.0.2', { ok: true, weight: 4 });
    await h.step(1000);
    expect(h.port.rows(VS)).toEqual({ '10.0.0.2:80': 4 });
    expect(h.scripts).toEqual(['notify_down:down.sh', 'notify_up:up.sh']);
  });

  it('ha_suspend checks only while the VRRP instance holding the VIP is MASTER', async () => {
    const inst = { name: 'VI_1', vips: [{ address: '10.0.0.1' }] } as unknown as VrrpInstance;
    const h = harness(config([vs('10.0.0.1', 80, [rs('10.0.0.2', 80, [tcp({ delayLoopMs: 1000 })])], { haSuspend: true })], { vrrpInstances: [inst] }));
    h.sched.start();
    await h.step(0);
    await h.step(1000);
    expect(h.calls).toEqual([]);
    h.sched.setVrrpState('VI_1', 'MASTER');
    await h.step(1000);
    expect(h.calls.map((c) => c.atMs)).toEqual([2000]);
    h.sched.setVrrpState('VI_1', 'BACKUP');
    await h.step(1000);
    expect(h.calls).toHaveLength(1);
  });

  it('ha_suspend without a VRRP instance follows the host addresses', async () => {
    const local = new Set<string>();
    const cfg = config([vs('10.0.0.1', 80, [rs('10.0.0.2', 80, [tcp({ delayLoopMs: 1000 })])], { haSuspend: true })]);
    const h = harness(cfg, { isLocal: (a) => local.has(a) });
    h.sched.start();
    await h.step(0);
    await h.step(1000);
    expect(h.calls).toEqual([]);
    local.add('10.0.0.1');
    await h.step(1000);
    expect(h.calls.map((c) => c.atMs)).toEqual([2000]);
  });

  it('reload keeps the state of unchanged servers and starts new ones', async () => {
    const cfg1 = config([vs('10.0.0.1', 80, [rs('10.0.0.2', 80, [tcp({ retry: 0, delayLoopMs: 1000 })])])]);
    const h = harness(cfg1);
    h.results.set('10.0.0.2', DOWN);
    h.sched.start();
    await h.step(0);
    expect(h.port.rows(VS)).toEqual({});
    const before = h.msgs().length;
    const cfg2 = config([vs('10.0.0.1', 80, [
      rs('10.0.0.2', 80, [tcp({ retry: 0, delayLoopMs: 1000 })]),
      rs('10.0.0.3', 80, [tcp({ retry: 0, delayLoopMs: 1000 })]),
    ])]);
    h.sched.reload(cfg2);
    await h.step(0);
    expect(h.port.rows(VS)).toEqual({ '10.0.0.3:80': 1 });
    expect(h.msgs().slice(before).filter((m) => m.includes('10.0.0.2'))).toEqual([]);
    // The unchanged checker kept its slot in the schedule (due at 1000, not re-warmed at 0).
    expect(h.calls.filter((c) => c.address === '10.0.0.2').map((c) => c.atMs)).toEqual([0]);
  });

  it('a checker type without a runner (BFD_CHECK) is reported and keeps the initial state', async () => {
    const bfd = { type: 'BFD_CHECK' as const, ...common(), name: 'bfd1' };
    const h = harness(config([vs('10.0.0.1', 80, [rs('10.0.0.2', 80, [bfd])])]));
    h.sched.start();
    await h.step(10_000);
    expect(h.msgs()).toContain('BFD_CHECK is not supported by kad: [10.0.0.2]:tcp:80 keeps its initial state');
    expect(h.port.rows(VS)).toEqual({ '10.0.0.2:80': 1 });
  });

  it('stop cancels every timer and ignores results that arrive later', async () => {
    const h = harness(config([vs('10.0.0.1', 80, [rs('10.0.0.2', 80, [tcp({ delayLoopMs: 1000 })])])]));
    h.sched.start();
    await h.step(0);
    h.sched.stop();
    expect(h.clock.pendingCount).toBe(0);
  });

  it('omega runs notify_down for live servers and quorum_down at shutdown', async () => {
    const cfg = config([vs('10.0.0.1', 80, [
      rs('10.0.0.2', 80, [tcp()], { notifyDown: script('down2') }),
      rs('10.0.0.3', 80, [tcp({ retry: 0 })], { notifyDown: script('down3') }),
    ], { omega: true, quorumDown: script('qdown') })]);
    const h = harness(cfg);
    h.results.set('10.0.0.3', DOWN);
    h.sched.start();
    await h.step(0);
    expect(h.scripts).toEqual(['notify_down:down3']);
    h.sched.shutdown();
    expect(h.scripts).toEqual(['notify_down:down3', 'notify_down:down2', 'quorum_down:qdown']);
  });
});

describe('scheduler keywords from config text', () => {
  const farm = (globals: string, checker: string): Config =>
    parseText(`global_defs {\n${globals}}\nvirtual_server 10.0.0.1 80 {\n lb_algo rr\n lb_kind NAT\n protocol TCP\n real_server 10.0.0.2 80 {\n  ${checker}\n }\n}\n`).config!;

  it('checker_log_all_failures: every failure of a server already down is logged', async () => {
    for (const all of [false, true]) {
      const h = harness(farm(all ? ' checker_log_all_failures\n' : '', 'TCP_CHECK {\n   retry 0\n   delay_loop 1\n  }'));
      h.results.set('10.0.0.2', DOWN);
      h.sched.start();
      await h.step(0);
      await h.step(1000);
      await h.step(1000);
      expect(h.msgs().filter((m) => m.startsWith('TCP connection to [10.0.0.2]:tcp:80 failed')).length).toBe(all ? 3 : 1);
    }
  });

  it('nb_get_retry: an HTTP_GET retries that many times, delay_before_retry apart', async () => {
    const h = harness(farm('', 'HTTP_GET {\n   url {\n    path /\n   }\n   nb_get_retry 2\n   delay_before_retry 0.7\n   delay_loop 3\n  }'));
    h.sched.start();
    await h.step(0);
    h.results.set('10.0.0.2', DOWN);
    await h.step(3000);
    await h.step(700);
    await h.step(700);
    expect(h.calls.map((c) => c.atMs)).toEqual([0, 3000, 3700, 4400]);
    expect(h.port.rows('[10.0.0.1]:tcp:80')).toEqual({});
  });
});
