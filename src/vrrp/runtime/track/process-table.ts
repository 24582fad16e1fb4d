/**
 * Which running processes count for which vrrp_track_process (pure: /proc is read through the
 * injected ProcSource). Built by one scan of /proc at start, then kept by process events:
 *   fork  the child of a counted process counts too, for the same trackers (fork_delay);
 *   exec  the process is compared again: it may start or stop matching;
 *   comm  a renamed process is compared again by name (command-line trackers ignore it);
 *   exit  the process stops counting everywhere (terminate_delay).
 * Only processes are followed, never threads (events whose thread id is not the process id).
 * A process that is already gone when its exec is read is skipped: its exit follows.
 * After lost events the whole table is rebuilt from /proc (`rescan`).
 */
import type { TrackProcess } from '../../../config/model.js';
import type { Clock } from '../../../core/clock.js';
import type { ProcEvent } from '../../../net/proc-connector.js';
import { sameModel } from '../reload-plan.js';
import { neededInfo, processMatches, type ProcInfo } from './process-match.js';
import { ProcessQuorum, type CountCause } from './process-quorum.js';

/** Reads processes: the pid list, and one process's name and/or argv (undefined: gone or a zombie). */
export interface ProcSource {
  pids(): Iterable<number>;
  read(pid: number, need: { comm: boolean; argv: boolean }): ProcInfo | undefined;
}

export class ProcessTable {
  private readonly trackers = new Map<string, ProcessQuorum>();
  private readonly members = new Map<number, Set<string>>();
  private need = { comm: false, argv: false };

  constructor(
    private readonly clock: Clock,
    private readonly onChange: (name: string, up: boolean, count: number) => void,
  ) {}

  /** The status of tracker `name` (undefined when it is not tracked). */
  ok(name: string): boolean | undefined {
    return this.trackers.get(name)?.ok;
  }

  /** Matching processes of tracker `name`. */
  count(name: string): number {
    return this.trackers.get(name)?.count ?? 0;
  }

  /** Whether a delayed status change of tracker `name` is pending (undefined when it is not tracked). */
  pending(name: string): boolean | undefined {
    return this.trackers.get(name)?.pending;
  }

  /** Pids counted by tracker `name` (ascending). */
  pidsOf(name: string): number[] {
    return [...this.members].filter(([, s]) => s.has(name)).map(([p]) => p).sort((a, b) => a - b);
  }

  get size(): number {
    return this.trackers.size;
  }

  /**
   * Track exactly `specs` (start and reload). A tracker whose definition is unchanged keeps its
   * processes, status and pending delay; a changed one is rebuilt from /proc starting from its
   * predecessor's status (a loss then waits terminate_delay); a new one takes the status /proc
   * gives it; one no longer listed stops.
   */
  configure(specs: readonly TrackProcess[], source: ProcSource): void {
    const fresh: { q: ProcessQuorum; carried: boolean }[] = [];
    const names = new Set(specs.map((s) => s.name));
    for (const [name, q] of this.trackers) {
      if (!names.has(name)) this.drop(name, q);
    }
    for (const spec of specs) {
      const was = this.trackers.get(spec.name);
      if (was && sameModel(was.spec, spec)) continue;
      if (was) this.drop(spec.name, was);
      const q = new ProcessQuorum(spec, this.clock, (up, n) => this.onChange(spec.name, up, n), was?.ok);
      this.trackers.set(spec.name, q);
      fresh.push({ q, carried: was !== undefined });
    }
    this.need = neededInfo(specs);
    if (fresh.length === 0) return;
    const counts = this.scan(fresh.map((f) => f.q), source);
    for (const { q, carried } of fresh) {
      const n = counts.get(q.spec.name) ?? 0;
      if (carried) q.set(n, 'rescan');
      else q.init(n);
    }
  }

  /** Rebuild every tracker's processes from /proc (after lost events). */
  rescan(source: ProcSource): void {
    this.members.clear();
    const all = [...this.trackers.values()];
    const counts = this.scan(all, source);
    for (const q of all) q.set(counts.get(q.spec.name) ?? 0, 'rescan');
  }

  /** Apply one process event. */
  handle(ev: ProcEvent, source: ProcSource): void {
    switch (ev.kind) {
      case 'fork':
        if (ev.childPid === ev.childTgid) this.forked(ev.parentTgid, ev.childTgid);
        return;
      case 'exec':
        if (ev.pid === ev.tgid) this.compare(ev.tgid, source.read(ev.tgid, this.need));
        return;
      case 'comm':
        if (ev.pid === ev.tgid) this.compare(ev.tgid, { comm: ev.comm });
        return;
      case 'exit':
        if (ev.pid === ev.tgid) this.exited(ev.tgid);
        return;
      case 'ack':
        return;
    }
  }

  /** Stop every pending delay. */
  stop(): void {
    for (const q of this.trackers.values()) q.stop();
  }

  private scan(qs: readonly ProcessQuorum[], source: ProcSource): Map<string, number> {
    const counts = new Map<string, number>(qs.map((q) => [q.spec.name, 0]));
    const need = neededInfo(qs.map((q) => q.spec));
    for (const pid of source.pids()) {
      const info = source.read(pid, need);
      if (!info) continue;
      for (const q of qs) {
        if (processMatches(q.spec, info) !== true) continue;
        this.memberSet(pid).add(q.spec.name);
        counts.set(q.spec.name, (counts.get(q.spec.name) ?? 0) + 1);
      }
    }
    return counts;
  }

  private memberSet(pid: number): Set<string> {
    let s = this.members.get(pid);
    if (!s) this.members.set(pid, (s = new Set()));
    return s;
  }

  private forked(parent: number, child: number): void {
    const names = this.members.get(parent);
    if (!names || names.size === 0) return;
    // The start-of-day scan may have counted the child already (its fork was still queued).
    const mine = this.memberSet(child);
    for (const name of names) {
      if (mine.has(name)) continue;
      mine.add(name);
      this.bump(name, +1, 'fork');
    }
  }

  private compare(pid: number, info: ProcInfo | undefined): void {
    if (!info) return;
    for (const [name, q] of this.trackers) {
      const m = processMatches(q.spec, info);
      if (m === undefined) continue;
      const counted = this.members.get(pid)?.has(name) ?? false;
      if (m && !counted) {
        this.memberSet(pid).add(name);
        this.bump(name, +1, 'exec');
      } else if (!m && counted) {
        this.members.get(pid)?.delete(name);
        this.bump(name, -1, 'mismatch');
      }
    }
    if (this.members.get(pid)?.size === 0) this.members.delete(pid);
  }

  private exited(pid: number): void {
    const names = this.members.get(pid);
    if (!names) return;
    this.members.delete(pid);
    for (const name of names) this.bump(name, -1, 'exit');
  }

  private bump(name: string, delta: number, cause: CountCause): void {
    const q = this.trackers.get(name);
    if (q) q.set(Math.max(0, q.count + delta), cause);
  }

  private drop(name: string, q: ProcessQuorum): void {
    q.stop();
    this.trackers.delete(name);
    for (const [pid, s] of this.members) {
      s.delete(name);
      if (s.size === 0) this.members.delete(pid);
    }
  }
}
