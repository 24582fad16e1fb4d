/**
 * Typed messages between the supervisor (parent) and its children over Node's IPC channel
 * (child_process.fork). A child exits when the channel closes ('disconnect'), so it never
 * outlives its parent.
 *
 * Child processes are forked from dist/vrrp/daemon.js and dist/check/daemon.js; they read their
 * options from the KAD_CHILD_OPTIONS environment variable (JSON of ChildOptions). The parent is
 * the only process that parses the configuration: a child says 'hello' once it listens, and the
 * parent answers with the validated model ('config'); a reload carries the new model. A child
 * started without a parent (no IPC channel, a debugging aid) reads the file itself.
 *
 * The parent (src/supervisor/) writes and removes the children's pid files (-r, -c) itself.
 * Children log through createProcessLogger('vrrp' | 'checker', cli) (src/supervisor/log-io.ts)
 * so that -l, -g, -S, -G and the journal apply to them as to the parent.
 * Respawn policy: a child that sent 'ready' or any 'state' counts as having come up and is
 * restarted at once when it dies; one that dies before either is restarted with backoff.
 */
import type { CliOptions } from '../core/options.js';
import type { Config } from '../config/model.js';
import type { VrrpStateName } from '../core/vrrp-state.js';
import type { ChunkAnswer } from '../status/metric-chunks.js';
import type { CheckReport, VrrpReport } from '../status/types.js';

export type { VrrpStateName };

export type ChildKind = 'vrrp' | 'checker';

/** Everything a child needs to start: the command line plus what the parent remembers. */
export interface ChildOptions {
  kind: ChildKind;
  cli: CliOptions;
  /** VRRP child: instances that were MASTER before a respawn, to resume without losing the VIP. */
  resumeMaster?: readonly string[];
  /** How many times this child has been (re)started; 0 on the first start. */
  generation: number;
}

export const CHILD_OPTIONS_ENV = 'KAD_CHILD_OPTIONS';

export type DumpKind = 'data' | 'stats' | 'stats-clear' | 'json';

/** What a status request asks for: the document part (default) or metric families. */
export type StatusView = 'document' | 'metrics';


/** Parent → child. */
export type ParentMessage =
  /** The validated configuration to start with (the answer to 'hello'). */
  | { type: 'config'; config: Config }
  /** Apply this validated configuration (HUP). */
  | { type: 'reload'; config: Config }
  | { type: 'dump'; what: DumpKind }
  | { type: 'stop' }
  /** Checker child: the VRRP state of an instance changed (lvs_sync_daemon, ha_suspend). */
  | { type: 'vrrp-state'; instance: string; state: VrrpStateName }
  /**
   * Ask for the child's part of the status document; answered by 'status' with the same id.
   * `view: 'metrics'` asks for its metric families as exposition text instead (/metrics);
   * `since` is the generation of that text the parent holds (src/status/metric-chunks.ts).
   */
  | { type: 'status-request'; id: number; view?: StatusView; since?: number };


/** Child → parent. */
export type ChildMessage =
  /** The child listens for messages and waits for its configuration ('config'). */
  | { type: 'hello' }
  /**
   * The child has read its configuration and is running (sd_notify READY after all children).
   * A child started by a reload (its kind was not running) confirms the reload with 'ready'.
   */
  | { type: 'ready' }
  /** VRRP child: an instance changed state (the parent remembers it for respawns). */
  | { type: 'state'; instance: string; state: VrrpStateName; priority: number }
  /** Answer to 'reload' (ok=false: the child kept its old configuration); the parent logs
   * "Reload complete" and sends READY=1 once every child answered. */
  | { type: 'reloaded'; ok: boolean; message?: string }
  /** A dump file was written. */
  | { type: 'dumped'; what: DumpKind; file: string }
  /** The child is about to exit with a permanent error (exit codes 1, 2, 4 are permanent). */
  | { type: 'fatal'; exitCode: number; message: string }
  /**
   * Answer to 'status-request': the VRRP child fills `vrrp`, the checker child `check`; for the
   * metrics view both fill `metrics` instead (their metric families' samples).
   */
  | { type: 'status'; id: number; vrrp?: VrrpReport; check?: CheckReport; metrics?: ChunkAnswer };

export function isParentMessage(m: unknown): m is ParentMessage {
  return typeof m === 'object' && m !== null && typeof (m as { type?: unknown }).type === 'string'
    && ['config', 'reload', 'dump', 'stop', 'vrrp-state', 'status-request'].includes((m as { type: string }).type);
}

export function isChildMessage(m: unknown): m is ChildMessage {
  return typeof m === 'object' && m !== null && typeof (m as { type?: unknown }).type === 'string'
    && ['hello', 'ready', 'state', 'reloaded', 'dumped', 'fatal', 'status'].includes((m as { type: string }).type);
}
