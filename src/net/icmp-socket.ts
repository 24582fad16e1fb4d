/**
 * Layer: the raw ICMP / ICMPv6 socket of PING_CHECK (needs CAP_NET_RAW), opened through libc
 * with the checker's binding (source address, SO_BINDTODEVICE, SO_MARK; see ./bound-socket.ts)
 * and read from the Node event loop. The ICMP bytes are opaque here: IPv4 datagrams arrive with
 * their IP header, ICMPv6 ones without (raw(7), RFC 3542 §3), and the kernel fills the ICMPv6
 * checksum.
 */
import type { KadError } from '../core/errors.js';
import { openBoundFd, type SocketBinding } from './bound-socket.js';
import * as c from './libc.js';
import { sockaddrInet, sockaddrText } from './sockaddr.js';

/** Enough for any echo reply a check sends (the rest of a larger datagram is cut off). */
const RECV_BYTES = 2048;
/** Reads per wakeup, so a flood of foreign ICMP cannot hold the event loop. */
const MAX_READS = 64;
const EAGAIN = 11;
const EINTR = 4;

export interface IcmpSocketOptions {
  binding: SocketBinding;
  /** One datagram and the address it came from. */
  onMessage: (packet: Buffer, source: string) => void;
  /** A receive error (an ICMP error queued on the socket: EHOSTUNREACH...), or a handler that threw. */
  onError: (err: KadError) => void;
}

export class IcmpSocket {
  private readonly watcher: c.FdWatcher;
  private readonly buf = Buffer.alloc(RECV_BYTES);
  private readonly from = Buffer.alloc(28);
  private closed = false;

  private constructor(private readonly fd: number, private readonly opts: IcmpSocketOptions) {
    this.watcher = c.watchReadable(fd, () => this.drain(), (err) => c.handlerError(err, 'ICMP socket', opts.onError));
  }

  /** Open and bind the socket; throws KAD_ERR_NET_SYSCALL (EPERM without CAP_NET_RAW, ENODEV...). */
  static open(opts: IcmpSocketOptions): IcmpSocket {
    const fd = openBoundFd('icmp', opts.binding);
    try {
      return new IcmpSocket(fd, opts);
    } catch (err) {
      c.closeFd(fd);
      throw err;
    }
  }

  /** Send one ICMP message to `destination`; returns bytes sent or -errno. */
  send(message: Buffer, destination: string): number {
    return c.sendTo(this.fd, message, c.MSG_DONTWAIT, sockaddrInet(destination));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.watcher.close();
    c.closeFd(this.fd);
  }

  private drain(): void {
    for (let i = 0; i < MAX_READS && !this.closed; i++) {
      const n = c.recvFrom(this.fd, this.buf, c.MSG_DONTWAIT, this.from);
      if (n === -EAGAIN || n === -EINTR) return;
      if (n < 0) {
        this.opts.onError(c.syscallError('recvfrom', -n));
        return;
      }
      this.opts.onMessage(Buffer.from(this.buf.subarray(0, n)), sockaddrText(this.from));
    }
  }
}
