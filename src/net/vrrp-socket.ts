/**
 * Layer: the raw VRRP socket seam (IP protocol 112), one per (interface, family). Opens the socket
 * through libc (./libc.ts) and watches it with libuv, sends adverts to the multicast group or to
 * unicast peers, and delivers received adverts with their source, destination and TTL / hop
 * limit. Enforces RFC 5798 §7.1 / RFC 3768 §7.1 ("MUST verify that the IP TTL is 255") before
 * anything reaches the VRRP code; every other check belongs to the packet codec and instance.
 *
 * Why libc and not npm raw-socket: raw-socket offers recvfrom only (no ancillary data, so no
 * IPv6 hop limit; IPV6_MINHOPCOUNT is enforced by the kernel for TCP only), does not expose its
 * fd, and reports errors as strerror text. kad needs recvmsg with IPV6_RECVHOPLIMIT and
 * IPV6_RECVPKTINFO, so the socket is opened here and polled with koffi's libuv watcher.
 *
 * IPv4 sends carry kad's own header (IP_HDRINCL) like keepalived: TOS 0xc0, TTL 255, id counting
 * from 1, no DF; the kernel fills the header checksum. IPv6 sends use IPV6_CHECKSUM offset 6 (the
 * kernel computes and verifies the VRRP checksum), IPV6_PKTINFO for the source and hop limit 255.
 */
import { KadError, type ErrnoInfo, errnoInfo } from '../core/errors.js';
import * as c from './libc.js';
import { addressBytes, formatIpv6, isIpv6Text } from '../core/addr.js';
import { IPV4_HEADER_LEN, readIpv4Header, writeIpv4Header } from '../core/ipv4-header.js';
import { MsgHeader } from './msghdr.js';
import { in6Pktinfo, ipMreqn, ipv6Mreq, sockaddrIn, sockaddrIn6, sockaddrText } from './sockaddr.js';

/** IANA protocol number of VRRP. */
export const IPPROTO_VRRP = 112;
/** RFC 5798 §5.1.1.2 / RFC 3768 §5.2.2: the IPv4 VRRP multicast group. */
export const VRRP_GROUP_V4 = '224.0.0.18';
/** RFC 5798 §5.1.2.2: the IPv6 VRRP multicast group. */
export const VRRP_GROUP_V6 = 'ff02::12';
/** RFC 5798 §5.1.1.3 / §5.1.2.3: TTL / hop limit on send and the only value accepted. */
export const VRRP_TTL = 255;
/** keepalived's TOS for adverts (DSCP CS6, "internetwork control"). */
export const VRRP_TOS = 0xc0;

export type IpFamily = 'ipv4' | 'ipv6';

/** Why the socket dropped a datagram before it reached the VRRP code. */
export type SocketDropReason = 'ttl' | 'truncated' | 'badIpHeader';

/** One received datagram, owned by the receiver. `payload` is the VRRP message (after the IP header). */
export interface ReceivedDatagram {
  family: IpFamily;
  payload: Buffer;
  source: string;
  destination: string;
  /** IPv4 TTL or IPv6 hop limit as received. */
  ttl: number;
  ifIndex: number;
  /** IPv4 only: the whole IP packet as received (AH authenticates the header; the VRRP code decodes it). */
  packet?: Buffer;
  /** IPv4 only: the IP header, a view into `packet`. */
  ipHeader?: Buffer;
  /** IPv6 only: source and destination as read from the kernel (the pseudo-header checksum needs them). */
  sourceBytes?: Uint8Array;
  destinationBytes?: Uint8Array;
}

/** Options of {@link VrrpSocket.open}. */
export interface VrrpSocketOptions {
  ifName: string;
  family: IpFamily;
  /** Multicast groups joined at open. Default: the VRRP group of the family. [] for unicast only. */
  groups?: readonly string[];
  /**
   * Drop datagrams whose TTL / hop limit is not 255 (RFC 5798 §7.1). Default true. keepalived
   * relaxes this for unicast peers reached through routers.
   */
  requireTtl255?: boolean;
  /**
   * IP protocol the socket receives: 112 (VRRP, default) or 51 (AH) for VRRPv2 with
   * `auth_type AH`, whose adverts are AH packets carrying VRRP (RFC 2338 §5.3.6.2).
   */
  protocol?: number;
  /**
   * Which destinations this socket delivers. A raw socket sees every protocol-112 datagram the
   * host receives on its interface, unicast included, whatever groups it joined; with one socket
   * for multicast instances and one for unicast instances on the same interface, each takes its
   * own kind. Others are ignored (counted in `stats.ignored`). Default 'any'.
   */
  destinations?: 'any' | 'multicast' | 'unicast';
  onMessage: (msg: ReceivedDatagram) => void;
  onDrop?: (reason: SocketDropReason, detail: string) => void;
  /**
   * A receive error other than EAGAIN (rare: ENOBUFS, ENETDOWN), or KAD_ERR_NET_HANDLER when
   * `onMessage` threw (the socket goes on with the next datagram).
   */
  onError?: (err: KadError) => void;
}

/** Per-send options. */
export interface SendOptions {
  /** Group or unicast peer. */
  destination: string;
  /** Source address: interface primary IPv4 / link-local IPv6 / unicast_src_ip. */
  source: string;
  /** Override TTL / hop limit (tests inject 254 to prove the receiver drops it). */
  ttl?: number;
}

export type SendResult = { ok: true; bytes: number } | { ok: false; error: ErrnoInfo };

/** Counters of one socket. */
export interface SocketStats {
  received: number;
  sent: number;
  sendErrors: number;
  /** Datagrams for the other kind of destination (see `destinations`). */
  ignored: number;
  drops: Record<SocketDropReason, number>;
}

const RECV_CAPACITY = 4096;
const CONTROL_CAPACITY = 128;
const MAX_READS_PER_WAKEUP = 64;
/** A whole default receive buffer of small adverts (bounded: a flood cannot hold the loop). */
const MAX_READS_PENDING = 4096;

/** A raw VRRP socket bound to one interface and one address family. */
export class VrrpSocket {
  readonly stats: SocketStats = { received: 0, sent: 0, sendErrors: 0, ignored: 0, drops: { ttl: 0, truncated: 0, badIpHeader: 0 } };
  private readonly recvHdr = new MsgHeader(RECV_CAPACITY, CONTROL_CAPACITY);
  private readonly sendHdr: MsgHeader | undefined;
  private readonly watcher: c.FdWatcher;
  private readonly groups = new Map<string, number>();
  private nextIpId = 1;
  private closed = false;

  /** The socket's descriptor (printed in the data dump, as keepalived prints its fds). */
  get descriptor(): number {
    return this.fd;
  }

  private constructor(
    private readonly fd: number,
    readonly ifName: string,
    readonly ifIndex: number,
    readonly family: IpFamily,
    private readonly opts: VrrpSocketOptions,
  ) {
    if (family === 'ipv6') this.sendHdr = new MsgHeader(RECV_CAPACITY, CONTROL_CAPACITY);
    this.watcher = c.watchReadable(fd, () => this.drain(), (err) => c.handlerError(err, `VRRP socket ${ifName}`, opts.onError));
  }

  /** Open, configure and start receiving. Throws KadError (KAD_ERR_NET_SYSCALL with errno). */
  static open(opts: VrrpSocketOptions): VrrpSocket {
    const ifIndex = c.ifIndex(opts.ifName);
    const v6 = opts.family === 'ipv6';
    const fd = c.openSocket(v6 ? c.AF_INET6 : c.AF_INET, c.SOCK_RAW, opts.protocol ?? IPPROTO_VRRP);
    try {
      c.setOption(fd, c.SOL_SOCKET, c.SO_BINDTODEVICE, Buffer.from(`${opts.ifName}\0`), 'SO_BINDTODEVICE');
      if (v6) configureV6(fd, ifIndex);
      else configureV4(fd, ifIndex);
    } catch (err) {
      c.closeFd(fd);
      throw err;
    }
    const sock = new VrrpSocket(fd, opts.ifName, ifIndex, opts.family, opts);
    try {
      for (const g of opts.groups ?? [v6 ? VRRP_GROUP_V6 : VRRP_GROUP_V4]) sock.join(g);
    } catch (err) {
      sock.close();
      throw err;
    }
    return sock;
  }

  /** Join a multicast group on this interface (reference counted). */
  join(group: string): void {
    const n = this.groups.get(group) ?? 0;
    if (n === 0) this.membership(group, true);
    this.groups.set(group, n + 1);
  }

  /** Leave a group joined with {@link join} once its last user leaves. */
  leave(group: string): void {
    const n = this.groups.get(group) ?? 0;
    if (n === 0) return;
    if (n === 1) {
      this.groups.delete(group);
      this.membership(group, false);
    } else this.groups.set(group, n - 1);
  }

  private membership(group: string, add: boolean): void {
    if (this.family === 'ipv6') {
      const name = add ? c.IPV6_ADD_MEMBERSHIP : c.IPV6_DROP_MEMBERSHIP;
      c.setOption(this.fd, c.IPPROTO_IPV6, name, ipv6Mreq(group, this.ifIndex), `${add ? 'join' : 'leave'} ${group}`);
    } else {
      const name = add ? c.IP_ADD_MEMBERSHIP : c.IP_DROP_MEMBERSHIP;
      c.setOption(this.fd, c.IPPROTO_IP, name, ipMreqn(group, this.ifIndex), `${add ? 'join' : 'leave'} ${group}`);
    }
  }

  /** Send one VRRP message. Never throws for kernel errors: they come back as `{ok: false}`. */
  send(payload: Buffer, opts: SendOptions): SendResult {
    if (this.closed) return { ok: false, error: errnoInfo(9, 'sendto') };
    const n = this.family === 'ipv6' ? this.sendV6(payload, opts) : this.sendV4(payload, opts);
    return this.sendResult(n, this.family === 'ipv6' ? 'sendmsg' : 'sendto');
  }

  /** Count a send and turn its return value (bytes or -errno) into a SendResult. */
  private sendResult(n: number, syscall: string): SendResult {
    if (n < 0) {
      this.stats.sendErrors++;
      return { ok: false, error: errnoInfo(-n, syscall) };
    }
    this.stats.sent++;
    return { ok: true, bytes: n };
  }

  /**
   * IPv4 only: send a complete IP packet built by the caller (IP_HDRINCL), e.g. an AH advert
   * whose ICV covers the header. The kernel fills the header checksum.
   */
  sendIpv4Packet(packet: Buffer, destination: string): SendResult {
    if (this.closed) return { ok: false, error: errnoInfo(9, 'sendto') };
    if (this.family !== 'ipv4') return { ok: false, error: errnoInfo(97, 'sendto') };
    return this.sendResult(c.sendTo(this.fd, packet, c.MSG_DONTWAIT, sockaddrIn(destination)), 'sendto');
  }

  private sendV4(payload: Buffer, opts: SendOptions): number {
    const id = this.nextIpId;
    this.nextIpId = (this.nextIpId % 0xffff) + 1;
    const pkt = Buffer.concat([ipv4Header(payload.length, id, opts), payload]);
    return c.sendTo(this.fd, pkt, c.MSG_DONTWAIT, sockaddrIn(opts.destination));
  }

  private sendV6(payload: Buffer, opts: SendOptions): number {
    const hdr = this.sendHdr;
    if (!hdr) return -9;
    if (payload.length > hdr.data.length) return -90; // EMSGSIZE
    payload.copy(hdr.data);
    sockaddrIn6(opts.destination, this.ifIndex).copy(hdr.name);
    const cmsgs = [{ level: c.IPPROTO_IPV6, type: c.IPV6_PKTINFO, data: in6Pktinfo(opts.source, this.ifIndex) }];
    if (opts.ttl !== undefined) {
      const hl = Buffer.alloc(4);
      hl.writeInt32LE(opts.ttl, 0);
      cmsgs.push({ level: c.IPPROTO_IPV6, type: c.IPV6_HOPLIMIT, data: hl });
    }
    const controlLen = hdr.writeControlMessages(cmsgs);
    hdr.reset(payload.length, 28, controlLen);
    return c.sendMsg(this.fd, hdr.block, c.MSG_DONTWAIT);
  }

  /**
   * Read everything already queued on the socket now (not waiting for the next poll), as a
   * Master_Down_Timer does before it takes over: after a stall the queue holds the adverts of
   * every instance on the interface, and the one that matters may be far down it.
   */
  readPending(): void {
    this.drain(MAX_READS_PENDING);
  }

  private drain(max = MAX_READS_PER_WAKEUP): void {
    for (let i = 0; i < max && !this.closed; i++) {
      this.recvHdr.prepareRecv();
      const n = c.recvMsg(this.fd, this.recvHdr.block, c.MSG_DONTWAIT);
      if (n === -11 || n === -4) return; // EAGAIN, EINTR: drained
      if (n < 0) {
        this.opts.onError?.(c.syscallError('recvmsg', -n));
        return;
      }
      this.handle(n);
    }
  }

  private handle(n: number): void {
    if ((this.recvHdr.flags & c.MSG_TRUNC) !== 0) return this.drop('truncated', `datagram larger than ${RECV_CAPACITY} bytes`);
    const msg = this.family === 'ipv6' ? this.parseV6(n) : this.parseV4(n);
    if (!msg) return;
    const want = this.opts.destinations ?? 'any';
    if (want !== 'any' && isMulticast(msg.destination) !== (want === 'multicast')) {
      this.stats.ignored++;
      return;
    }
    // RFC 5798 §7.1 / RFC 3768 §7.1: MUST verify that the IP TTL (hop limit) is 255.
    if ((this.opts.requireTtl255 ?? true) && msg.ttl !== VRRP_TTL) {
      return this.drop('ttl', `${this.family === 'ipv6' ? 'hop limit' : 'TTL'} ${msg.ttl} from ${msg.source}`);
    }
    this.stats.received++;
    try {
      this.opts.onMessage(msg);
    } catch (err) {
      c.handlerError(err, `VRRP socket ${this.ifName} message`, this.opts.onError);
    }
  }

  private parseV4(n: number): ReceivedDatagram | undefined {
    const d = this.recvHdr.data.subarray(0, n);
    const h = readIpv4Header(d);
    if (!h) {
      this.drop('badIpHeader', `${n} bytes`);
      return undefined;
    }
    // One copy; header and payload are views into it.
    const packet = Buffer.from(d.subarray(0, Math.max(h.headerLength, Math.min(h.totalLength, n))));
    return {
      family: 'ipv4',
      payload: packet.subarray(h.headerLength),
      source: h.src,
      destination: h.dst,
      ttl: h.ttl,
      ifIndex: this.ifIndex,
      packet,
      ipHeader: packet.subarray(0, h.headerLength),
    };
  }

  private parseV6(n: number): ReceivedDatagram {
    let ttl = -1;
    let destination = '';
    let destinationBytes: Uint8Array | undefined;
    let ifIndex = this.ifIndex;
    for (const m of this.recvHdr.controlMessages()) {
      if (m.level !== c.IPPROTO_IPV6) continue;
      if (m.type === c.IPV6_HOPLIMIT && m.data.length >= 4) ttl = m.data.readInt32LE(0);
      if (m.type === c.IPV6_PKTINFO && m.data.length >= 20) {
        destinationBytes = Uint8Array.prototype.slice.call(m.data, 0, 16);
        destination = formatIpv6(destinationBytes);
        ifIndex = m.data.readInt32LE(16);
      }
    }
    const source = sockaddrText(this.recvHdr.name);
    const sourceBytes = Uint8Array.prototype.slice.call(this.recvHdr.name, 8, 24);
    return { family: 'ipv6', payload: Buffer.from(this.recvHdr.data.subarray(0, n)), source, destination, ttl, ifIndex, sourceBytes, destinationBytes };
  }

  private drop(reason: SocketDropReason, detail: string): void {
    this.stats.drops[reason]++;
    this.opts.onDrop?.(reason, detail);
  }

  /** Stop receiving and close the fd. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.watcher.close();
    c.closeFd(this.fd);
    this.recvHdr.free();
    this.sendHdr?.free();
  }
}

/** IPv4 224.0.0.0/4 or IPv6 ff00::/8. */
export function isMulticast(address: string): boolean {
  if (isIpv6Text(address)) return /^ff/i.test(address);
  const first = Number(address.split('.')[0]);
  return first >= 224 && first <= 239;
}

function configureV4(fd: number, ifIndex: number): void {
  c.setIntOption(fd, c.IPPROTO_IP, c.IP_HDRINCL, 1, 'IP_HDRINCL');
  c.setOption(fd, c.IPPROTO_IP, c.IP_MULTICAST_IF, ipMreqn('0.0.0.0', ifIndex), 'IP_MULTICAST_IF');
  c.setIntOption(fd, c.IPPROTO_IP, c.IP_MULTICAST_TTL, VRRP_TTL, 'IP_MULTICAST_TTL');
  c.setIntOption(fd, c.IPPROTO_IP, c.IP_MULTICAST_LOOP, 0, 'IP_MULTICAST_LOOP');
  c.setIntOption(fd, c.IPPROTO_IP, c.IP_MULTICAST_ALL, 0, 'IP_MULTICAST_ALL');
}

function configureV6(fd: number, ifIndex: number): void {
  // RFC 5798 §5.1.2.3 hop limit 255 for multicast and unicast; §5.2.8 checksum at offset 6.
  c.setIntOption(fd, c.IPPROTO_IPV6, c.IPV6_CHECKSUM, 6, 'IPV6_CHECKSUM');
  c.setIntOption(fd, c.IPPROTO_IPV6, c.IPV6_MULTICAST_IF, ifIndex, 'IPV6_MULTICAST_IF');
  c.setIntOption(fd, c.IPPROTO_IPV6, c.IPV6_MULTICAST_HOPS, VRRP_TTL, 'IPV6_MULTICAST_HOPS');
  c.setIntOption(fd, c.IPPROTO_IPV6, c.IPV6_UNICAST_HOPS, VRRP_TTL, 'IPV6_UNICAST_HOPS');
  c.setIntOption(fd, c.IPPROTO_IPV6, c.IPV6_MULTICAST_LOOP, 0, 'IPV6_MULTICAST_LOOP');
  c.setIntOption(fd, c.IPPROTO_IPV6, c.IPV6_MULTICAST_ALL, 0, 'IPV6_MULTICAST_ALL');
  c.setIntOption(fd, c.IPPROTO_IPV6, c.IPV6_RECVHOPLIMIT, 1, 'IPV6_RECVHOPLIMIT');
  c.setIntOption(fd, c.IPPROTO_IPV6, c.IPV6_RECVPKTINFO, 1, 'IPV6_RECVPKTINFO');
  c.setIntOption(fd, c.IPPROTO_IPV6, c.IPV6_TCLASS, VRRP_TOS, 'IPV6_TCLASS');
}

/**
 * The IPv4 header kad puts on adverts (RFC 791 §3.1): TOS 0xc0, id, no flags (DF clear, as
 * keepalived), TTL 255 (RFC 5798 §5.1.1.3), protocol 112. The kernel fills the checksum again
 * for IP_HDRINCL sockets (raw(7)).
 */
export function ipv4Header(payloadLen: number, id: number, opts: SendOptions): Buffer {
  if (isIpv6Text(opts.source) || isIpv6Text(opts.destination)) {
    throw new KadError('KAD_ERR_NET_FAMILY', `IPv6 address given to an IPv4 VRRP socket (${opts.source} -> ${opts.destination})`);
  }
  const h = Buffer.alloc(IPV4_HEADER_LEN);
  writeIpv4Header(h, {
    tos: VRRP_TOS, totalLength: IPV4_HEADER_LEN + payloadLen, id, ttl: opts.ttl ?? VRRP_TTL, protocol: IPPROTO_VRRP,
    src: addressBytes(opts.source, 4), dst: addressBytes(opts.destination, 4),
  });
  return h;
}
