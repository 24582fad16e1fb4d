// Quorum with hysteresis (pure) and, through the scheduler, the sorry server and quorum scripts.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/core/clock.js';
import { memoryLogger } from '../../../src/core/log.js';
import { evalQuorum } from '../../../src/check/quorum.js';
import { MemoryPort } from '../../../src/check/memory-port.js';
import { Scheduler } from '../../../src/check/scheduler.js';
import type { CheckFn, CheckResult } from '../../../src/check/types.js';
import { config, rs, tcp, vs } from '../../fixtures/check/model.js';

/** Advance one delay_loop and let the checks and the IPVS apply settle. */
function stepper(clock: ManualClock, sched: Scheduler): () => Promise<void> {
  return async () => {
    clock.advance(1000);
    await new Promise((r) => setImmediate(r));
    await sched.settled();
  };
}

describe('evalQuorum', () => {
  it('gains at quorum+hysteresis and loses below quorum-hysteresis', () => {
    const q = { quorum: 3, hysteresis: 1 };
    expect(evalQuorum({ ...q, liveWeight: 2, wasUp: true })).toEqual({ up: true, change: 'none' });
    expect(evalQuorum({ ...q, liveWeight: 1, wasUp: true })).toEqual({ up: false, change: 'lost' });
    expect(evalQuorum({ ...q, liveWeight: 3, wasUp: false })).toEqual({ up: false, change: 'none' });
    expect(evalQuorum({ ...q, liveWeight: 4, wasUp: false })).toEqual({ up: true, change: 'gained' });
    expect(evalQuorum({ quorum: 1, hysteresis: 0, liveWeight: 0, wasUp: true })).toEqual({ up: false, change: 'lost' });
  });
});

describe('quorum in the scheduler', () => {
  it('flapping inside the hysteresis band does not switch to the sorry server', async () => {
    const clock = new ManualClock();
    const { log, records } = memoryLogger();
    const port = new MemoryPort();
    const down = new Set<string>();
    const scripts: string[] = [];
    const fake: CheckFn = (_c, t) => Promise.resolve<CheckResult>(down.has(t.address) ? { ok: false, reason: 'refused', detail: 'x' } : { ok: true });
    const servers = ['10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.5'].map((a) => rs(a, 80, [tcp({ retry: 0, delayLoopMs: 1000 })]));
    const cfg = config([vs('10.0.0.1', 80, servers, {
      quorum: 3, hysteresis: 1,
      sorryServer: { address: '10.0.0.9', port: 80, family: 4, inhibit: false },
      quorumUp: { text: 'qup', argv: ['qup'] }, quorumDown: { text: 'qdown', argv: ['qdown'] },
    })]);
    const sched = new Scheduler(cfg, { clock, log, port, runners: { TCP_CHECK: fake }, random: () => 0, runScript: (s) => void scripts.push(s.text) });
    const step = stepper(clock, sched);
    sched.start();
    await step();
    const VS = '[10.0.0.1]:tcp:80';
    down.add('10.0.0.2').add('10.0.0.3'); // live 2: inside the band (3-1..3+1)
    await step();
    expect(port.rows(VS)).toEqual({ '10.0.0.4:80': 1, '10.0.0.5:80': 1 });
    down.add('10.0.0.4'); // live 1 < 2: lost
    await step();
    expect(port.rows(VS)).toEqual({ '10.0.0.9:80': 1 });
    expect(records.map((r) => r.msg)).toContain(`Lost quorum 3-1=2 > 1 for VS ${VS}`);
    down.delete('10.0.0.2');
    down.delete('10.0.0.3'); // live 3: inside the band, still lost
    await step();
    expect(port.rows(VS)).toEqual({ '10.0.0.9:80': 1 });
    down.delete('10.0.0.4'); // live 4: gained
    await step();
    expect(port.rows(VS)).toEqual({ '10.0.0.2:80': 1, '10.0.0.3:80': 1, '10.0.0.4:80': 1, '10.0.0.5:80': 1 });
    expect(records.map((r) => r.msg)).toContain(`Gained quorum 3+1=4 <= 4 for VS ${VS}`);
    expect(scripts).toEqual(['qdown', 'qup']);
  });

  it('sorry_server_inhibit keeps the sorry server at weight 0 while quorum holds', async () => {
    const clock = new ManualClock();
    const port = new MemoryPort();
    let ok = true;
    const fake: CheckFn = () => Promise.resolve<CheckResult>(ok ? { ok: true } : { ok: false, reason: 'refused', detail: 'x' });
    const cfg = config([vs('10.0.0.1', 80, [rs('10.0.0.2', 80, [tcp({ retry: 0, delayLoopMs: 1000 })], { inhibitOnFailure: true })], {
      sorryServer: { address: '10.0.0.9', port: 8080, family: 4, inhibit: true },
    })]);
    const sched = new Scheduler(cfg, { clock, log: memoryLogger().log, port, runners: { TCP_CHECK: fake }, random: () => 0 });
    const step = stepper(clock, sched);
    sched.start();
    await step();
    expect(port.rows('[10.0.0.1]:tcp:80')).toEqual({ '10.0.0.2:80': 1, '10.0.0.9:8080': 0 });
    ok = false;
    await step();
    expect(port.rows('[10.0.0.1]:tcp:80')).toEqual({ '10.0.0.2:80': 0, '10.0.0.9:8080': 1 });
  });
});
