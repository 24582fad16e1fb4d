/**
 * Address bytes ↔ strings for the IPVS seam: 16-byte buffers with IPv4 in the first 4 bytes,
 * IPv6 printed in RFC 5952 form (src/net/inet-addr.ts) so kernel dumps compare equal to config
 * addresses. Pure: no I/O.
 */
import type { Family } from '../config/model.js';
import { ipv4Bytes, ipv4Text, ipv6Bytes, ipv6Text } from '../net/inet-addr.js';

/** 16 bytes for an address of the given family (RangeError on a malformed address). */
export function addressBytes(address: string, family: Family): Uint8Array {
  const out = new Uint8Array(16);
  out.set(family === 4 ? ipv4Bytes(address) : ipv6Bytes(address));
  return out;
}

/** Canonical text of the first 4 (IPv4) or 16 (IPv6) bytes. */
export function formatAddress(bytes: ArrayLike<number>, family: Family): string {
  const b = Uint8Array.from({ length: 16 }, (_, i) => bytes[i] ?? 0);
  return family === 4 ? ipv4Text(b) : ipv6Text(b);
}

/** Canonical form of an address string (as a kernel dump prints it back). */
export function canonicalAddress(address: string, family: Family): string {
  return formatAddress(addressBytes(address, family), family);
}

/** Dotted-quad netmask ("255.255.255.0") to a prefix length; undefined when malformed. */
export function netmaskPrefixLen(mask: string): number | undefined {
  let bits: string;
  try {
    bits = [...ipv4Bytes(mask)].map((o) => o.toString(2).padStart(8, '0')).join('');
  } catch {
    return undefined;
  }
  const ones = bits.indexOf('0') < 0 ? 32 : bits.indexOf('0');
  return bits.slice(ones).includes('1') ? undefined : ones;
}

/** Every IPv4 address from first to last inclusive (virtual_server_group ranges). */
export function ipv4Range(first: string, last: string): string[] {
  const toNum = (a: string): number => ipv4Bytes(a).readUInt32BE(0);
  const out: string[] = [];
  const end = toNum(last);
  for (let n = toNum(first); n <= end; n++) {
    out.push([n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff].join('.'));
  }
  return out;
}
