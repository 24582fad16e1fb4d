// The scheduler in real time against real servers: retry / delay_before_retry timing end to
// end, recovery, and no leaked socket or child process after many cycles of mixed checks.
import { chmodSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { procStat } from '../helpers/proc.js';
import { afterAll, describe, expect, it } from 'vitest';
import { SystemClock } from '../../src/core/clock.js';
import { memoryLogger } from '../../src/core/log.js';
import type { Checker, HttpChecker, MiscChecker } from '../../src/config/model.js';
import { MemoryPort } from '../../src/check/memory-port.js';
import { Scheduler } from '../../src/check/scheduler.js';
import { ProcessScriptRunner } from '../../src/script/runner.js';
import type { CheckFn } from '../../src/check/types.js';
import { common, config, rs, vs } from '../fixtures/check/model.js';
import { freePort, startHttp, startSilent, type Route } from '../fixtures/check/servers.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const dir = mkdtempSync(join(tmpdir(), 'kad-sched-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Open sockets and process handles of this process, by kind. */
function handles(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of process.getActiveResourcesInfo()) {
    if (/TCP|UDP|Pipe|Process/.test(k)) out[k] = (out[k] ?? 0) + 1;
  }
  return out;
}

/** Live (non-zombie) children of this process. */
function childPids(): number[] {
  const out: number[] = [];
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const f = procStat(Number(p));
      if (Number(f[1]) === process.pid && f[0] !== 'Z') out.push(Number(p));
    } catch {
      // exited meanwhile
    }
  }
  return out;
}

const url = { path: '/', statusCodes: [[200, 299]] as const, regexNoMatch: false };
const http = (over: Partial<Checker>): HttpChecker => ({
  type: 'HTTP_GET', ...common(over), urls: [url], httpProtocol: '1.0', enableSni: false, verifyCert: false, fastRecovery: false,
});

describe('scheduler in real time', () => {
  it('retries delay_before_retry apart before removing, then recovers', async () => {
    const port = await freePort();
    const { log, records } = memoryLogger();
    const ipvs = new MemoryPort();
    const c: Checker = { type: 'TCP_CHECK', ...common({ retry: 2, delayBeforeRetryMs: 150, delayLoopMs: 400, connectTimeoutMs: 200 }) };
    const sched = new Scheduler(config([vs('127.0.0.9', 80, [rs('127.0.0.1', port, [c])])]), { clock: new SystemClock(), log, port: ipvs });
    const at = (m: string): number | undefined => records.find((r) => r.msg.startsWith(m))?.time as number | undefined;
    sched.start();
    try {
      for (let i = 0; i < 150 && at('Removing service') === undefined; i++) await sleep(20);
      const first = at('TCP connection to');
      const removed = at('Removing service');
      expect(first).toBeDefined();
      // Two retries 150 ms apart, counted from scheduled starts (the first refusal may log late).
      expect(removed! - first!).toBeGreaterThanOrEqual(250);
      expect(removed! - first!).toBeLessThan(1500);
      expect(ipvs.rows('[127.0.0.9]:tcp:80')).toEqual({});
      // Recovery: something starts listening on the port.
      const srv = createServer((c) => c.destroy());
      await new Promise<void>((r) => srv.listen(port, '127.0.0.1', r));
      for (let i = 0; i < 100 && Object.keys(ipvs.rows('[127.0.0.9]:tcp:80')).length === 0; i++) await sleep(20);
      expect(ipvs.rows('[127.0.0.9]:tcp:80')).toEqual({ [`127.0.0.1:${port}`]: 1 });
      expect(records.map((r) => r.msg)).toContain(`Adding service [127.0.0.1]:tcp:${port} to VS [127.0.0.9]:tcp:80`);
      await new Promise((r) => srv.close(r));
    } finally {
      sched.stop();
    }
  });

  it('a check waiting for its timeout does not hold back the others', async () => {
    const silent = await startSilent();
    const up = await startHttp(new Map<string, Route>([['/', { body: 'ok' }]]));
    const slow = http({ connectTimeoutMs: 800, delayLoopMs: 2000, warmupMs: 0, retry: 0 });
    const fast: Checker = { type: 'TCP_CHECK', ...common({ delayLoopMs: 50, warmupMs: 0 }) };
    const sched = new Scheduler(config([vs('127.0.0.9', 80, [rs('127.0.0.1', silent.port, [slow]), rs('127.0.0.1', up.port, [fast])])]), {
      clock: new SystemClock(), log: memoryLogger().log, port: new MemoryPort(),
    });
    sched.start();
    await sleep(600);
    const [s, f] = [...sched.state.realServers()];
    expect(s!.checkers[0]!.attempts).toBe(1);
    expect(s!.checkers[0]!.failures).toBe(0);
    expect(f!.checkers[0]!.attempts).toBeGreaterThanOrEqual(4);
    sched.stop();
    await silent.close();
    await up.close();
  });

  it('ha_suspend without a VRRP instance checks only VSs whose address is on the host', async () => {
    const seen: string[] = [];
    const fake: CheckFn = (_c, t) => {
      seen.push(t.vs.name);
      return Promise.resolve({ ok: true });
    };
    const c = (): Checker => ({ type: 'TCP_CHECK', ...common({ delayLoopMs: 50, warmupMs: 0 }) });
    const cfg = config([
      vs('127.0.0.1', 80, [rs('127.0.0.1', 1, [c()])], { haSuspend: true }),
      vs('198.51.100.77', 80, [rs('127.0.0.1', 2, [c()])], { haSuspend: true }),
    ]);
    const sched = new Scheduler(cfg, { clock: new SystemClock(), log: memoryLogger().log, port: new MemoryPort(), runners: { TCP_CHECK: fake } });
    sched.start();
    await sleep(300);
    sched.stop();
    expect(seen.length).toBeGreaterThan(2);
    expect(new Set(seen)).toEqual(new Set(['[127.0.0.1]:tcp:80']));
  });

  it('many cycles of mixed checks leak no socket and no child process', async () => {
    await sleep(50); // let handles closed by the previous test go
    const before = handles();
    const pidsBefore = childPids();
    const up = await startHttp(new Map<string, Route>([['/', { body: 'ok' }]]));
    const silent = await startSilent();
    const closed = await freePort();
    const ok = join(dir, 'ok.sh');
    writeFileSync(ok, '#!/bin/sh\nexit 0\n');
    const hang = join(dir, 'hang.sh');
    writeFileSync(hang, '#!/bin/sh\nsleep 5 &\nsleep 5\n');
    chmodSync(ok, 0o755);
    chmodSync(hang, 0o755);
    const loop = { delayLoopMs: 40, delayBeforeRetryMs: 20, retry: 1, connectTimeoutMs: 60, warmupMs: 40 };
    const misc = (p: string): MiscChecker => ({ type: 'MISC_CHECK', ...common(loop), script: { text: p, argv: [p] }, miscTimeoutMs: 60, dynamic: false });
    const servers = [
      ...Array.from({ length: 5 }, (_, i) => rs('127.0.0.1', up.port, [http(loop)], { weight: i + 1 })),
      ...Array.from({ length: 5 }, () => rs('127.0.0.1', silent.port, [http(loop)])),
      ...Array.from({ length: 5 }, () => rs('127.0.0.1', closed, [{ type: 'TCP_CHECK', ...common(loop) }])),
      rs('127.0.0.1', 1, [misc(ok)]),
      rs('127.0.0.1', 2, [misc(hang)]),
    ];
    const ipvs = new MemoryPort();
    const scripts = new ProcessScriptRunner({ clock: new SystemClock(), log: memoryLogger().log, policy: { enableScriptSecurity: false } });
    const sched = new Scheduler(config([vs('127.0.0.9', 80, servers)]), { clock: new SystemClock(), log: memoryLogger().log, port: ipvs, scripts });
    sched.start();
    await sleep(1500);
    sched.stop();
    const attempts = [...sched.state.realServers()].reduce((s, r) => s + r.checkers[0]!.attempts, 0);
    expect(attempts).toBeGreaterThan(200);
    await sleep(200);
    await up.close();
    await silent.close();
    await sleep(50);
    expect(scripts.live.size).toBe(0);
    expect(childPids().filter((p) => !pidsBefore.includes(p))).toEqual([]);
    expect(handles()).toEqual(before);
    expect(Object.keys(ipvs.rows('[127.0.0.9]:tcp:80')).sort()).toEqual([`127.0.0.1:${up.port}`, '127.0.0.1:1'].sort());
  });
});
