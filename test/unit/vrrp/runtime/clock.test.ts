import { describe, expect, it } from 'vitest';
import { FailoverClock } from '../../../../src/vrrp/runtime/clock.js';

/** Lateness of one timer of `delayMs` on `clock`, in ms. */
function lateness(clock: FailoverClock, delayMs: number, precise: boolean): Promise<number> {
  const due = clock.nowMs() + delayMs;
  return new Promise((resolve) => clock.setTimer(delayMs, () => resolve(clock.nowMs() - due), precise));
}

describe('FailoverClock', () => {
  it('fires precise timers (down timers) on time, never early', async () => {
    const clock = new FailoverClock();
    const late: number[] = [];
    for (const delay of [20.4, 25.3, 30.7, 35.1, 40.9]) late.push(await lateness(clock, delay, true));
    expect(Math.min(...late)).toBeGreaterThanOrEqual(0);
    // The best of five: the suite shares 2 cores with other tests and the OS can preempt a wait.
    expect(Math.min(...late)).toBeLessThan(0.5);
  });

  it('leaves other timers on plain Node timers and can cancel both kinds', async () => {
    const clock = new FailoverClock();
    expect(await lateness(clock, 40, false)).toBeGreaterThanOrEqual(-1);
    let fired = 0;
    clock.clearTimer(clock.setTimer(20.5, () => fired++, true));
    clock.clearTimer(clock.setTimer(40, () => fired++));
    await new Promise((r) => setTimeout(r, 80));
    expect(fired).toBe(0);
  });
});
