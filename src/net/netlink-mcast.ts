/**
 * Layer: a netlink socket bound to multicast groups, read from the Node event loop (libc seam,
 * ./libc.ts; libuv polls the fd). Shared by the rtnetlink notifications (./rtnl-notify.ts) and
 * the proc connector (./proc-connector.ts); each of them decodes the datagrams. ENOBUFS (the
 * kernel dropped messages in a burst) is data: an `onOverrun` call, after which reading goes on
 * with the newer messages still queued. Only datagrams from the kernel (port 0) are passed on.
 */
import type { KadError } from '../core/errors.js';
import * as c from './libc.js';
import { MsgHeader } from './msghdr.js';

const ENOBUFS = 105;
const EAGAIN = 11;
const EINTR = 4;
const DATA_CAPACITY = 64 * 1024;
const MAX_READS_PER_WAKEUP = 512;

/** sockaddr_nl {family, pad, pid = 0 (the kernel, or: let it assign one), groups}. */
export function sockaddrNl(groups: number): Buffer {
  const b = Buffer.alloc(12);
  b.writeUInt16LE(c.AF_NETLINK, 0);
  b.writeUInt32LE(groups >>> 0, 8);
  return b;
}

/** Receive buffer: SO_RCVBUFFORCE as root, else SO_RCVBUF (capped by rmem_max). */
export function setRecvBuffer(fd: number, bytes: number): void {
  try {
    c.setIntOption(fd, c.SOL_SOCKET, c.SO_RCVBUFFORCE, bytes, 'SO_RCVBUFFORCE');
  } catch {
    c.setIntOption(fd, c.SOL_SOCKET, c.SO_RCVBUF, bytes, 'SO_RCVBUF');
  }
}

/** What a {@link NetlinkReader} calls. */
export interface NetlinkReaderHandlers {
  /** One datagram from the kernel (a copy: the caller may keep it). */
  onDatagram: (bytes: Buffer) => void;
  /** Messages were lost (ENOBUFS) or recvmsg failed. */
  onOverrun: (err: KadError) => void;
  /** `onDatagram` threw (KAD_ERR_NET_HANDLER); reading goes on. Default: a process warning. */
  onHandlerError?: (err: KadError) => void;
}

/** Reads an open, bound netlink socket until closed; owns and closes the fd. */
export class NetlinkReader {
  /** Datagrams received and overruns seen. */
  readonly stats = { datagrams: 0, overruns: 0 };
  private readonly hdr = new MsgHeader(DATA_CAPACITY, 0);
  private readonly watcher: c.FdWatcher;
  private closed = false;

  constructor(
    readonly fd: number,
    /** Names the socket in errors ('NETLINK_ROUTE'). */
    private readonly what: string,
    private readonly h: NetlinkReaderHandlers,
  ) {
    this.watcher = c.watchReadable(fd, () => this.drain(), (err) => c.handlerError(err, what, h.onHandlerError));
  }

  private drain(): void {
    for (let i = 0; i < MAX_READS_PER_WAKEUP && !this.closed; i++) {
      this.hdr.prepareRecv();
      const n = c.recvMsg(this.fd, this.hdr.block, c.MSG_DONTWAIT);
      if (n === -EAGAIN || n === -EINTR) return;
      if (n < 0) {
        if (n === -ENOBUFS) this.stats.overruns++;
        this.h.onOverrun(c.syscallError('recvmsg', -n, this.what));
        if (n === -ENOBUFS) continue; // the queue is still full of newer messages
        return;
      }
      if (this.hdr.name.readUInt32LE(4) !== 0) continue;
      this.stats.datagrams++;
      const bytes = Buffer.from(this.hdr.data.subarray(0, Math.min(n, DATA_CAPACITY)));
      try {
        this.h.onDatagram(bytes);
      } catch (err) {
        c.handlerError(err, this.what, this.h.onHandlerError);
      }
    }
  }

  /** Stop reading and close the fd. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.watcher.close();
    c.closeFd(this.fd);
    this.hdr.free();
  }
}
