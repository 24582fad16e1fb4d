/**
 * The VRRP firewall as data (pure): which instances need it, what the drop sets hold, and the
 * nft scripts that install, update and remove keepalived's table.
 *
 * RFC 5798 §6.4.3: a master that is not the address owner MUST NOT accept packets addressed to
 * the virtual addresses unless Accept_Mode is on. keepalived implements that with one nftables
 * table per family, named `keepalived` (or `nftables TABLE`), whose base chains `in` and `out`
 * drop traffic to and from the addresses in the set `vips`; IPv6 link-local VIPs sit in
 * `vips_link_local` (`vips_link_local_name` when keyed by interface name), keyed by address and
 * interface, and neighbour discovery always passes.
 * An instance's VIPs and eVIPs are in the set while it holds them (MASTER), and only when it is
 * not the owner (priority 255) and not in accept mode (`no_accept`, or `vrrp_strict` without
 * `accept`). The shape, names and hook priority follow Debian's keepalived 2.2.7 as listed by
 * `nft list ruleset`.
 */
import type { IpAddress, NftablesOptions, VrrpInstance } from '../../config/model.js';

/** The sets kad writes elements into. */
export type SetKey = 'ip vips' | 'ip6 vips' | 'ip6 vips_link_local';
export const SET_KEYS: readonly SetKey[] = ['ip vips', 'ip6 vips', 'ip6 vips_link_local'];

/** Elements per set, as nft writes them (`10.0.0.1`, `fe80::1 . "eth0"`), sorted, unique. */
export type Members = Readonly<Record<SetKey, readonly string[]>>;

export type Family = 'ip' | 'ip6';

/** What to install: the options and which family tables exist. */
export interface FirewallPlan {
  options: NftablesOptions;
  families: readonly Family[];
  /** Link-local key: `iface_index` (default) or `ifname` (dont_track_primary without nftables_ifindex). */
  linkLocalKey: 'iface_index' | 'ifname';
}

/** An address an instance adds, with the device it goes on. */
export interface PlacedAddress {
  address: string;
  family: 4 | 6;
  dev: string;
}

/** Whether an instance's addresses are dropped while it is MASTER (RFC 5798 §6.4.3). */
export function firewalled(spec: VrrpInstance): boolean {
  return !spec.accept && spec.priority !== 255 && spec.vips.length + spec.excludedVips.length > 0;
}

/** VIPs and eVIPs of an instance: the addresses its drop covers. */
export function coveredAddresses(spec: VrrpInstance): readonly IpAddress[] {
  return [...spec.vips, ...spec.excludedVips];
}

/** The table to install for these instances; undefined when none needs a firewall. */
export function planFirewall(specs: readonly VrrpInstance[], options: NftablesOptions): FirewallPlan | undefined {
  const need = specs.filter(firewalled);
  if (need.length === 0) return undefined;
  const fams = new Set(need.flatMap((s) => coveredAddresses(s).map((a) => a.family)));
  const families: Family[] = [];
  if (fams.has(4)) families.push('ip');
  if (fams.has(6)) families.push('ip6');
  const byName = !options.ifindex && need.some((s) => s.dontTrackPrimary);
  return { options, families, linkLocalKey: byName ? 'ifname' : 'iface_index' };
}

/** fe80::/10 */
const isLinkLocal = (address: string): boolean => /^fe[89ab][0-9a-f]?:/i.test(address);

/** The set contents for the addresses of every instance holding its VIPs. */
export function membersOf(addresses: readonly PlacedAddress[]): Members {
  const out: Record<SetKey, Set<string>> = { 'ip vips': new Set(), 'ip6 vips': new Set(), 'ip6 vips_link_local': new Set() };
  for (const a of addresses) {
    if (a.family === 4) out['ip vips'].add(a.address);
    else if (isLinkLocal(a.address)) out['ip6 vips_link_local'].add(`${a.address} . "${a.dev}"`);
    else out['ip6 vips'].add(a.address);
  }
  return {
    'ip vips': [...out['ip vips']].sort(),
    'ip6 vips': [...out['ip6 vips']].sort(),
    'ip6 vips_link_local': [...out['ip6 vips_link_local']].sort(),
  };
}

export const NO_MEMBERS: Members = { 'ip vips': [], 'ip6 vips': [], 'ip6 vips_link_local': [] };

const familyOf = (key: SetKey): Family => (key.startsWith('ip6') ? 'ip6' : 'ip');
/** keepalived names the set `vips_link_local_name` when it is keyed by interface name. */
const linkLocalSet = (plan: FirewallPlan): string => (plan.linkLocalKey === 'ifname' ? 'vips_link_local_name' : 'vips_link_local');
const setName = (key: SetKey, plan: FirewallPlan): string =>
  key === 'ip6 vips_link_local' ? linkLocalSet(plan) : key.slice(key.indexOf(' ') + 1);
const elements = (list: readonly string[]): string => `{ ${list.join(', ')} }`;

/** `add table` then `delete table`: removes the table whether or not it exists, in one batch. */
function dropTable(family: Family, table: string): string[] {
  return [`add table ${family} ${table}`, `delete table ${family} ${table}`];
}

function tableLines(plan: FirewallPlan, family: Family, members: Members): string[] {
  const { table, priority, counters } = plan.options;
  const t = `${family} ${table}`;
  const c = counters ? 'counter ' : '';
  const base = (hook: 'input' | 'output'): string => `{ type filter hook ${hook} priority ${priority}; policy accept; }`;
  const set = (name: string, type: string, list: readonly string[], extra = ''): string =>
    `add set ${t} ${name} { type ${type};${extra}${list.length > 0 ? ` elements = ${elements(list)};` : ''} }`;
  const lines = [`add table ${t}`, `add chain ${t} out ${base('output')}`, `add chain ${t} in ${base('input')}`];
  if (family === 'ip') {
    lines.push(
      set('vips', 'ipv4_addr', members['ip vips']),
      `add rule ${t} out ip saddr @vips ${c}drop`,
      `add rule ${t} in ip daddr @vips ${c}drop`,
    );
    return lines;
  }
  const key = plan.linkLocalKey;
  const ll = linkLocalSet(plan);
  const [iif, oif] = key === 'ifname' ? ['iifname', 'oifname'] : ['iif', 'oif'];
  lines.push(
    `add chain ${t} in_link_local`,
    `add chain ${t} out_link_local`,
    set('vips', 'ipv6_addr', members['ip6 vips']),
    set('neighbor-discovery', 'icmpv6_type', ['nd-neighbor-solicit', 'nd-neighbor-advert'], ' flags constant;'),
    set(ll, `ipv6_addr . ${key}`, members['ip6 vips_link_local']),
  );
  for (const [chain, dir, via] of [['out', 'saddr', oif], ['in', 'daddr', iif]] as const) {
    lines.push(
      `add rule ${t} ${chain} icmpv6 type @neighbor-discovery ${c}accept`,
      `add rule ${t} ${chain} ip6 ${dir} fe80::/10 ${c}goto ${chain}_link_local`,
      `add rule ${t} ${chain} ip6 ${dir} @vips ${c}drop`,
      `add rule ${t} ${chain}_link_local ip6 ${dir} . ${via} @${ll} ${c}drop`,
    );
  }
  return lines;
}

/**
 * One atomic batch that leaves exactly the planned tables with `members`: any table of the same
 * name (a killed predecessor's, a reload's) is deleted first, and a family the plan does not use
 * loses its table too. nft applies a batch all or nothing.
 */
export function installScript(plan: FirewallPlan, members: Members): string {
  const lines: string[] = [];
  for (const family of ['ip', 'ip6'] as const) {
    lines.push(...dropTable(family, plan.options.table));
    if (plan.families.includes(family)) lines.push(...tableLines(plan, family, members));
  }
  return lines.join('\n') + '\n';
}

/** Removes both family tables (graceful stop). */
export function removeScript(table: string): string {
  return [...dropTable('ip', table), ...dropTable('ip6', table)].join('\n') + '\n';
}

/** What changes from `current` to `desired`, per set. */
export interface MembersDiff {
  add: Members;
  remove: Members;
}

export function diffMembers(current: Members, desired: Members): MembersDiff {
  const add = { ...NO_MEMBERS };
  const remove = { ...NO_MEMBERS };
  for (const k of SET_KEYS) {
    const have = new Set(current[k]);
    const want = new Set(desired[k]);
    add[k] = desired[k].filter((e) => !have.has(e));
    remove[k] = current[k].filter((e) => !want.has(e));
  }
  return { add, remove };
}

/** Whether a diff changes nothing. */
export const emptyDiff = (d: MembersDiff): boolean => SET_KEYS.every((k) => d.add[k].length === 0 && d.remove[k].length === 0);

/**
 * The element changes of a diff as one batch (empty string when nothing changes). Sets of a
 * family the plan has no table for are skipped (the plan is built from the same instances).
 */
export function diffScript(plan: FirewallPlan, diff: MembersDiff): string {
  const lines: string[] = [];
  for (const k of SET_KEYS) {
    const family = familyOf(k);
    if (!plan.families.includes(family)) continue;
    const at = `${family} ${plan.options.table} ${setName(k, plan)}`;
    if (diff.remove[k].length > 0) lines.push(`delete element ${at} ${elements(diff.remove[k])}`);
    if (diff.add[k].length > 0) lines.push(`add element ${at} ${elements(diff.add[k])}`);
  }
  return lines.length === 0 ? '' : lines.join('\n') + '\n';
}
