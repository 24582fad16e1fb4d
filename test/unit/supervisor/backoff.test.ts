import { describe, expect, it } from 'vitest';
import { DEFAULT_BACKOFF, INITIAL_BACKOFF, nextRespawn } from '../../../src/supervisor/backoff.js';

describe('respawn backoff', () => {
  it('restarts a child that was ready at once, however often it dies', () => {
    let st = INITIAL_BACKOFF;
    for (let i = 0; i < 50; i++) {
      const n = nextRespawn(st, { ranMs: 80, wasReady: true });
      expect(n.delayMs).toBe(0);
      st = n.state;
    }
  });

  it('backs off exponentially for children dying before ready, capped', () => {
    let st = INITIAL_BACKOFF;
    const delays: number[] = [];
    for (let i = 0; i < 9; i++) {
      const n = nextRespawn(st, { ranMs: 5, wasReady: false });
      delays.push(n.delayMs);
      st = n.state;
    }
    expect(delays).toEqual([0, 100, 200, 400, 800, 1600, 3200, 5000, 5000]);
  });

  it('a child that ran stableMs resets the backoff even without ready', () => {
    const deep = { quickExits: 7 };
    expect(nextRespawn(deep, { ranMs: DEFAULT_BACKOFF.stableMs, wasReady: false })).toEqual({ delayMs: 0, state: { quickExits: 0 } });
    expect(nextRespawn(deep, { ranMs: 10, wasReady: false }).delayMs).toBe(5000);
  });
});
