/**
 * Entry of the checker child (dist/check/daemon.js), forked by the supervisor with an IPC
 * channel and KAD_CHILD_OPTIONS. Applies the configuration the parent validated, opens IPVS (exit 1 with
 * keepalived's "IPVS: Can't initialize ipvs" when the kernel has none), runs the scheduler,
 * reports readiness and handles reload / dump / stop / vrrp-state. Exits when the channel closes.
 * KAD_CHECK_DRY_RUN=1 runs against an in-memory IPVS table instead of the kernel (no IPVS needed).
 */
import type { Config, ScriptSpec } from '../config/model.js';
import { SystemClock, type Clock } from '../core/clock.js';
import type { ChildOptions, ParentMessage } from '../supervisor/ipc.js';
import type { Logger } from '../core/log.js';
import { EXIT_FATAL, runChild, sendToParent as send, type ChildBody } from '../supervisor/child-entry.js';
import { atNormalScheduling } from '../supervisor/process-tuning.js';
import type { IpvsPort } from '../ipvs/port.js';
import { syncDaemonInstance, syncRole, type SyncRole } from '../ipvs/sync-daemon.js';
import { writeDumpFile } from '../supervisor/dump-files.js';
import { formatCheckData } from './dump.js';
import { MemoryPort } from './memory-port.js';
import { Scheduler } from './scheduler.js';
import { ProcessScriptRunner } from '../script/runner.js';
import { warnRootScripts } from '../supervisor/script-warnings.js';
import { succeeded, describeOutcome } from '../script/types.js';
import { buildCheckReport } from './status.js';
import { NotifyFifoWriter } from '../supervisor/notify-fifo.js';
import { planChildren, summaryOf } from '../supervisor/plan.js';
import { StatusMetrics } from '../supervisor/status-metrics.js';
import { inNetns } from '../net/libc.js';
import { netnsPath } from '../net/netns.js';

/** Writes this child's metric families for /metrics requests. */
const METRICS = new StatusMetrics();


/**
 * The kernel seam: open IPVS through src/ipvs, or an in-memory table for dry runs. With
 * `net_namespace_ipvs` the netlink socket is opened from that namespace (the thread enters it
 * for the one socket(2) call and comes back), so every IPVS command goes there while the checks
 * run here.
 */
export async function openPort(clock: Clock, log: Logger, ipvsNamespace?: string): Promise<IpvsPort> {
  if (process.env.KAD_CHECK_DRY_RUN === '1') return new MemoryPort();
  const { Ipvs } = await import('../ipvs/ffi.js');
  const { KernelIpvsPort } = await import('../ipvs/kernel-port.js');
  const ops = ipvsNamespace === undefined ? Ipvs.open() : inNetns(ipvsNamespace === '' ? '/proc/1/ns/net' : netnsPath(ipvsNamespace), () => Ipvs.open());
  return new KernelIpvsPort({ clock, log, open: () => ops });
}

class CheckerChild implements ChildBody {
  private sched: Scheduler | undefined;
  private port: IpvsPort | undefined;
  private stopping = false;
  private readonly clock = new SystemClock();
  /** The sync daemon role last applied (undefined: apply again). */
  private appliedSyncRole: SyncRole | undefined;
  /** Whether kad started the sync daemons running now (so stops them on 'none' and at stop). */
  private syncDaemonOwned = false;
  /** Whether a VRRP child runs for the current configuration (it drives the sync daemon role). */
  private vrrpRuns = false;

  constructor(private readonly opts: ChildOptions, private readonly log: Logger) {}

  private scripts: ProcessScriptRunner | undefined;
  private fifo: NotifyFifoWriter | undefined;
  /** Last failure logged per notify script: logged again only when it changes. */
  private readonly notifyFailed = new Map<string, string>();

  private runNotify = (spec: ScriptSpec, why: string): void => {
    const what = `${why} ${spec.text}`;
    void this.scripts?.run(spec, { what }).then((r) => {
      const result = describeOutcome(r);
      if (succeeded(r)) this.notifyFailed.delete(what);
      // The runner already logged a script it refused or could not start.
      else if (r.kind !== 'refused' && r.kind !== 'spawn-error' && this.notifyFailed.get(what) !== result) {
        this.notifyFailed.set(what, result);
        this.log.warn({ code: 'KAD_WARN_CHECK_SCRIPT', why, result }, `${why} script ${spec.text} failed: ${result}`);
      }
    });
  };

  private useScripts(config: Config): ProcessScriptRunner {
    this.scripts = new ProcessScriptRunner({ clock: this.clock, log: this.log, policy: config.global });
    return this.scripts;
  }

  async start(config: Config): Promise<number | undefined> {
    try {
      this.port = await openPort(this.clock, this.log, config.global.netNamespaceIpvs);
    } catch (err) {
      this.log.error({ code: 'KAD_ERR_CHECK_NO_IPVS', err: (err as Error).message }, "IPVS: Can't initialize ipvs");
      send({ type: 'fatal', exitCode: EXIT_FATAL, message: "IPVS: Can't initialize ipvs" });
      return EXIT_FATAL;
    }
    warnRootScripts(config, 'check', this.log);
    const scripts = this.useScripts(config);
    // notify_fifo_script is started by one child: the VRRP child when it runs, else this one.
    this.vrrpRuns = planChildren(this.opts.cli, summaryOf(config)).vrrp;
    const runsSharedScript = !this.vrrpRuns;
    this.fifo = new NotifyFifoWriter({ kind: 'lvs', runsSharedScript, runner: scripts, log: this.log, clock: this.clock });
    this.fifo.configure(config.global.notifyFifos);
    this.sched = new Scheduler(config, { clock: this.clock, log: this.log, port: this.port, runScript: this.runNotify, scripts, fifo: this.fifo });
    this.sched.start();
    send({ type: 'ready' });
    return undefined;
  }

  started(): void {
    this.applySyncRole();
  }

  /**
   * lvs_sync_daemon follows the VRRP state of its instance (master while MASTER, else backup);
   * without an instance master and backup run from the start. Idempotent, so it is applied once
   * started, on reload and on every VRRP state the parent reports or replays. A daemon kad did not
   * start (ipvsadm --start-daemon) is left alone while the configuration asks for none.
   */
  private applySyncRole(): void {
    if (!this.sched || !this.port) return;
    const config = this.sched.currentConfig;
    // An instance-driven role waits until that instance's state is known (the VRRP child reports
    // it at start, the parent replays it to a respawned checker, in any order with the others):
    // acting before would switch a running master daemon to backup and back.
    const driver = syncDaemonInstance(config);
    if (driver !== undefined && this.vrrpRuns && !this.sched.vrrpStateMap.has(driver)) return;
    const role = syncRole(config, this.sched.vrrpStateMap, this.vrrpRuns);
    if (role === this.appliedSyncRole) return;
    this.appliedSyncRole = role;
    if (role === 'none' && !this.syncDaemonOwned) return;
    this.syncDaemonOwned = role !== 'none';
    this.log.info({ role }, `IPVS sync daemon: ${role}`);
    this.port.setSyncDaemon(config, role).catch((err: unknown) => {
      this.log.error({ code: 'KAD_ERR_CHECK_SYNC_DAEMON', role, err: (err as Error).message }, `IPVS sync daemon: cannot become ${role}: ${(err as Error).message}`);
      this.appliedSyncRole = undefined;
    });
  }

  reload(config: Config): void {
    if (!this.sched || this.stopping) {
      send({ type: 'reloaded', ok: false, message: 'not running; configuration not applied' });
      return;
    }
    const sched = this.sched;
    void atNormalScheduling(this.log, () => {
      this.scripts?.setPolicy(config.global);
      this.fifo?.configure(config.global.notifyFifos);
      sched.reload(config);
      this.vrrpRuns = planChildren(this.opts.cli, summaryOf(config)).vrrp;
      this.appliedSyncRole = undefined;
      this.applySyncRole();
      send({ type: 'reloaded', ok: true });
    });
  }

  handle(m: ParentMessage): void {
    if (m.type === 'stop') void this.stop();
    else if (m.type === 'reload') this.reload(m.config);
    else if (m.type === 'dump' && m.what === 'data') this.dumpData();
    else if (m.type === 'status-request') {
      const check = this.sched ? buildCheckReport(this.sched.state, this.port?.traffic?.(), m.view !== 'metrics') : { virtualServers: [] };
      send(m.view === 'metrics' ? { type: 'status', id: m.id, metrics: METRICS.checkChunks(check, m.since) } : { type: 'status', id: m.id, check });
    } else if (m.type === 'vrrp-state' && this.sched) {
      this.sched.setVrrpState(m.instance, m.state);
      this.applySyncRole();
    }
  }

  /** USR1: keepalived_check.data where the configuration puts it (a missing directory is logged). */
  private dumpData(): void {
    if (!this.sched) return;
    this.log.info(`Printing checker data for process(${process.pid}) on signal`);
    const naming = { global: this.sched.currentConfig.global, namespace: this.opts.cli.namespace };
    try {
      const file = writeDumpFile('checkData', formatCheckData(this.sched.state, this.clock.wallMs()), naming);
      send({ type: 'dumped', what: 'data', file });
    } catch (err) {
      this.log.error({ code: 'KAD_ERR_CHECK_DUMP', err: (err as Error).message }, `cannot write the checker data: ${(err as Error).message}`);
    }
  }

  async stop(code = 0): Promise<never> {
    if (!this.stopping) {
      this.stopping = true;
      this.log.info('Stopping');
      try {
        if (this.sched) {
          this.sched.shutdown();
          await this.sched.settled();
          if (this.opts.cli.dontReleaseIpvs !== true) await this.port?.clear(this.sched.currentConfig);
          // keepalived stops the sync daemons it runs when it stops, with or without -I.
          if (this.syncDaemonOwned) await this.port?.setSyncDaemon(this.sched.currentConfig, 'none');
        }
        this.port?.close();
        this.fifo?.close();
      } catch (err) {
        this.log.error({ code: 'KAD_ERR_CHECK_STOP', err: (err as Error).message }, 'error while stopping');
      }
    }
    process.exit(code);
  }
}

runChild('checker', (opts, log) => new CheckerChild(opts, log));
