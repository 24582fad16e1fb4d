// lvs_notify_fifo lines, as keepalived.conf(5) gives them: `VS [192.168.201.15]:tcp:80 UP`,
// `RS [1.2.3.4]:tcp:80 [192.168.201.15]:tcp:80 DOWN`; and the scheduler writes them on real
// server and quorum transitions.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/core/clock.js';
import { memoryLogger } from '../../../src/core/log.js';
import { rsFifoLine, vsFifoLine } from '../../../src/check/fifo-lines.js';
import { MemoryPort } from '../../../src/check/memory-port.js';
import { Scheduler } from '../../../src/check/scheduler.js';
import type { CheckFn, CheckResult } from '../../../src/check/types.js';
import { config, rs, tcp, vs } from '../../fixtures/check/model.js';

describe('checker FIFO lines', () => {
  it('formats RS and VS lines', () => {
    expect(rsFifoLine('[1.2.3.4]:tcp:80', '[192.168.201.15]:tcp:80', false)).toBe('RS [1.2.3.4]:tcp:80 [192.168.201.15]:tcp:80 DOWN');
    expect(vsFifoLine('[192.168.201.15]:tcp:80', true)).toBe('VS [192.168.201.15]:tcp:80 UP');
  });

  it('the scheduler writes RS DOWN, then VS DOWN when the quorum is lost, then the UP lines', async () => {
    const clock = new ManualClock();
    let result: CheckResult = { ok: false, reason: 'refused', detail: 'x' };
    const fake: CheckFn = () => Promise.resolve(result);
    const lines: string[] = [];
    const cfg = config([vs('10.0.0.1', 80, [rs('10.0.0.2', 80, [tcp({ retry: 0, delayLoopMs: 100 })])], { quorum: 1 })]);
    const sched = new Scheduler(cfg, { clock, log: memoryLogger().log, port: new MemoryPort(), runners: { TCP_CHECK: fake }, fifo: { line: (l) => lines.push(l) }, timerResolutionMs: 1 });
    sched.start();
    for (let i = 0; i < 5; i++) { clock.advance(100); await new Promise((r) => setImmediate(r)); }
    result = { ok: true };
    for (let i = 0; i < 5; i++) { clock.advance(100); await new Promise((r) => setImmediate(r)); }
    sched.stop();
    expect(lines).toEqual([
      'RS [10.0.0.2]:tcp:80 [10.0.0.1]:tcp:80 DOWN', 'VS [10.0.0.1]:tcp:80 DOWN',
      'RS [10.0.0.2]:tcp:80 [10.0.0.1]:tcp:80 UP', 'VS [10.0.0.1]:tcp:80 UP',
    ]);
  });
});
