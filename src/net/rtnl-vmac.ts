/**
 * Layer: the rtnetlink macvlan and ipvlan seam for `use_vmac` and `use_ipvlan` (RTM_NEWLINK /
 * RTM_DELLINK / RTM_SETLINK through npm `netlink`). Creates the virtual-MAC interface keepalived calls `vrrp.<VRID>` on top
 * of an instance's interface, with the RFC 5798 §7.3 virtual router MAC (00-00-5E-00-01-{VRID}
 * for IPv4, 00-00-5E-00-02-{VRID} for IPv6), brings it up and removes it; `use_ipvlan`'s L2
 * ipvlan shares its parent's MAC. The IFLA_LINKINFO nests (kind "macvlan" with
 * IFLA_MACVLAN_MODE, kind "ipvlan" with IFLA_IPVLAN_MODE and IFLA_IPVLAN_FLAGS) are encoded here
 * because the package carries them as raw bytes.
 */
import netlink from 'netlink';
import type { RtNetlinkSocket } from 'netlink';
import { parseMac } from '../core/addr.js';
import { errnoFromNetlink, rtnlError } from './rtnl-errors.js';

const IFLA_INFO_KIND = 1;
const IFLA_INFO_DATA = 2;
const IFLA_MACVLAN_MODE = 1;
/** linux/if_link.h: IFLA_IPVLAN_MODE (u16, enum ipvlan_mode), IFLA_IPVLAN_FLAGS (u16). */
const IFLA_IPVLAN_MODE = 1;
const IFLA_IPVLAN_FLAGS = 2;
const IPVLAN_MODE_L2 = 0;
const ENODEV = 19;
const EEXIST = 17;

/** linux/if_link.h enum macvlan_mode. keepalived's default is private. */
export const MACVLAN_MODES = Object.freeze({ private: 1, vepa: 2, bridge: 4, passthru: 8, source: 16 });
export type MacvlanMode = keyof typeof MACVLAN_MODES;

/** linux/if_link.h IPVLAN_F_PRIVATE / IPVLAN_F_VEPA; bridge is no flag (keepalived's default). */
export const IPVLAN_FLAGS = Object.freeze({ bridge: 0, private: 1, vepa: 2 });
export type IpvlanFlag = keyof typeof IPVLAN_FLAGS;

/** RFC 5798 §7.3 virtual router MAC of `vrid` for the family. */
export function virtualRouterMac(vrid: number, family: 'ipv4' | 'ipv6'): string {
  if (!Number.isInteger(vrid) || vrid < 1 || vrid > 255) throw new RangeError(`VRID ${vrid} outside 1-255`);
  return `00:00:5e:00:0${family === 'ipv6' ? 2 : 1}:${vrid.toString(16).padStart(2, '0')}`;
}

/** One netlink attribute: len (u16), type (u16), payload, padded to 4 bytes. */
function nla(type: number, payload: Buffer): Buffer {
  const len = 4 + payload.length;
  const out = Buffer.alloc((len + 3) & ~3);
  out.writeUInt16LE(len, 0);
  out.writeUInt16LE(type, 2);
  payload.copy(out, 4);
  return out;
}

/** IFLA_LINKINFO payload for a macvlan in `mode`. */
export function macvlanLinkInfo(mode: MacvlanMode): Buffer {
  const modeValue = Buffer.alloc(4);
  modeValue.writeUInt32LE(MACVLAN_MODES[mode], 0);
  return Buffer.concat([nla(IFLA_INFO_KIND, Buffer.from('macvlan\0')), nla(IFLA_INFO_DATA, nla(IFLA_MACVLAN_MODE, modeValue))]);
}

const u16 = (v: number): Buffer => {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(v, 0);
  return b;
};

/** IFLA_LINKINFO payload for an L2 ipvlan with `flag` (keepalived creates L2 only). */
export function ipvlanLinkInfo(flag: IpvlanFlag): Buffer {
  const data = Buffer.concat([nla(IFLA_IPVLAN_MODE, u16(IPVLAN_MODE_L2)), nla(IFLA_IPVLAN_FLAGS, u16(IPVLAN_FLAGS[flag]))]);
  return Buffer.concat([nla(IFLA_INFO_KIND, Buffer.from('ipvlan\0')), nla(IFLA_INFO_DATA, data)]);
}

/** What {@link createMacvlan} creates. */
export interface MacvlanSpec {
  /** Interface name, ≤ 15 characters (keepalived: "vrrp.<VRID>"). */
  name: string;
  parentIndex: number;
  mac: string;
  mode?: MacvlanMode;
}

/**
 * Create the macvlan and set it up. Resolves 'exists' when an interface of that name is already
 * there (EEXIST; the caller checks it is the one it wants). Throws KAD_ERR_NET_RTNL otherwise.
 */
export function createMacvlan(rt: RtNetlinkSocket, spec: MacvlanSpec): Promise<'created' | 'exists'> {
  return newLink(rt, spec.name, spec.parentIndex, { address: parseMac(spec.mac), linkinfo: macvlanLinkInfo(spec.mode ?? 'private') });
}

/** What {@link createIpvlan} creates. */
export interface IpvlanSpec {
  /** Interface name, ≤ 15 characters (keepalived: "vrrp.<VRID>"). */
  name: string;
  parentIndex: number;
  flag?: IpvlanFlag;
}

/** Create the L2 ipvlan (it takes its parent's MAC); 'exists' and errors as {@link createMacvlan}. */
export function createIpvlan(rt: RtNetlinkSocket, spec: IpvlanSpec): Promise<'created' | 'exists'> {
  return newLink(rt, spec.name, spec.parentIndex, { linkinfo: ipvlanLinkInfo(spec.flag ?? 'bridge') });
}

/** RTM_NEWLINK (create, exclusive) of `name` on `parentIndex` with `attrs`. */
async function newLink(rt: RtNetlinkSocket, name: string, parentIndex: number, attrs: { address?: Buffer; linkinfo: Buffer }): Promise<'created' | 'exists'> {
  const link = Buffer.alloc(4);
  link.writeUInt32LE(parentIndex, 0);
  try {
    await rt.newLink({}, { ifname: name, link, ...attrs }, { flags: netlink.FlagsNew.CREATE | netlink.FlagsNew.EXCL });
  } catch (err) {
    if (errnoFromNetlink(err) === EEXIST) return 'exists';
    throw rtnlError(err, 'RTM_NEWLINK', `${name} link ${parentIndex}`);
  }
  return 'created';
}

/** Set a link administratively up or down (RTM_SETLINK, IFF_UP). */
export async function setLinkUp(rt: RtNetlinkSocket, index: number, up: boolean): Promise<void> {
  try {
    await rt.setLink({ index, flags: up ? { up: true } : {}, change: { up: true } });
  } catch (err) {
    throw rtnlError(err, 'RTM_SETLINK', `index ${index} ${up ? 'up' : 'down'}`);
  }
}

/** Delete a link. Resolves 'absent' when it is already gone (ENODEV). */
export async function deleteLink(rt: RtNetlinkSocket, index: number): Promise<'deleted' | 'absent'> {
  try {
    await rt.delLink({ index });
    return 'deleted';
  } catch (err) {
    if (errnoFromNetlink(err) === ENODEV) return 'absent';
    throw rtnlError(err, 'RTM_DELLINK', `index ${index}`);
  }
}
