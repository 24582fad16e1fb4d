/**
 * What `use_vmac` needs besides the macvlan itself (pure): its name and MAC, and the sysctls
 * keepalived 2.2.7 sets (measured in a namespace):
 *
 * - on the base interface: arp_ignore 1, arp_filter 1 (keepalived leaves them set on exit);
 * - on the macvlan: arp_ignore 1, accept_local 1, rp_filter 0, promote_secondaries 1, and for an
 *   IPv4 instance IPv6 off (disable_ipv6 1: no link-local, no DAD on the virtual MAC);
 * - when all.rp_filter is on (IPv4 instances): every other interface and `default` get the greater
 *   of their own value and all.rp_filter, then all.rp_filter 0 (restored on exit).
 */
import type { Family, IpAddress, VrrpInstance } from '../../config/model.js';

/** One sysctl to write; `restore`: put the old value back when kad stops. */
export interface SysctlChange {
  path: string;
  value: string;
  restore: boolean;
}

/** The macvlan's name: `use_vmac NAME`, else keepalived's `vrrp.VRID`. */
export function vmacNameOf(spec: VrrpInstance): string {
  return spec.vmacName ?? `vrrp.${spec.vrid}`;
}

/** The interface kad makes for `spec` on its own: the macvlan (use_vmac) or the ipvlan (use_ipvlan). */
export function ownLinkOf(spec: VrrpInstance): string | undefined {
  return spec.useVmac ? vmacNameOf(spec) : spec.ipvlan?.name;
}

/** One `use_vmac_addr` macvlan: on `base`, carrying the instance's VIPs of `family` there. */
export interface AddrVmac {
  name: string;
  base: string;
  family: Family;
}

/**
 * The `use_vmac_addr` macvlans of `spec` (on interface `ifName`), in the order their first VIP
 * or eVIP is written: one per other interface a VIP names with `dev` and address family, and
 * with `use_vmac` one on `ifName` for the other family's VIPs. Names as keepalived 2.2.7 gives
 * them (measured): `vrrp.VRID` (`vrrp6.VRID` for IPv6) when free, else `vrrpN.VRID`, N = 1, 2...
 */
export function addrVmacsOf(spec: VrrpInstance, ifName: string, addresses: readonly IpAddress[]): AddrVmac[] {
  if (!spec.useVmacAddr) return [];
  const out: AddrVmac[] = [];
  const taken = new Set(spec.useVmac ? [vmacNameOf(spec)] : []);
  for (const a of addresses) {
    const base = a.dev ?? ifName;
    if (base === ifName && !(spec.useVmac && a.family !== spec.family)) continue;
    if (out.some((v) => v.base === base && v.family === a.family)) continue;
    const first = `vrrp${a.family === 6 ? '6' : ''}.${spec.vrid}`;
    let name = first;
    for (let n = 1; taken.has(name); n++) name = `vrrp${n}.${spec.vrid}`;
    taken.add(name);
    out.push({ name, base, family: a.family });
  }
  return out;
}

/** The `use_vmac_addr` macvlan address `a` goes on, if any. */
export function addrVmacOf(plan: readonly AddrVmac[], a: IpAddress, ifName: string): AddrVmac | undefined {
  return plan.find((v) => v.base === (a.dev ?? ifName) && v.family === a.family);
}

const v4 = (ifName: string, key: string): string => `/proc/sys/net/ipv4/conf/${ifName}/${key}`;
const v6 = (ifName: string, key: string): string => `/proc/sys/net/ipv6/conf/${ifName}/${key}`;

/**
 * The sysctl writes for one instance's macvlan `vmac` on `base`; `others` are the namespace's
 * other interfaces (for rp_filter), `read` gives a sysctl's current value.
 */
export function vmacSysctls(
  spec: Pick<VrrpInstance, 'family'>,
  base: string,
  vmac: string,
  others: readonly string[],
  read: (path: string) => string | undefined,
): SysctlChange[] {
  const out: SysctlChange[] = [
    { path: v4(base, 'arp_ignore'), value: '1', restore: false },
    { path: v4(base, 'arp_filter'), value: '1', restore: false },
    { path: v4(vmac, 'arp_ignore'), value: '1', restore: false },
    { path: v4(vmac, 'accept_local'), value: '1', restore: false },
    { path: v4(vmac, 'rp_filter'), value: '0', restore: false },
    { path: v4(vmac, 'promote_secondaries'), value: '1', restore: false },
  ];
  if (spec.family === 6) return out;
  out.push({ path: v6(vmac, 'disable_ipv6'), value: '1', restore: false });
  const all = Number(read(v4('all', 'rp_filter')) ?? '0');
  if (!(all > 0)) return out;
  for (const name of [...others.filter((n) => n !== vmac), 'default']) {
    const own = Number(read(v4(name, 'rp_filter')) ?? 'NaN');
    if (Number.isFinite(own) && own < all) out.push({ path: v4(name, 'rp_filter'), value: String(all), restore: true });
  }
  out.push({ path: v4('all', 'rp_filter'), value: '0', restore: true });
  return out;
}

/**
 * The sysctl writes for an instance's `use_ipvlan` interface (measured against keepalived 2.2.7
 * in the kernel test): an IPv4 instance's ipvlan runs without IPv6.
 */
export function ipvlanSysctls(spec: Pick<VrrpInstance, 'family'>, ipvlan: string): SysctlChange[] {
  return spec.family === 4 ? [{ path: v6(ipvlan, 'disable_ipv6'), value: '1', restore: false }] : [];
}

/** `promote_secondaries` on the instance's interface (restored on exit, as keepalived does). */
export function promoteSecondariesSysctl(ifName: string): SysctlChange {
  return { path: v4(ifName, 'promote_secondaries'), value: '1', restore: true };
}
