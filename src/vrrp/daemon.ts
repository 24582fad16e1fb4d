/**
 * Entry of the VRRP child (dist/vrrp/daemon.js). Forked by the supervisor with an IPC channel,
 * or started directly (no channel) with the same KAD_CHILD_OPTIONS environment variable. Applies
 * the configuration the parent validated (or, started directly, reads it), runs the instances, reports readiness and every state change, and
 * handles reload / dump / stop. SIGTERM, SIGINT, a `stop` message and the parent going away
 * (IPC 'disconnect') all mean a graceful stop: priority-0 adverts, VIPs removed unless -V.
 */
import type { Config } from '../config/model.js';
import { SystemClock } from '../core/clock.js';
import type { ChildOptions, DumpKind, ParentMessage } from '../supervisor/ipc.js';
import type { Logger } from '../core/log.js';
import { runChild, sendToParent as send, type ChildBody } from '../supervisor/child-entry.js';
import { DUMP_FILES, writeDumpFile } from '../supervisor/dump-files.js';
import { dumpText } from './dump/record.js';
import { FailoverClock, VrrpRuntime } from './runtime/runtime.js';
import { ProcessScriptRunner } from '../script/runner.js';
import { warnRootScripts } from '../supervisor/script-warnings.js';

/** Intervals of the periodic timers of `config` (adverts and vrrp_scripts). */
function periodicIntervals(config: Config): Set<number> {
  return new Set([...config.vrrpInstances.map((i) => i.advertIntMs), ...config.vrrpScripts.map((s) => s.intervalMs)]);
}



class VrrpChild implements ChildBody {
  private runtime: VrrpRuntime | undefined;
  private stopping = false;

  constructor(
    private readonly opts: ChildOptions,
    private readonly log: Logger,
  ) {}

  private makeRuntime(config: Config, resumeMaster: readonly string[], quietResume: readonly string[] = []): VrrpRuntime {
    return new VrrpRuntime({
      config, clock: new FailoverClock(periodicIntervals(config)), log: this.log, resumeMaster, quietResume,
      runner: new ProcessScriptRunner({ clock: new SystemClock(), log: this.log, policy: config.global }),
      keepVipsOnStop: this.opts.cli.dontReleaseVrrp,
      onState: (instance, state, priority) => send({ type: 'state', instance, state, priority }),
    });
  }

  async start(config: Config): Promise<number | undefined> {
    warnRootScripts(config, 'vrrp', this.log);
    this.runtime = this.makeRuntime(config, this.opts.resumeMaster ?? []);
    await this.runtime.start();
    send({ type: 'ready' });
    return undefined;
  }

  /** SIGHUP path: keep MASTER instances (they resume without losing their VIPs), rebuild the rest. */
  async reload(config: Config): Promise<void> {
    // Masters advertise before the work; the resumed instances advertise again once it is done,
    // so the gap on the wire is the reload's duration, never an interval plus it.
    for (const inst of this.runtime?.instances ?? []) inst.advertiseNow();
    if (!this.runtime || this.stopping) {
      send({ type: 'reloaded', ok: false, message: 'not running; configuration not applied' });
      return;
    }
    const old = this.runtime;
    const masters = old.instances.filter((i) => i.state === 'MASTER').map((i) => i.name);
    const next = new Map(config.vrrpInstances.map((i) => [i.name, i] as const));
    const sameVips = (name: string): boolean => {
      const was = old.config.vrrpInstances.find((i) => i.name === name);
      const now = next.get(name);
      const key = (i: typeof was): string =>
        JSON.stringify([...(i?.vips ?? []), ...(i?.excludedVips ?? [])].map(({ source: _source, ...a }) => a));
      return key(was) === key(now);
    };
    await old.detach(new Set(next.keys()));
    const resumed = masters.filter((m) => next.has(m));
    this.runtime = this.makeRuntime(config, resumed, resumed.filter(sameVips));
    await this.runtime.start();
    send({ type: 'reloaded', ok: true });
  }

  handle(m: ParentMessage): void {
    if (m.type === 'stop') void this.stop();
    else if (m.type === 'reload') void this.reload(m.config);
    else if (m.type === 'dump') this.dump(m.what);
  }

  dump(what: DumpKind): void {
    if (!this.runtime) return;
    if (what === 'stats-clear') {
      for (const i of this.runtime.instances) i.clearStats();
      return;
    }
    const name = what === 'data' ? DUMP_FILES.vrrpData : what === 'stats' ? DUMP_FILES.stats : DUMP_FILES.json;
    send({ type: 'dumped', what, file: writeDumpFile(name, dumpText(what, this.runtime.instances, this.runtime.config)) });
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
