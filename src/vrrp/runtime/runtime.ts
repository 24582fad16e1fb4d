/**
 * The VRRP child's composition: one Instance per configured instance, its ports implemented
 * by one adapter each — raw VRRP sockets and the VRID demux (sockets.ts), the address queue
 * (addresses.ts), static and virtual routes and rules (routes.ts), GARP/NA pacing (announcer.ts),
 * the link table (links.ts), host link and address events (host-events.ts), macvlans (vmac.ts),
 * sysctls (sysctls.ts), the trackers
 * (track/registry.ts), notify scripts (notify.ts) and the nftables drops (firewall.ts).
 *
 * Start of day: static addresses, routes and rules are added; stale VIPs and virtual routes and
 * rules are removed before the instances start, unless an instance resumes MASTER after a
 * respawn. A MASTER's virtual routes and rules follow its VIPs in, and leave with them. Reload diffs (reload-plan.ts): the adapters survive, unchanged
 * instances are not touched, changed ones are rebuilt (a MASTER resumes at once and keeps the
 * VIPs it still has), removed ones stop gracefully, new ones start.
 */
import type { Config, IpAddress, VrrpInstance } from '../../config/model.js';
import type { Clock, TimerHandle } from '../../core/clock.js';
import type { Logger } from '../../core/log.js';
import type { VrrpStateName } from '../../core/vrrp-state.js';
import type { StepReason } from '../protocol/fsm.js';
import { nftables, openedNftables } from '../../net/nftables.js';
import { linkLocalIpv6, primaryIpv4 } from '../../net/rtnl-addr.js';
import type { SendResult } from '../../net/vrrp-socket.js';
import type { ScriptRunner } from '../../script/types.js';
import type { InstancePorts } from '../protocol/instance-types.js';
import { Instance } from '../protocol/instance.js';
import { SyncGroupRuntime } from '../protocol/sync-group.js';
import { TrackerRegistry } from './track/registry.js';
import type { ScriptRunState } from '../../status/types.js';
import { AddressQueue, allAddresses } from './addresses.js';
import { HostEvents } from './host-events.js';
import { SysctlGuard } from './sysctls.js';
import { startupDelayMs } from './startup-plan.js';
import { addrVmacOf, ownLinkOf, promoteSecondariesSysctl, vmacNameOf } from './vmac-plan.js';
import { Vmacs } from './vmac.js';
import { Announcer } from './announcer.js';
import { VipFirewall } from './firewall.js';
import { LinkTable } from './links.js';
import { LinkDebounce, linkDelayOf } from './link-debounce.js';
import { Notifier } from './notify.js';
import { Mailer } from '../../supervisor/mailer.js';
import { NotifyFifoWriter } from '../../supervisor/notify-fifo.js';
import { planReload, sameModel, type ReloadPlan } from './reload-plan.js';
import { wantedEntries } from './route-plan.js';
import { RouteInstaller } from './routes.js';
import { VrrpSockets, type SocketKey } from './sockets.js';
import type { InterfaceDump, SockpoolDump } from '../dump/print-host.js';

export interface RuntimeOptions {
  config: Config;
  clock: Clock;
  log: Logger;
  runner: ScriptRunner;
  /** Instances that were MASTER before a respawn: they keep their VIPs and advertise at once. */
  resumeMaster?: readonly string[];
  /** `-V`: leave VIPs in place when stopping. */
  keepVipsOnStop?: boolean;
  /** Time since the system booted, in ms (vrrp_delay_after_boot); read by the child's shell. */
  uptimeMs?: () => number;
  /** Every state change (for the parent). */
  onState?: (instance: string, state: VrrpStateName, priority: number, reason: StepReason) => void;
}

/** The VRRP child's instances on real sockets; see the file header. */
export class VrrpRuntime {
  readonly instances: Instance[] = [];
  /** Pending end of vrrp_startup_delay. */
  private startTimer: TimerHandle | undefined;
  readonly groups: SyncGroupRuntime[] = [];
  private cfg: Config;
  private runner: ScriptRunner;
  private readonly links: LinkTable;
  private readonly sockets: VrrpSockets;
  private readonly addresses: AddressQueue;
  private readonly routes: RouteInstaller;
  /** Instances holding MASTER (their VIPs set): their virtual routes and rules are wanted. */
  private readonly masters = new Map<string, VrrpInstance>();
  private readonly announcer: Announcer;
  private readonly notifier: Notifier;
  private readonly fifo: NotifyFifoWriter;
  private readonly mailer: Mailer;
  /** Instances a reload removes: their STOP is reported DELETED (notify_deleted) or FAULT. */
  private readonly removing = new Set<string>();
  private readonly trackers: TrackerRegistry;
  private readonly firewall: VipFirewall;
  /** Last notified state of each sync group (kept across reloads). */
  private readonly groupState = new Map<string, string>();
  private stopping = false;
  private readonly sysctls: SysctlGuard;
  private readonly vmacs: Vmacs;
  /** Link and address events; instances waiting for an interface. */
  private readonly host: HostEvents;
  /** interface_up_down_delays between the link table and the instances. */
  private readonly debounce: LinkDebounce;

  constructor(private readonly o: RuntimeOptions) {
    this.cfg = o.config;
    this.runner = o.runner;
    // The adapters outlive a reload; scripts run on the runner of the current configuration.
    const runner: ScriptRunner = { run: (spec, req) => this.runner.run(spec, req) };
    const devOf = (spec: VrrpInstance, a: IpAddress): string => this.devOf(spec, a);
    this.debounce = new LinkDebounce(o.clock, o.log, (name) => linkDelayOf(this.cfg, name), (name, running, change) => this.host.onLink(name, running, change));
    this.links = new LinkTable(o.log, (name, running, change) => this.debounce.onLink(name, running, change), (ev, name) => this.host.onAddr(ev, name));
    this.sysctls = new SysctlGuard(o.log);
    this.vmacs = new Vmacs(this.links, o.log, this.sysctls);
    this.sockets = new VrrpSockets(o.clock, o.log);
    this.addresses = new AddressQueue(this.links, o.log, devOf);
    const statics = (): { routes: Config['staticRoutes']; rules: Config['staticRules'] } | undefined =>
      (this.stopping ? undefined : { routes: this.cfg.staticRoutes, rules: this.cfg.staticRules });
    this.routes = new RouteInstaller(this.links, o.log, () => wantedEntries(statics(), [...this.masters.values()]), () => this.addresses.drained);
    this.announcer = new Announcer(this.links, o.clock, o.log, () => this.cfg.global);
    // The VRRP child starts notify_fifo_script (the checker does only when no VRRP child runs).
    this.fifo = new NotifyFifoWriter({ kind: 'vrrp', runsSharedScript: true, runner, log: o.log, clock: o.clock });
    this.mailer = new Mailer(o.config.global, o.log, o.clock);
    this.notifier = new Notifier(runner, o.log, { fifo: this.fifo, mailer: this.mailer, global: () => this.cfg.global });
    this.trackers = new TrackerRegistry(o.config, o.clock, runner, o.log);
    this.firewall = new VipFirewall({ config: o.config, clock: o.clock, log: o.log, open: nftables, opened: openedNftables, devOf });
    this.host = new HostEvents({
      instances: this.instances, config: () => this.cfg, stopping: () => this.stopping,
      ifOf: (spec) => this.ifOf(spec), vipIfOf: (spec) => this.vipIfOf(spec), devOf,
      build: (spec, quiet) => this.build(spec, quiet), restart: (fresh) => this.restart(fresh),
    }, { links: this.links, sockets: this.sockets, announcer: this.announcer, addresses: this.addresses, vmacs: this.vmacs, trackers: this.trackers, log: o.log });
  }

  /** Start an instance built after start of day, unless vrrp_startup_delay's pending start will. */
  private launch(inst: Instance, opts?: Parameters<Instance['start']>[0]): void {
    if (!this.startTimer) inst.start(opts);
  }

  /** Instances built outside start/reload (their interface came back): groups, trackers, start. */
  private restart(fresh: readonly Instance[]): void {
    this.buildGroups();
    this.trackers.reload(this.cfg, this.instances);
    for (const inst of fresh) {
      inst.linkChanged(this.links.running(this.ifOf(inst.spec)));
      this.announcer.socketFor(this.vipIfOf(inst.spec));
      this.launch(inst);
    }
  }

  /** What a vrrp_script is doing now (status document); undefined when nothing tracks it. */
  scriptRunState(name: string): ScriptRunState | undefined {
    return this.trackers.scriptRunState(name);
  }

  /** A vrrp_track_process as the JSON dump shows it; undefined when nothing tracks it. */
  trackProcessState(name: string): { count: number; up: boolean; pending: boolean } | undefined {
    return this.trackers.processState(name);
  }

  /** The configuration this runtime runs. */
  get config(): Config {
    return this.cfg;
  }

  /** The socket pool and interfaces, as keepalived.data prints them. */
  async hostDump(): Promise<{ pools: SockpoolDump[]; interfaces: InterfaceDump[] }> {
    const tracking = (name: string): { name: string; weight: number }[] => this.instances.flatMap((i) => [
      ...(this.ifOf(i.spec) === name ? [{ name: i.name, weight: 0 }] : []),
      ...i.spec.trackInterfaces.filter((t) => t.name === name).map((t) => ({ name: i.name, weight: t.weight ?? 0 })),
    ]);
    return { pools: this.sockets.dump(), interfaces: await this.links.dump(tracking) };
  }

  /** Packets dropped before reaching an instance, by reason. */
  get drops(): Readonly<Record<string, number>> {
    return this.sockets.drops;
  }

  private ifOf(spec: VrrpInstance): string {
    return spec.interface ?? this.cfg.global.defaultInterface;
  }

  /** Where VIPs without `dev` go: the instance's macvlan with use_vmac, else its interface. */
  private vipIfOf(spec: VrrpInstance): string {
    return spec.useVmac ? vmacNameOf(spec) : this.ifOf(spec);
  }

  private devOf(spec: VrrpInstance, a: IpAddress): string {
    return addrVmacOf(this.vmacs.addrVmacs(spec.name), a, this.ifOf(spec))?.name ?? a.dev ?? this.vipIfOf(spec);
  }

  /** Open the seams, clear stale VIPs, start every instance and tracker. */
  async start(): Promise<void> {
    this.fifo.configure(this.cfg.global.notifyFifos);
    await this.links.open();
    for (const spec of this.cfg.vrrpInstances) {
      const inst = await this.build(spec);
      if (inst) this.instances.push(inst);
    }
    const resume = new Set(this.o.resumeMaster ?? []);
    this.firewall.start(this.instances.filter((i) => resume.has(i.name)).map((i) => i.spec));
    await Promise.all(
      this.instances.filter((i) => !resume.has(i.name)).map((i) => this.addresses.change(i.spec, allAddresses(i.spec), false)),
    );
    for (const i of this.instances.filter((x) => !resume.has(x.name))) await this.routes.clearStale(i.spec.virtualRoutes, i.spec.virtualRules, i.name);
    this.addresses.enqueueStatic(this.cfg.staticAddresses, true, this.cfg.global.defaultInterface);
    this.routes.sync();
    this.buildGroups();
    for (const inst of this.instances) {
      this.trackers.attach(inst);
      inst.linkChanged(this.links.running(this.ifOf(inst.spec)));
    }
    for (const name of this.trackers.trackedInterfaces()) this.trackers.linkChanged(name, this.links.running(name));
    this.trackers.applyInitial();
    for (const inst of this.instances) this.announcer.socketFor(this.vipIfOf(inst.spec));
    const startAll = (): void => {
      this.startTimer = undefined;
      for (const inst of this.instances) inst.start({ resumeMaster: resume.has(inst.name) });
      this.trackers.start();
    };
    // vrrp_startup_delay and vrrp_delay_after_boot hold the instances and trackers back at start
    // of day (not when a respawned child resumes its MASTER instances): no advert is read or sent
    // before the delay ends.
    const { global } = this.cfg;
    const delayMs = startupDelayMs({
      startupDelayMs: global.vrrpStartupDelayMs, delayAfterBootMs: global.vrrpDelayAfterBootMs,
      uptimeMs: global.vrrpDelayAfterBootMs > 0 ? (this.o.uptimeMs?.() ?? Infinity) : Infinity, resuming: resume.size > 0,
    });
    if (delayMs <= 0) return startAll();
    this.o.log.info(`Delaying startup for ${Math.round(delayMs) / 1000} seconds`);
    this.startTimer = this.o.clock.setTimer(delayMs, startAll);
  }

  /**
   * Reload with `config` (already validated) and the script runner of its policy. See the file
   * header; returns what happened to each instance (by name).
   */
  async reload(config: Config, runner: ScriptRunner): Promise<ReloadPlan> {
    const plan = planReload(this.cfg, config);
    const before = new Map(this.instances.map((i) => [i.name, i] as const));
    this.reloadStatics(this.cfg, config);
    this.cfg = config;
    this.runner = runner;
    this.fifo.configure(config.global.notifyFifos);
    this.mailer.setGlobal(config.global);
    await this.host.dropChangedVmacs(plan.rebuild, before, config);
    const fresh = new Map<string, Instance>();
    for (const name of [...plan.rebuild, ...plan.add]) {
      const inst = await this.build(config.vrrpInstances.find((s) => s.name === name)!);
      if (inst) fresh.set(name, inst);
    }
    const resume = new Set<string>();
    const quiet = new Set<string>();
    for (const name of plan.rebuild) {
      const old = before.get(name);
      if (!old) continue;
      const now = fresh.get(name);
      // A changed instance that cannot run any more (its interface is gone) stops like a removed one.
      if (now) old.retire();
      else old.shutdown();
      this.sockets.detach(old);
      if (old.state !== 'MASTER' || !now) continue;
      resume.add(name);
      const keep = allAddresses(now.spec);
      const gone = allAddresses(old.spec).filter((a) => !keep.some((b) => sameModel(a, b)));
      if (gone.length === 0 && keep.length === allAddresses(old.spec).length) quiet.add(name);
      if (gone.length > 0) this.addresses.enqueue(old.spec, gone, false);
    }
    for (const name of plan.remove) {
      const old = before.get(name);
      if (!old) continue;
      this.removing.add(name);
      old.shutdown();
      this.removing.delete(name);
      this.sockets.detach(old);
    }
    const next = config.vrrpInstances.flatMap((s) => {
      const i = plan.keep.includes(s.name) ? before.get(s.name) : fresh.get(s.name);
      return i ? [i] : [];
    });
    this.instances.splice(0, this.instances.length, ...next);
    this.firewall.reload(config, next.filter((i) => resume.has(i.name) || (!fresh.has(i.name) && i.snapshot().vipsSet)).map((i) => i.spec));
    const added = [...fresh.values()].filter((i) => plan.add.includes(i.name));
    await Promise.all(added.map((i) => this.addresses.change(i.spec, allAddresses(i.spec), false)));
    this.buildGroups();
    for (const inst of fresh.values()) inst.linkChanged(this.links.running(this.ifOf(inst.spec)));
    this.trackers.reload(config, this.instances);
    for (const name of this.trackers.trackedInterfaces()) this.trackers.linkChanged(name, this.links.running(name));
    for (const name of plan.remove) void this.addresses.drained.then(() => this.vmacs.remove(name));
    // A rebuilt instance whose macvlan changed name (or that dropped use_vmac) leaves the old one.
    for (const inst of fresh.values()) {
      this.announcer.socketFor(this.vipIfOf(inst.spec));
      this.launch(inst, { resumeMaster: resume.has(inst.name), garp: !quiet.has(inst.name) });
    }
    this.routes.sync();
    return plan;
  }

  /** static_ipaddress: remove the addresses a reload drops, add the new ones (routes and rules: the route sync). */
  private reloadStatics(old: Config, next: Config): void {
    const gone = old.staticAddresses.filter((a) => !next.staticAddresses.some((b) => sameModel(a, b)));
    const added = next.staticAddresses.filter((a) => !old.staticAddresses.some((b) => sameModel(a, b)));
    if (gone.length > 0) this.addresses.enqueueStatic(gone, false, old.global.defaultInterface);
    if (added.length > 0) this.addresses.enqueueStatic(added, true, next.global.defaultInterface);
  }

  private buildGroups(): void {
    this.groups.length = 0;
    for (const g of this.cfg.syncGroups) {
      const members = this.instances.filter((i) => g.members.includes(i.name));
      if (members.length === 0) continue;
      this.groups.push(new SyncGroupRuntime(g.name, members, this.o.log, (state) => {
        if (state === this.groupState.get(g.name) || state === 'INIT' || this.stopping) return;
        this.groupState.set(g.name, state);
        this.notifier.notify('GROUP', g.name, g.notify, state, 0, g.smtpAlert);
      }));
    }
  }

  /**
   * Build one instance and attach it to its socket; undefined (logged) when it cannot run. With
   * dynamic_interfaces (or `waitQuietly`: its interface was deleted), an instance whose interface
   * or source address is missing waits for it (see `revive`).
   */
  private async build(spec: VrrpInstance, waitQuietly = false): Promise<Instance | undefined> {
    const { log } = this.o;
    const config = this.cfg;
    const ifName = this.ifOf(spec);
    const link = this.links.get(ifName);
    const wait = waitQuietly || config.global.dynamicInterfaces;
    if (!link) {
      if (wait) this.host.waiting.add(spec.name);
      if (!waitQuietly) {
        log[wait ? 'warn' : 'error']({ code: wait ? 'KAD_WARN_VRRP_WAITING_INTERFACE' : 'KAD_ERR_VRRP_NO_INTERFACE', instance: spec.name, interface: ifName },
          wait ? `(${spec.name}) interface ${ifName} doesn't currently exist - will use if created` : `(${spec.name}) interface ${ifName} does not exist`);
      }
      return undefined;
    }
    const own = ownLinkOf(spec) !== undefined;
    const vmac = spec.useVmac ? await this.vmacs.ensure(spec, link) : spec.ipvlan ? await this.vmacs.ensureIpvlan(spec, spec.ipvlan, link) : undefined;
    if (own && !vmac) return undefined;
    await this.vmacs.ensureAddrs(spec, ifName, allAddresses(spec));
    const sendLink = vmac && !spec.vmacXmitBase ? vmac : link;
    // A new IPv6 macvlan (or ipvlan) gets its link-local address a moment after it is up: wait for it.
    const waitSource = wait || (spec.family === 6 && sendLink === vmac);
    const primary = spec.family === 4
      ? spec.unicastSrcIp ?? spec.mcastSrcIp ?? (await primaryIpv4(this.links.rtnl, link.index))
      // Never a VIP left on the link (respawn): the drop rules would swallow the adverts.
      : spec.unicastSrcIp ?? spec.mcastSrcIp ?? (await linkLocalIpv6(this.links.rtnl, sendLink.index, config.vrrpInstances.flatMap((s) => allAddresses(s).map((a) => a.address))));
    if (!primary) {
      if (waitSource) this.host.waiting.add(spec.name);
      if (!waitQuietly) {
        log.error({ code: 'KAD_ERR_VRRP_NO_SOURCE_ADDRESS', instance: spec.name, interface: sendLink.name }, `(${spec.name}) no IPv${spec.family} source address on ${sendLink.name}${waitSource ? ': waiting for one' : ''}`);
      }
      return undefined;
    }
    this.host.waiting.delete(spec.name);
    if (spec.promoteSecondaries) this.sysctls.apply([promoteSecondariesSysctl(ifName)]);
    return this.attach(spec, sendLink.name, primary);
  }

  /** The instance of `spec` on the raw socket of `sendIf`, advertising from `primary`. */
  private attach(spec: VrrpInstance, sendIf: string, primary: string): Instance {
    const { log, clock } = this.o;
    const config = this.cfg;
    const mcastGroup = spec.mcastDstIp ?? (spec.family === 4 ? config.global.vrrpMcastGroup4 : config.global.vrrpMcastGroup6);
    const unicast = spec.unicastPeers.length > 0;
    const key: SocketKey = { ifName: sendIf, family: spec.family, unicast, ah: spec.family === 4 && spec.version === 2 && spec.auth.type === 'AH' };
    const sock = this.sockets.socketFor(key, unicast ? undefined : mcastGroup);
    const ref: { inst?: Instance } = {};
    const ports = this.portsFor(spec, (bytes, dest) => {
      const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      return spec.family === 4 ? sock.sendIpv4Packet(buf, dest) : sock.send(buf, { destination: dest, source: primary });
    }, () => ref.inst);
    ports.receivePending = () => sock.readPending();
    const inst = new Instance(spec, { clock, log, ports, primaryAddress: primary, mcastGroup });
    ref.inst = inst;
    this.sockets.attach(key, inst);
    this.host.sendIf.set(spec.name, sendIf);
    return inst;
  }

  private portsFor(
    spec: VrrpInstance,
    send: (bytes: Uint8Array, dest: string) => SendResult,
    inst: () => Instance | undefined,
  ): InstancePorts {
    const { log } = this.o;
    return {
      sendAdvert: (bytes, dest) => {
        const r = send(bytes, dest);
        if (!r.ok) log.debug({ instance: spec.name, errno: r.error.code }, `(${spec.name}) advert send failed: ${r.error.code}`);
      },
      addVips: () => {
        this.firewall.raise(spec);
        this.addresses.enqueue(spec, allAddresses(spec), true);
        this.masters.set(spec.name, spec);
        this.routes.sync();
      },
      removeVips: () => {
        if (this.stopping && this.o.keepVipsOnStop) return;
        this.addresses.enqueue(spec, allAddresses(spec), false);
        if (this.masters.get(spec.name) === spec) this.masters.delete(spec.name);
        this.routes.sync();
        this.firewall.lower(spec);
        void this.addresses.drained.then(() => this.firewall.apply());
      },
      sendGratuitous: () => this.announcer.announce(spec, (a) => this.devOf(spec, a)),
      notify: (state, priority) => {
        const reported = state === 'STOP' && this.removing.has(spec.name) ? (spec.notifyDeleted ? 'DELETED' : 'FAULT') : state;
        this.notifier.notify('INSTANCE', spec.name, spec.notify, reported, priority, spec.smtpAlert);
      },
      notifyPriority: (master, priority) => this.notifier.notifyPriority(spec.name, master, priority),
      notifyRxLowerPriority: () => this.notifier.notifyRxLowerPri(spec.name, spec.notify, inst()?.effectivePriority ?? spec.priority),
      stateChanged: (_from, to, reason) => this.o.onState?.(spec.name, to === 'INIT' ? 'STOP' : to, inst()?.effectivePriority ?? spec.priority, reason),
    };
  }

  /**
   * Graceful stop: every MASTER sends priority 0 and (unless -V) drops its VIPs; waits until
   * the address changes reached the kernel, then closes the seams.
   */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.o.clock.clearTimer(this.startTimer);
    this.debounce.close();
    this.announcer.stop();
    this.trackers.stop();
    for (const inst of this.instances) inst.shutdown();
    // Then each sync group, as keepalived: `GROUP "G1" STOP 0` after its instances' lines.
    for (const g of this.groups) {
      const spec = this.cfg.syncGroups.find((s) => s.name === g.name);
      if (spec && this.groupState.has(g.name)) this.notifier.notify('GROUP', g.name, spec.notify, 'STOP', 0, spec.smtpAlert);
    }
    this.fifo.close();
    // Virtual routes and rules of the instances left with their VIPs (not with -V); static ones go now.
    this.routes.sync();
    await this.routes.drained;
    this.addresses.enqueueStatic(this.cfg.staticAddresses, false, this.cfg.global.defaultInterface);
    await this.addresses.drained;
    if (!this.o.keepVipsOnStop) await this.vmacs.remove();
    this.sysctls.restore();
    this.firewall.stop();
    this.links.close();
    this.sockets.close();
    this.announcer.close();
  }
}
