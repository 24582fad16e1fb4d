/**
 * Layer: byte layouts of the socket address and membership structures kad hands to the kernel
 * (linux/in.h, linux/in6.h, linux/if_packet.h). Pure. Multi-byte fields marked "network order"
 * are big-endian; the family field is host order (little-endian on the supported ABIs).
 */
import { AF_INET, AF_INET6, AF_PACKET } from './libc.js';
import { addressBytes, formatIpv4, formatIpv6 } from '../core/addr.js';

/** struct sockaddr_in for `addr` (port 0: raw sockets ignore it). 16 bytes. */
export function sockaddrIn(addr: string): Buffer {
  const b = Buffer.alloc(16);
  b.writeUInt16LE(AF_INET, 0);
  addressBytes(addr, 4).copy(b, 4);
  return b;
}

/** struct sockaddr_in6 for `addr` with scope id `scopeId` (the ifindex for link-local). 28 bytes. */
export function sockaddrIn6(addr: string, scopeId = 0): Buffer {
  const b = Buffer.alloc(28);
  b.writeUInt16LE(AF_INET6, 0);
  addressBytes(addr, 6).copy(b, 8);
  b.writeUInt32LE(scopeId, 24);
  return b;
}

/** struct sockaddr_in or sockaddr_in6 (by the address's family) for `addr`:`port`. */
export function sockaddrInet(addr: string, port = 0): Buffer {
  const b = addr.includes(':') ? sockaddrIn6(addr) : sockaddrIn(addr);
  b.writeUInt16BE(port, 2);
  return b;
}

/** Address text of a sockaddr_in / sockaddr_in6 written by the kernel. */
export function sockaddrText(b: Buffer): string {
  const family = b.readUInt16LE(0);
  if (family === AF_INET) return formatIpv4(b.subarray(4, 8));
  if (family === AF_INET6) return formatIpv6(b.subarray(8, 24));
  return '';
}

/** struct ip_mreqn {multiaddr, address, ifindex}: join/leave and IP_MULTICAST_IF. 12 bytes. */
export function ipMreqn(group: string, ifIndex: number): Buffer {
  const b = Buffer.alloc(12);
  addressBytes(group, 4).copy(b, 0);
  b.writeInt32LE(ifIndex, 8);
  return b;
}

/** struct ipv6_mreq {multiaddr, ifindex}. 20 bytes. */
export function ipv6Mreq(group: string, ifIndex: number): Buffer {
  const b = Buffer.alloc(20);
  addressBytes(group, 6).copy(b, 0);
  b.writeUInt32LE(ifIndex, 16);
  return b;
}

/** struct in6_pktinfo {addr, ifindex} for IPV6_PKTINFO. 20 bytes. */
export function in6Pktinfo(addr: string, ifIndex: number): Buffer {
  const b = Buffer.alloc(20);
  addressBytes(addr, 6).copy(b, 0);
  b.writeInt32LE(ifIndex, 16);
  return b;
}

/**
 * struct sockaddr_ll for sending a frame on `ifIndex` (packet(7)): protocol = the frame's
 * ethertype (network order), halen 6, destination MAC. 20 bytes.
 */
export function sockaddrLl(ifIndex: number, ethertype: number, dstMac: Uint8Array): Buffer {
  const b = Buffer.alloc(20);
  b.writeUInt16LE(AF_PACKET, 0);
  b.writeUInt16BE(ethertype, 2);
  b.writeInt32LE(ifIndex, 4);
  b[11] = 6;
  Buffer.from(dstMac.subarray(0, 6)).copy(b, 12);
  return b;
}
