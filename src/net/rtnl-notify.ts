/**
 * Layer: the rtnetlink notification socket (NETLINK_ROUTE bound to multicast groups), opened
 * through libc (./libc.ts) and polled by libuv. kad keeps this one socket off npm `netlink`
 * because that package's native reader aborts the whole process when recvmsg(2) fails with
 * ENOBUFS (the kernel's signal that notifications were lost in a burst); here ENOBUFS is data:
 * an `onOverrun` call, after which the owner re-reads links and addresses. Message bodies are
 * still decoded by npm `netlink`'s pure parsers.
 */
import netlink from 'netlink';
import type { NetlinkMessage } from 'netlink';
import type { KadError } from '../core/errors.js';
import * as c from './libc.js';
import { MsgHeader } from './msghdr.js';

/** Legacy group bits for bind(2) (linux/rtnetlink.h RTMGRP_*). */
export const RTMGRP_LINK = 0x1;
export const RTMGRP_IPV4_IFADDR = 0x10;
export const RTMGRP_IPV6_IFADDR = 0x100;

const ENOBUFS = 105;
const DATA_CAPACITY = 64 * 1024;
const MAX_READS_PER_WAKEUP = 256;

/** Options of {@link NotifySocket.open}. */
export interface NotifySocketOptions {
  /** RTMGRP_* bits. */
  groups: number;
  /** Receive buffer (SO_RCVBUFFORCE as root, else SO_RCVBUF capped by rmem_max). Default 4 MiB. */
  recvBufferBytes?: number;
  /** Kernel messages, one datagram at a time. */
  onMessages: (msgs: NetlinkMessage[]) => void;
  /** Notifications were lost (ENOBUFS) or the socket failed: re-read state. */
  onOverrun: (err: KadError) => void;
  /** `onMessages` threw (KAD_ERR_NET_HANDLER); the socket goes on. Default: a process warning. */
  onHandlerError?: (err: KadError) => void;
}

/** sockaddr_nl {family, pad, pid = 0 (kernel assigns), groups}. */
function sockaddrNl(groups: number): Buffer {
  const b = Buffer.alloc(12);
  b.writeUInt16LE(c.AF_NETLINK, 0);
  b.writeUInt32LE(groups >>> 0, 8);
  return b;
}

/** A NETLINK_ROUTE socket receiving notifications for the given groups. */
export class NotifySocket {
  /** Datagrams received and overruns seen. */
  readonly stats = { datagrams: 0, overruns: 0 };
  private readonly hdr = new MsgHeader(DATA_CAPACITY, 0);
  private readonly watcher: c.FdWatcher;
  private closed = false;

  private constructor(
    private readonly fd: number,
    private readonly opts: NotifySocketOptions,
  ) {
    this.watcher = c.watchReadable(fd, () => this.drain(), (err) => c.handlerError(err, 'rtnetlink notification', opts.onHandlerError));
  }

  /** Open and bind. Throws KadError (KAD_ERR_NET_SYSCALL) on failure. */
  static open(opts: NotifySocketOptions): NotifySocket {
    const fd = c.openSocket(c.AF_NETLINK, c.SOCK_RAW, c.NETLINK_ROUTE);
    try {
      const size = opts.recvBufferBytes ?? 4 * 1024 * 1024;
      try {
        c.setIntOption(fd, c.SOL_SOCKET, c.SO_RCVBUFFORCE, size, 'SO_RCVBUFFORCE');
      } catch {
        c.setIntOption(fd, c.SOL_SOCKET, c.SO_RCVBUF, size, 'SO_RCVBUF');
      }
      c.bindSocket(fd, sockaddrNl(opts.groups));
    } catch (err) {
      c.closeFd(fd);
      throw err;
    }
    return new NotifySocket(fd, opts);
  }

  private drain(): void {
    for (let i = 0; i < MAX_READS_PER_WAKEUP && !this.closed; i++) {
      this.hdr.prepareRecv();
      const n = c.recvMsg(this.fd, this.hdr.block, c.MSG_DONTWAIT);
      if (n === -11 || n === -4) return;
      if (n < 0) {
        if (n === -ENOBUFS) this.stats.overruns++;
        this.opts.onOverrun(c.syscallError('recvmsg', -n, 'NETLINK_ROUTE'));
        if (n === -ENOBUFS) continue; // the queue is still full of newer messages
        return;
      }
      // Only the kernel (port 0) speaks on these groups; anything else is ignored.
      if (this.hdr.name.readUInt32LE(4) !== 0) continue;
      this.stats.datagrams++;
      this.dispatch(Buffer.from(this.hdr.data.subarray(0, Math.min(n, DATA_CAPACITY))));
    }
  }

  private dispatch(bytes: Buffer): void {
    let msgs: NetlinkMessage[];
    try {
      msgs = netlink.parseMessages(bytes);
    } catch {
      return; // a malformed datagram carries nothing kad can act on
    }
    try {
      this.opts.onMessages(msgs);
    } catch (err) {
      c.handlerError(err, 'rtnetlink notification', this.opts.onHandlerError);
    }
  }

  /** Stop and close the fd. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.watcher.close();
    c.closeFd(this.fd);
    this.hdr.free();
  }
}
