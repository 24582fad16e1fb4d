/**
 * Entry of the VRRP child (dist/vrrp/daemon.js). Forked by the supervisor with an IPC channel,
 * or started directly (no channel) with the same KAD_CHILD_OPTIONS environment variable. Applies
 * the configuration the parent validated (or, started directly, reads it), runs the instances, reports readiness and every state change, and
 * handles reload / dump / stop. SIGTERM, SIGINT, a `stop` message and the parent going away
 * (IPC 'disconnect') all mean a graceful stop: priority-0 adverts, VIPs removed unless -V.
 */
import type { Config, IpAddress } from '../config/model.js';
import { SystemClock } from '../core/clock.js';
import type { ChildOptions, DumpKind, ParentMessage } from '../supervisor/ipc.js';
import type { Logger } from '../core/log.js';
import { runChild, sendToParent as send, type ChildBody } from '../supervisor/child-entry.js';
import { DUMP_FILES, writeDumpFile } from '../supervisor/dump-files.js';
import { formatData, formatJson, formatStats, type InstanceDump } from './print.js';
import type { VrrpInstance } from './instance.js';
import { FailoverClock, VrrpRuntime } from './runtime.js';
import { ProcessScriptRunner } from '../script/runner.js';
import { warnRootScripts } from '../supervisor/script-warnings.js';
import { TransitionLog } from '../status/transitions.js';
import { buildVrrpReport, type EffectView } from '../status/vrrp-report.js';

/** Intervals of the periodic timers of `config` (adverts and vrrp_scripts). */
function periodicIntervals(config: Config): Set<number> {
  return new Set([...config.vrrpInstances.map((i) => i.advertIntMs), ...config.vrrpScripts.map((s) => s.intervalMs)]);
}



/** One instance as the dump formatters (print.ts) want it. */
function instanceDump(inst: VrrpInstance, ifName: string, config: Config): InstanceDump {
  const s = inst.snapshot();
  const spec = inst.spec;
  const st = s.stats;
  const vipText = (a: IpAddress): string => `${a.address}/${a.prefixLen} dev ${a.dev ?? ifName} scope ${a.scope ?? 'global'}${s.vipsSet ? ' set' : ''}`;
  const group = spec.mcastDstIp ?? (spec.family === 4 ? config.global.vrrpMcastGroup4 : config.global.vrrpMcastGroup6);
  return {
    name: s.name, version: spec.version, state: s.state === 'INIT' ? 'INIT' : s.state, wantState: s.state,
    configFaults: 0, interfaceFaults: s.faults.includes('interface') ? 1 : 0, trackScriptsInit: 0,
    lastTransitionWallMs: s.lastTransitionWallMs ?? 0, readTimeoutWallMs: 0, masterDownTimerUs: 0,
    interface: ifName, srcIp: spec.unicastSrcIp ?? spec.mcastSrcIp ?? '',
    mcastAddress: spec.unicastPeers.length > 0 ? undefined : group, unicastPeers: spec.unicastPeers.map((p) => p.address),
    garpDelayS: spec.garpMasterDelayMs / 1000, garpRepeat: spec.garpMasterRepeat, garpRefreshS: spec.garpMasterRefreshMs / 1000,
    garpRefreshRepeat: spec.garpMasterRefreshRepeat, garpLowerPrioDelayS: spec.garpLowerPrioDelayMs / 1000,
    garpLowerPrioRepeat: spec.garpLowerPrioRepeat, downTimerAdverts: spec.downTimerAdverts,
    lowerPrioNoAdvert: spec.lowerPrioNoAdvert, higherPrioSendAdvert: spec.higherPrioSendAdvert, vrid: spec.vrid,
    basePriority: s.basePriority, effectivePriority: s.effectivePriority, totalPriority: s.effectivePriority,
    masterPriority: s.state === 'MASTER' ? 0 : s.masterPriority ?? 0, advertIntMs: s.advertIntMs, masterAdvertIntMs: s.masterAdverIntMs,
    accept: spec.accept, preempt: spec.preempt, preemptDelayMs: spec.preemptDelayMs, promoteSecondaries: spec.promoteSecondaries,
    dontTrackPrimary: spec.dontTrackPrimary, skipCheckAdvAddr: spec.skipCheckAdvAddr, strict: spec.strict, auth: spec.auth,
    vips: spec.vips.map(vipText), evips: spec.excludedVips.map(vipText), vipSet: s.vipsSet, smtpAlert: spec.smtpAlert ?? false,
    notifyDeleted: spec.notify.deleted !== undefined, notifyPriorityChanges: spec.notifyPriorityChanges, fdIn: 0, fdOut: 0,
    counters: st,
  };
}

/** The file name and content of a dump (USR1 data, USR2 stats, JSON). */
function dumpText(what: Exclude<DumpKind, 'stats-clear'>, rt: VrrpRuntime): { name: string; text: string } {
  const dumps = rt.instances.map((i) => instanceDump(i, i.spec.interface ?? rt.config.global.defaultInterface, rt.config));
  if (what === 'data') return { name: DUMP_FILES.vrrpData, text: formatData(rt.config.global, dumps) };
  if (what === 'stats') return { name: DUMP_FILES.stats, text: formatStats(dumps) };
  return { name: DUMP_FILES.json, text: formatJson(dumps) };
}


class VrrpChild implements ChildBody {
  private runtime: VrrpRuntime | undefined;
  private stopping = false;
  /** Why each instance last changed state (status document); transitions during a reload count as 'reload'. */
  private readonly transitions = new TransitionLog();
  private reloading = false;
  private readonly wall = new SystemClock();

  constructor(
    private readonly opts: ChildOptions,
    private readonly log: Logger,
  ) {}

  private makeRuntime(config: Config, resumeMaster: readonly string[], quietResume: readonly string[] = []): VrrpRuntime {
    return new VrrpRuntime({
      config, clock: new FailoverClock(periodicIntervals(config)), log: this.log, resumeMaster, quietResume,
      runner: new ProcessScriptRunner({ clock: new SystemClock(), log: this.log, policy: config.global }),
      keepVipsOnStop: this.opts.cli.dontReleaseVrrp,
      onState: (instance, state, priority, reason) => {
        const peer = this.runtime?.instances.find((i) => i.name === instance)?.snapshot().masterAddress;
        this.transitions.record(instance, state, this.reloading ? 'reload' : reason, this.wall.wallMs(), peer);
        send({ type: 'state', instance, state, priority });
      },
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
    this.reloading = true;
    await this.runtime.start().finally(() => (this.reloading = false));
    send({ type: 'reloaded', ok: true });
  }

  handle(m: ParentMessage): void {
    if (m.type === 'stop') void this.stop();
    else if (m.type === 'reload') void this.reload(m.config);
    else if (m.type === 'dump') this.dump(m.what);
    else if (m.type === 'status-request') {
      // The tracker effects are read structurally: the instance keeps them in its `trackers` map.
      const views = (this.runtime?.instances ?? []).map((i) => ({ spec: i.spec, snapshot: () => i.snapshot(), effects: (i as unknown as { trackers: ReadonlyMap<string, EffectView> }).trackers }));
      send({ type: 'status', id: m.id, vrrp: this.runtime ? buildVrrpReport(views, this.runtime.config, this.transitions) : { instances: [], scripts: [] } });
    }
  }

  dump(what: DumpKind): void {
    if (!this.runtime) return;
    if (what === 'stats-clear') {
      for (const i of this.runtime.instances) i.clearStats();
      return;
    }
    const { name, text } = dumpText(what, this.runtime);
    send({ type: 'dumped', what, file: writeDumpFile(name, text) });
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
