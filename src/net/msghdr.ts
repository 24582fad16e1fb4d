/**
 * Layer: struct msghdr in native memory for recvmsg(2)/sendmsg(2) through koffi. One block holds
 * the msghdr, its single iovec, the peer sockaddr, the control (ancillary data) area and the data
 * area, so the kernel sees stable pointers and kad reads the results through zero-copy views.
 * Layout is LP64 Linux: msghdr {name@0, namelen@8, iov@16, iovlen@24, control@32,
 * controllen@40, flags@48}; iovec {base@0, len@8}; cmsghdr {len@0 (size_t), level@8, type@12}.
 */
import { allocNative, CMSGHDR_SIZE, freeNative, IOVEC_SIZE, MSGHDR_SIZE, type NativeBlock } from './libc.js';

const NAME_SIZE = 32; // >= sizeof(struct sockaddr_in6) = 28, 8-aligned

/** One control message read back from a msghdr. */
export interface ControlMessage {
  level: number;
  type: number;
  data: Buffer;
}

/** CMSG_ALIGN: round up to the size of size_t. */
function cmsgAlign(n: number): number {
  return (n + 7) & ~7;
}

/** A msghdr with one iovec and its buffers, all in one native block. */
export class MsgHeader {
  readonly block: NativeBlock;
  /** The data area (iov_base); length = capacity. */
  readonly data: Buffer;
  /** The sockaddr area (msg_name). */
  readonly name: Buffer;
  /** The ancillary-data area (msg_control). */
  readonly control: Buffer;

  constructor(dataCapacity: number, controlCapacity: number) {
    const iovOff = MSGHDR_SIZE;
    const nameOff = iovOff + IOVEC_SIZE;
    const controlOff = nameOff + NAME_SIZE;
    const dataOff = controlOff + cmsgAlign(controlCapacity);
    this.block = allocNative(dataOff + dataCapacity);
    const base = this.block.address;
    const b = this.block.bytes;
    b.writeBigUInt64LE(base + BigInt(nameOff), 0);
    b.writeBigUInt64LE(base + BigInt(iovOff), 16);
    b.writeBigUInt64LE(1n, 24);
    b.writeBigUInt64LE(controlCapacity > 0 ? base + BigInt(controlOff) : 0n, 32);
    b.writeBigUInt64LE(base + BigInt(dataOff), iovOff);
    this.name = b.subarray(nameOff, nameOff + NAME_SIZE);
    this.control = b.subarray(controlOff, controlOff + controlCapacity);
    this.data = b.subarray(dataOff, dataOff + dataCapacity);
    this.reset(dataCapacity, NAME_SIZE, controlCapacity);
  }

  /** Set iov_len, msg_namelen and msg_controllen (before each call: the kernel rewrites them). */
  reset(dataLen: number, nameLen: number, controlLen: number): void {
    const b = this.block.bytes;
    b.writeUInt32LE(nameLen, 8);
    b.writeBigUInt64LE(BigInt(controlLen), 40);
    b.writeInt32LE(0, 48);
    b.writeBigUInt64LE(BigInt(dataLen), MSGHDR_SIZE + 8);
  }

  /** Prepare for recvmsg: full capacities. */
  prepareRecv(): void {
    this.reset(this.data.length, this.name.length, this.control.length);
  }

  /** msg_flags after recvmsg (MSG_TRUNC, MSG_CTRUNC). */
  get flags(): number {
    return this.block.bytes.readInt32LE(48);
  }

  /** The control messages the kernel wrote (recvmsg). */
  controlMessages(): ControlMessage[] {
    const used = Number(this.block.bytes.readBigUInt64LE(40));
    const out: ControlMessage[] = [];
    let off = 0;
    while (off + CMSGHDR_SIZE <= used) {
      const len = Number(this.control.readBigUInt64LE(off));
      if (len < CMSGHDR_SIZE || off + len > used) break;
      out.push({
        level: this.control.readInt32LE(off + 8),
        type: this.control.readInt32LE(off + 12),
        data: this.control.subarray(off + CMSGHDR_SIZE, off + len),
      });
      off += cmsgAlign(len);
    }
    return out;
  }

  /** Write control messages for sendmsg; returns the msg_controllen to pass to reset(). */
  writeControlMessages(msgs: readonly { level: number; type: number; data: Buffer }[]): number {
    let off = 0;
    for (const m of msgs) {
      const len = CMSGHDR_SIZE + m.data.length;
      if (off + cmsgAlign(len) > this.control.length) throw new RangeError('control area too small');
      this.control.fill(0, off, off + cmsgAlign(len));
      this.control.writeBigUInt64LE(BigInt(len), off);
      this.control.writeInt32LE(m.level, off + 8);
      this.control.writeInt32LE(m.type, off + 12);
      m.data.copy(this.control, off + CMSGHDR_SIZE);
      off += cmsgAlign(len);
    }
    return off;
  }

  /** Free the native memory; the object must not be used afterwards. */
  free(): void {
    freeNative(this.block);
  }
}
