/**
 * Layer: the rtnetlink link seam (RTM_GETLINK, and the RTNLGRP_LINK / RTNLGRP_IPV4_IFADDR /
 * RTNLGRP_IPV6_IFADDR notification groups). Opens the rtnetlink request socket kad shares between
 * address and link requests (npm `netlink`), looks interfaces up (index, name, MAC, up/running,
 * MTU), and turns kernel notifications (read by ./rtnl-notify.ts, see there why not the package)
 * into typed `link`, `addr` and `overrun` events: the VRRP runtime moves an instance to FAULT
 * when its interface goes down and back when it comes up. An interface deleted and created again
 * gets a new index: sockets bound to the old one must be reopened on the `deleted` event.
 */
import { EventEmitter } from 'node:events';
import netlink from 'netlink';
import type { RtNetlinkSocket, rt as rtTypes, ifla } from 'netlink';
import { errnoInfo, KadError } from '../core/errors.js';
import { formatMac } from '../core/addr.js';
import { toAddressInfo, type AddressInfo } from './rtnl-addr.js';
import { rtnlError } from './rtnl-errors.js';
import { handlerError } from './libc.js';
import { NotifySocket, RTMGRP_IPV4_IFADDR, RTMGRP_IPV6_IFADDR, RTMGRP_LINK } from './rtnl-notify.js';

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
  /** The other IFF_* flags the data dump prints. */
  broadcast?: boolean;
  loopback?: boolean;
  pointToPoint?: boolean;
  noArp?: boolean;
  multicast?: boolean;
  /** ARPHRD_* name ('ETHER', 'LOOPBACK', ...). */
  hwType?: string;
  /** Link-layer broadcast address, "ff:ff:ff:ff:ff:ff" on Ethernet. */
  broadcastMac?: string;
}

/** Options of {@link openRtnl}. */
export interface RtnlOptions {
  /** Keep the event loop alive (true for a watcher). Default false. */
  ref?: boolean;
  /** SO_RCVBUF in bytes. Default 1 MiB: a link flap on a busy host is a burst of notifications. */
  recvBufferBytes?: number;
  /**
   * Asynchronous socket errors (ENOBUFS when notifications overflowed the receive buffer).
   * Without it they are dropped here rather than crashing the process.
   */
  onError?: (err: KadError) => void;
}

/** Open an rtnetlink socket (a boolean is the `ref` option alone). */
export function openRtnl(options: RtnlOptions | boolean = {}): RtNetlinkSocket {
  const opts = typeof options === 'boolean' ? { ref: options } : options;
  let rt: RtNetlinkSocket;
  try {
    rt = netlink.createRtNetlink({ ref: opts.ref ?? false, recvBufferSize: opts.recvBufferBytes ?? 1 << 20, sendBufferSize: 1 << 16 });
  } catch (err) {
    throw rtnlError(err, 'socket', 'NETLINK_ROUTE');
  }
  // An 'error' event without a listener would throw from the event loop.
  rt.socket.on('error', (err: unknown) => opts.onError?.(socketError(err)));
  return rt;
}

/** The KadError for an asynchronous netlink socket error (the package gives errno as a number or in the text). */
function socketError(err: unknown): KadError {
  const errno = (err as { errno?: unknown }).errno;
  if (typeof errno === 'number') {
    const info = errnoInfo(errno, 'recvmsg');
    return new KadError('KAD_ERR_NET_RTNL', `NETLINK_ROUTE recvmsg: ${info.code}`, info);
  }
  return rtnlError(err, 'recvmsg', 'NETLINK_ROUTE');
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
  if (attrs.broadcast && attrs.broadcast.length === 6) info.broadcastMac = formatMac(attrs.broadcast);
  if (attrs.mtu !== undefined) info.mtu = attrs.mtu;
  const f = data.flags ?? {};
  Object.assign(info, {
    broadcast: f.broadcast === true, loopback: f.loopback === true, pointToPoint: f.pointopoint === true,
    noArp: f.noarp === true, multicast: f.multicast === true,
  });
  if (data.type !== undefined) info.hwType = String(data.type);
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
  /** Notifications were lost (ENOBUFS): re-read links and addresses to resynchronise. */
  overrun: [KadError];
  /** A `link`/`addr` listener threw (KAD_ERR_NET_HANDLER); watching goes on. */
  handlerError: [KadError];
}

/**
 * Kernel notifications for links and addresses. Emits `link` (LinkEvent), `addr` (AddrEvent) and
 * `overrun` when the kernel dropped notifications (the listener re-reads state). The kernel also
 * repeats RTM_NEWLINK for changes that are not up/down (statistics, MTU), so listeners compare
 * with the previous state they saw.
 */
export class LinkWatcher extends EventEmitter<WatcherEvents> {
  private readonly sock: NotifySocket;

  /** `recvBufferBytes` is for tests that provoke an overrun; the default suits production. */
  constructor(recvBufferBytes?: number) {
    super();
    this.sock = NotifySocket.open({
      groups: RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR,
      recvBufferBytes,
      onOverrun: (err) => this.emit('overrun', err),
      onMessages: (msgs) => {
        for (const raw of msgs) {
          if (![RTM_NEWLINK, RTM_DELLINK, RTM_NEWADDR, RTM_DELADDR].includes(raw.type)) continue;
          let parsed: rtTypes.Message;
          try {
            parsed = netlink.rt.parseMessage(raw.type, raw.data);
          } catch {
            continue; // a message the package cannot parse carries nothing kad acts on
          }
          try {
            this.dispatch(raw.type, parsed);
          } catch (err) {
            handlerError(err, 'link watcher', (e) => {
              if (!this.emit('handlerError', e)) throw e;
            });
          }
        }
      },
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
    this.sock.close();
    this.removeAllListeners();
  }
}
