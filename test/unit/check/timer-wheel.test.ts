// The timer wheel over a ManualClock: order, cancel, re-arming from callbacks, one base timer.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/core/clock.js';
import { TimerWheel } from '../../../src/check/timer-wheel.js';

describe('TimerWheel', () => {
  it('fires in due order, same-tick timers in the order set, on one base timer', () => {
    const base = new ManualClock();
    const w = new TimerWheel(base);
    const out: string[] = [];
    w.setTimer(30, () => out.push('c'));
    w.setTimer(10, () => out.push('a1'));
    w.setTimer(10, () => out.push('a2'));
    const h = w.setTimer(20, () => out.push('b'));
    expect(base.pendingCount).toBe(1);
    w.clearTimer(h);
    base.advance(10);
    expect(out).toEqual(['a1', 'a2']);
    expect(base.nowMs()).toBe(10);
    base.advance(100);
    expect(out).toEqual(['a1', 'a2', 'c']);
    expect(w.size).toBe(0);
    expect(base.pendingCount).toBe(0);
  });

  it('timers set from a callback (even with delay 0) run later, at their own time', () => {
    const base = new ManualClock();
    const w = new TimerWheel(base);
    const at: number[] = [];
    const tick = (): void => {
      at.push(base.nowMs());
      if (at.length < 4) w.setTimer(at.length === 2 ? 0 : 5, tick);
    };
    w.setTimer(5, tick);
    base.advance(100);
    expect(at).toEqual([5, 10, 10, 15]);
  });

  it('an earlier timer re-arms the base timer; clearing everything leaves nothing pending', () => {
    const base = new ManualClock();
    const w = new TimerWheel(base, 10);
    const out: number[] = [];
    const a = w.setTimer(1000, () => out.push(1000));
    w.setTimer(15, () => out.push(base.nowMs()));
    base.advance(20);
    expect(out).toEqual([20]);
    w.clearTimer(a);
    expect(base.pendingCount).toBe(0);
  });
});
