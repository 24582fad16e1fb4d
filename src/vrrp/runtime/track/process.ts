/**
 * vrrp_track_process: the process table (process-table.ts) fed by the proc connector
 * (src/net/proc-connector.ts) and read from /proc. The connector is opened before the first scan
 * of /proc, so a process starting in between is seen by one or the other (or both: the table
 * counts it once). Events lost in a burst (ENOBUFS) are followed, once the burst has had
 * `RESCAN_SETTLE_MS` to pass, by a fresh scan of /proc. When the kernel offers no process
 * events at all (the socket cannot be opened, or the listen request is not answered within
 * `ACK_TIMEOUT_MS`: the kernel ignores it from a PID or user namespace other than the initial
 * one), the table is rebuilt from /proc every `POLL_MS` instead (a warning says so).
 * The connector stays open only while some instance tracks a process.
 */
import type { TrackProcess } from '../../../config/model.js';
import type { Clock, TimerHandle } from '../../../core/clock.js';
import type { KadError } from '../../../core/errors.js';
import type { Logger } from '../../../core/log.js';
import { listPids, ProcConnector, readCmdline, readStat, type ProcConnectorOptions, type ProcEvent } from '../../../net/proc-connector.js';
import type { ProcInfo } from './process-match.js';
import { ProcessTable, type ProcSource } from './process-table.js';

/** How long after lost events /proc is scanned again. */
export const RESCAN_SETTLE_MS = 100;
/** The /proc scan interval when there are no process events. */
export const POLL_MS = 1000;
/** How long the kernel has to answer the listen request. */
export const ACK_TIMEOUT_MS = 1000;

/** /proc as the table reads it: zombies are not running processes. */
export const procSource: ProcSource = {
  pids: listPids,
  read(pid: number, need: { comm: boolean; argv: boolean }): ProcInfo | undefined {
    const stat = readStat(pid);
    if (!stat || stat.state === 'Z') return undefined;
    const info: ProcInfo = { comm: stat.comm };
    if (need.argv) {
      const argv = readCmdline(pid);
      if (argv === undefined) return undefined;
      return { ...info, argv };
    }
    return info;
  },
};

/** The seams ProcessWatch uses (tests swap them). */
export interface ProcessWatchSeams {
  open(opts: ProcConnectorOptions): { close(): void };
  source: ProcSource;
}

const REAL: ProcessWatchSeams = { open: (o) => ProcConnector.open(o), source: procSource };

export class ProcessWatch {
  private readonly table: ProcessTable;
  private connector: { close(): void } | undefined;
  private rescanTimer: TimerHandle | undefined;
  private pollTimer: TimerHandle | undefined;
  private ackTimer: TimerHandle | undefined;
  private polling = false;
  private readonly listeners: ((name: string, up: boolean) => void)[] = [];

  constructor(
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly seams: ProcessWatchSeams = REAL,
  ) {
    this.table = new ProcessTable(clock, (name, up, count) => this.changed(name, up, count));
  }

  /** Call `fn` on every status change of a tracked process. */
  onChange(fn: (name: string, up: boolean) => void): void {
    this.listeners.push(fn);
  }

  /** The status of `name`: true when its quorum is met. */
  ok(name: string): boolean {
    return this.table.ok(name) ?? false;
  }

  /** Matching processes of `name` and their pids. */
  processes(name: string): { count: number; pids: number[] } {
    return { count: this.table.count(name), pids: this.table.pidsOf(name) };
  }

  /** Count, status and pending delay of `name` (the JSON dump); undefined when it is not tracked. */
  state(name: string): { count: number; up: boolean; pending: boolean } | undefined {
    const up = this.table.ok(name);
    if (up === undefined) return undefined;
    return { count: this.table.count(name), up, pending: this.table.pending(name) === true };
  }

  /** Track exactly `specs` (start and reload; see ProcessTable.configure). */
  configure(specs: readonly TrackProcess[]): void {
    if (specs.length === 0) {
      this.table.configure([], this.seams.source);
      this.close();
      return;
    }
    if (!this.connector && !this.polling) this.openConnector();
    this.table.configure(specs, this.seams.source);
    for (const s of specs) {
      this.log.debug({ trackProcess: s.name, count: this.table.count(s.name), up: this.table.ok(s.name) }, 'tracked process counted');
    }
  }

  /** Apply events (the connector's callback; public for tests). */
  events(evs: readonly ProcEvent[]): void {
    for (const ev of evs) {
      if (ev.kind === 'ack' && this.ackTimer) {
        this.clock.clearTimer(this.ackTimer);
        this.ackTimer = undefined;
        this.log.debug('track_process: the kernel confirmed process events');
      }
      this.table.handle(ev, this.seams.source);
    }
  }

  stop(): void {
    this.table.stop();
    this.close();
  }

  private openConnector(): void {
    try {
      this.connector = this.seams.open({
        onEvents: (evs) => this.events(evs),
        onOverrun: (err) => this.overrun(err),
        onHandlerError: (err) => this.log.error({ code: err.code, err: err.message }, 'track_process: event handler failed'),
      });
    } catch (err) {
      this.startPolling((err as Error).message);
      return;
    }
    this.ackTimer = this.clock.setTimer(ACK_TIMEOUT_MS, () => {
      this.ackTimer = undefined;
      this.startPolling(`the listen request was not answered in ${ACK_TIMEOUT_MS} ms`);
    });
  }

  private startPolling(why: string): void {
    this.log.warn({ code: 'KAD_WARN_VRRP_PROC_EVENTS', err: why },
      `track_process: no process events from the kernel (${why}); reading /proc every ${POLL_MS} ms instead`);
    this.polling = true;
    this.armPoll();
  }

  private overrun(err: KadError): void {
    this.log.warn({ code: 'KAD_WARN_VRRP_PROC_EVENTS', err: err.message }, 'track_process: process events were lost; reading /proc again');
    this.rescanTimer ??= this.clock.setTimer(RESCAN_SETTLE_MS, () => {
      this.rescanTimer = undefined;
      this.table.rescan(this.seams.source);
    });
  }

  private armPoll(): void {
    this.pollTimer = this.clock.setTimer(POLL_MS, () => {
      this.table.rescan(this.seams.source);
      if (this.polling) this.armPoll();
    });
  }

  private changed(name: string, up: boolean, count: number): void {
    this.log.info({ trackProcess: name, count, up }, `Quorum ${up ? 'gained' : 'lost'} for tracked process ${name}`);
    for (const fn of this.listeners) fn(name, up);
  }

  private close(): void {
    this.connector?.close();
    this.connector = undefined;
    this.polling = false;
    for (const t of [this.rescanTimer, this.pollTimer, this.ackTimer]) this.clock.clearTimer(t);
    this.rescanTimer = this.pollTimer = this.ackTimer = undefined;
  }
}
