/**
 * Layer: checker sockets that need options Node cannot set before connect(): SO_MARK (`fwmark`)
 * and SO_BINDTODEVICE (`bind_if`), plus the source address and port. The descriptor is created
 * through libc, the options are set and the socket is bound, then it is handed to libuv: a TCP
 * socket to `net.Socket({ fd })` (uv_tcp_open; connect() then runs on it), a UDP socket to
 * `dgram` (`bind({ fd })`, uv_udp_open). From then on Node owns the descriptor and closes it
 * with the socket. ICMP sockets stay with src/net/icmp-socket.ts, which uses
 * {@link openBoundFd} here.
 *
 * {@link socketPlan} is the pure part: which socket(2), setsockopt(2) and bind(2) calls a
 * binding needs.
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { Socket } from 'node:net';
import * as c from './libc.js';
import { sockaddrInet } from './sockaddr.js';

export type SocketKind = 'tcp' | 'udp' | 'icmp';

/** Where a checker socket sends from. Every field is optional; `family` is the target's. */
export interface SocketBinding {
  family: 4 | 6;
  /** SO_BINDTODEVICE: route through, and receive on, this interface only. */
  bindIf?: string;
  /** SO_MARK: the firewall mark on every packet sent (policy routing, nftables `meta mark`); 0 is none. */
  fwmark?: number;
  /** Source address (bind). */
  bindTo?: string;
  /** Source port (bind); ignored for ICMP. */
  bindPort?: number;
}

export interface SocketOptionCall {
  level: number;
  name: number;
  value: Buffer;
  /** Names the option in error messages: `SO_MARK 7`. */
  what: string;
}

/** The system calls that make a socket of `kind` with `b`, in order. Pure. */
export interface SocketPlan {
  domain: number;
  type: number;
  protocol: number;
  options: SocketOptionCall[];
  /** sockaddr for bind(2), when a source address or port is set. */
  bind?: Buffer;
}

const TYPE: Readonly<Record<SocketKind, number>> = { tcp: c.SOCK_STREAM, udp: c.SOCK_DGRAM, icmp: c.SOCK_RAW };

/** True when `b` asks for what only an own descriptor can do (bind_if, a non-zero fwmark). */
export function needsOwnSocket(b: SocketBinding): boolean {
  return b.bindIf !== undefined || (b.fwmark ?? 0) !== 0;
}

export function socketPlan(kind: SocketKind, b: SocketBinding): SocketPlan {
  const v6 = b.family === 6;
  const protocol = kind === 'tcp' ? c.IPPROTO_TCP : kind === 'udp' ? c.IPPROTO_UDP : v6 ? c.IPPROTO_ICMPV6 : c.IPPROTO_ICMP;
  const plan: SocketPlan = { domain: v6 ? c.AF_INET6 : c.AF_INET, type: TYPE[kind], protocol, options: [] };
  if ((b.fwmark ?? 0) !== 0) {
    const v = Buffer.alloc(4);
    v.writeUInt32LE(b.fwmark!, 0);
    plan.options.push({ level: c.SOL_SOCKET, name: c.SO_MARK, value: v, what: `SO_MARK ${b.fwmark}` });
  }
  if (b.bindIf !== undefined) {
    // The kernel takes the interface name NUL-terminated (socket(7)).
    plan.options.push({ level: c.SOL_SOCKET, name: c.SO_BINDTODEVICE, value: Buffer.from(`${b.bindIf}\0`), what: `SO_BINDTODEVICE ${b.bindIf}` });
  }
  const port = kind === 'icmp' ? 0 : b.bindPort ?? 0;
  if (b.bindTo !== undefined || port !== 0) plan.bind = sockaddrInet(b.bindTo ?? (v6 ? '::' : '0.0.0.0'), port);
  return plan;
}

/**
 * socket(2) (non-blocking, close-on-exec), the options and bind(2) of {@link socketPlan}.
 * Returns the descriptor, or throws KAD_ERR_NET_SYSCALL with errno (ENODEV for an unknown
 * bind_if, EPERM for SO_MARK without CAP_NET_ADMIN, EADDRNOTAVAIL for a foreign bindto) after
 * closing it.
 */
export function openBoundFd(kind: SocketKind, b: SocketBinding): number {
  const plan = socketPlan(kind, b);
  const fd = c.openSocket(plan.domain, plan.type, plan.protocol);
  try {
    for (const o of plan.options) c.setOption(fd, o.level, o.name, o.value, o.what);
    if (plan.bind) c.bindSocket(fd, plan.bind);
    return fd;
  } catch (err) {
    c.closeFd(fd);
    throw err;
  }
}

/**
 * A not yet connected `net.Socket` over an own TCP descriptor with `b` applied; call
 * `.connect(port, host)` on it (no localAddress: it is bound already). `manualStart` keeps Node
 * from reading before the connection exists; reading starts on connect.
 */
export function boundTcpSocket(b: SocketBinding): Socket {
  const fd = openBoundFd('tcp', b);
  try {
    return new Socket({ fd, manualStart: true } as ConstructorParameters<typeof Socket>[0]);
  } catch (err) {
    c.closeFd(fd);
    throw err;
  }
}

/**
 * A UDP socket with `b` applied; `onBound` runs once it is bound (always asynchronously, also
 * when nothing is to be bound), after which the caller may connect and send. Throws like
 * {@link openBoundFd}.
 */
export function boundUdpSocket(b: SocketBinding, onBound: () => void): UdpSocket {
  const sock = createSocket(b.family === 6 ? 'udp6' : 'udp4');
  if (needsOwnSocket(b)) {
    const fd = openBoundFd('udp', b);
    try {
      // dgram may report an adopted descriptor as listening before bind() returns.
      sock.bind({ fd }, () => queueMicrotask(onBound));
    } catch (err) {
      c.closeFd(fd);
      sock.close();
      throw err;
    }
  } else if (b.bindTo !== undefined || b.bindPort !== undefined) {
    sock.bind({ address: b.bindTo, port: b.bindPort ?? 0 }, onBound);
  } else {
    queueMicrotask(onBound);
  }
  return sock;
}
