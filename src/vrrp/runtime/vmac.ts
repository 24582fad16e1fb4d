/**
 * `use_vmac`: one macvlan (private mode) per instance on its interface, created through the
 * rtnetlink seam (net/rtnl-vmac.ts) before the instance is built, with the sysctls of
 * vmac-plan.ts. VIPs without `dev` go on it; adverts leave from it unless `vmac_xmit_base`. A
 * macvlan left by a crashed predecessor (same name, same parent) is reused. Removed on stop.
 */
import type { VrrpInstance } from '../../config/model.js';
import type { Logger } from '../../core/log.js';
import type { LinkInfo } from '../../net/rtnl-link.js';
import { createMacvlan, deleteLink, setLinkUp, virtualRouterMac } from '../../net/rtnl-vmac.js';
import type { LinkTable } from './links.js';
import type { SysctlGuard } from './sysctls.js';
import { vmacNameOf, vmacSysctls } from './vmac-plan.js';
import { readSysctl } from '../../net/sysctl.js';

/** The macvlan's MAC: configured, else RFC 5798 §7.3's virtual router MAC. */
export function vmacMacOf(spec: VrrpInstance): string {
  return spec.vmacMac ?? virtualRouterMac(spec.vrid, spec.family === 6 ? 'ipv6' : 'ipv4');
}

/** See the file header. */
export class Vmacs {
  /** Macvlans kad created or adopted: name → instance. */
  private readonly owned = new Map<string, string>();

  constructor(
    private readonly links: LinkTable,
    private readonly log: Logger,
    private readonly sysctls: SysctlGuard,
  ) {}

  /** Create (or adopt) the macvlan of `spec` on `base`, up, with its sysctls; undefined (logged) on failure. */
  async ensure(spec: VrrpInstance, base: LinkInfo): Promise<LinkInfo | undefined> {
    const name = vmacNameOf(spec);
    try {
      const r = await createMacvlan(this.links.rtnl, { name, parentIndex: base.index, mac: vmacMacOf(spec) });
      const link = await this.links.refresh(name);
      if (!link) throw new Error(`${name} vanished after it was created`);
      // A same-named interface that is not ours (another MAC) is never adopted, nor deleted later.
      if (r === 'exists' && link.mac !== vmacMacOf(spec)) throw new Error(`an interface ${name} with MAC ${link.mac ?? 'none'} already exists`);
      await setLinkUp(this.links.rtnl, link.index, true);
      this.owned.set(name, spec.name);
      this.log.info({ instance: spec.name, interface: name }, `(${spec.name}) ${r === 'created' ? 'Success creating' : 'Reusing'} VMAC interface ${name}`);
      const others = this.links.names().filter((n) => !this.owned.has(n));
      this.sysctls.apply(vmacSysctls(spec, base.name, name, others, readSysctl));
      return (await this.links.refresh(name)) ?? link;
    } catch (err) {
      this.log.error({ code: 'KAD_ERR_VRRP_VMAC', instance: spec.name, interface: name, err: (err as Error).message }, `(${spec.name}) cannot create VMAC interface ${name}: ${(err as Error).message}`);
      return undefined;
    }
  }

  /** Whether `name` is a macvlan of this runtime. */
  owns(name: string): boolean {
    return this.owned.has(name);
  }

  /** Delete the macvlan of instance `instance` (a reload removed or renamed it), or every one (`undefined`: stop). */
  async remove(instance?: string): Promise<void> {
    for (const [name, owner] of [...this.owned]) {
      if (instance !== undefined && owner !== instance) continue;
      this.owned.delete(name);
      const link = this.links.get(name);
      if (!link) continue;
      try {
        await deleteLink(this.links.rtnl, link.index);
        this.log.info({ instance: owner, interface: name }, `(${owner}) Success removing VMAC interface ${name}`);
      } catch (err) {
        this.log.warn({ code: 'KAD_WARN_VRRP_VMAC_REMOVE', instance: owner, interface: name, err: (err as Error).message }, `(${owner}) cannot remove VMAC interface ${name}: ${(err as Error).message}`);
      }
    }
  }
}
