/**
 * The VRRP child's clock. Protocol timers that decide failover latency (Master_Down_Interval,
 * Skew_Time) must fire on time, but Node timers have millisecond granularity and fire up to a
 * few ms late. Such a timer (set with `precise`) wakes {@link EARLY_WAKE_MS} early on a coarse
 * timer and spins out the rest; every other timer (adverts, scripts, GARP, retries), whose
 * jitter is harmless, stays a plain Node timer so the steady state costs nothing extra.
 */
import { SystemClock, type Clock, type TimerHandle } from '../../core/clock.js';

/** How early a precise timer wakes before its due time (then spins). */
export const EARLY_WAKE_MS = 5;

/** See the file header. */
export class FailoverClock implements Clock {
  private readonly base = new SystemClock();

  nowMs(): number {
    return this.base.nowMs();
  }

  wallMs(): number {
    return this.base.wallMs();
  }

  setTimer(delayMs: number, fn: () => void, precise = false): TimerHandle {
    if (!precise || delayMs < EARLY_WAKE_MS * 2) return this.base.setTimer(delayMs, fn);
    const dueMs = this.base.nowMs() + delayMs;
    return this.base.setTimer(delayMs - EARLY_WAKE_MS, () => {
      while (this.base.nowMs() < dueMs) {
        // at most EARLY_WAKE_MS, and only when a failover timer actually expires
      }
      fn();
    });
  }

  clearTimer(handle: TimerHandle | undefined): void {
    this.base.clearTimer(handle);
  }
}
