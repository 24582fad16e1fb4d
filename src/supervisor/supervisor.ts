/**
 * The parent process: starts the VRRP and checker children, respawns them with backoff, stops on
 * permanent child errors (exit codes 1, 2, 4), routes signals (reload, dumps, stop) and tells
 * systemd where it stands. It never touches VIPs or IPVS itself; the children do.
 *
 * Log lines keep keepalived's wording ("VRRP child process(1234) died: Respawning").
 */
import { existsSync } from 'node:fs';
import type { CliOptions } from '../core/options.js';
import { formatDiagnostic } from '../config/diagnostics.js';
import type { Config } from '../config/model.js';
import type { Clock, TimerHandle } from '../core/clock.js';
import type { ChildKind, ChildMessage, ChildOptions, DumpKind } from './ipc.js';
import type { Logger } from '../core/log.js';
import { DEFAULT_BACKOFF, INITIAL_BACKOFF, nextRespawn, type BackoffPolicy, type BackoffState } from './backoff.js';
import { CHILD_LABEL, defaultChildEntry, ManagedChild, type ChildEntryResolver } from './child.js';
import type { ConfigRead, ConfigReader } from './config-source.js';
import { planChildren, plannedKinds, summaryOf } from './plan.js';
import { ReloadCoordinator } from './reload-coordinator.js';
import { fixedAtStartChange } from './reload.js';
import type { Notifier } from './sd-notify.js';
import type { SignalAction } from './signals.js';
import { StatusCollector, type ChildFacts } from './status-collector.js';
import type { ReloadStatus } from '../status/types.js';
import type { ScriptRunner } from '../script/types.js';
import { runLifeScript } from './life-scripts.js';
import { enterProblem } from '../net/netns.js';

/** Child exit codes that stop kad instead of a respawn (keepalived lib/scheduler.h). */
export const PERMANENT_EXIT: ReadonlyMap<number, string> = new Map([
  [1, 'FATAL'],
  [2, 'CONFIG'],
  [4, 'missing permission'],
]);

/**
 * Exit code when the network namespace cannot be entered at start. keepalived 2.2.7 logs "Failed
 * to open /run/netns/NAME", "Unable to set network namespace NAME - exiting" and exits 0
 * (measured; it does not wait for the namespace). kad exits 1: a daemon that cannot run is a
 * failure, and kad.service's Restart=on-failure then retries until the namespace exists.
 */
const NETNS_EXIT = 1;

export interface SupervisorDeps {
  cli: CliOptions;
  clock: Clock;
  log: Logger;
  notifier: Notifier;
  /** Reads and validates the configuration file: the only parse of a running kad. */
  read: ConfigReader;
  resolveEntry?: ChildEntryResolver;
  backoff?: BackoffPolicy;
  /** Grace period for children on stop (global_defs child_wait_time, default 5 s). */
  childWaitTimeMs?: number | (() => number);
  /** Give up waiting for children to confirm a reload after this long. */
  reloadTimeoutMs?: number;
  /** Writes the parent's own USR1 dump (keepalived_parent.data). */
  writeParentDump?: () => string | undefined;
  env?: NodeJS.ProcessEnv;
  pid?: number;
  /** The parent's script runner (startup_script, shutdown_script) for a configuration. */
  scripts?: (config: Config) => ScriptRunner;
  /** Why a network namespace cannot be entered (default src/net/netns.ts); a test seam. */
  netnsProblem?: (name: string) => string | undefined;
}

export class Supervisor {
  private readonly children = new Map<ChildKind, ManagedChild>();
  private readonly generations = new Map<ChildKind, number>();
  private readonly backoffs = new Map<ChildKind, BackoffState>();
  private readonly respawnTimers = new Map<ChildKind, TimerHandle>();
  private readonly reloads: ReloadCoordinator;
  private announcedReady = false;
  private stopping = false;
  /** All children are gone; the shutdown script runs, then `done` resolves. */
  private finishing = false;
  private stopTimer: TimerHandle | undefined;
  private exitCode = 0;
  private resolveDone: ((code: number) => void) | undefined;
  readonly done: Promise<number>;
  private readonly pid: number;
  /** The validated configuration the children run (undefined until start has read it). */
  private running: Config | undefined;
  private readonly startedWall = new Map<ChildKind, number>();
  /** The status document's collector (status socket, /metrics). */
  readonly status: StatusCollector;

  constructor(private readonly deps: SupervisorDeps) {
    this.pid = deps.pid ?? process.pid;
    this.done = new Promise((r) => (this.resolveDone = r));
    this.reloads = new ReloadCoordinator({
      clock: deps.clock,
      log: deps.log,
      notifier: deps.notifier,
      read: deps.read,
      configFile: deps.cli.useFile,
      timeoutMs: deps.reloadTimeoutMs ?? 60_000,
      pid: this.pid,
      apply: (read) => Promise.resolve(this.applyReload(read.config)),
      requireClean: () => this.running?.global.reloadCheckConfig ?? false,
      refuse: (next) => (this.running ? fixedAtStartChange(this.running.global, next.global) : undefined),
    });
    const startedWallMs = deps.clock.wallMs();
    this.status = new StatusCollector({
      clock: deps.clock,
      parentStartedWallMs: startedWallMs,
      facts: () => this.childFacts(),
      reloads: () => this.reloadStatus(),
      ask: (kind, id, view, since) => this.children.get(kind)?.send({ type: 'status-request', id, view, ...(since === undefined ? {} : { since }) }) ?? false,
    });
  }

  /** What the status document says of each child kind, from the parent's own bookkeeping. */
  private childFacts(): ChildFacts[] {
    const planned = this.running ? plannedKinds(planChildren(this.deps.cli, summaryOf(this.running))) : [];
    return (['vrrp', 'checker'] as const).map((kind) => {
      const c = this.children.get(kind);
      const f: ChildFacts = {
        kind, planned: planned.includes(kind), running: c?.running ?? false, ready: c?.ready ?? false,
        respawning: this.respawnTimers.has(kind), restarts: Math.max(0, (this.generations.get(kind) ?? 0) - 1),
      };
      if (c?.pid !== undefined) f.pid = c.pid;
      const started = this.startedWall.get(kind);
      if (started !== undefined) f.startedWallMs = started;
      return f;
    });
  }

  private reloadStatus(): ReloadStatus {
    const last = this.reloads.last;
    const out: ReloadStatus = { count: this.reloads.history.length };
    if (last) Object.assign(out, { lastAt: new Date(last.wallMs).toISOString(), lastDurationMs: last.durationMs, lastOk: last.outcome === 'complete' });
    return out;
  }

  /** Start the children the configuration needs; resolves `done` with the exit code on stop. */
  async start(): Promise<void> {
    const file = this.deps.cli.useFile;
    const read = this.deps.read(file);
    this.logDiagnostics(read);
    // A stop signal may arrive while the configuration is read.
    if (this.stopping) return;
    if (!read.config) {
      this.deps.log.error({ code: 'KAD_ERR_SUPERVISOR_CONFIG_READ', exitCode: read.exitCode },
        `Configuration file ${file} cannot be used (config test exit ${read.exitCode}). Terminating`);
      this.deps.notifier.errno(2);
      this.stop(2);
      return;
    }
    this.running = read.config;
    this.reloads.setRunningErrors(read.errors);
    if (!this.enterableNamespace(read.config)) return;
    await this.lifeScript('startup');
    if (this.stopping) return;
    const kinds = plannedKinds(planChildren(this.deps.cli, summaryOf(read.config)));
    if (kinds.length === 0) this.deps.log.info('No VRRP instance or virtual server configured; no child started');
    for (const kind of kinds) this.startChild(kind);
    this.checkReady();
  }

  /**
   * keepalived 2.2.7 stops at start when it cannot enter its net_namespace ("Unable to set
   * network namespace NAME - exiting"); so does kad, before any script or child runs. A
   * namespace that goes away later fails the respawns, which are retried with backoff.
   */
  private enterableNamespace(config: Config): boolean {
    const ns = config.global.netNamespace;
    const problem = ns === undefined ? undefined : (this.deps.netnsProblem ?? enterProblem)(ns);
    if (problem === undefined) return true;
    this.deps.log.error({ code: 'KAD_ERR_SUPERVISOR_NETNS', netns: ns }, `Unable to set network namespace ${ns} - exiting (${problem})`);
    this.deps.notifier.errno(NETNS_EXIT);
    this.stop(NETNS_EXIT);
    return false;
  }

  /** The configuration the children run. */
  get config(): Config | undefined {
    return this.running;
  }

  /** The start-up diagnostics, once, in the parent (children do not parse). */
  private logDiagnostics(read: ConfigRead): void {
    for (const d of read.diagnostics) {
      const line = formatDiagnostic(d);
      if (d.severity === 'error') this.deps.log.error({ code: d.code }, line);
      else this.deps.log.warn({ code: d.code }, line);
    }
  }

  /** The child of this kind, if one was ever started. */
  child(kind: ChildKind): ManagedChild | undefined {
    return this.children.get(kind);
  }

  /** Act on a signal (see signals.ts for the mapping). */
  handleSignal(action: SignalAction): void {
    if (this.stopping) return;
    switch (action) {
      case 'stop':
        this.stop(0);
        return;
      case 'reload':
        this.reloads.request();
        return;
      case 'data':
        this.dumpParent();
        this.forwardDump('data', ['vrrp', 'checker']);
        return;
      default:
        this.forwardDump(action, ['vrrp']);
    }
  }

  private dumpParent(): void {
    this.deps.log.info(`Printing parent data for process(${this.pid}) on signal`);
    try {
      this.deps.writeParentDump?.();
    } catch (err) {
      this.deps.log.error({ code: 'KAD_ERR_SUPERVISOR_DUMP', err: (err as Error).message }, 'cannot write parent data');
    }
  }

  private forwardDump(what: DumpKind, kinds: readonly ChildKind[]): void {
    for (const kind of kinds) this.children.get(kind)?.send({ type: 'dump', what });
  }

  private childOptions(kind: ChildKind, child: ManagedChild | undefined): ChildOptions {
    const generation = this.generations.get(kind) ?? 0;
    const opts: ChildOptions = { kind, cli: this.deps.cli, generation };
    // A respawned VRRP child resumes the instances it was MASTER of, keeping their VIPs.
    if (kind === 'vrrp' && child && child.masters().length > 0) opts.resumeMaster = child.masters();
    return opts;
  }

  private startChild(kind: ChildKind): void {
    if (this.stopping) return;
    let child = this.children.get(kind);
    if (!child) {
      const entry = (this.deps.resolveEntry ?? defaultChildEntry)(kind);
      if (!existsSync(entry)) {
        // A build without this subsystem: run the other one rather than stop everything.
        this.deps.log.error({ code: 'KAD_ERR_SUPERVISOR_CHILD_MISSING', child: kind, entry }, `${CHILD_LABEL[kind]} child program ${entry} is missing; not started`);
        return;
      }
      const pidFile = kind === 'vrrp' ? this.deps.cli.vrrpPid : this.deps.cli.checkersPid;
      child = new ManagedChild(kind, entry, pidFile, {
        message: (c, m) => this.onMessage(c, m),
        configured: (c) => this.replayVrrpStates(c),
        exit: (c, code, signal) => this.onExit(c, code, signal),
      }, this.deps.env);
      this.children.set(kind, child);
    }
    if (!this.running) return;
    child.start(this.childOptions(kind, child), this.deps.clock.nowMs(), this.running);
    this.generations.set(kind, (this.generations.get(kind) ?? 0) + 1);
    this.startedWall.set(kind, this.deps.clock.wallMs());
    this.deps.log.info({ child: kind, childPid: child.pid }, `Starting ${CHILD_LABEL[kind]} child process, pid=${child.pid}`);
  }

  private onMessage(child: ManagedChild, m: ChildMessage): void {
    switch (m.type) {
      case 'ready':
        this.reloads.childReloaded(child.kind, true);
        this.checkReady();
        return;
      case 'reloaded':
        if (!m.ok) {
          this.deps.log.error({ code: 'KAD_ERR_SUPERVISOR_CHILD_RELOAD', child: child.kind }, `${CHILD_LABEL[child.kind]} reload failed: ${m.message ?? 'kept the old configuration'}`);
        }
        this.reloads.childReloaded(child.kind, m.ok);
        return;
      case 'state':
        // The checker child follows VRRP states (lvs_sync_daemon, ha_suspend).
        if (child.kind === 'vrrp') this.children.get('checker')?.send({ type: 'vrrp-state', instance: m.instance, state: m.state });
        return;
      case 'fatal':
        this.deps.log.error({ child: child.kind, exitCode: m.exitCode }, m.message);
        return;
      case 'dumped':
        this.deps.log.debug({ child: child.kind, file: m.file }, `dump written: ${m.file}`);
        return;
      case 'status':
        this.status.answer(m);
        return;
    }
  }

  /**
   * A (re)started checker learns the VRRP states reached before it listened: the last state of
   * every instance (lvs_sync_daemon role, ha_suspend), as if the VRRP child had just reported it.
   */
  private replayVrrpStates(child: ManagedChild): void {
    if (child.kind !== 'checker') return;
    for (const [instance, state] of this.children.get('vrrp')?.instanceStates ?? []) child.send({ type: 'vrrp-state', instance, state });
  }

  private checkReady(): void {
    if (this.announcedReady || this.stopping) return;
    const running = [...this.children.values()].filter((c) => c.running);
    if (running.some((c) => !c.ready)) return;
    this.announcedReady = true;
    this.deps.notifier.ready(this.pid);
    this.deps.log.info({ children: running.map((c) => c.kind) }, 'Startup complete');
  }

  private onExit(child: ManagedChild, code: number | null, signal: NodeJS.Signals | null): void {
    const what = `${CHILD_LABEL[child.kind]} child process(${child.lastPid})`;
    this.reloads.childGone(child.kind);
    if (this.stopping) {
      this.maybeFinishStop();
      return;
    }
    if (signal) this.deps.log.warn({ child: child.kind, signal }, `${what} exited due to signal (${signal})`);
    const permanent = code === null ? undefined : PERMANENT_EXIT.get(code);
    if (permanent !== undefined && code !== null) {
      // keepalived's wording: "pid 1234 exited with permanent error FATAL. Terminating".
      this.deps.log.error({ code: 'KAD_ERR_SUPERVISOR_CHILD_PERMANENT', child: child.kind, exitCode: code },
        `pid ${child.lastPid} exited with permanent error ${permanent}. Terminating`);
      this.deps.notifier.errno(code);
      this.stop(code);
      return;
    }
    if (this.deps.cli.dontRespawn) {
      this.deps.log.error({ code: 'KAD_ERR_SUPERVISOR_CHILD_DIED', child: child.kind, exitCode: code }, `${what} died: Exiting`);
      this.stop(0);
      return;
    }
    this.scheduleRespawn(child, what);
  }

  private scheduleRespawn(child: ManagedChild, what: string): void {
    const facts = { ranMs: this.deps.clock.nowMs() - child.startedAtMs, wasReady: child.wasReady };
    const next = nextRespawn(this.backoffs.get(child.kind) ?? INITIAL_BACKOFF, facts, this.deps.backoff ?? DEFAULT_BACKOFF);
    this.backoffs.set(child.kind, next.state);
    this.deps.log.warn({ child: child.kind, delayMs: next.delayMs, resumeMaster: child.masters() }, `${what} died: Respawning`);
    if (next.delayMs === 0) {
      this.startChild(child.kind);
      return;
    }
    this.deps.log.warn(`Restart of ${CHILD_LABEL[child.kind]} process delayed ${next.delayMs} ms to limit respawn rate`);
    this.respawnTimers.set(child.kind, this.deps.clock.setTimer(next.delayMs, () => {
      this.respawnTimers.delete(child.kind);
      this.startChild(child.kind);
    }));
  }

  /** After a valid config test: send the new model to the children, start those it newly needs. */
  private applyReload(config: Config): ChildKind[] {
    this.running = config;
    const kinds = plannedKinds(planChildren(this.deps.cli, summaryOf(config)));
    const waiting: ChildKind[] = [];
    for (const [kind, child] of this.children) {
      if (child.reload(config)) waiting.push(kind);
    }
    for (const kind of kinds) {
      if (this.children.get(kind)?.running || this.respawnTimers.has(kind)) continue;
      this.startChild(kind);
      waiting.push(kind);
    }
    return waiting;
  }

  /** Graceful stop: TERM the children, KILL them after child_wait_time, then resolve `done`. */
  stop(exitCode: number): void {
    if (this.stopping) return;
    this.stopping = true;
    this.exitCode = exitCode;
    this.deps.log.info('Stopping');
    this.deps.notifier.stopping();
    this.reloads.cancel();
    this.status.close();
    for (const t of this.respawnTimers.values()) this.deps.clock.clearTimer(t);
    this.respawnTimers.clear();
    for (const child of this.children.values()) child.kill('SIGTERM');
    const wait = this.deps.childWaitTimeMs ?? 5_000;
    const waitMs = typeof wait === 'function' ? wait() : wait;
    this.stopTimer = this.deps.clock.setTimer(waitMs, () => {
      for (const child of this.children.values()) {
        if (!child.running) continue;
        this.deps.log.warn({ code: 'KAD_WARN_SUPERVISOR_CHILD_KILLED', child: child.kind }, `${CHILD_LABEL[child.kind]} child process(${child.pid}) did not exit in ${waitMs} ms; killing`);
        child.kill('SIGKILL');
      }
    });
    this.maybeFinishStop();
  }

  private maybeFinishStop(): void {
    if ([...this.children.values()].some((c) => c.running) || this.finishing) return;
    this.finishing = true;
    this.deps.clock.clearTimer(this.stopTimer);
    void this.lifeScript('shutdown').then(() => {
      this.deps.log.info('Stopped');
      this.resolveDone?.(this.exitCode);
      this.resolveDone = undefined;
    });
  }

  /** The configuration's startup or shutdown script, once (see life-scripts.ts). */
  private async lifeScript(which: 'startup' | 'shutdown'): Promise<void> {
    const config = this.running;
    if (!config || !this.deps.scripts) return;
    await runLifeScript(which, config.global, this.deps.scripts(config), this.deps.log);
  }
}
