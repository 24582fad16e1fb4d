// The load benchmark's loop statistics: quantiles, and the report a child writes when asked.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { distribution, LOOP_STATS_ENV, loopStatsFile, loopStatsResetFile, startLoopStats, type LoopStats } from '../../../src/supervisor/loop-stats.js';

/** Record in a scratch directory while garbage is made, run `beforeFinish`, then read the final report. */
async function reportAfterGarbage(beforeFinish: (dir: string) => void = () => undefined): Promise<LoopStats> {
  const dir = mkdtempSync(join(tmpdir(), 'kad-loop-'));
  try {
    const finish = startLoopStats('vrrp', { [LOOP_STATS_ENV]: dir });
    const junk: number[][] = [];
    for (let i = 0; i < 2000; i++) junk.push(new Array<number>(1000).fill(i));
    await new Promise((r) => setTimeout(r, 60));
    expect(junk.length).toBe(2000);
    beforeFinish(dir);
    finish();
    return JSON.parse(readFileSync(loopStatsFile(dir, 'vrrp'), 'utf8')) as LoopStats;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('loop statistics', () => {
  it('quantiles of a sample, and zeros for none', () => {
    const d = distribution(Array.from({ length: 100 }, (_, i) => 100 - i));
    expect(d).toEqual({ count: 100, p50: 51, p99: 100, max: 100, total: 5050 });
    expect(distribution([])).toEqual({ count: 0, p50: 0, p99: 0, max: 0, total: 0 });
  });

  it('off without KAD_LOOP_STATS_DIR; with it, the final report names the process and counts a forced GC', async () => {
    expect(startLoopStats('vrrp', {})()).toBeUndefined();
    const r = await reportAfterGarbage();
    expect(r.proc).toBe('vrrp');
    expect(r.lagMs.count).toBeGreaterThan(0);
    expect(r.gcMs.count).toBeGreaterThan(0);
    expect(r.gcMs.max).toBeGreaterThan(0);
  });

  it('a reset file starts the figures afresh at the next write', async () => {
    let asked = 0;
    const r = await reportAfterGarbage((dir) => {
      asked = Date.now();
      writeFileSync(loopStatsResetFile(dir), String(asked));
    });
    expect(r.sinceWallMs).toBeGreaterThanOrEqual(asked);
    expect(r.gcMs.count).toBe(0);
    expect(r.lagMs.count).toBe(0);
  });
});
