/**
 * Layer: the rtnetlink address seam (RTM_NEWADDR / RTM_DELADDR / RTM_GETADDR through npm
 * `netlink`). Adds and removes VIPs with prefix, device, label, scope and broadcast, idempotently:
 * adding an address that is already there (EEXIST) and removing one that is gone
 * (EADDRNOTAVAIL) are outcomes, not errors. Lists addresses and picks the primary IPv4 address
 * and the IPv6 link-local address an interface sends adverts from.
 */
import netlink from 'netlink';
import type { RtNetlinkSocket, rt as rtTypes } from 'netlink';
import { KadError } from '../core/errors.js';
import { addressBytes, formatIpv4, formatIpv6, isIpv6Text } from '../core/addr.js';
import { errnoFromNetlink, rtnlError } from './rtnl-errors.js';

const AF_INET = 2;
const AF_INET6 = 10;
const EEXIST = 17;
const EADDRNOTAVAIL = 99;
const ENOENT = 2;
const ESRCH = 3;
/** linux/if_addr.h: a lifetime of "forever". */
const INFINITY_LIFE_TIME = 0xffffffff;

/** rtnetlink scopes (linux/rtnetlink.h enum rt_scope_t) by the names `ip` and keepalived use. */
export const SCOPES: Readonly<Record<string, number>> = Object.freeze({
  global: 0,
  universe: 0,
  site: 200,
  link: 253,
  host: 254,
  nowhere: 255,
});

/** An address to add or remove. Field names match the config model's IpAddress. */
export interface AddressSpec {
  ifIndex: number;
  address: string;
  prefixLen: number;
  /** Broadcast: an address, "+" (computed from the prefix) or "-"/undefined (none). IPv4 only. */
  brd?: string;
  scope?: string | number;
  /** `label` (IPv4 only; must start with the interface name, e.g. "ens33:0"). */
  label?: string;
  /** Point-to-point peer (IFA_ADDRESS when it differs from IFA_LOCAL). */
  peer?: string;
  noDad?: boolean;
  noPrefixRoute?: boolean;
  /** Preferred lifetime in seconds (IFA_CACHEINFO; 0 = deprecated); undefined = forever. Valid stays forever. */
  preferredLft?: number;
}

/** One address as the kernel reports it. */
export interface AddressInfo {
  ifIndex: number;
  family: 'ipv4' | 'ipv6';
  address: string;
  prefixLen: number;
  scope: number;
  label?: string;
  broadcast?: string;
  secondary: boolean;
  tentative: boolean;
}

export type AddOutcome = 'added' | 'exists';
export type RemoveOutcome = 'removed' | 'absent';

function scopeNumber(scope: string | number | undefined): number {
  if (scope === undefined) return 0;
  if (typeof scope === 'number') return scope;
  const n = SCOPES[scope];
  if (n === undefined) throw new KadError('KAD_ERR_NET_BAD_ADDRESS', `unknown address scope "${scope}"`);
  return n;
}

/** IPv4 broadcast of `address`/`prefixLen` (all host bits set). */
export function broadcastOf(address: string, prefixLen: number): string {
  const a = addressBytes(address, 4).readUInt32BE(0);
  const hostMask = prefixLen >= 32 ? 0 : 0xffffffff >>> prefixLen;
  const b = Buffer.alloc(4);
  b.writeUInt32BE((a | hostMask) >>> 0, 0);
  return formatIpv4(b);
}

function addrBytes(address: string): Buffer {
  return isIpv6Text(address) ? addressBytes(address, 6) : addressBytes(address, 4);
}

function describe(spec: AddressSpec): string {
  return `${spec.address}/${spec.prefixLen} dev ${spec.ifIndex}`;
}

/** Build the ifaddrmsg and attributes for `spec` (shared by add and remove). */
function message(spec: AddressSpec, forAdd: boolean): { data: rtTypes.Address; attrs: rtTypes.AddressAttrs } {
  const v6 = isIpv6Text(spec.address);
  const local = addrBytes(spec.address);
  const attrs: rtTypes.AddressAttrs = { local, address: spec.peer ? addrBytes(spec.peer) : local };
  if (!v6 && spec.label) attrs.label = spec.label;
  if (!v6 && forAdd && spec.brd && spec.brd !== '-') {
    attrs.broadcast = addressBytes(spec.brd === '+' ? broadcastOf(spec.address, spec.prefixLen) : spec.brd, 4);
  }
  const flags: rtTypes.AddressFlags = {};
  if (spec.noDad) flags.nodad = true;
  if (spec.noPrefixRoute) flags.noprefixroute = true;
  if (forAdd && Object.keys(flags).length > 0) attrs.flags = flags;
  if (forAdd && spec.preferredLft !== undefined) attrs.cacheInfo = { ifaPrefered: spec.preferredLft, ifaValid: INFINITY_LIFE_TIME };
  const data = { family: v6 ? AF_INET6 : AF_INET, prefixlen: spec.prefixLen, scope: scopeNumber(spec.scope), index: spec.ifIndex };
  return { data, attrs };
}

/**
 * Add an address. Resolves 'exists' when the kernel already has it (EEXIST). Throws KadError
 * KAD_ERR_NET_RTNL with errno for anything else (ENODEV, EPERM, EINVAL...).
 */
export async function addAddress(rt: RtNetlinkSocket, spec: AddressSpec): Promise<AddOutcome> {
  const { data, attrs } = message(spec, true);
  try {
    await rt.newAddress(data, attrs, { flags: netlink.FlagsNew.CREATE | netlink.FlagsNew.EXCL });
    return 'added';
  } catch (err) {
    if (errnoFromNetlink(err) === EEXIST) return 'exists';
    throw rtnlError(err, 'RTM_NEWADDR', describe(spec));
  }
}

/** Remove an address. Resolves 'absent' when it is not there (EADDRNOTAVAIL, or ENOENT/ESRCH on some kernels). */
export async function removeAddress(rt: RtNetlinkSocket, spec: AddressSpec): Promise<RemoveOutcome> {
  const { data, attrs } = message(spec, false);
  try {
    await rt.delAddress(data, attrs);
    return 'removed';
  } catch (err) {
    const errno = errnoFromNetlink(err);
    if (errno === EADDRNOTAVAIL || errno === ENOENT || errno === ESRCH) return 'absent';
    throw rtnlError(err, 'RTM_DELADDR', describe(spec));
  }
}

/** List addresses, of one interface when `ifIndex` is given. */
export async function listAddresses(rt: RtNetlinkSocket, ifIndex?: number): Promise<AddressInfo[]> {
  let msgs;
  try {
    msgs = await rt.getAddresses();
  } catch (err) {
    throw rtnlError(err, 'RTM_GETADDR', ifIndex === undefined ? 'all' : `dev ${ifIndex}`);
  }
  const out: AddressInfo[] = [];
  for (const m of msgs) {
    const info = toAddressInfo(m.data, m.attrs);
    if (info && (ifIndex === undefined || info.ifIndex === ifIndex)) out.push(info);
  }
  return out;
}

/** Convert one RTM_NEWADDR message (dump entry or notification) to an AddressInfo. */
export function toAddressInfo(
  data: { family?: number; prefixlen?: number; scope?: number; index?: number; flags?: { secondary?: true; tentative?: true } },
  attrs: { local?: Buffer; address?: Buffer; label?: string; broadcast?: Buffer; flags?: { secondary?: true; tentative?: true } },
): AddressInfo | undefined {
  const v6 = data.family === AF_INET6;
  if (!v6 && data.family !== AF_INET) return undefined;
  const raw = attrs.local ?? attrs.address;
  if (!raw) return undefined;
  const flags = attrs.flags ?? data.flags ?? {};
  const info: AddressInfo = {
    ifIndex: data.index ?? 0,
    family: v6 ? 'ipv6' : 'ipv4',
    address: v6 ? formatIpv6(raw) : formatIpv4(raw),
    prefixLen: data.prefixlen ?? 0,
    scope: data.scope ?? 0,
    secondary: flags.secondary === true,
    tentative: flags.tentative === true,
  };
  if (attrs.label) info.label = attrs.label;
  if (attrs.broadcast) info.broadcast = formatIpv4(attrs.broadcast);
  return info;
}

/** The interface's primary IPv4 address (first non-secondary, global or link scope), if any. */
export async function primaryIpv4(rt: RtNetlinkSocket, ifIndex: number): Promise<string | undefined> {
  const addrs = await listAddresses(rt, ifIndex);
  return addrs.find((a) => a.family === 'ipv4' && !a.secondary && a.scope !== SCOPES.host)?.address;
}

/**
 * The interface's IPv6 link-local address (fe80::/10), if any. RFC 5798 §5.1.2.1 source.
 * `exclude` lists addresses that must not be chosen (VIPs a resumed master still holds).
 */
export async function linkLocalIpv6(rt: RtNetlinkSocket, ifIndex: number, exclude: readonly string[] = []): Promise<string | undefined> {
  const addrs = await listAddresses(rt, ifIndex);
  return addrs.find((a) => a.family === 'ipv6' && a.scope === SCOPES.link && /^fe[89ab]/i.test(a.address) && !exclude.includes(a.address))?.address;
}
