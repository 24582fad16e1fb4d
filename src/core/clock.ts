/**
 * The one source of time for kad. Protocol code never calls setTimeout or Date.now directly:
 * it is handed a Clock, so tests drive it with a ManualClock and never sleep.
 * All values are milliseconds on a monotonic scale (not wall time).
 */

export interface TimerHandle {
  readonly id: number;
}

export interface Clock {
  /** Monotonic milliseconds (fractional). */
  nowMs(): number;
  /** Wall-clock milliseconds since the epoch, for log lines and dump files only. */
  wallMs(): number;
  /**
   * Call `fn` once after `delayMs` (>= 0). `precise`: a protocol timer that decides a failover
   * (Master_Down_Interval, Skew_Time), which must not run late by Node's millisecond granularity.
   */
  setTimer(delayMs: number, fn: () => void, precise?: boolean): TimerHandle;
  clearTimer(handle: TimerHandle | undefined): void;
}

/** Real time: performance.now() and Node timers. */
export class SystemClock implements Clock {
  private nextId = 1;
  private readonly timers = new Map<number, NodeJS.Timeout>();

  nowMs(): number {
    return performance.now();
  }

  wallMs(): number {
    return Date.now();
  }

  setTimer(delayMs: number, fn: () => void): TimerHandle {
    const id = this.nextId++;
    const t = setTimeout(() => {
      this.timers.delete(id);
      fn();
    }, Math.max(0, delayMs));
    this.timers.set(id, t);
    return { id };
  }

  clearTimer(handle: TimerHandle | undefined): void {
    if (!handle) return;
    const t = this.timers.get(handle.id);
    if (t) {
      clearTimeout(t);
      this.timers.delete(handle.id);
    }
  }
}

interface PendingTimer {
  id: number;
  dueMs: number;
  seq: number;
  fn: () => void;
}

/** Test clock: time moves only when advance() is called; due timers fire in order. */
export class ManualClock implements Clock {
  private now: number;
  private nextId = 1;
  private seq = 0;
  private pending: PendingTimer[] = [];

  constructor(startMs = 0, private readonly wallOffsetMs = 1_700_000_000_000) {
    this.now = startMs;
  }

  nowMs(): number {
    return this.now;
  }

  wallMs(): number {
    return this.wallOffsetMs + this.now;
  }

  setTimer(delayMs: number, fn: () => void): TimerHandle {
    const id = this.nextId++;
    this.pending.push({ id, dueMs: this.now + Math.max(0, delayMs), seq: this.seq++, fn });
    return { id };
  }

  clearTimer(handle: TimerHandle | undefined): void {
    if (!handle) return;
    this.pending = this.pending.filter((t) => t.id !== handle.id);
  }

  /** Number of armed timers. */
  get pendingCount(): number {
    return this.pending.length;
  }

  /** Due time of the earliest armed timer, or undefined. */
  nextDueMs(): number | undefined {
    let best: number | undefined;
    for (const t of this.pending) if (best === undefined || t.dueMs < best) best = t.dueMs;
    return best;
  }

  /** Move time forward by `ms`, firing every timer that falls due, in due order. */
  advance(ms: number): void {
    this.advanceTo(this.now + ms);
  }

  advanceTo(targetMs: number): void {
    for (;;) {
      const next = this.earliestDue(targetMs);
      if (!next) break;
      this.pending = this.pending.filter((t) => t !== next);
      this.now = next.dueMs;
      next.fn();
    }
    this.now = Math.max(this.now, targetMs);
  }

  private earliestDue(limitMs: number): PendingTimer | undefined {
    let best: PendingTimer | undefined;
    for (const t of this.pending) {
      if (t.dueMs > limitMs) continue;
      if (!best || t.dueMs < best.dueMs || (t.dueMs === best.dueMs && t.seq < best.seq)) best = t;
    }
    return best;
  }
}
