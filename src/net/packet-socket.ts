/**
 * Layer: the AF_PACKET seam. Sends complete Ethernet frames (gratuitous ARP, unsolicited NA
 * built by src/vrrp/protocol/garp.ts) out of one interface with sendto(2) and a sockaddr_ll (packet(7)).
 * The socket is opened with protocol 0, so the kernel never queues received frames on it: it is
 * send-only and needs no watcher. Sends are non-blocking (MSG_DONTWAIT); a kernel error comes
 * back as data `{errno, code, syscall}` and is counted, never thrown.
 */
import { errnoInfo, type ErrnoInfo } from '../core/errors.js';
import * as c from './libc.js';
import { sockaddrLl } from './sockaddr.js';

export type FrameSendResult = { ok: true; bytes: number } | { ok: false; error: ErrnoInfo };

const ETH_HEADER_LEN = 14;

/** A send-only packet socket bound to one interface by index. */
export class PacketSocket {
  /** Frames sent and failed sends. */
  readonly stats = { sent: 0, sendErrors: 0 };
  private closed = false;

  private constructor(
    private readonly fd: number,
    readonly ifName: string,
    readonly ifIndex: number,
  ) {}

  /** Open a packet socket for `ifName`. Throws KadError (KAD_ERR_NET_SYSCALL) when it cannot. */
  static open(ifName: string): PacketSocket {
    const ifIndex = c.ifIndex(ifName);
    const fd = c.openSocket(c.AF_PACKET, c.SOCK_RAW, 0);
    return new PacketSocket(fd, ifName, ifIndex);
  }

  /**
   * Send one frame (Ethernet header included). The destination MAC and ethertype are taken from
   * the frame itself.
   */
  send(frame: Buffer): FrameSendResult {
    if (this.closed) return { ok: false, error: errnoInfo(9, 'sendto') };
    if (frame.length < ETH_HEADER_LEN) return { ok: false, error: errnoInfo(22, 'sendto') };
    const addr = sockaddrLl(this.ifIndex, frame.readUInt16BE(12), frame.subarray(0, 6));
    const n = c.sendTo(this.fd, frame, c.MSG_DONTWAIT, addr);
    if (n < 0) {
      this.stats.sendErrors++;
      return { ok: false, error: errnoInfo(-n, 'sendto') };
    }
    this.stats.sent++;
    return { ok: true, bytes: n };
  }

  /** Close the fd. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    c.closeFd(this.fd);
  }
}
