/**
 * Layer: the rtnetlink macvlan seam for `use_vmac` (RTM_NEWLINK / RTM_DELLINK / RTM_SETLINK
 * through npm `netlink`). Creates the virtual-MAC interface keepalived calls `vrrp.<VRID>` on top
 * of an instance's interface, with the RFC 5798 §7.3 virtual router MAC (00-00-5E-00-01-{VRID}
 * for IPv4, 00-00-5E-00-02-{VRID} for IPv6), brings it up and removes it. The IFLA_LINKINFO
 * nest (kind "macvlan", IFLA_MACVLAN_MODE) is encoded here because the package carries it as
 * raw bytes.
 */
import netlink from 'netlink';
import type { RtNetlinkSocket } from 'netlink';
import { parseMac } from '../core/addr.js';
import { errnoFromNetlink, rtnlError } from './rtnl-errors.js';

const IFLA_INFO_KIND = 1;
const IFLA_INFO_DATA = 2;
const IFLA_MACVLAN_MODE = 1;
const ENODEV = 19;
const EEXIST = 17;

/** linux/if_link.h enum macvlan_mode. keepalived's default is private. */
export const MACVLAN_MODES = Object.freeze({ private: 1, vepa: 2, bridge: 4, passthru: 8, source: 16 });
export type MacvlanMode = keyof typeof MACVLAN_MODES;

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
export async function createMacvlan(rt: RtNetlinkSocket, spec: MacvlanSpec): Promise<'created' | 'exists'> {
  const what = `${spec.name} link ${spec.parentIndex}`;
  const link = Buffer.alloc(4);
  link.writeUInt32LE(spec.parentIndex, 0);
  try {
    await rt.newLink(
      {},
      { ifname: spec.name, link, address: parseMac(spec.mac), linkinfo: macvlanLinkInfo(spec.mode ?? 'private') },
      { flags: netlink.FlagsNew.CREATE | netlink.FlagsNew.EXCL },
    );
  } catch (err) {
    if (errnoFromNetlink(err) === EEXIST) return 'exists';
    throw rtnlError(err, 'RTM_NEWLINK', what);
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
