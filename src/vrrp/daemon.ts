/**
 * Entry of the VRRP child (dist/vrrp/daemon.js). Forked by the supervisor with an IPC channel,
 * or started directly (no channel) with the same KAD_CHILD_OPTIONS environment variable. Applies
 * the configuration the parent validated (or, started directly, reads it), runs the instances,
 * reports readiness and every state change, and handles reload (the runtime diffs) / dump / stop. SIGTERM, SIGINT, a `stop` message and the parent going away
 * (IPC 'disconnect') all mean a graceful stop: priority-0 adverts, VIPs removed unless -V.
 */
import { readFileSync } from 'node:fs';
import type { Config } from '../config/model.js';
import { SystemClock } from '../core/clock.js';
import type { ChildOptions, DumpKind, ParentMessage } from '../supervisor/ipc.js';
import type { Logger } from '../core/log.js';
import { runChild, sendToParent as send, type ChildBody } from '../supervisor/child-entry.js';
import { atNormalScheduling } from '../supervisor/process-tuning.js';
import { writeDumpFile } from '../supervisor/dump-files.js';
import { dumpText } from './dump/record.js';
import { FailoverClock } from './runtime/clock.js';
import { VrrpRuntime } from './runtime/runtime.js';
import { ProcessScriptRunner } from '../script/runner.js';
import { warnRootScripts } from '../supervisor/script-warnings.js';
import { TransitionLog } from '../status/transitions.js';
import { buildVrrpReport, type EffectView } from '../status/vrrp-report.js';
import { StatusMetrics } from '../supervisor/status-metrics.js';

/** Seconds since boot from /proc/uptime (its first field), in ms; Infinity when unreadable. */
function systemUptimeMs(): number {
  try {
    const s = Number.parseFloat(readFileSync('/proc/uptime', 'utf8').split(' ')[0] ?? '');
    return Number.isFinite(s) ? s * 1000 : Infinity;
  } catch {
    return Infinity;
  }
}

/** Writes this child's metric families for /metrics requests. */
const METRICS = new StatusMetrics();

class VrrpChild implements ChildBody {
  private runtime: VrrpRuntime | undefined;
  private stopping = false;
  /** One clock for the child's life (precise failover timers, see runtime/clock.ts). */
  private readonly clock = new FailoverClock();
  /** Why each instance last changed state (status document); transitions during a reload count as 'reload'. */
  private readonly transitions = new TransitionLog();
  private reloading = false;
  private readonly wall = new SystemClock();

  constructor(
    private readonly opts: ChildOptions,
    private readonly log: Logger,
  ) {}

  private runner(config: Config): ProcessScriptRunner {
    return new ProcessScriptRunner({ clock: new SystemClock(), log: this.log, policy: config.global });
  }

  async start(config: Config): Promise<number | undefined> {
    warnRootScripts(config, 'vrrp', this.log);
    this.runtime = new VrrpRuntime({
      config, clock: this.clock, log: this.log, resumeMaster: this.opts.resumeMaster ?? [], runner: this.runner(config),
      keepVipsOnStop: this.opts.cli.dontReleaseVrrp, uptimeMs: systemUptimeMs,
      onState: (instance, state, priority, reason) => {
        const peer = this.runtime?.instances.find((i) => i.name === instance)?.snapshot().masterAddress;
        this.transitions.record(instance, state, this.reloading ? 'reload' : reason, this.wall.wallMs(), peer);
        send({ type: 'state', instance, state, priority });
      },
    });
    await this.runtime.start();
    send({ type: 'ready' });
    return undefined;
  }

  /** SIGHUP path: the runtime diffs (unchanged instances keep state and timers, see runtime.ts). */
  async reload(config: Config): Promise<void> {
    if (!this.runtime || this.stopping) {
      send({ type: 'reloaded', ok: false, message: 'not running; configuration not applied' });
      return;
    }
    this.reloading = true;
    try {
      const rt = this.runtime;
      const r = await atNormalScheduling(this.log, () => rt.reload(config, this.runner(config)));
      this.log.info({ ...r }, `Reload: ${r.keep.length} instances kept, ${r.rebuild.length} rebuilt, ${r.remove.length} removed, ${r.add.length} added`);
      send({ type: 'reloaded', ok: true });
    } catch (err) {
      this.log.error({ code: 'KAD_ERR_VRRP_RELOAD', err: (err as Error).message }, `reload failed: ${(err as Error).message}`);
      send({ type: 'reloaded', ok: false, message: (err as Error).message });
    } finally {
      this.reloading = false;
    }
  }

  handle(m: ParentMessage): void {
    if (m.type === 'stop') void this.stop();
    else if (m.type === 'reload') void this.reload(m.config);
    else if (m.type === 'dump') this.dump(m.what);
    else if (m.type === 'status-request') {
      const views = (this.runtime?.instances ?? []).map((i) => ({ spec: i.spec, snapshot: () => i.snapshot(), effects: i.trackerEffects as ReadonlyMap<string, EffectView> }));
      const rt = this.runtime;
      const vrrp = rt ? buildVrrpReport(views, rt.config, this.transitions, (name) => rt.scriptRunState(name)) : { instances: [], scripts: [] };
      send(m.view === 'metrics' ? { type: 'status', id: m.id, metrics: METRICS.vrrpChunks(vrrp, m.since) } : { type: 'status', id: m.id, vrrp });
    }
  }

  dump(what: DumpKind): void {
    const rt = this.runtime;
    if (!rt) return;
    if (what === 'stats-clear') {
      for (const i of rt.instances) i.clearStats();
      return;
    }
    const file = what === 'data' ? 'vrrpData' : what;
    const naming = { global: rt.config.global, namespace: this.opts.cli.namespace };
    const write = async (): Promise<void> => {
      const cx = {
        wallNowMs: new SystemClock().wallMs(), trackProcessState: (name: string) => rt.trackProcessState(name),
        ...(what === 'data' ? { host: await rt.hostDump() } : {}),
      };
      send({ type: 'dumped', what, file: writeDumpFile(file, dumpText(what, rt.instances, rt.config, cx), naming) });
    };
    write().catch((err: unknown) => this.log.error({ code: 'KAD_ERR_VRRP_DUMP', err: (err as Error).message }, `cannot write the ${what} dump: ${(err as Error).message}`));
  }

  async stop(code = 0): Promise<never> {
    if (!this.stopping) {
      this.stopping = true;
      this.log.info('Stopping');
      try {
        await this.runtime?.stop();
      } catch (err) {
        this.log.error({ code: 'KAD_ERR_VRRP_STOP', err: (err as Error).message }, 'error while stopping');
      }
    }
    process.exit(code);
  }
}

runChild('vrrp', (opts, log) => new VrrpChild(opts, log));
