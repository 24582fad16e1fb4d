/**
 * Event-loop lag and garbage-collection pauses of a child, for the load benchmark: with
 * KAD_LOOP_STATS_DIR set, each child writes DIR/kad_PROC.loop.json once a second (atomically)
 * and when it stops. Writing the wall-clock time (ms) into DIR/reset starts the figures afresh
 * (seen at the next write, within a second): a benchmark measures its window alone, without the
 * child's start-up. Off by default: the lag monitor is itself a timer.
 */
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-file.js';

export const LOOP_STATS_ENV = 'KAD_LOOP_STATS_DIR';

/** The report file of child `proc` in `dir`. */
export const loopStatsFile = (dir: string, proc: string): string => join(dir, `kad_${proc}.loop.json`);

/** Milliseconds: how many samples, and their distribution. */
export interface Distribution {
  count: number;
  p50: number;
  p99: number;
  max: number;
  total: number;
}

export interface LoopStats {
  proc: string;
  /** Since the child started. */
  seconds: number;
  /** Wall-clock ms since when the figures below count (the start, or the last reset). */
  sinceWallMs: number;
  /** How late the lag monitor's timer ran (perf_hooks monitorEventLoopDelay). */
  lagMs: Distribution;
  /** Duration of each garbage collection (performance 'gc' entries). */
  gcMs: Distribution;
}

/** Quantiles of `values` (unsorted, ms) as a Distribution. */
export function distribution(values: readonly number[]): Distribution {
  const s = [...values].sort((a, b) => a - b);
  const q = (p: number): number => (s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))]! : 0);
  return { count: s.length, p50: q(0.5), p99: q(0.99), max: s.length ? s[s.length - 1]! : 0, total: s.reduce((a, b) => a + b, 0) };
}

/** The reset file of the reports in `dir`. */
export const loopStatsResetFile = (dir: string): string => join(dir, 'reset');

const readOr = (path: string, otherwise: string): string => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return otherwise;
  }
};

/** Start recording when the environment asks for it; returns the function that writes the last report. */
export function startLoopStats(proc: string, env: NodeJS.ProcessEnv = process.env): () => void {
  const dir = env[LOOP_STATS_ENV];
  if (!dir) return () => undefined;
  const file = loopStatsFile(dir, proc);
  const started = performance.now();
  const resolutionMs = 5;
  const lag = monitorEventLoopDelay({ resolution: resolutionMs });
  lag.enable();
  const gc: number[] = [];
  let sinceWallMs = Date.now();
  let resetAsked = '';
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gc.push(e.duration);
  });
  obs.observe({ entryTypes: ['gc'] });
  // The monitor samples how long its own timer of `resolutionMs` took: the lag is the excess.
  const ns = (v: number): number => Math.max(0, v / 1e6 - resolutionMs);
  const write = (): void => {
    const asked = readOr(loopStatsResetFile(dir), resetAsked);
    if (asked !== resetAsked) {
      resetAsked = asked;
      lag.reset();
      gc.length = 0;
      sinceWallMs = Date.now();
    }
    const report: LoopStats = {
      proc,
      seconds: (performance.now() - started) / 1000,
      sinceWallMs,
      lagMs: { count: lag.count, p50: ns(lag.percentile(50)), p99: ns(lag.percentile(99)), max: ns(lag.max), total: ns(lag.mean) * lag.count },
      gcMs: distribution(gc),
    };
    try {
      writeFileAtomic(file, `${JSON.stringify(report)}\n`, 0o644);
    } catch {
      // a benchmark aid: a directory that went away costs nothing but the report
    }
  };
  const timer = setInterval(write, 1000);
  timer.unref();
  return () => {
    clearInterval(timer);
    write();
    obs.disconnect();
    lag.disable();
  };
}
