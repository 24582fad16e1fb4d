import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/core/clock.js';

describe('ManualClock', () => {
  it('fires due timers in due order and leaves later ones armed', () => {
    const clock = new ManualClock();
    const fired: string[] = [];
    clock.setTimer(300, () => fired.push('c'));
    clock.setTimer(100, () => fired.push('a'));
    clock.setTimer(200, () => fired.push('b'));
    clock.advance(250);
    expect(fired).toEqual(['a', 'b']);
    expect(clock.nowMs()).toBe(250);
    expect(clock.pendingCount).toBe(1);
    expect(clock.nextDueMs()).toBe(300);
  });

  it('runs timers armed by a firing timer when they fall inside the advance', () => {
    const clock = new ManualClock();
    const at: number[] = [];
    const tick = (): void => {
      at.push(clock.nowMs());
      clock.setTimer(1000, tick);
    };
    clock.setTimer(1000, tick);
    clock.advance(3500);
    expect(at).toEqual([1000, 2000, 3000]);
  });

  it('cancels a timer', () => {
    const clock = new ManualClock();
    let fired = false;
    const h = clock.setTimer(10, () => (fired = true));
    clock.clearTimer(h);
    clock.advance(100);
    expect(fired).toBe(false);
  });

  it('fires same-time timers in arming order', () => {
    const clock = new ManualClock();
    const fired: number[] = [];
    for (let i = 0; i < 5; i++) clock.setTimer(50, () => fired.push(i));
    clock.advance(50);
    expect(fired).toEqual([0, 1, 2, 3, 4]);
  });
});
