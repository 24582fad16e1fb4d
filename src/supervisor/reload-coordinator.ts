/**
 * One reload at a time (SIGHUP): read and validate the new configuration once, then send
 * RELOADING=1, send the validated model to the children and wait for each to confirm; then log
 * "Reload complete" and send READY=1. A HUP during a reload is queued, like keepalived's
 * "Reload already in progress, request queued". An invalid configuration is not applied: kad
 * keeps running the old one and logs the diagnostics.
 */
import type { Clock, TimerHandle } from '../core/clock.js';
import type { ChildKind } from './ipc.js';
import type { Logger } from '../core/log.js';
import { diagnosticLines, type ConfigRead, type ConfigReader } from './config-source.js';
import { reloadVerdict } from './reload.js';
import type { Notifier } from './sd-notify.js';

export interface ReloadDeps {
  clock: Clock;
  log: Logger;
  notifier: Notifier;
  read: ConfigReader;
  configFile: string;
  timeoutMs: number;
  pid: number;
  /** Send the validated configuration to the children; returns those that must confirm it. */
  apply: (read: ConfigRead & { config: NonNullable<ConfigRead['config']> }) => Promise<ChildKind[]>;
  /** global_defs reload_check_config of the running configuration: only exit 0 reloads. */
  requireClean?: () => boolean;
  /** Why a valid configuration still cannot be reloaded into (a changed net_namespace or instance), or undefined. */
  refuse?: (config: NonNullable<ConfigRead['config']>) => string | undefined;
}

export type ReloadOutcome = 'complete' | 'invalid' | 'timeout' | 'cancelled';

export class ReloadCoordinator {
  private active = false;
  private queued = false;
  private cancelled = false;
  private readonly waiting = new Set<ChildKind>();
  private timer: TimerHandle | undefined;
  private failures = 0;
  /** Error keys (reload.ts errorKey) of the configuration kad runs now. */
  private runningErrors: ReadonlySet<string> = new Set();
  /** Outcomes in order (tests and the parent dump read them). */
  readonly history: ReloadOutcome[] = [];
  /** The last finished reload (status document): when it ended, how long it took, how it ended. */
  last: { wallMs: number; durationMs: number; outcome: ReloadOutcome } | undefined;
  private startedMs = 0;

  constructor(private readonly deps: ReloadDeps) {}

  get inProgress(): boolean {
    return this.active;
  }

  /** The errors of the configuration kad started with (a reload must not add new ones). */
  setRunningErrors(errors: readonly string[]): void {
    this.runningErrors = new Set(errors);
  }

  request(): void {
    if (this.cancelled) return;
    if (this.active) {
      this.queued = true;
      this.deps.log.info('Reload already in progress, request queued');
      return;
    }
    this.active = true;
    void this.run();
  }

  private async run(): Promise<void> {
    const { log, configFile } = this.deps;
    this.startedMs = this.deps.clock.nowMs();
    log.info('Reloading ...');
    const v = this.deps.read(configFile);
    // What a reload cannot change is refused first, as keepalived does right after reading.
    const refusal = v.config ? this.deps.refuse?.(v.config) : undefined;
    if (refusal !== undefined) {
      log.error({ code: 'KAD_ERR_SUPERVISOR_RELOAD_UNSUPPORTED' }, `${refusal}; keeping the running configuration`);
      this.finish('invalid');
      return;
    }
    const verdict = reloadVerdict(v, this.runningErrors, this.deps.requireClean?.() ?? false);
    const lines = diagnosticLines(v);
    if (!verdict.ok || v.config === undefined) {
      log.error(
        { code: 'KAD_ERR_SUPERVISOR_RELOAD_INVALID', exitCode: v.exitCode, newErrors: verdict.newErrors },
        `Configuration file ${configFile} not applied: ${verdict.reason}; keeping the running configuration`,
      );
      for (const line of lines) log.error(line);
      this.finish('invalid');
      return;
    }
    if (lines.length > 0) {
      log.warn({ exitCode: v.exitCode }, `Configuration file ${configFile} ${verdict.reason}`);
      for (const line of lines) log.warn(line);
    }
    this.runningErrors = new Set(v.errors);
    this.deps.notifier.reloading(process.hrtime.bigint() / 1000n);
    let kinds: ChildKind[];
    try {
      kinds = await this.deps.apply({ ...v, config: v.config });
    } catch (err) {
      log.error({ code: 'KAD_ERR_SUPERVISOR_RELOAD_INVALID' }, `reload failed: ${(err as Error).message}`);
      this.finish('invalid');
      return;
    }
    if (this.cancelled) return;
    for (const k of kinds) this.waiting.add(k);
    this.timer = this.deps.clock.setTimer(this.deps.timeoutMs, () => {
      log.warn({ code: 'KAD_WARN_SUPERVISOR_RELOAD_TIMEOUT', waiting: [...this.waiting] }, 'Reload not confirmed by every child in time');
      this.finish('timeout');
    });
    this.maybeComplete();
  }

  /** A child confirmed (or started with) the new configuration. */
  childReloaded(kind: ChildKind, ok: boolean): void {
    if (!this.waiting.delete(kind)) return;
    if (!ok) this.failures++;
    this.maybeComplete();
  }

  /** A child exited: do not wait for it. */
  childGone(kind: ChildKind): void {
    if (this.waiting.delete(kind)) this.maybeComplete();
  }

  cancel(): void {
    this.cancelled = true;
    this.queued = false;
    this.deps.clock.clearTimer(this.timer);
    this.waiting.clear();
  }

  private maybeComplete(): void {
    if (!this.active || this.waiting.size > 0 || this.timer === undefined) return;
    this.deps.log.info({ failures: this.failures }, 'Reload complete');
    this.finish('complete');
  }

  private finish(outcome: ReloadOutcome): void {
    this.deps.clock.clearTimer(this.timer);
    this.timer = undefined;
    this.waiting.clear();
    this.failures = 0;
    this.history.push(outcome);
    this.last = { wallMs: this.deps.clock.wallMs(), durationMs: this.deps.clock.nowMs() - this.startedMs, outcome };
    // READY=1 also after an invalid or timed-out reload: the old configuration is running.
    if (outcome !== 'invalid') this.deps.notifier.ready(this.deps.pid);
    this.active = false;
    if (this.queued) {
      this.queued = false;
      this.request();
    }
  }
}
