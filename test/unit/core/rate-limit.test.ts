import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../../src/core/rate-limit.js';

describe('RateLimiter', () => {
  it('allows a burst, suppresses the rest, and reports how many were suppressed', () => {
    const rl = new RateLimiter(3, 1);
    expect([rl.take(0), rl.take(0), rl.take(0)]).toEqual([0, 0, 0]);
    expect(rl.take(0)).toBe(-1);
    expect(rl.take(10)).toBe(-1);
    // One token refills after a second; the next allowed event reports two suppressed.
    expect(rl.take(1010)).toBe(2);
  });
});
