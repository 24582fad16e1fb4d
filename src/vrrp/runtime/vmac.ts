/**
 * `use_vmac`: one macvlan (private mode) per instance on its interface, created through the
 * rtnetlink seam (net/rtnl-vmac.ts) before the instance is built, with the sysctls of
 * vmac-plan.ts. VIPs without `dev` go on it; adverts leave from it unless `vmac_xmit_base`. A
 * macvlan left by a crashed predecessor (same name, same parent) is reused. Removed on stop.
 * `use_vmac_addr` adds one per other interface (and family) the instance's VIPs name.
 * `use_ipvlan` is handled alike: an L2 ipvlan (its parent's MAC) with its address, which adverts
 * leave from; VIPs stay on the interface, as keepalived 2.2.7 puts them.
 */
import type { Family, IpAddress, Ipvlan, VrrpInstance } from '../../config/model.js';
import type { Logger } from '../../core/log.js';
import type { LinkInfo } from '../../net/rtnl-link.js';
import { createIpvlan, createMacvlan, deleteLink, setLinkUp, virtualRouterMac } from '../../net/rtnl-vmac.js';
import { addAddress } from '../../net/rtnl-addr.js';
import type { LinkTable } from './links.js';
import type { SysctlGuard } from './sysctls.js';
import { addrVmacsOf, ipvlanSysctls, vmacNameOf, vmacSysctls, type AddrVmac } from './vmac-plan.js';
import { readSysctl } from '../../net/sysctl.js';

/** The macvlan's MAC: configured, else RFC 5798 §7.3's virtual router MAC. */
export function vmacMacOf(spec: VrrpInstance): string {
  return spec.vmacMac ?? virtualRouterMac(spec.vrid, spec.family === 6 ? 'ipv6' : 'ipv4');
}

/** See the file header. */
export class Vmacs {
  /** Macvlans kad created or adopted: name → instance. */
  private readonly owned = new Map<string, string>();
  /** use_vmac_addr macvlans made, by instance. */
  private readonly byInstance = new Map<string, AddrVmac[]>();

  constructor(
    private readonly links: LinkTable,
    private readonly log: Logger,
    private readonly sysctls: SysctlGuard,
  ) {}

  /** Create (or adopt) the macvlan of `spec` on `base`, up, with its sysctls; undefined (logged) on failure. */
  ensure(spec: VrrpInstance, base: LinkInfo): Promise<LinkInfo | undefined> {
    return this.create(spec.name, { name: vmacNameOf(spec), family: spec.family, mac: vmacMacOf(spec) }, base);
  }

  /** Create (or adopt) the ipvlan of `spec` on `base`, up, with its address; undefined (logged) on failure. */
  async ensureIpvlan(spec: VrrpInstance, ipvlan: Ipvlan, base: LinkInfo): Promise<LinkInfo | undefined> {
    if (spec.family === 4 && !ipvlan.address) {
      // A config error already; keepalived 2.2.7 leaves such an instance in FAULT.
      this.log.error({ code: 'KAD_ERR_VRRP_VMAC', instance: spec.name, interface: ipvlan.name }, `(${spec.name}) IPv4 ipvlan requires a source ip address to be configured; not started`);
      return undefined;
    }
    const link = await this.create(spec.name, { name: ipvlan.name, family: spec.family, mac: base.mac ?? '', ipvlan }, base);
    if (!link || !ipvlan.address) return link;
    try {
      await addAddress(this.links.rtnl, { ifIndex: link.index, address: ipvlan.address.address, prefixLen: ipvlan.address.prefixLen, noDad: ipvlan.address.family === 6 });
    } catch (err) {
      this.log.error({ code: 'KAD_ERR_VRRP_VMAC', instance: spec.name, interface: ipvlan.name, err: (err as Error).message }, `(${spec.name}) Failed to add interface address to ${ipvlan.name}: ${(err as Error).message}`);
    }
    return link;
  }

  /**
   * `use_vmac_addr`: the macvlans of `spec` (on `ifName`) for its `addresses` on other
   * interfaces, each with the virtual router MAC of its family. One whose interface is missing
   * or that cannot be made is left out: its VIPs go on their interface itself.
   */
  async ensureAddrs(spec: VrrpInstance, ifName: string, addresses: readonly IpAddress[]): Promise<void> {
    const plan = addrVmacsOf(spec, ifName, addresses);
    // Rebuilt by a reload: the macvlans it no longer needs (or needs elsewhere) go first.
    const same = (a: AddrVmac, b: AddrVmac): boolean => a.name === b.name && a.base === b.base && a.family === b.family;
    for (const old of this.addrVmacs(spec.name).filter((o) => !plan.some((v) => same(o, v)))) await this.drop(old.name);
    const made: AddrVmac[] = [];
    for (const v of plan) {
      const base = this.links.get(v.base);
      const mac = virtualRouterMac(spec.vrid, v.family === 6 ? 'ipv6' : 'ipv4');
      if (base && (await this.create(spec.name, { name: v.name, family: v.family, mac }, base))) made.push(v);
    }
    this.byInstance.set(spec.name, made);
  }

  /** The `use_vmac_addr` macvlans instance `instance` has. */
  addrVmacs(instance: string): readonly AddrVmac[] {
    return this.byInstance.get(instance) ?? [];
  }

  /** A macvlan with `v.mac`, or with `v.ipvlan` an ipvlan (whose MAC is its parent's, `v.mac`). */
  private async create(owner: string, v: { name: string; family: Family; mac: string; ipvlan?: Ipvlan }, base: LinkInfo): Promise<LinkInfo | undefined> {
    const { name, mac } = v;
    const kind = v.ipvlan ? 'ipvlan' : 'VMAC';
    try {
      const r = v.ipvlan
        ? await createIpvlan(this.links.rtnl, { name, parentIndex: base.index, flag: v.ipvlan.mode })
        : await createMacvlan(this.links.rtnl, { name, parentIndex: base.index, mac });
      const link = await this.links.refresh(name);
      if (!link) throw new Error(`${name} vanished after it was created`);
      // A same-named interface that is not ours (another MAC) is never adopted, nor deleted later.
      if (r === 'exists' && link.mac !== mac) throw new Error(`an interface ${name} with MAC ${link.mac ?? 'none'} already exists`);
      await setLinkUp(this.links.rtnl, link.index, true);
      this.owned.set(name, owner);
      this.log.info({ instance: owner, interface: name }, `(${owner}) ${r === 'created' ? 'Success creating' : 'Reusing'} ${kind} interface ${name}`);
      const others = this.links.names().filter((n) => !this.owned.has(n));
      this.sysctls.apply(v.ipvlan ? ipvlanSysctls(v, name) : vmacSysctls(v, base.name, name, others, readSysctl));
      return (await this.links.refresh(name)) ?? link;
    } catch (err) {
      this.log.error({ code: 'KAD_ERR_VRRP_VMAC', instance: owner, interface: name, err: (err as Error).message }, `(${owner}) cannot create ${kind} interface ${name}: ${(err as Error).message}`);
      return undefined;
    }
  }

  /** Whether `name` is a macvlan of this runtime. */
  owns(name: string): boolean {
    return this.owned.has(name);
  }

  /** Delete the macvlan of instance `instance` (a reload removed or renamed it), or every one (`undefined`: stop). */
  async remove(instance?: string): Promise<void> {
    if (instance === undefined) this.byInstance.clear();
    else this.byInstance.delete(instance);
    for (const [name, owner] of [...this.owned]) {
      if (instance !== undefined && owner !== instance) continue;
      await this.drop(name);
    }
  }

  /** Delete one macvlan of ours (logged). */
  private async drop(name: string): Promise<void> {
    const owner = this.owned.get(name);
    if (owner === undefined) return;
    this.owned.delete(name);
    const link = this.links.get(name);
    if (!link) return;
    try {
      await deleteLink(this.links.rtnl, link.index);
      this.log.info({ instance: owner, interface: name }, `(${owner}) Success removing VMAC interface ${name}`);
    } catch (err) {
      this.log.warn({ code: 'KAD_WARN_VRRP_VMAC_REMOVE', instance: owner, interface: name, err: (err as Error).message }, `(${owner}) cannot remove VMAC interface ${name}: ${(err as Error).message}`);
    }
  }
}
