/**
 * The VRRP child's clock. Protocol timers that decide failover latency (Master_Down_Interval,
 * Skew_Time) must fire on time, but Node timers have millisecond granularity and fire up to a
 * few ms late. Such a timer wakes {@link EARLY_WAKE_MS} early on a coarse timer and spins out the
 * rest; periodic timers (advert intervals, script intervals), which fire all the time and whose
 * jitter is harmless, stay coarse so the steady state costs nothing extra.
 */
import type { Config } from '../../config/model.js';
import { SystemClock, type Clock, type TimerHandle } from '../../core/clock.js';

/** How early a one-shot protocol timer wakes before its due time (then spins). */
export const EARLY_WAKE_MS = 5;

/** Intervals of the periodic timers of `config` (adverts and vrrp_scripts). */
export function periodicIntervals(config: Config): Set<number> {
  return new Set([...config.vrrpInstances.map((i) => i.advertIntMs), ...config.vrrpScripts.map((s) => s.intervalMs)]);
}

/** See the file header. */
export class FailoverClock implements Clock {
  private readonly base = new SystemClock();

  /** `periodicMs`: delays that are periodic timers (left coarse); replaced on reload. */
  constructor(private periodicMs: ReadonlySet<number>) {}

  /** Reload: the periodic intervals of the new configuration. */
  setPeriodic(periodicMs: ReadonlySet<number>): void {
    this.periodicMs = periodicMs;
  }

  nowMs(): number {
    return this.base.nowMs();
  }

  wallMs(): number {
    return this.base.wallMs();
  }

  setTimer(delayMs: number, fn: () => void, coarse = false): TimerHandle {
    if (coarse || delayMs < EARLY_WAKE_MS * 2 || this.periodicMs.has(delayMs)) return this.base.setTimer(delayMs, fn);
    const dueMs = this.base.nowMs() + delayMs;
    return this.base.setTimer(delayMs - EARLY_WAKE_MS, () => {
      while (this.base.nowMs() < dueMs) {
        // at most EARLY_WAKE_MS, and only when a one-shot protocol timer actually expires
      }
      fn();
    });
  }

  clearTimer(handle: TimerHandle | undefined): void {
    this.base.clearTimer(handle);
  }
}
