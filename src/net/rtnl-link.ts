/**
 * Layer: the rtnetlink link seam (RTM_GETLINK and the RTNLGRP_LINK / RTNLGRP_IPV4_IFADDR /
 * RTNLGRP_IPV6_IFADDR notification groups through npm `netlink`). Opens the rtnetlink socket kad
 * shares between address and link requests, looks interfaces up (index, name, MAC, up/running,
 * MTU), and turns kernel notifications into typed `link` and `addr` events: the VRRP runtime
 * moves an instance to FAULT when its interface goes down and back when it comes up.
 */
import { EventEmitter } from 'node:events';
import netlink from 'netlink';
import type { RtNetlinkSocket, rt as rtTypes, ifla } from 'netlink';
import { KadError } from '../core/errors.js';
import { formatMac } from './inet-addr.js';
import { toAddressInfo, type AddressInfo } from './rtnl-addr.js';
import { rtnlError } from './rtnl-errors.js';

const RTM_NEWLINK = 16;
const RTM_DELLINK = 17;
const RTM_NEWADDR = 20;
const RTM_DELADDR = 21;

/** What kad needs to know about one interface. */
export interface LinkInfo {
  index: number;
  name: string;
  /** "aa:bb:cc:dd:ee:ff", or undefined for links without one (lo has 00:..:00). */
  mac?: string;
  /** Administratively up (IFF_UP). */
  up: boolean;
  /** Carrier and operationally up (IFF_RUNNING): what VRRP treats as "interface up". */
  running: boolean;
  mtu?: number;
}

/** Open an rtnetlink socket. `ref` keeps the event loop alive (true for a watcher). */
export function openRtnl(ref = false): RtNetlinkSocket {
  try {
    // A large receive buffer: a link flap on a busy host is a burst of notifications.
    return netlink.createRtNetlink({ ref, recvBufferSize: 1 << 20, sendBufferSize: 1 << 16 });
  } catch (err) {
    throw rtnlError(err, 'socket', 'NETLINK_ROUTE');
  }
}

/** Convert one RTM_NEWLINK message to LinkInfo. */
export function toLinkInfo(data: rtTypes.Link, attrs: ifla.LinkAttrs): LinkInfo {
  const info: LinkInfo = {
    index: data.index ?? 0,
    name: attrs.ifname ?? '',
    up: data.flags?.up === true,
    running: data.flags?.running === true,
  };
  if (attrs.address && attrs.address.length === 6) info.mac = formatMac(attrs.address);
  if (attrs.mtu !== undefined) info.mtu = attrs.mtu;
  return info;
}

/** Every link of the namespace. */
export async function listLinks(rt: RtNetlinkSocket): Promise<LinkInfo[]> {
  try {
    const msgs = await rt.getLinks();
    return msgs.map((m) => toLinkInfo(m.data, m.attrs));
  } catch (err) {
    throw rtnlError(err, 'RTM_GETLINK', 'dump');
  }
}

/** One link by name or index. Throws KAD_ERR_NET_NO_SUCH_LINK when absent. */
export async function getLink(rt: RtNetlinkSocket, nameOrIndex: string | number): Promise<LinkInfo> {
  const links = await listLinks(rt);
  const found = links.find((l) => (typeof nameOrIndex === 'number' ? l.index === nameOrIndex : l.name === nameOrIndex));
  if (!found) throw new KadError('KAD_ERR_NET_NO_SUCH_LINK', `no interface ${String(nameOrIndex)}`);
  return found;
}

/** A link notification. `deleted` is true for RTM_DELLINK. */
export interface LinkEvent extends LinkInfo {
  deleted: boolean;
}

/** An address notification. */
export interface AddrEvent extends AddressInfo {
  change: 'added' | 'removed';
}

interface WatcherEvents {
  link: [LinkEvent];
  addr: [AddrEvent];
}

/**
 * Kernel notifications for links and addresses. Emits `link` (LinkEvent) and `addr` (AddrEvent).
 * The kernel also repeats RTM_NEWLINK for changes that are not up/down (statistics, MTU), so
 * listeners compare with the previous state they saw.
 */
export class LinkWatcher extends EventEmitter<WatcherEvents> {
  private readonly rt: RtNetlinkSocket;

  constructor() {
    super();
    this.rt = openRtnl(true);
    for (const g of ['LINK', 'IPV4_IFADDR', 'IPV6_IFADDR'] as const) this.rt.addMembership(g);
    // The rtnetlink layer's parsed messages drop the header type, which is what tells RTM_NEWLINK
    // from RTM_DELLINK: listen one layer down and parse here.
    this.rt.socket.on('message', (msgs) => {
      for (const raw of msgs) {
        if (![RTM_NEWLINK, RTM_DELLINK, RTM_NEWADDR, RTM_DELADDR].includes(raw.type)) continue;
        try {
          this.dispatch(raw.type, netlink.rt.parseMessage(raw.type, raw.data));
        } catch {
          // A message the package cannot parse carries nothing kad acts on.
        }
      }
    });
  }

  private dispatch(type: number, m: rtTypes.Message): void {
    if (m.kind === 'link') {
      const info = toLinkInfo(m.data, m.attrs);
      this.emit('link', { ...info, deleted: type === RTM_DELLINK });
    } else if (m.kind === 'address') {
      const info = toAddressInfo(m.data, m.attrs);
      if (info) this.emit('addr', { ...info, change: type === RTM_DELADDR ? 'removed' : 'added' });
    }
  }

  /** Stop listening. */
  close(): void {
    this.rt.socket.close();
    this.removeAllListeners();
  }
}
