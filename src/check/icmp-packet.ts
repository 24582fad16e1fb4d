/**
 * ICMP / ICMPv6 echo request builder and reply matcher for PING_CHECK (RFC 792, RFC 4443 §4).
 *
 *   | Type (8) | Code (8) | Checksum (16) |
 *   | Identifier (16)     | Sequence (16) |
 *   | Data ...                            |
 *
 * Pure. For ICMPv6 the kernel fills the checksum on raw sockets (RFC 3542 §3.1).
 */

import { internetChecksum } from '../core/inet-checksum.js';

export const ICMP_ECHO_REQUEST = 8;
export const ICMP_ECHO_REPLY = 0;
export const ICMP6_ECHO_REQUEST = 128;
export const ICMP6_ECHO_REPLY = 129;

export function encodeEcho(family: 4 | 6, id: number, seq: number, data: Buffer): Buffer {
  const b = Buffer.alloc(8 + data.length);
  b[0] = family === 4 ? ICMP_ECHO_REQUEST : ICMP6_ECHO_REQUEST;
  b.writeUInt16BE(id & 0xffff, 4);
  b.writeUInt16BE(seq & 0xffff, 6);
  data.copy(b, 8);
  if (family === 4) b.writeUInt16BE(internetChecksum(b), 2);
  return b;
}

/**
 * Is `packet` the echo reply for (id, seq)? IPv4 raw sockets deliver the IP header first
 * (its length is in the IHL nibble); IPv6 raw sockets deliver the ICMPv6 message only.
 */
export function isEchoReply(family: 4 | 6, packet: Buffer, id: number, seq: number): boolean {
  const off = family === 4 ? (packet[0]! & 0x0f) * 4 : 0;
  if (packet.length < off + 8) return false;
  const type = packet[off];
  if (type !== (family === 4 ? ICMP_ECHO_REPLY : ICMP6_ECHO_REPLY)) return false;
  return packet.readUInt16BE(off + 4) === (id & 0xffff) && packet.readUInt16BE(off + 6) === (seq & 0xffff);
}
