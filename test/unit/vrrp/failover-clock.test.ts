import { describe, expect, it } from 'vitest';
import { FailoverClock } from '../../../src/vrrp/runtime.js';

/** Lateness of one timer of `delayMs` on `clock`, in ms. */
function lateness(clock: FailoverClock, delayMs: number): Promise<number> {
  const due = clock.nowMs() + delayMs;
  return new Promise((resolve) => clock.setTimer(delayMs, () => resolve(clock.nowMs() - due)));
}

describe('FailoverClock', () => {
  it('fires non-periodic timers (down timers) on time, never early', async () => {
    const clock = new FailoverClock(new Set([1000]));
    for (const delay of [30.4, 48.9, 65.2]) {
      const late = await lateness(clock, delay);
      expect(late).toBeGreaterThanOrEqual(0);
      // Loose bound: the suite shares 2 cores with other tests, and the OS can preempt the wait.
      expect(late).toBeLessThan(3);
    }
  });

  it('leaves periodic timers on plain Node timers and can cancel both kinds', async () => {
    const clock = new FailoverClock(new Set([40]));
    expect(await lateness(clock, 40)).toBeGreaterThanOrEqual(-1);
    let fired = 0;
    clock.clearTimer(clock.setTimer(20.5, () => fired++));
    clock.clearTimer(clock.setTimer(40, () => fired++));
    await new Promise((r) => setTimeout(r, 80));
    expect(fired).toBe(0);
  });
});
