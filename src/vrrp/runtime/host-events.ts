/**
 * What the host does to the instances' links and addresses: an interface going down or away,
 * (re)appearing, a macvlan deleted by hand, a VIP deleted by someone else. Keeps the instances
 * that wait for an interface (dynamic_interfaces, or a deleted one) and builds them when it is
 * back with an address; FAULT predecessors are replaced. Behaviour measured on keepalived 2.2.7,
 * see docs/configuration.md (VIPs, interfaces and VMAC).
 */
import type { Config, IpAddress, VrrpInstance } from '../../config/model.js';
import type { Logger } from '../../core/log.js';
import type { AddrEvent } from '../../net/rtnl-link.js';
import type { Instance } from '../protocol/instance.js';
import { deletedTrackedVip } from '../protocol/vip-watch.js';
import { addressKey, allAddresses, type AddressQueue } from './addresses.js';
import type { Announcer } from './announcer.js';
import type { LinkChange, LinkTable } from './links.js';
import type { VrrpSockets } from './sockets.js';
import type { TrackerRegistry } from './track/registry.js';
import { sameModel } from './reload-plan.js';
import { ownLinkOf } from './vmac-plan.js';
import type { Vmacs } from './vmac.js';

/** What HostEvents reads of the runtime and asks of it. */
export interface HostView {
  /** The runtime's instance list (replaced entries are spliced in place). */
  readonly instances: Instance[];
  config(): Config;
  stopping(): boolean;
  ifOf(spec: VrrpInstance): string;
  vipIfOf(spec: VrrpInstance): string;
  devOf(spec: VrrpInstance, a: IpAddress): string;
  /** Build `spec`; `quiet`: its predecessor's interface was deleted (no error when missing). */
  build(spec: VrrpInstance, quiet: boolean): Promise<Instance | undefined>;
  /** Instances just built outside start/reload: rebind sync groups and trackers, start them. */
  restart(fresh: readonly Instance[]): void;
}

/** The runtime's adapters HostEvents uses. */
export interface HostSeams {
  links: LinkTable;
  sockets: VrrpSockets;
  announcer: Announcer;
  addresses: AddressQueue;
  vmacs: Vmacs;
  trackers: TrackerRegistry;
  log: Logger;
}

/** See the file header. */
export class HostEvents {
  /** Instances waiting for their interface (or its address), by name. */
  readonly waiting = new Set<string>();
  /** The interface each built instance sends on (its own, or its macvlan). */
  readonly sendIf = new Map<string, string>();
  private revivals: Promise<void> = Promise.resolve();

  constructor(
    private readonly rt: HostView,
    private readonly s: HostSeams,
  ) {}

  /** A link went up/down, appeared or was deleted. */
  onLink(name: string, running: boolean, change: LinkChange): void {
    const { rt, s } = this;
    for (const inst of rt.instances) {
      // One whose interface was deleted stays FAULT until `revive` replaces it.
      if (this.waiting.has(inst.name)) continue;
      if (rt.ifOf(inst.spec) === name) inst.linkChanged(running);
      // A started instance's macvlan going down (or up again) under a running base: FAULT (or back).
      else if (inst.spec.useVmac && rt.vipIfOf(inst.spec) === name && inst.state !== 'INIT' && s.links.running(rt.ifOf(inst.spec))) inst.linkChanged(running);
    }
    s.trackers.linkChanged(name, running);
    if (rt.stopping()) return;
    if (change.deleted) this.linkDeleted(name);
    if (change.appeared && !s.vmacs.owns(name)) this.revive(name);
  }

  /**
   * An interface was deleted: its instances are FAULT already (down). Their sockets, bound to
   * the old index, are closed; each waits for the interface to come back (a new index). A
   * macvlan of kad's deleted under a running base: its instance went FAULT (down) and the
   * macvlan is made again at once (keepalived 2.2.7, measured: FAULT, re-created, BACKUP, MASTER).
   */
  private linkDeleted(name: string): void {
    const { rt, s } = this;
    const bases = new Set<string>();
    for (const inst of rt.instances) {
      const base = rt.ifOf(inst.spec);
      if (![base, rt.vipIfOf(inst.spec), this.sendIf.get(inst.name)].includes(name)) continue;
      s.sockets.detach(inst);
      this.sendIf.delete(inst.name);
      this.waiting.add(inst.name);
      if (base !== name && s.links.running(base)) bases.add(base);
    }
    s.announcer.forget(name);
    for (const base of bases) this.revive(base);
  }

  /**
   * Build and start the waiting instances on `ifName` (it appeared, or got an address). A FAULT
   * predecessor is replaced: the new one starts as BACKUP and re-adds its VIPs when it becomes
   * MASTER. Serialised: events come in bursts.
   */
  private revive(ifName: string): void {
    const { rt } = this;
    this.revivals = this.revivals.then(async () => {
      const fresh: Instance[] = [];
      for (const spec of rt.config().vrrpInstances.filter((x) => this.waitsFor(x, ifName))) {
        if (rt.stopping()) return;
        const at = rt.instances.findIndex((i) => i.name === spec.name);
        const inst = await rt.build(spec, at >= 0);
        if (!inst) continue;
        const now = rt.instances.findIndex((i) => i.name === spec.name);
        if (now >= 0) rt.instances.splice(now, 1, inst)[0]?.retire();
        else rt.instances.push(inst);
        fresh.push(inst);
      }
      if (fresh.length > 0 && !rt.stopping()) rt.restart(fresh);
    }).catch((err: unknown) => this.s.log.error({ code: 'KAD_ERR_VRRP_REVIVE', interface: ifName, err: (err as Error).message }, `cannot start the instances on ${ifName}: ${(err as Error).message}`));
  }

  /** Whether `spec` waits for `ifName` (its interface, or its macvlan's address). */
  private waitsFor(spec: VrrpInstance, ifName: string): boolean {
    return this.waiting.has(spec.name) && (this.rt.ifOf(spec) === ifName || this.rt.vipIfOf(spec) === ifName);
  }

  /**
   * An address was added or removed. Added on an interface instances wait for: try them.
   * Removed by someone else: a MASTER whose tracked VIP it was leaves MASTER (fsm.ts vipDeleted).
   */
  onAddr(ev: AddrEvent, ifName: string): void {
    const { rt, s } = this;
    if (rt.stopping()) return;
    if (ev.change === 'added') {
      if (rt.config().vrrpInstances.some((x) => this.waitsFor(x, ifName))) this.revive(ifName);
      return;
    }
    // The kernel flushes the addresses of an interface going down or away: that is a link event.
    if (s.addresses.ownRemoval(addressKey(ev.ifIndex, ev.address)) || !s.links.running(ifName)) return;
    for (const inst of rt.instances) {
      if (inst.state !== 'MASTER') continue;
      if (!deletedTrackedVip(allAddresses(inst.spec), (a) => rt.devOf(inst.spec, a), { ifName, address: ev.address })) continue;
      s.log.info({ instance: inst.name, address: ev.address, interface: ifName }, `Netlink reports IP ${ev.address} removed from ${ifName}`);
      inst.vipDeleted();
    }
  }

  /**
   * Reload: a rebuilt instance whose macvlan changed name (or that dropped use_vmac; or whose
   * ipvlan changed name, flag or address) loses the old link first, since the kernel refuses two macvlans with one MAC up on one base
   * (EADDRINUSE). The old instance waits meanwhile (no FAULT for a link kad removes itself).
   */
  async dropChangedVmacs(rebuild: readonly string[], before: ReadonlyMap<string, Instance>, config: Config): Promise<void> {
    for (const name of rebuild) {
      const old = before.get(name)?.spec;
      const now = config.vrrpInstances.find((x) => x.name === name);
      const was = old && ownLinkOf(old);
      if (!was || (now && ownLinkOf(now) === was && now.useVmac === old.useVmac && sameModel(now.ipvlan, old.ipvlan))) continue;
      this.waiting.add(name);
      await this.s.vmacs.remove(name);
    }
  }
}
