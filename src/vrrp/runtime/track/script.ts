/**
 * vrrp_script tracker: runs one script every `intervalMs`, counts a run as failed when it exits
 * non-zero, dies from a signal, cannot start or outlives `timeoutMs`, and flips its status after
 * `rise` consecutive successes (bad → good) or `fall` consecutive failures (good → bad).
 * It starts good unless `init_fail` is set. A run never overlaps the previous one: the next run
 * is armed when the current one ends, so at most one instance of a script runs at a time. A
 * script the runner refuses (unknown user, not found, insecure) counts as failed.
 */
import type { VrrpScript } from '../../../config/model.js';
import type { Clock, TimerHandle } from '../../../core/clock.js';
import type { Logger } from '../../../core/log.js';
import type { ScriptOutcome, ScriptRunner } from '../../../script/types.js';
import type { ScriptRunState } from '../../../status/types.js';


/** Why one run counted as a failure (logged). */
export type ScriptFailReason = 'exitNonZero' | 'signalled' | 'timeout' | 'spawnFailed' | 'refused';

/** The failure reason of one run, undefined for success. */
export function classifyRun(r: ScriptOutcome): ScriptFailReason | undefined {
  switch (r.kind) {
    case 'exit':
      return r.code === 0 ? undefined : 'exitNonZero';
    case 'signal':
      return 'signalled';
    case 'timeout':
      return 'timeout';
    case 'refused':
      return 'refused';
    case 'spawn-error':
      return 'spawnFailed';
  }
}

export class ScriptTracker {
  private good: boolean;
  private successes = 0;
  private failures = 0;
  private timer: TimerHandle | undefined;
  private stopped = true;
  private phase: ScriptRunState = 'idle';
  private readonly listeners: ((good: boolean) => void)[] = [];

  constructor(
    readonly spec: VrrpScript,
    private readonly clock: Clock,
    private readonly runner: ScriptRunner,
    private readonly log: Logger,
  ) {
    this.good = !spec.initFail;
  }

  /** Current status: true when the script counts as succeeding. */
  get ok(): boolean {
    return this.good;
  }

  /** Whether a run is under way, and how far its timeout kill has gone. */
  get runState(): ScriptRunState {
    return this.phase;
  }

  /** Reload of a changed script of the same name: start from its status and rise/fall counts. */
  carry(from: ScriptTracker): void {
    this.good = from.good;
    this.successes = from.successes;
    this.failures = from.failures;
  }

  /** Consecutive successes and failures so far (rise/fall counters). */
  get counts(): { successes: number; failures: number } {
    return { successes: this.successes, failures: this.failures };
  }

  /** Call `fn` with the new status on every status change. */
  onChange(fn: (good: boolean) => void): void {
    this.listeners.push(fn);
  }

  /** Run the script now, then every interval. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.runOnce();
  }

  stop(): void {
    this.stopped = true;
    this.clock.clearTimer(this.timer);
    this.timer = undefined;
  }

  private runOnce(): void {
    const startedMs = this.clock.nowMs();
    this.phase = 'running';
    const onKill = (step: 'term' | 'kill'): void => {
      this.phase = step === 'term' ? 'requested termination' : 'forcing termination';
    };
    void this.runner.run(this.spec.script, { timeoutMs: this.spec.timeoutMs, what: `vrrp_script ${this.spec.name}`, onKill }).then((r) => {
      this.phase = 'idle';
      if (this.stopped) return;
      this.record(classifyRun(r));
      const elapsedMs = this.clock.nowMs() - startedMs;
      this.timer = this.clock.setTimer(Math.max(0, this.spec.intervalMs - elapsedMs), () => this.runOnce());
    });
  }

  /** Feed one run's outcome (undefined = success) through rise/fall. */
  record(failure: ScriptFailReason | undefined): void {
    if (failure === undefined) {
      this.failures = 0;
      this.successes++;
      if (!this.good && this.successes >= this.spec.rise) this.flip(true, undefined);
    } else {
      this.successes = 0;
      this.failures++;
      if (this.good && this.failures >= this.spec.fall) this.flip(false, failure);
      else if (!this.good) this.log.debug({ script: this.spec.name, reason: failure }, 'script failed again');
    }
  }

  private flip(good: boolean, reason: ScriptFailReason | undefined): void {
    this.good = good;
    this.log.info(
      { script: this.spec.name, reason },
      `VRRP_Script(${this.spec.name}) ${good ? 'succeeded' : 'failed'}`,
    );
    for (const fn of this.listeners) fn(good);
  }
}
