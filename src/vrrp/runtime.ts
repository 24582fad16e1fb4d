/**
 * The VRRP child's wiring: builds one VrrpInstance per configured instance and implements its
 * ports on the kernel seams: raw VRRP sockets (one per interface, family and multicast/unicast,
 * demultiplexed by VRID), rtnetlink for VIPs and link state, AF_PACKET for gratuitous ARP and
 * unsolicited NA, trackers and notify scripts. Stale VIPs are removed before the instances
 * start (unless an instance resumes MASTER after a respawn); `virtual_ipaddress_excluded`
 * addresses follow the VIPs. An interface going down moves its instances to FAULT.
 *
 * VIP changes are queued on one promise chain so that add and remove reach the kernel in the
 * order the instances asked for them.
 */
import type { RtNetlinkSocket } from 'netlink';
import type { Config, IpAddress, VrrpInstance as InstanceSpec } from '../config/model.js';
import { SystemClock, type Clock, type TimerHandle } from '../core/clock.js';
import type { StepReason } from './fsm.js';
import type { VrrpStateName } from '../core/vrrp-state.js';
import type { Logger } from '../core/log.js';
import { RateLimiter } from '../core/rate-limit.js';
import { nftables, openedNftables } from '../net/nftables.js';
import { PacketSocket } from '../net/packet-socket.js';
import { addAddress, linkLocalIpv6, primaryIpv4, removeAddress, type AddressSpec } from '../net/rtnl-addr.js';
import { LinkWatcher, listLinks, openRtnl, type LinkInfo } from '../net/rtnl-link.js';
import { VrrpSocket, type ReceivedDatagram } from '../net/vrrp-socket.js';
import { AH_HEADER_LEN, IPPROTO_AH } from './auth.js';
import { buildGratuitousArp, buildUnsolicitedNa } from './garp.js';
import { VrrpInstance, type InstancePorts } from './instance.js';
import { VipFirewall } from './runtime/firewall.js';
import { Notifier } from './notify.js';
import { SyncGroup } from './sync-group.js';
import type { ScriptRunner } from '../script/types.js';
import { TrackerRegistry } from './track/registry.js';

export interface RuntimeOptions {
  config: Config;
  clock: Clock;
  log: Logger;
  runner: ScriptRunner;
  /** Instances that were MASTER before a respawn: they keep their VIPs and advertise at once. */
  resumeMaster?: readonly string[];
  /** Resumed instances whose VIPs did not change (reload): no takeover GARPs. */
  quietResume?: readonly string[];
  /** `-V`: leave VIPs in place when stopping. */
  keepVipsOnStop?: boolean;
  /** Every state change (for the parent). */
  onState?: (instance: string, state: VrrpStateName, priority: number, reason: StepReason) => void;
}

interface GarpQueue {
  frames: { ps: PacketSocket; frame: Buffer; intervalMs: number }[];
  busy: boolean;
}

interface SocketEntry {
  sock: VrrpSocket;
  instances: VrrpInstance[];
}

const ifOf = (spec: InstanceSpec, config: Config): string => spec.interface ?? config.global.defaultInterface;

/**
 * The child's clock. Protocol timers that decide failover latency (Master_Down_Interval, Skew_Time)
 * must fire on time, but Node timers have millisecond granularity and fire up to ~2 ms late. Such
 * a timer wakes 2 ms early on a coarse timer and waits out the rest; periodic timers (advert
 * intervals, script intervals), which fire all the time and whose jitter is harmless, are left
 * coarse so the steady state costs nothing extra.
 */
const EARLY_WAKE_MS = 5;

export class FailoverClock implements Clock {
  private readonly base = new SystemClock();

  constructor(private readonly periodicMs: ReadonlySet<number>) {}

  nowMs(): number {
    return this.base.nowMs();
  }

  wallMs(): number {
    return this.base.wallMs();
  }

  setTimer(delayMs: number, fn: () => void): TimerHandle {
    if (delayMs < EARLY_WAKE_MS * 2 || this.periodicMs.has(delayMs)) return this.base.setTimer(delayMs, fn);
    const dueMs = this.base.nowMs() + delayMs;
    return this.base.setTimer(delayMs - EARLY_WAKE_MS, () => {
      while (this.base.nowMs() < dueMs) {
        // at most EARLY_WAKE_MS, and only when a down timer actually expires
      }
      fn();
    });
  }

  clearTimer(handle: TimerHandle | undefined): void {
    this.base.clearTimer(handle);
  }
}

/** The VRRP child's instances on real sockets; see the file header. */
export class VrrpRuntime {
  readonly instances: VrrpInstance[] = [];
  readonly groups: SyncGroup[] = [];
  /** Packets dropped before reaching an instance, by reason. */
  readonly drops: Record<string, number> = {};
  private readonly sockets = new Map<string, SocketEntry>();
  private readonly packetSockets = new Map<string, PacketSocket>();
  /** Per interface: GARP/NA frames waiting for vrrp_garp_interval / vrrp_gna_interval. */
  private readonly garpQueues = new Map<string, GarpQueue>();
  private readonly links = new Map<string, LinkInfo>();
  private readonly dropLog = new RateLimiter(10, 1);
  private readonly notifier: Notifier;
  private readonly trackers: TrackerRegistry;
  private readonly firewall: VipFirewall;
  private rt: RtNetlinkSocket | undefined;
  private watcher: LinkWatcher | undefined;
  private addrQueue: Promise<void> = Promise.resolve();
  private addrPending = 0;
  private stopping = false;
  /** Instances handed over to the next runtime on reload: their outputs are muted. */
  private readonly silent = new Set<string>();

  constructor(private readonly o: RuntimeOptions) {
    this.notifier = new Notifier(o.runner, o.log);
    this.trackers = new TrackerRegistry(o.config, o.clock, o.runner, o.log);
    this.firewall = new VipFirewall({
      config: o.config, clock: o.clock, log: o.log, open: nftables, opened: openedNftables, devOf: (spec, a) => a.dev ?? ifOf(spec, o.config),
    });
  }

  /** The configuration this runtime runs. */
  get config(): Config {
    return this.o.config;
  }

  /** Open the seams, clear stale VIPs, start every instance and tracker. */
  async start(): Promise<void> {
    const { config, log } = this.o;
    this.rt = openRtnl(false);
    for (const l of await listLinks(this.rt)) this.links.set(l.name, l);
    this.watcher = new LinkWatcher();
    this.watcher.on('link', (ev) => this.onLink(ev));
    for (const spec of config.vrrpInstances) {
      const inst = await this.build(spec);
      if (inst) this.instances.push(inst);
    }
    const resume = new Set(this.o.resumeMaster ?? []);
    this.firewall.start(this.instances.filter((i) => resume.has(i.name)).map((i) => i.spec));
    await Promise.all(
      this.instances.filter((i) => !resume.has(i.name)).map((i) => this.changeAddresses(i.spec, this.allAddresses(i.spec), false)),
    );
    for (const g of config.syncGroups) {
      const members = this.instances.filter((i) => g.members.includes(i.name));
      if (members.length === 0) continue;
      let last: string | undefined;
      this.groups.push(new SyncGroup(g.name, members, log, (state) => {
        if (state === last || state === 'INIT') return;
        last = state;
        this.notifier.notify('GROUP', g.name, g.notify, state, 0);
      }));
    }
    for (const inst of this.instances) {
      this.trackers.attach(inst);
      inst.linkChanged(this.links.get(ifOf(inst.spec, config))?.running ?? false);
    }
    for (const name of this.trackers.trackedInterfaces()) this.trackers.linkChanged(name, this.links.get(name)?.running ?? false);
    this.trackers.applyInitial();
    for (const inst of this.instances) this.packetSocketFor(ifOf(inst.spec, config));
    const quiet = new Set(this.o.quietResume ?? []);
    for (const inst of this.instances) inst.start({ resumeMaster: resume.has(inst.name), garp: !quiet.has(inst.name) });
    this.trackers.start();
  }

  /** Build one instance and attach it to its socket; undefined (logged) when it cannot run. */
  private async build(spec: InstanceSpec): Promise<VrrpInstance | undefined> {
    const { config, log, clock } = this.o;
    const ifName = ifOf(spec, config);
    const link = this.links.get(ifName);
    if (!link) {
      log.error({ code: 'KAD_ERR_VRRP_NO_INTERFACE', instance: spec.name, interface: ifName }, `(${spec.name}) interface ${ifName} does not exist`);
      return undefined;
    }
    const primary = spec.family === 4
      ? spec.unicastSrcIp ?? spec.mcastSrcIp ?? (await primaryIpv4(this.rtnl(), link.index))
      // Never a VIP left on the link (respawn): the drop rules would swallow the adverts.
      : spec.unicastSrcIp ?? spec.mcastSrcIp ?? (await linkLocalIpv6(this.rtnl(), link.index, config.vrrpInstances.flatMap((s) => this.allAddresses(s).map((a) => a.address))));
    if (!primary) {
      log.error({ code: 'KAD_ERR_VRRP_NO_SOURCE_ADDRESS', instance: spec.name, interface: ifName }, `(${spec.name}) no IPv${spec.family} source address on ${ifName}`);
      return undefined;
    }
    const mcastGroup = spec.mcastDstIp ?? (spec.family === 4 ? config.global.vrrpMcastGroup4 : config.global.vrrpMcastGroup6);
    const unicast = spec.unicastPeers.length > 0;
    const ah = spec.family === 4 && spec.version === 2 && spec.auth.type === 'AH';
    const entry = this.socketFor(ifName, spec.family, unicast, ah);
    if (!unicast) entry.sock.join(mcastGroup);
    const ref: { inst?: VrrpInstance } = {};
    const ports = this.portsFor(spec, ifName, entry.sock, primary, () => ref.inst);
    const inst = new VrrpInstance(spec, { clock, log, ports, primaryAddress: primary, mcastGroup });
    ref.inst = inst;
    entry.instances.push(inst);
    return inst;
  }

  private rtnl(): RtNetlinkSocket {
    if (!this.rt) throw new Error('runtime not started');
    return this.rt;
  }

  private socketFor(ifName: string, family: 4 | 6, unicast: boolean, ah: boolean): SocketEntry {
    const key = `${ifName}/${family}/${unicast ? 'u' : 'm'}${ah ? '/ah' : ''}`;
    const have = this.sockets.get(key);
    if (have) return have;
    const entry: SocketEntry = {
      instances: [],
      sock: VrrpSocket.open({
        ifName,
        family: family === 4 ? 'ipv4' : 'ipv6',
        groups: [],
        // The instance applies RFC 5798 §7.1's TTL / hop limit 255 check itself (min_ttl/max_ttl
        // for unicast peers) and counts a failure in its own ip_ttl_err, as keepalived does.
        requireTtl255: false,
        protocol: ah ? IPPROTO_AH : undefined,
        onMessage: (d) => this.demux(entry, d),
        onDrop: (reason, detail) => this.countDrop(reason === 'ttl' ? 'ttlInvalid' : reason, `${ifName}: ${detail}`),
        onError: (err) => this.o.log.warn({ code: 'KAD_WARN_VRRP_SOCKET_ERROR', interface: ifName, err: err.message }, `VRRP socket on ${ifName}: ${err.message}`),
      }),
    };
    this.sockets.set(key, entry);
    return entry;
  }

  /** Hand a datagram to the instances of its VRID (IPv4: the whole IP packet, AH included). */
  private demux(entry: SocketEntry, d: ReceivedDatagram): void {
    let bytes: Buffer = d.payload;
    let vridOffset = 1;
    if (d.family === 'ipv4' && d.ipHeader) {
      bytes = Buffer.concat([d.ipHeader, d.payload]);
      if (d.ipHeader[9] === IPPROTO_AH) vridOffset = AH_HEADER_LEN + 1;
    }
    const vrid = d.payload[vridOffset];
    const meta = { srcAddress: d.source, dstAddress: d.destination, ttl: d.ttl, ifname: entry.sock.ifName };
    let delivered = false;
    for (const inst of entry.instances) {
      if (inst.spec.vrid !== vrid) continue;
      delivered = true;
      inst.receive(bytes, meta);
    }
    if (!delivered) this.countDrop('vridUnknown', `${entry.sock.ifName}: VRID ${vrid ?? '?'} from ${d.source}`);
  }

  private countDrop(reason: string, detail: string): void {
    this.drops[reason] = (this.drops[reason] ?? 0) + 1;
    const suppressed = this.dropLog.take(this.o.clock.nowMs());
    if (suppressed >= 0) {
      this.o.log.warn({ code: 'KAD_WARN_VRRP_PACKET_DROPPED', drop: reason, detail, suppressed }, `dropped packet: ${reason} (${detail})`);
    }
  }

  private portsFor(spec: InstanceSpec, ifName: string, sock: VrrpSocket, source: string, inst: () => VrrpInstance | undefined): InstancePorts {
    const { log } = this.o;
    return {
      sendAdvert: (bytes, dest) => {
        if (this.silent.has(spec.name)) return;
        const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        const r = spec.family === 4 ? sock.sendIpv4Packet(buf, dest) : sock.send(buf, { destination: dest, source });
        if (!r.ok) log.debug({ instance: spec.name, errno: r.error.code }, `(${spec.name}) advert send failed: ${r.error.code}`);
      },
      addVips: () => {
        this.firewall.raise(spec);
        this.enqueueAddresses(spec, this.allAddresses(spec), true);
      },
      removeVips: () => {
        if (this.silent.has(spec.name) || (this.stopping && this.o.keepVipsOnStop)) return;
        this.enqueueAddresses(spec, this.allAddresses(spec), false);
        this.firewall.lower(spec);
        void this.addrQueue.then(() => this.firewall.apply());
      },
      sendGratuitous: () => this.sendGratuitous(spec, ifName),
      notify: (state, priority) => this.silent.has(spec.name) || this.notifier.notify('INSTANCE', spec.name, spec.notify, state, priority),
      notifyRxLowerPriority: () => this.notifier.notifyRxLowerPri(spec.name, spec.notify),
      stateChanged: (_from, to, reason) => {
        if (this.silent.has(spec.name)) return;
        const i = inst();
        this.o.onState?.(spec.name, to === 'INIT' ? 'STOP' : to, i?.effectivePriority ?? spec.priority, reason);
      },
    };
  }

  /** VIPs of both families plus `virtual_ipaddress_excluded`. */
  private allAddresses(spec: InstanceSpec): IpAddress[] {
    return [...spec.vips, ...spec.excludedVips];
  }

  private enqueueAddresses(spec: InstanceSpec, addrs: readonly IpAddress[], add: boolean): void {
    // When nothing is pending, start at once: the netlink request leaves before the GARPs and
    // anything else the takeover does in the same tick.
    const run = (): Promise<void> => this.changeAddresses(spec, addrs, add);
    const next = this.addrPending === 0 ? run() : this.addrQueue.then(run);
    this.addrPending++;
    this.addrQueue = next.finally(() => this.addrPending--);
  }

  private async changeAddresses(spec: InstanceSpec, addrs: readonly IpAddress[], add: boolean): Promise<void> {
    for (const a of addrs) {
      const dev = a.dev ?? ifOf(spec, this.o.config);
      const link = this.links.get(dev);
      if (!link) {
        this.o.log.warn({ code: 'KAD_WARN_VRRP_VIP_DEVICE', instance: spec.name, dev }, `(${spec.name}) no interface ${dev} for ${a.address}`);
        continue;
      }
      const s: AddressSpec = {
        ifIndex: link.index, address: a.address, prefixLen: a.prefixLen, brd: a.brd, label: a.label, peer: a.peer,
        scope: a.scope, noDad: a.noDad || a.family === 6, noPrefixRoute: a.noPrefixRoute,
      };
      try {
        const r = add ? await addAddress(this.rtnl(), s) : await removeAddress(this.rtnl(), s);
        if (r === 'added' || r === 'removed') this.o.log.debug({ instance: spec.name, address: a.address, dev }, `(${spec.name}) ${r} ${a.address}/${a.prefixLen} dev ${dev}`);
      } catch (err) {
        this.o.log.error({ code: 'KAD_ERR_VRRP_VIP', instance: spec.name, address: a.address, err: (err as Error).message }, `(${spec.name}) cannot ${add ? 'add' : 'remove'} ${a.address}: ${(err as Error).message}`);
      }
    }
  }

  /** One round of GARP / unsolicited NA for every VIP (RFC 5798 §6.4.1, §6.4.2). */
  private sendGratuitous(spec: InstanceSpec, ifName: string): void {
    for (const a of this.allAddresses(spec)) {
      const dev = a.dev ?? ifName;
      const mac = this.links.get(dev)?.mac;
      if (!mac) continue;
      const ps = this.packetSocketFor(dev);
      if (!ps) continue;
      const g = this.o.config.global;
      const frame = a.family === 4 ? buildGratuitousArp(mac, a.address) : buildUnsolicitedNa(mac, a.address);
      this.sendPaced(dev, ps, frame, a.family === 4 ? g.vrrpGarpIntervalMs : g.vrrpGnaIntervalMs);
    }
  }

  /**
   * `vrrp_garp_interval` / `vrrp_gna_interval`: successive gratuitous frames on one interface
   * leave at least that far apart (0: all at once).
   */
  private sendPaced(dev: string, ps: PacketSocket, frame: Buffer, intervalMs: number): void {
    if (intervalMs <= 0) {
      ps.send(frame);
      return;
    }
    let q = this.garpQueues.get(dev);
    if (!q) {
      q = { frames: [], busy: false };
      this.garpQueues.set(dev, q);
    }
    q.frames.push({ ps, frame, intervalMs });
    if (!q.busy) this.drainPaced(q);
  }

  private drainPaced(q: GarpQueue): void {
    const next = q.frames.shift();
    q.busy = next !== undefined && !this.stopping;
    if (!next || this.stopping) return;
    next.ps.send(next.frame);
    this.o.clock.setTimer(next.intervalMs, () => this.drainPaced(q));
  }


  /** The AF_PACKET socket of `dev`, opened on first use; undefined (logged) when it cannot be. */
  private packetSocketFor(dev: string): PacketSocket | undefined {
    const have = this.packetSockets.get(dev);
    if (have) return have;
    try {
      const ps = PacketSocket.open(dev);
      this.packetSockets.set(dev, ps);
      return ps;
    } catch (err) {
      this.o.log.warn({ code: 'KAD_WARN_VRRP_SOCKET_ERROR', interface: dev, err: (err as Error).message }, `cannot open packet socket on ${dev}`);
      return undefined;
    }
  }

  private onLink(ev: LinkInfo & { deleted: boolean }): void {
    const before = this.links.get(ev.name);
    if (ev.deleted) this.links.delete(ev.name);
    else this.links.set(ev.name, ev);
    const running = !ev.deleted && ev.running;
    if (before?.running === running && !ev.deleted) return;
    this.o.log.info({ interface: ev.name, running }, `Netlink reports ${ev.name} ${running ? 'up' : 'down'}`);
    for (const inst of this.instances) if (ifOf(inst.spec, this.o.config) === ev.name) inst.linkChanged(running);
    this.trackers.linkChanged(ev.name, running);
  }

  /**
   * Graceful stop: every MASTER sends priority 0 and (unless -V) drops its VIPs; waits until
   * the address changes reached the kernel, then closes the seams.
   */
  async stop(): Promise<void> {
    await this.detach(new Set());
  }

  /**
   * Reload: stop this runtime, silently for the instances named in `keep` (no advert, no VIP
   * change, no notify: the next runtime takes them over), gracefully for the others.
   */
  async detach(keep: ReadonlySet<string>): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    for (const name of keep) this.silent.add(name);
    this.trackers.stop();
    for (const inst of this.instances) inst.shutdown();
    await this.addrQueue;
    // On reload the next runtime replaces the table in one batch; no gap without the drops.
    if (keep.size === 0) this.firewall.stop();
    this.watcher?.close();
    for (const e of this.sockets.values()) e.sock.close();
    for (const p of this.packetSockets.values()) p.close();
    this.rt?.socket.close();
  }
}
