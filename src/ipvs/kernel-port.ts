/**
 * The IpvsPort the checker child uses on a kernel with IPVS. Each `apply` dumps the actual
 * table, reconciles it against config + checker snapshot (desired.ts, reconcile.ts) and runs
 * the operations (execute.ts). A periodic pass re-applies the last input, so an out-of-band
 * `ipvsadm -D` or `-d` is repaired within one period (keepalived does not do this).
 *
 * Ownership: kad deletes only services it installed (those of any config it applied), so
 * entries added by other tools survive. `clear` (stop without -I) removes kad's services, or
 * flushes everything with `lvs_flush_onstop`. `lvs_flush` flushes once before the first apply.
 */
import type { Config } from '../config/model.js';
import type { Clock, TimerHandle } from '../core/clock.js';
import type { Logger } from '../core/log.js';
import { RateLimiter } from '../core/rate-limit.js';
import { desiredTable, dumpedByVirtualServer } from './desired.js';
import { execute, readTable, type IpvsOps } from './execute.js';
import { serviceKey, type DumpedEntry, type IpvsTable, type SyncDaemonSpec } from './model.js';
import { TRAFFIC_MAX_AGE_MS, type CheckerSnapshot, type IpvsPort } from './port.js';
import { reconcile, summarize, type IpvsOpKind } from './reconcile.js';
import { syncDaemonSpecs, type SyncRole } from './sync-daemon.js';

export interface KernelPortOptions {
  clock: Clock;
  log: Logger;
  /** Opens the IPVS handle (default: src/ipvs/ffi.ts `Ipvs.open`, loaded on first use). */
  open?: () => IpvsOps | Promise<IpvsOps>;
  /** Period of the repair pass; 0 disables it. Default 5000 ms. */
  repairPeriodMs?: number;
}

export interface KernelPortStats {
  passes: number;
  /** Operations executed per kind, across all passes. */
  ops: Partial<Record<IpvsOpKind, number>>;
  /** Operations done by periodic passes (out-of-band changes repaired). */
  repairs: number;
  failures: number;
}

async function defaultOpen(): Promise<IpvsOps> {
  const { Ipvs } = await import('./ffi.js');
  return Ipvs.open();
}

export class KernelIpvsPort implements IpvsPort {
  readonly stats: KernelPortStats = { passes: 0, ops: {}, repairs: 0, failures: 0 };
  private ipvs: IpvsOps | undefined;
  private readonly owned = new Set<string>();
  private last: { config: Config; snapshot: CheckerSnapshot } | undefined;
  private desired: { config: Config; snapshot: CheckerSnapshot; table: IpvsTable } | undefined;
  private timeoutsFor: Config | undefined;
  private flushed = false;
  private timer: TimerHandle | undefined;
  private readonly failLog = new RateLimiter(5, 0.2);
  private lastTraffic: { atMs: number; byVs: ReadonlyMap<string, readonly DumpedEntry[]> } | undefined;

  constructor(private readonly opts: KernelPortOptions) {}

  private async handle(): Promise<IpvsOps> {
    this.ipvs ??= await (this.opts.open ?? defaultOpen)();
    return this.ipvs;
  }

  /** Make the kernel match config + snapshot now, and keep repairing it periodically. */
  async apply(config: Config, snapshot: CheckerSnapshot): Promise<void> {
    const ipvs = await this.handle();
    this.last = { config, snapshot };
    if (config.global.lvsFlush && !this.flushed) {
      ipvs.flush();
      this.flushed = true;
    }
    this.applyTimeouts(ipvs, config);
    this.pass(ipvs, config, snapshot, false);
    this.arm();
  }

  private applyTimeouts(ipvs: IpvsOps, config: Config): void {
    const t = config.global.lvsTimeouts;
    if (this.timeoutsFor === config || !t) return;
    ipvs.setTimeouts({ tcpS: t.tcpS, tcpFinS: t.tcpfinS, udpS: t.udpS });
    this.timeoutsFor = config;
  }

  /** One reconcile pass; returns how many operations it ran. */
  private pass(ipvs: IpvsOps, config: Config, snapshot: CheckerSnapshot, periodic: boolean): number {
    // Periodic passes re-use the desired table while config and snapshot are the same objects.
    if (this.desired?.config !== config || this.desired.snapshot !== snapshot) {
      this.desired = { config, snapshot, table: desiredTable(config, snapshot) };
    }
    const desired = this.desired.table;
    const ops = reconcile(desired, readTable(ipvs), this.owned);
    const failures = execute(ipvs, ops);
    for (const e of desired) this.owned.add(serviceKey(e.service));
    for (const o of ops) if (o.op === 'delService') this.owned.delete(serviceKey(o.service));
    this.stats.passes++;
    for (const [k, n] of Object.entries(summarize(ops))) {
      this.stats.ops[k as IpvsOpKind] = (this.stats.ops[k as IpvsOpKind] ?? 0) + n;
    }
    // An operation that keeps failing shows up in every pass: it is not a repair.
    const done = ops.length - failures.length;
    if (periodic) this.stats.repairs += done;
    this.stats.failures += failures.length;
    if (ops.length > 0) this.opts.log.debug({ ops: summarize(ops), periodic }, 'IPVS reconcile');
    if (periodic && done > 0) this.opts.log.warn({ ops: summarize(ops) }, 'IPVS table changed outside kad: repaired');
    for (const f of failures) {
      if (this.failLog.take(this.opts.clock.nowMs()) < 0) continue;
      this.opts.log.error({ code: f.error.code, errno: f.error.errnoInfo, op: f.op.op }, f.error.message);
    }
    return ops.length;
  }

  private arm(): void {
    const period = this.opts.repairPeriodMs ?? 5000;
    if (period <= 0 || this.timer !== undefined) return;
    this.timer = this.opts.clock.setTimer(period, () => {
      this.timer = undefined;
      this.repairNow();
      this.arm();
    });
  }

  /** Run the periodic pass now (also what the timer calls). Returns operations run. */
  repairNow(): number {
    if (!this.ipvs || !this.last) return 0;
    try {
      return this.pass(this.ipvs, this.last.config, this.last.snapshot, true);
    } catch (e) {
      this.opts.log.error({ err: e }, 'IPVS repair pass failed');
      return 0;
    }
  }

  /** Counters of kad's services per virtual server, from a dump at most TRAFFIC_MAX_AGE_MS old. */
  traffic(): ReadonlyMap<string, readonly DumpedEntry[]> | undefined {
    if (!this.ipvs || !this.last) return undefined;
    const now = this.opts.clock.nowMs();
    if (this.lastTraffic && now - this.lastTraffic.atMs < TRAFFIC_MAX_AGE_MS) return this.lastTraffic.byVs;
    try {
      this.lastTraffic = { atMs: now, byVs: dumpedByVirtualServer(this.last.config, readTable(this.ipvs)) };
      return this.lastTraffic.byVs;
    } catch (e) {
      if (this.failLog.take(now) >= 0) this.opts.log.error({ err: (e as Error).message }, 'IPVS dump for the traffic counters failed');
      return undefined;
    }
  }

  /** Remove kad's services for `config` (or flush all with lvs_flush_onstop). */
  async clear(config: Config): Promise<void> {
    this.stop();
    const ipvs = await this.handle();
    if (config.global.lvsFlushOnStop) {
      ipvs.flush();
    } else {
      const ops = reconcile([], readTable(ipvs), this.ownedFor(config));
      execute(ipvs, ops);
    }
    this.owned.clear();
    this.last = undefined;
  }

  private ownedFor(config: Config): Set<string> {
    const keys = new Set(this.owned);
    for (const e of desiredTable(config, new Map())) keys.add(serviceKey(e.service));
    return keys;
  }

  /**
   * Run the sync daemons `role` asks for (master, backup, or both) and stop the others. A daemon
   * already running with the same state, interface and syncid is left alone.
   */
  async setSyncDaemon(config: Config, role: SyncRole): Promise<void> {
    const ipvs = await this.handle();
    const want = syncDaemonSpecs(config, role);
    const same = (a: SyncDaemonSpec, b: SyncDaemonSpec): boolean => a.state === b.state && a.interface === b.interface && a.syncId === b.syncId;
    const running = ipvs.daemons();
    for (const d of running) if (!want.some((w) => same(w, d))) ipvs.stopDaemon(d.state);
    for (const w of want) if (!running.some((d) => same(w, d))) ipvs.startDaemon(w);
  }

  private stop(): void {
    this.opts.clock.clearTimer(this.timer);
    this.timer = undefined;
  }

  close(): void {
    this.stop();
    this.ipvs?.close();
    this.ipvs = undefined;
  }
}
