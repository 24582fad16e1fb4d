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
import type { VrrpInstance } from '../../config/model.js';

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

const v4 = (ifName: string, key: string): string => `/proc/sys/net/ipv4/conf/${ifName}/${key}`;
const v6 = (ifName: string, key: string): string => `/proc/sys/net/ipv6/conf/${ifName}/${key}`;

/**
 * The sysctl writes for one instance's macvlan `vmac` on `base`; `others` are the namespace's
 * other interfaces (for rp_filter), `read` gives a sysctl's current value.
 */
export function vmacSysctls(
  spec: VrrpInstance,
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

/** `promote_secondaries` on the instance's interface (restored on exit, as keepalived does). */
export function promoteSecondariesSysctl(ifName: string): SysctlChange {
  return { path: v4(ifName, 'promote_secondaries'), value: '1', restore: true };
}
