/**
 * One forked child (VRRP or checker) as the parent sees it: its process, pid file, readiness and,
 * for the VRRP child, the last state each instance reported (used to resume MASTER instances
 * without losing their VIPs after a respawn).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Config } from '../config/model.js';
import {
  CHILD_OPTIONS_ENV, isChildMessage, type ChildKind, type ChildMessage, type ChildOptions,
  type ParentMessage, type VrrpStateName,
} from './ipc.js';
import { removePidFile, writePidFile } from './pidfile.js';
import { enterCommand } from '../net/netns.js';

/** Path of the JS entry file for a child kind; injectable so tests can run fixture programs. */
export type ChildEntryResolver = (kind: ChildKind) => string;

/** dist/vrrp/daemon.js and dist/check/daemon.js next to this compiled file. */
export const defaultChildEntry: ChildEntryResolver = (kind) =>
  fileURLToPath(new URL(kind === 'vrrp' ? '../vrrp/daemon.js' : '../check/daemon.js', import.meta.url));

/**
 * Node flags of a child. The VRRP child, and any child that may run SCHED_RR (`*_rt_priority`,
 * `max_auto_priority`), collects garbage on its main thread alone: a parallel scavenge waits for
 * V8's helper threads, which busy cores starve (only the main thread is real-time, and without
 * real-time the helpers queue behind every other runnable task), so the child stalls for tens of
 * ms, a false takeover at a 10 ms advert_int. Its heap is small: one thread scavenges it in a few
 * ms (docs/benchmarks.md, "Fast VRRPv3 on a busy director").
 */
export function childNodeFlags(kind: ChildKind, config: Config): string[] {
  const t = config.global.processTuning[kind];
  return kind === 'vrrp' || t.rtPriority !== undefined || config.global.maxAutoPriority > 0 ? ['--single-threaded-gc'] : [];
}

/**
 * How a child is forked: Node and its flags, or, with `net_namespace`, the same command behind
 * `ip netns exec NAME` (src/net/netns.ts says why a fresh process enters the namespace rather
 * than Node itself). Either way the child's pid, IPC channel and environment are the ones fork
 * set up: `ip` execs Node in place.
 */
export function childLaunch(kind: ChildKind, config: Config): { execPath: string; execArgv: string[] } {
  const node = [...process.execArgv, ...childNodeFlags(kind, config)];
  const ns = config.global.netNamespace;
  if (ns === undefined) return { execPath: process.execPath, execArgv: node };
  const [ip, ...enter] = enterCommand(ns);
  return { execPath: ip ?? 'ip', execArgv: [...enter, process.execPath, ...node] };
}

/** keepalived's names for the children in log lines ("VRRP child process(1234) died"). */
export const CHILD_LABEL: Readonly<Record<ChildKind, string>> = { vrrp: 'VRRP', checker: 'Healthcheck' };

export interface ChildEvents {
  message(child: ManagedChild, msg: ChildMessage): void;
  /** The child was sent its configuration (after its 'hello'). */
  configured?(child: ManagedChild): void;
  exit(child: ManagedChild, code: number | null, signal: NodeJS.Signals | null): void;
}

export class ManagedChild {
  private proc: ChildProcess | undefined;
  /** Monotonic ms at the last start. */
  startedAtMs = 0;
  ready = false;
  /** The last process reported ready or a state before it exited (kept after exit, for the respawn policy). */
  wasReady = false;
  /** Pid of the current or last process (kept after exit, for log lines). */
  lastPid: number | undefined;
  /** instance name → last reported state; survives respawns. */
  readonly instanceStates = new Map<string, VrrpStateName>();
  /** 'fatal' message received before exit, if any. */
  fatal: { exitCode: number; message: string } | undefined;
  /** The validated model this child runs (sent when it says 'hello', replaced by reloads). */
  private config: Config | undefined;

  constructor(
    readonly kind: ChildKind,
    private readonly entry: string,
    private readonly pidFile: string,
    private readonly events: ChildEvents,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  get pid(): number | undefined {
    return this.proc?.pid;
  }

  get running(): boolean {
    return this.proc !== undefined;
  }

  /** Instances whose last reported state was MASTER. */
  masters(): string[] {
    return [...this.instanceStates].filter(([, s]) => s === 'MASTER').map(([n]) => n);
  }

  /** Fork the child; it gets `config` once it says 'hello'. */
  start(options: ChildOptions, nowMs: number, config: Config): void {
    this.config = config;
    this.ready = false;
    this.wasReady = false;
    this.fatal = undefined;
    this.startedAtMs = nowMs;
    const proc = fork(this.entry, [], {
      ...childLaunch(this.kind, config),
      env: { ...this.env, [CHILD_OPTIONS_ENV]: JSON.stringify(options) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'json',
    });
    this.proc = proc;
    this.lastPid = proc.pid;
    if (proc.pid !== undefined) writePidFile(this.pidFile, proc.pid);
    proc.on('message', (m: unknown) => {
      if (!isChildMessage(m)) return;
      if (m.type === 'hello') {
        if (this.config && this.send({ type: 'config', config: this.config })) this.events.configured?.(this);
        return;
      }
      this.track(m);
      this.events.message(this, m);
    });
    // 'exit' can precede the last IPC messages; 'close' comes after stdio and IPC are drained.
    proc.on('close', (code, signal) => {
      if (this.proc !== proc) return;
      if (proc.pid !== undefined) removePidFile(this.pidFile, proc.pid);
      this.proc = undefined;
      this.ready = false;
      this.events.exit(this, code, signal);
    });
    proc.on('error', () => {
      // fork failures surface as 'close' with a null code; nothing more to do here.
    });
  }

  private track(m: ChildMessage): void {
    if (m.type === 'ready') {
      this.ready = true;
      this.wasReady = true;
    }
    if (m.type === 'state') {
      this.instanceStates.set(m.instance, m.state);
      // A child reporting instance states is up and working, even before its 'ready'.
      this.wasReady = true;
    }
    if (m.type === 'fatal') this.fatal = { exitCode: m.exitCode, message: m.message };
  }

  /** Send a validated configuration to apply; false when the child cannot be told. */
  reload(config: Config): boolean {
    this.config = config;
    return this.send({ type: 'reload', config });
  }

  send(msg: ParentMessage): boolean {
    const p = this.proc;
    if (!p || !p.connected) return false;
    p.send(msg);
    return true;
  }

  kill(signal: NodeJS.Signals | number): void {
    this.proc?.kill(signal);
  }
}
