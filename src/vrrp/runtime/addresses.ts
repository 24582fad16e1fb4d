/**
 * The VIP / address queue: every add and remove goes through one promise chain, so they reach
 * the kernel in the order the instances asked for them. `virtual_ipaddress_excluded` addresses
 * follow the VIPs. Survives reloads.
 */
import type { IpAddress, VrrpInstance } from '../../config/model.js';
import type { Logger } from '../../core/log.js';
import { addAddress, removeAddress, type AddressSpec } from '../../net/rtnl-addr.js';
import type { LinkTable } from './links.js';
import { canonicalAddress } from '../../core/addr.js';

/** VIPs of both families plus `virtual_ipaddress_excluded`. */
export function allAddresses(spec: VrrpInstance): IpAddress[] {
  return [...spec.vips, ...spec.excludedVips];
}

/**
 * The preferred lifetime a VIP is added with (seconds; undefined = forever). keepalived 2.2.7
 * sends one for IPv6 only (an IPv4 `preferred_lft` has no effect) and deprecates an IPv6 /128
 * unless told `preferred_lft forever` (measured: `ip addr` shows "deprecated", preferred_lft 0sec).
 */
export function preferredLftOf(a: IpAddress): number | undefined {
  if (a.family !== 6) return undefined;
  const p = a.preferredLft ?? (a.prefixLen === 128 ? 0 : 'forever');
  return p === 'forever' ? undefined : p;
}

/** Identity of an address on a link, as the rtnetlink notifications report it. */
export function addressKey(ifIndex: number, address: string): string {
  return `${ifIndex}/${address}`;
}

/** See the file header. */
export class AddressQueue {
  /** Removals kad asked for whose notification has not come back yet (see `ownRemoval`). */
  private readonly removing = new Map<string, number>();
  private queue: Promise<void> = Promise.resolve();
  private pending = 0;

  /** `devOf`: the device an address of an instance goes on. */
  constructor(
    private readonly links: LinkTable,
    private readonly log: Logger,
    private readonly devOf: (spec: VrrpInstance, a: IpAddress) => string,
  ) {}

  /** Resolves once every change queued so far reached the kernel. */
  get drained(): Promise<void> {
    return this.queue;
  }

  /** Queue adding (or removing) `addrs` of `spec`. */
  enqueue(spec: VrrpInstance, addrs: readonly IpAddress[], add: boolean): void {
    this.enqueueFor(spec.name, addrs, add, (a) => this.devOf(spec, a));
  }

  /** Queue adding (or removing) `static_ipaddress` addresses; `dev` defaults to `defaultDev`. */
  enqueueStatic(addrs: readonly IpAddress[], add: boolean, defaultDev: string): void {
    this.enqueueFor('static', addrs, add, (a) => a.dev ?? defaultDev);
  }

  private enqueueFor(owner: string, addrs: readonly IpAddress[], add: boolean, devOf: (a: IpAddress) => string): void {
    // When nothing is pending, start at once: the netlink request leaves before the GARPs and
    // anything else the takeover does in the same tick.
    const run = (): Promise<void> => this.changeFor(owner, addrs, add, devOf);
    const next = this.pending === 0 ? run() : this.queue.then(run);
    this.pending++;
    this.queue = next.finally(() => this.pending--);
  }

  /**
   * Whether the deletion of `key` reported by the kernel is one kad asked for (consumed: each
   * request matches one notification). Anything else was removed by someone else.
   */
  ownRemoval(key: string): boolean {
    const n = this.removing.get(key);
    if (n === undefined) return false;
    this.forget(key);
    return true;
  }

  private forget(key: string): void {
    const n = this.removing.get(key) ?? 0;
    if (n <= 1) this.removing.delete(key);
    else this.removing.set(key, n - 1);
  }

  /** Apply at once (start of day: clearing stale VIPs); errors are logged, never thrown. */
  change(spec: VrrpInstance, addrs: readonly IpAddress[], add: boolean): Promise<void> {
    return this.changeFor(spec.name, addrs, add, (a) => this.devOf(spec, a));
  }

  private async changeFor(owner: string, addrs: readonly IpAddress[], add: boolean, devOf: (a: IpAddress) => string): Promise<void> {
    for (const a of addrs) {
      const dev = devOf(a);
      const link = this.links.get(dev);
      if (!link) {
        this.log.warn({ code: 'KAD_WARN_VRRP_VIP_DEVICE', instance: owner, dev }, `(${owner}) no interface ${dev} for ${a.address}`);
        continue;
      }
      const s: AddressSpec = {
        ifIndex: link.index, address: a.address, prefixLen: a.prefixLen, brd: a.brd, label: a.label, peer: a.peer,
        scope: a.scope, noDad: a.noDad || a.family === 6, noPrefixRoute: a.noPrefixRoute, preferredLft: preferredLftOf(a),
      };
      const key = addressKey(link.index, canonicalAddress(a.address, a.family) ?? a.address);
      if (!add) this.removing.set(key, (this.removing.get(key) ?? 0) + 1);
      try {
        const r = add ? await addAddress(this.links.rtnl, s) : await removeAddress(this.links.rtnl, s);
        if (r === 'absent') this.forget(key);
        if (r === 'added' || r === 'removed') this.log.debug({ instance: owner, address: a.address, dev }, `(${owner}) ${r} ${a.address}/${a.prefixLen} dev ${dev}`);
      } catch (err) {
        if (!add) this.forget(key);
        this.log.error({ code: 'KAD_ERR_VRRP_VIP', instance: owner, address: a.address, err: (err as Error).message }, `(${owner}) cannot ${add ? 'add' : 'remove'} ${a.address}: ${(err as Error).message}`);
      }
    }
  }
}
