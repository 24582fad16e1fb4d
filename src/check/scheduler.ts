/**
 * The checker scheduler: every checker of every real server runs on one event loop, timed by
 * the injected Clock. A checker starts after a random spread within `warmup`, then runs every
 * `delay_loop`; while it is up a failed attempt is retried `retry` times, `delay_before_retry`
 * apart, before it is declared down. Checks run concurrently (each one bounded by its own
 * timeout), so no check blocks another. Every verdict change reaches the IPVS port through
 * `port.apply(config, snapshot)`, applies serialised and coalesced.
 */
import type { Config, ScriptSpec } from '../config/model.js';
import type { Clock, TimerHandle } from '../core/clock.js';
import type { Logger } from '../core/log.js';
import type { VrrpStateName } from '../core/vrrp-state.js';
import type { IpvsPort } from '../ipvs/port.js';
import { Farm, type CheckerState, type RsState } from './farm.js';
import { localAddresses, vsActive } from './ha-suspend.js';
import { TimerWheel } from './timer-wheel.js';
import { attemptFailureText, defaultRunners, serviceFailureText, successText, type Runners } from './runners.js';
import { alertEnabled, alertMail } from './smtp-alert.js';
import { rsFifoLine, vsFifoLine } from './fifo-lines.js';
import { Mailer } from '../supervisor/mailer.js';
import type { EventSink } from '../supervisor/notify-fifo.js';
import type { ScriptRunner } from '../script/types.js';
import type { CheckEnv, CheckResult } from './types.js';

export interface SchedulerDeps {
  clock: Clock;
  log: Logger;
  port: IpvsPort;
  runners?: Runners;
  /** Runs notify/quorum scripts; defaults to a no-op (tests). */
  runScript?: (script: ScriptSpec, why: string) => void;
  /** Runs MISC_CHECK scripts (src/script/runner.ts). */
  scripts?: ScriptRunner;
  /** [0, 1) for the warmup spread. */
  random?: () => number;
  /** ha_suspend for a VS address no VRRP instance carries; default: the host's addresses. */
  isLocal?: (address: string) => boolean;
  /** Delivers smtp_alert mails; defaults to a mailer through global_defs smtp_server. */
  mailer?: Mailer;
  /** lvs_notify_fifo / notify_fifo lines (`RS ... UP`, `VS ... DOWN`). */
  fifo?: EventSink;
  /**
   * Granularity of checker timers (default 10 ms): timers due in the same slice fire together,
   * so 5000 checks a second cost ~100 wake-ups instead of thousands.
   */
  timerResolutionMs?: number;
}

/** Lateness samples kept for the benchmark (scheduled vs actual start, ms). */
const MAX_SAMPLES = 200_000;

interface Slot {
  state: CheckerState;
  rs: RsState;
  timer?: TimerHandle;
  dueMs: number;
  inFlight: boolean;
}

export class Scheduler {
  private farm!: Farm;
  private slots: Slot[] = [];
  private config!: Config;
  private generation = 0;
  private running = false;
  private applyQueued = false;
  private applying: Promise<void> = Promise.resolve();
  private readonly vrrpStates = new Map<string, VrrpStateName>();
  readonly lateness: number[] = [];
  private readonly runners: Runners;
  private readonly random: () => number;
  /** Every timer of the checkers (schedule and deadlines) lives on this one wheel. */
  private readonly clock: TimerWheel;
  private readonly isLocal: (address: string) => boolean;
  private readonly mailer: Mailer;

  constructor(config: Config, private readonly deps: SchedulerDeps) {
    this.clock = new TimerWheel(deps.clock, deps.timerResolutionMs ?? 10);
    this.mailer = deps.mailer ?? new Mailer(config.global, deps.log, deps.clock);
    this.isLocal = deps.isLocal ?? localAddresses(deps.clock);
    this.runners = deps.runners ?? defaultRunners;
    this.random = deps.random ?? Math.random;
    this.load(config);
  }

  private load(config: Config): void {
    this.config = config;
    this.mailer.setGlobal(config.global);
    this.farm = new Farm(config.virtualServers, this.deps.log, (s, why) => this.deps.runScript?.(s, why), (r, alive) => {
      this.deps.fifo?.line(rsFifoLine(r.name, r.vs.name, alive));
      this.alert(r, alive);
    }, (v, up) => this.deps.fifo?.line(vsFifoLine(v.vs.name, up)));
    this.slots = [...this.farm.realServers()].flatMap((rs) => rs.checkers.map((state) => ({ state, rs, dueMs: 0, inFlight: false })));
  }

  /** Arm every checker (warmup spread) and push the initial table to the port. */
  start(): void {
    this.running = true;
    for (const s of this.slots) {
      this.deps.log.info({ rs: s.rs.name, vs: s.rs.vs.name }, `Activating healthchecker for service ${s.state.target.name} for VS ${s.rs.vs.name}`);
      if (!this.runners[s.state.spec.type]) {
        this.deps.log.warn({ code: 'KAD_WARN_CHECK_UNSUPPORTED', rs: s.rs.name },
          `${s.state.spec.type} is not supported by kad: ${s.rs.name} keeps its initial state`);
      }
      const warm = s.state.spec.warmupMs > 0 ? Math.floor(this.random() * s.state.spec.warmupMs) : 0;
      this.arm(s, warm);
    }
    this.requestApply();
  }

  /** Cancel every timer; in-flight checks finish but their results are ignored. */
  stop(): void {
    this.running = false;
    this.generation++;
    for (const s of this.slots) this.clock.clearTimer(s.timer);
  }

  /** Stop for good: like stop(), then the omega scripts of the virtual servers that ask for them. */
  shutdown(): void {
    this.stop();
    this.farm.omega();
  }

  /**
   * Swap in a new configuration. Real servers whose checkers are unchanged keep their verdicts
   * and their place in the schedule; new ones start as at startup.
   */
  reload(config: Config): void {
    const old = new Map(this.slots.map((s) => [slotId(s), s] as const));
    const oldAlive = new Map([...this.farm.realServers()].map((r) => [`${r.vs.name}|${r.key}`, r.alive] as const));
    this.stop();
    this.load(config);
    this.running = true;
    for (const s of this.slots) {
      const prev = old.get(slotId(s));
      if (prev) {
        Object.assign(s.state, { up: prev.state.up, retriesLeft: prev.state.retriesLeft, weight: prev.state.weight });
        this.arm(s, Math.max(0, prev.dueMs - this.clock.nowMs()));
      } else {
        this.arm(s, s.state.spec.warmupMs > 0 ? Math.floor(this.random() * s.state.spec.warmupMs) : 0);
      }
    }
    for (const r of this.farm.realServers()) {
      const was = oldAlive.get(`${r.vs.name}|${r.key}`);
      r.alive = was ?? r.alive;
      this.farm.update(r);
    }
    this.requestApply();
  }

  /** VRRP state of an instance (from the parent): drives ha_suspend. */
  setVrrpState(instance: string, state: VrrpStateName): void {
    this.vrrpStates.set(instance, state);
  }

  /** The last VRRP state the parent reported for each instance. */
  get vrrpStateMap(): ReadonlyMap<string, VrrpStateName> {
    return this.vrrpStates;
  }

  get currentConfig(): Config {
    return this.config;
  }

  get state(): Farm {
    return this.farm;
  }

  /** Resolves when every apply requested so far has finished. */
  settled(): Promise<void> {
    return this.applying;
  }

  /**
   * Schedule the next attempt `delayMs` after the start the last one was due at, so checks keep
   * the warmup spread instead of clumping behind a busy moment of the loop. An attempt that ran
   * longer than `delayMs` is followed `delayMs` after it ended (keepalived's rule).
   */
  private rearm(s: Slot, delayMs: number): void {
    const now = this.clock.nowMs();
    const next = s.dueMs + delayMs;
    this.arm(s, next > now ? next - now : delayMs);
  }

  private arm(s: Slot, delayMs: number): void {
    this.clock.clearTimer(s.timer);
    s.dueMs = this.clock.nowMs() + delayMs;
    const gen = this.generation;
    s.timer = this.clock.setTimer(delayMs, () => {
      if (gen === this.generation) void this.fire(s, gen);
    });
  }

  private async fire(s: Slot, gen: number): Promise<void> {
    const now = this.clock.nowMs();
    if (this.lateness.length < MAX_SAMPLES) this.lateness.push(now - s.dueMs);
    const spec = s.state.spec;
    if (s.inFlight || !vsActive(this.config, s.rs.vs, this.vrrpStates, this.isLocal)) {
      this.rearm(s, spec.delayLoopMs);
      return;
    }
    const run = this.runners[spec.type];
    if (!run) {
      this.rearm(s, spec.delayLoopMs);
      return;
    }
    s.inFlight = true;
    s.state.attempts++;
    const env: CheckEnv = { clock: this.clock, config: this.config, ...(this.deps.scripts ? { scripts: this.deps.scripts } : {}) };
    let result: CheckResult;
    const startMs = this.deps.clock.nowMs();
    try {
      result = await run(spec, s.state.target, env);
    } catch (err) {
      result = { ok: false, reason: 'error', detail: err instanceof Error ? err.message : String(err) };
    }
    s.inFlight = false;
    if (gen !== this.generation || !this.running) return;
    recordAttempt(s.state, result, this.deps.clock.nowMs() - startMs, this.deps.clock.wallMs());
    this.verdict(s, result);
  }

  private verdict(s: Slot, r: CheckResult): void {
    const c = s.state;
    const spec = c.spec;
    const name = c.target.name;
    if (r.ok) {
      const changed = !c.up || c.weight !== r.weight;
      if (!c.up) this.deps.log.info({ rs: s.rs.name, checker: spec.type }, successText(spec, name));
      c.up = true;
      c.retriesLeft = spec.retry;
      c.weight = r.weight;
      this.rearm(s, spec.delayLoopMs);
      if (changed) this.changed(s.rs);
      return;
    }
    c.failures++;
    c.lastDetail = r.detail;
    if (c.up || spec.logAllFailures) {
      this.deps.log.info({ rs: s.rs.name, checker: spec.type, reason: r.reason }, attemptFailureText(spec, name, r.detail));
    }
    if (c.up && c.retriesLeft > 0) {
      c.retriesLeft--;
      this.rearm(s, spec.delayBeforeRetryMs);
      return;
    }
    const wasUp = c.up;
    c.up = false;
    c.retriesLeft = spec.retry;
    // fast_recovery (HTTP_GET/SSL_GET): a down server is retried delay_before_retry apart.
    const fast = (spec.type === 'HTTP_GET' || spec.type === 'SSL_GET') && spec.fastRecovery;
    this.rearm(s, fast ? spec.delayBeforeRetryMs : spec.delayLoopMs);
    if (wasUp) {
      this.deps.log.info({ rs: s.rs.name, checker: spec.type }, serviceFailureText(spec, name, spec.retry));
      this.changed(s.rs);
    }
  }

  /** smtp_alert: mail the transition when enabled (in the background; failures logged, never retried). */
  private alert(r: RsState, alive: boolean): void {
    if (!alertEnabled(this.config, r.vs, r.rs)) return;
    this.mailer.send(alertMail(this.config, r.vs.name, r.name, alive));
  }

  private changed(rs: RsState): void {
    this.farm.update(rs);
    this.requestApply();
  }

  /** Coalesce changes made in one turn of the loop into one serialised apply. */
  private requestApply(): void {
    if (this.applyQueued) return;
    this.applyQueued = true;
    this.applying = this.applying.then(async () => {
      this.applyQueued = false;
      try {
        await this.deps.port.apply(this.config, this.farm.snapshot());
      } catch (err) {
        this.deps.log.error({ code: 'KAD_ERR_CHECK_IPVS_APPLY', err: err instanceof Error ? err.message : String(err) }, 'IPVS update failed');
      }
    });
  }
}

/** Keep the last attempt's verdict and time for the status document. */
function recordAttempt(c: CheckerState, r: CheckResult, durationMs: number, wallMs: number): void {
  c.last = r.ok ? { ok: true, wallMs, durationMs } : { ok: false, wallMs, durationMs, reason: r.reason, detail: r.detail };
  c.durationTotalMs = (c.durationTotalMs ?? 0) + durationMs;
}

function slotId(s: Slot): string {
  const { source: _s, ...spec } = s.state.spec;
  return `${s.rs.vs.name}|${s.rs.key}|${JSON.stringify(spec)}`;
}
