/**
 * Frame builders for the announcements a new master sends (RFC 5798 §6.4.1 / §6.4.2: "broadcast
 * a gratuitous ARP request ... for each IPv4 address" and "send an unsolicited ND Neighbor
 * Advertisement for each IPv6 address"). Pure: bytes in, bytes out; the AF_PACKET seam
 * (src/net/packet-socket.ts) puts them on the wire.
 *
 * Gratuitous ARP (RFC 826 layout, RFC 5227 §3 "ARP announcement"), as keepalived sends it:
 *
 *   Ethernet: dst ff:ff:ff:ff:ff:ff | src = interface MAC | type 0x0806
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-------------------------------+-------------------------------+
 *   |     HTYPE = 1 (Ethernet)      |     PTYPE = 0x0800 (IPv4)     |
 *   +---------------+---------------+-------------------------------+
 *   |   HLEN = 6    |   PLEN = 4    |       OPER = 1 (request)      |
 *   +---------------+---------------+-------------------------------+
 *   |  SHA = interface MAC (6) | SPA = VIP (4) | THA = ff*6 | TPA = VIP (4)
 *
 * Unsolicited Neighbor Advertisement (RFC 4861 §4.4, §7.2.6):
 *
 *   Ethernet: dst 33:33:00:00:00:01 | src = interface MAC | type 0x86dd
 *   IPv6: src = VIP, dst = ff02::1 (all nodes), hop limit 255, next header 58
 *   ICMPv6: type 136, code 0, checksum, R|S|O flags (S clear, O set), target = VIP,
 *           option 2 (target link-layer address) = interface MAC.
 */

import { addressBytes, parseMac } from '../../core/addr.js';
import { foldChecksum, pseudoHeaderSum, sumWords } from '../../core/inet-checksum.js';

/** Ethernet type of ARP. */
export const ETHERTYPE_ARP = 0x0806;
/** Ethernet type of IPv6. */
export const ETHERTYPE_IPV6 = 0x86dd;

const ETH_HEADER_LEN = 14;
const ARP_LEN = 28;
const IPV6_HEADER_LEN = 40;
const NA_LEN = 32; // 24 bytes of NA + 8 bytes of target link-layer address option
const ICMPV6_NEXT_HEADER = 58;
const ICMPV6_NEIGHBOR_ADVERT = 136;
const NA_FLAG_ROUTER = 0x80;
const NA_FLAG_OVERRIDE = 0x20;
const OPT_TARGET_LINK_ADDR = 2;

/**
 * ICMPv6 checksum (RFC 4443 §2.3): one's complement of the sum over the IPv6 pseudo-header
 * (RFC 8200 §8.1: source, destination, upper-layer length, next header 58) and the message,
 * with the message's checksum field taken as zero by the caller.
 */
export function icmpv6Checksum(src: Uint8Array, dst: Uint8Array, message: Uint8Array): number {
  const ck = foldChecksum(pseudoHeaderSum(src, dst, message.length, ICMPV6_NEXT_HEADER) + sumWords(message));
  return ck === 0 ? 0xffff : ck;
}

/**
 * Gratuitous ARP request for `vip` from `srcMac`: broadcast, sender IP = target IP = VIP,
 * target MAC ff:ff:ff:ff:ff:ff (as keepalived sends it). 42 bytes (no padding: the NIC pads).
 */
export function buildGratuitousArp(srcMac: string, vip: string): Buffer {
  const mac = parseMac(srcMac);
  const ip = addressBytes(vip, 4);
  const frame = Buffer.alloc(ETH_HEADER_LEN + ARP_LEN);
  frame.fill(0xff, 0, 6);
  mac.copy(frame, 6);
  frame.writeUInt16BE(ETHERTYPE_ARP, 12);
  const a = ETH_HEADER_LEN;
  frame.writeUInt16BE(1, a); // HTYPE Ethernet
  frame.writeUInt16BE(0x0800, a + 2); // PTYPE IPv4
  frame[a + 4] = 6;
  frame[a + 5] = 4;
  frame.writeUInt16BE(1, a + 6); // request
  mac.copy(frame, a + 8);
  ip.copy(frame, a + 14);
  frame.fill(0xff, a + 18, a + 24);
  ip.copy(frame, a + 24);
  return frame;
}

/** Options of {@link buildUnsolicitedNa}. */
export interface NaOptions {
  /** Set the Router flag (keepalived does when the interface forwards IPv6). */
  router?: boolean;
}

/**
 * Unsolicited Neighbor Advertisement for `vip` (RFC 4861 §7.2.6): to all-nodes ff02::1 from the
 * VIP, hop limit 255 (§7.1.2 receivers MUST drop anything else), Solicited clear, Override set,
 * target link-layer address option = `srcMac`. 86 bytes.
 */
export function buildUnsolicitedNa(srcMac: string, vip: string, opts: NaOptions = {}): Buffer {
  const mac = parseMac(srcMac);
  const src = addressBytes(vip, 6);
  const dst = addressBytes('ff02::1', 6);
  const frame = Buffer.alloc(ETH_HEADER_LEN + IPV6_HEADER_LEN + NA_LEN);
  Buffer.from([0x33, 0x33, 0, 0, 0, 1]).copy(frame, 0);
  mac.copy(frame, 6);
  frame.writeUInt16BE(ETHERTYPE_IPV6, 12);
  const ip = ETH_HEADER_LEN;
  frame.writeUInt32BE(0x60000000, ip); // version 6, traffic class 0, flow label 0
  frame.writeUInt16BE(NA_LEN, ip + 4);
  frame[ip + 6] = ICMPV6_NEXT_HEADER;
  frame[ip + 7] = 255;
  src.copy(frame, ip + 8);
  dst.copy(frame, ip + 24);
  const na = ip + IPV6_HEADER_LEN;
  frame[na] = ICMPV6_NEIGHBOR_ADVERT;
  frame[na + 1] = 0;
  frame[na + 4] = NA_FLAG_OVERRIDE | (opts.router ? NA_FLAG_ROUTER : 0);
  src.copy(frame, na + 8);
  frame[na + 24] = OPT_TARGET_LINK_ADDR;
  frame[na + 25] = 1; // length in units of 8 bytes
  mac.copy(frame, na + 26);
  frame.writeUInt16BE(icmpv6Checksum(src, dst, frame.subarray(na)), na + 2);
  return frame;
}
