/**
 * A Clock that multiplexes many timers onto one timer of the underlying Clock. The checker arms
 * two timers per attempt (the next run and the attempt's deadline), so thousands of real
 * servers would otherwise keep tens of thousands of Node timers churning. Here timers are
 * grouped in `resolutionMs` ticks, kept in a min-heap of ticks, and only the earliest tick holds
 * an underlying timer; cancel is O(1). Timers of one tick fire in the order they were set.
 * Pure: time comes from the wrapped Clock.
 */
import type { Clock, TimerHandle } from '../core/clock.js';

interface Entry {
  id: number;
  tick: number;
  fn: () => void;
}

export class TimerWheel implements Clock {
  private readonly buckets = new Map<number, Map<number, Entry>>();
  private readonly entries = new Map<number, Entry>();
  private readonly heap: number[] = [];
  private nextId = 1;
  private armedTick: number | undefined;
  private armed: TimerHandle | undefined;

  constructor(private readonly base: Clock, private readonly resolutionMs = 1) {}

  nowMs(): number {
    return this.base.nowMs();
  }

  wallMs(): number {
    return this.base.wallMs();
  }

  /** Armed timers (tests, leak accounting). */
  get size(): number {
    return this.entries.size;
  }

  setTimer(delayMs: number, fn: () => void): TimerHandle {
    const tick = Math.ceil((this.base.nowMs() + Math.max(0, delayMs)) / this.resolutionMs - 1e-9);
    const e: Entry = { id: this.nextId++, tick, fn };
    this.entries.set(e.id, e);
    let b = this.buckets.get(tick);
    if (!b) {
      b = new Map();
      this.buckets.set(tick, b);
      this.push(tick);
    }
    b.set(e.id, e);
    if (this.armedTick === undefined || tick < this.armedTick) this.arm(tick);
    return { id: e.id };
  }

  clearTimer(handle: TimerHandle | undefined): void {
    if (!handle) return;
    const e = this.entries.get(handle.id);
    if (!e) return;
    this.entries.delete(e.id);
    this.buckets.get(e.tick)?.delete(e.id);
    if (this.entries.size === 0) {
      this.base.clearTimer(this.armed);
      this.armed = undefined;
      this.armedTick = undefined;
      this.buckets.clear();
      this.heap.length = 0;
    }
  }

  private arm(tick: number): void {
    this.base.clearTimer(this.armed);
    this.armedTick = tick;
    this.armed = this.base.setTimer(Math.max(0, tick * this.resolutionMs - this.base.nowMs()), () => this.fire());
  }

  private fire(): void {
    this.armed = undefined;
    this.armedTick = undefined;
    const nowTick = Math.floor(this.base.nowMs() / this.resolutionMs + 1e-9);
    const due: Entry[] = [];
    while (this.heap.length > 0 && this.heap[0]! <= nowTick) {
      const tick = this.pop();
      const b = this.buckets.get(tick);
      this.buckets.delete(tick);
      if (b) for (const e of b.values()) due.push(e);
    }
    for (const e of due) this.entries.delete(e.id);
    // Timers added by these callbacks go to later ticks or re-arm below; none runs in this pass.
    for (const e of due) e.fn();
    this.armNext();
  }

  private armNext(): void {
    while (this.heap.length > 0 && (this.buckets.get(this.heap[0]!)?.size ?? 0) === 0) {
      this.buckets.delete(this.pop());
    }
    if (this.heap.length > 0 && (this.armedTick === undefined || this.heap[0]! < this.armedTick)) this.arm(this.heap[0]!);
  }

  private push(tick: number): void {
    const h = this.heap;
    h.push(tick);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (h[p]! <= tick) break;
      h[i] = h[p]!;
      i = p;
    }
    h[i] = tick;
  }

  private pop(): number {
    const h = this.heap;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= h.length) break;
        const c = l + 1 < h.length && h[l + 1]! < h[l]! ? l + 1 : l;
        if (h[c]! >= last) break;
        h[i] = h[c]!;
        i = c;
      }
      h[i] = last;
    }
    return top;
  }
}
