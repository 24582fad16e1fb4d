/**
 * Layer: address text <-> bytes for the network seams and the frame builders. Pure (no I/O):
 * dotted-quad IPv4, RFC 4291 §2.2 / RFC 5952 IPv6 text (parsed and formatted by the one address
 * codec in src/config/ip.ts), and colon-separated MACs.
 */
import { formatIpv6, parseIpv4, parseIpv6 } from '../config/ip.js';

/** Parse "aa:bb:cc:dd:ee:ff" into 6 bytes; throws RangeError on anything else. */
export function parseMac(mac: string): Buffer {
  const parts = mac.split(':');
  if (parts.length !== 6 || parts.some((p) => !/^[0-9a-fA-F]{1,2}$/.test(p))) {
    throw new RangeError(`invalid MAC address "${mac}"`);
  }
  return Buffer.from(parts.map((p) => parseInt(p, 16)));
}

/** Format 6 bytes as "aa:bb:cc:dd:ee:ff". */
export function formatMac(mac: Uint8Array): string {
  return Array.from(mac.subarray(0, 6), (b) => b.toString(16).padStart(2, '0')).join(':');
}

/** Dotted-quad IPv4 to 4 bytes; throws RangeError when malformed. */
export function ipv4Bytes(addr: string): Buffer {
  const b = parseIpv4(addr);
  if (!b) throw new RangeError(`invalid IPv4 address "${addr}"`);
  return Buffer.from(b);
}

/** Textual IPv6 (with "::" compression, embedded dotted quad, "%zone" ignored) to 16 bytes. */
export function ipv6Bytes(addr: string): Buffer {
  const words = parseIpv6(addr);
  if (!words) throw new RangeError(`invalid IPv6 address "${addr}"`);
  const out = Buffer.alloc(16);
  words.forEach((w, i) => out.writeUInt16BE(w, i * 2));
  return out;
}

/** 4 bytes to dotted-quad text. */
export function ipv4Text(b: Uint8Array): string {
  return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
}

/** 16 bytes to RFC 5952 text (lower case, longest run of two or more zero words as "::"). */
export function ipv6Text(b: Uint8Array): string {
  const words: number[] = [];
  for (let i = 0; i < 16; i += 2) words.push((b[i]! << 8) | b[i + 1]!);
  return formatIpv6(words);
}

/** True for an IPv6 text address (contains a colon). */
export function isIpv6(addr: string): boolean {
  return addr.includes(':');
}
