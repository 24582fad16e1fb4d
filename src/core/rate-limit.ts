/**
 * Token bucket for rate-limited logging of repeated events (dropped packets, failed checks).
 * Pure: the caller passes the current time.
 */
export class RateLimiter {
  private tokens: number;
  private lastMs: number | undefined;
  private suppressedCount = 0;

  constructor(
    private readonly burst: number,
    private readonly perSecond: number,
  ) {
    this.tokens = burst;
  }

  /**
   * Ask to emit one event at `nowMs`. Returns the number of events suppressed since the last
   * allowed one (>= 0) when allowed, or -1 when this one must be suppressed.
   */
  take(nowMs: number): number {
    if (this.lastMs !== undefined) {
      const refill = ((nowMs - this.lastMs) / 1000) * this.perSecond;
      this.tokens = Math.min(this.burst, this.tokens + refill);
    }
    this.lastMs = nowMs;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      const s = this.suppressedCount;
      this.suppressedCount = 0;
      return s;
    }
    this.suppressedCount++;
    return -1;
  }
}
