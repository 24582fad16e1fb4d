/**
 * Layer: the rtnetlink notification socket (NETLINK_ROUTE bound to multicast groups), opened
 * through libc (./libc.ts) and read by ./netlink-mcast.ts. kad keeps this one socket off npm `netlink`
 * because that package's native reader aborts the whole process when recvmsg(2) fails with
 * ENOBUFS (the kernel's signal that notifications were lost in a burst); here ENOBUFS is data:
 * an `onOverrun` call, after which the owner re-reads links and addresses. Message bodies are
 * still decoded by npm `netlink`'s pure parsers.
 */
import netlink from 'netlink';
import type { NetlinkMessage } from 'netlink';
import type { KadError } from '../core/errors.js';
import * as c from './libc.js';
import { NetlinkReader, setRecvBuffer, sockaddrNl } from './netlink-mcast.js';

/** Legacy group bits for bind(2) (linux/rtnetlink.h RTMGRP_*). */
export const RTMGRP_LINK = 0x1;
export const RTMGRP_IPV4_IFADDR = 0x10;
export const RTMGRP_IPV6_IFADDR = 0x100;

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

/** A NETLINK_ROUTE socket receiving notifications for the given groups. */
export class NotifySocket {
  private readonly reader: NetlinkReader;

  private constructor(fd: number, opts: NotifySocketOptions) {
    this.reader = new NetlinkReader(fd, 'rtnetlink notification', {
      onDatagram: (bytes) => {
        let msgs: NetlinkMessage[];
        try {
          msgs = netlink.parseMessages(bytes);
        } catch {
          return; // a malformed datagram carries nothing kad can act on
        }
        opts.onMessages(msgs);
      },
      onOverrun: opts.onOverrun,
      onHandlerError: opts.onHandlerError,
    });
  }

  /** Datagrams received and overruns seen. */
  get stats(): { datagrams: number; overruns: number } {
    return this.reader.stats;
  }

  /** Open and bind. Throws KadError (KAD_ERR_NET_SYSCALL) on failure. */
  static open(opts: NotifySocketOptions): NotifySocket {
    const fd = c.openSocket(c.AF_NETLINK, c.SOCK_RAW, c.NETLINK_ROUTE);
    try {
      setRecvBuffer(fd, opts.recvBufferBytes ?? 4 * 1024 * 1024);
      c.bindSocket(fd, sockaddrNl(opts.groups));
    } catch (err) {
      c.closeFd(fd);
      throw err;
    }
    return new NotifySocket(fd, opts);
  }

  /** Stop and close the fd. Idempotent. */
  close(): void {
    this.reader.close();
  }
}
