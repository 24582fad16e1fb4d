/**
 * The status of one vrrp_track_process (pure; time from the injected Clock): up while the number
 * of matching processes is within [quorum, quorum_max].
 *
 * Delays, as keepalived 2.2.7 applies them, depend on what changed the count, not on the
 * direction: a change caused by a tracked process forking (its child counts until it execs
 * something else) takes effect after `fork_delay`; one caused by a process exiting after
 * `terminate_delay`; a new process exec'ing into a match, or a process exec'ing or renaming
 * itself away, at once. A later change that brings the count back to the current status cancels
 * the pending one (a daemon restarted within terminate_delay never shows as down); other
 * changes leave it pending. When a delay ends, the status follows the count at that moment. After a re-read of /proc a gain
 * counts at once, a loss after terminate_delay.
 */
import type { TrackProcess } from '../../../config/model.js';
import type { Clock, TimerHandle } from '../../../core/clock.js';

/** What changed the number of matching processes. */
export type CountCause = 'fork' | 'exec' | 'exit' | 'mismatch' | 'rescan';

/** Whether `n` matching processes satisfy the spec's quorum. */
export function quorumMet(spec: Pick<TrackProcess, 'quorum' | 'quorumMax'>, n: number): boolean {
  return n >= spec.quorum && n <= (spec.quorumMax ?? Infinity);
}

/** The delay before a status change caused by `cause` counts. */
export function delayFor(spec: Pick<TrackProcess, 'forkDelayMs' | 'terminateDelayMs'>, cause: CountCause, gaining: boolean): number {
  if (cause === 'fork') return spec.forkDelayMs;
  if (cause === 'exit' || (cause === 'rescan' && !gaining)) return spec.terminateDelayMs;
  return 0;
}

export class ProcessQuorum {
  private n = 0;
  private up: boolean;
  private timer: TimerHandle | undefined;

  constructor(
    readonly spec: TrackProcess,
    private readonly clock: Clock,
    private readonly onFlip: (up: boolean, count: number) => void,
    /** The status to start from (a reload carries the predecessor's); default: quorum of 0. */
    initialUp = quorumMet(spec, 0),
  ) {
    this.up = initialUp;
  }

  /** The current status: true when the quorum is met (after any delay). */
  get ok(): boolean {
    return this.up;
  }

  get count(): number {
    return this.n;
  }

  /** Whether a delayed change is pending. */
  get pending(): boolean {
    return this.timer !== undefined;
  }

  /** Set the count at start of day: the status follows at once, without a change event. */
  init(n: number): void {
    this.n = n;
    this.up = quorumMet(this.spec, n);
  }

  /** The count is now `n` because of `cause`. */
  set(n: number, cause: CountCause): void {
    this.n = n;
    const want = quorumMet(this.spec, n);
    if (want === this.up) {
      this.cancel();
      return;
    }
    // A change already pending keeps its deadline, whatever moves the count meanwhile (a forked
    // worker that execs something else must not cut fork_delay short); it settles on the count
    // it then finds.
    if (this.timer) return;
    const delayMs = delayFor(this.spec, cause, want);
    if (delayMs > 0) {
      this.timer = this.clock.setTimer(delayMs, () => {
        this.timer = undefined;
        this.settle();
      });
      return;
    }
    this.flip(want);
  }

  private settle(): void {
    const want = quorumMet(this.spec, this.n);
    if (want !== this.up) this.flip(want);
  }

  private flip(up: boolean): void {
    this.up = up;
    this.onFlip(up, this.n);
  }

  private cancel(): void {
    this.clock.clearTimer(this.timer);
    this.timer = undefined;
  }

  /** Stop any pending timer (the tracker is dropped). */
  stop(): void {
    this.cancel();
  }
}
