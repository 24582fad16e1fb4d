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

/** Intervals of the periodic timers of `config` (adverts and vrrp_scripts). */
function periodicIntervals(config: Config): Set<number> {
  return new Set([...config.vrrpInstances.map((i) => i.advertIntMs), ...config.vrrpScripts.map((s) => s.intervalMs)]);
}



/** One instance as the dump formatters (print.ts) want it. */
function instanceDump(inst: VrrpInstance, ifName: string, config: Config, wallNowMs: number): InstanceDump {
  const s = inst.snapshot();
  const spec = inst.spec;
  const st = s.stats;
  const vipText = (a: IpAddress): string => `${a.address}/${a.prefixLen} dev ${a.dev ?? ifName} scope ${a.scope ?? 'global'}${s.vipsSet ? ' set' : ''}`;
  const group = spec.mcastDstIp ?? (spec.family === 4 ? config.global.vrrpMcastGroup4 : config.global.vrrpMcastGroup6);
  return {
    name: s.name, version: spec.version, state: s.state === 'INIT' ? 'INIT' : s.state, wantState: s.state,
    configFaults: 0, interfaceFaults: s.faults.includes('interface') ? 1 : 0, trackScriptsInit: 0,
    lastTransitionWallMs: s.lastTransitionWallMs ?? 0,
    readTimeoutWallMs: s.nextTimerInMs === undefined ? 0 : wallNowMs + s.nextTimerInMs,
    masterDownTimerUs: Math.round(s.masterDownIntervalMs * 1000),
    interface: ifName, srcIp: s.sourceAddress,
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
async function dumpText(what: Exclude<DumpKind, 'stats-clear'>, rt: VrrpRuntime): Promise<{ name: string; text: string }> {
  const wallNowMs = new SystemClock().wallMs();
  const dumps = rt.instances.map((i) => instanceDump(i, i.spec.interface ?? rt.config.global.defaultInterface, rt.config, wallNowMs));
  if (what === 'data') {
    const host = { pools: rt.sockpoolDump(), interfaces: await rt.interfaceDump() };
    return { name: DUMP_FILES.vrrpData, text: formatData(rt.config.global, dumps, host) };
  }
  if (what === 'stats') return { name: DUMP_FILES.stats, text: formatStats(dumps) };
  return { name: DUMP_FILES.json, text: formatJson(dumps) };
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
    const rt = this.runtime;
    if (!rt) return;
    if (what === 'stats-clear') {
      for (const i of rt.instances) i.clearStats();
      return;
    }
    dumpText(what, rt).then(({ name, text }) => send({ type: 'dumped', what, file: writeDumpFile(name, text) }))
      .catch((err: unknown) => this.log.error({ code: 'KAD_ERR_VRRP_DUMP', err: (err as Error).message }, `cannot write the ${what} dump: ${(err as Error).message}`));
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
