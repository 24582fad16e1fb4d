/**
 * Addresses as the IPVS family carries them: 16-byte buffers with IPv4 in the first 4 bytes,
 * printed through the one address codec (src/core/addr.ts) so kernel dumps compare equal to
 * config addresses; netmasks and virtual_server_group ranges. Pure: no I/O.
 */
import { addressBytes, formatIpv4, formatIpv6, type Family } from '../core/addr.js';

/** 16 bytes for an address of the given family (RangeError on a malformed address). */
export function ipvsAddress(address: string, family: Family): Uint8Array {
  const out = new Uint8Array(16);
  out.set(addressBytes(address, family));
  return out;
}

/** Canonical text of the first 4 (IPv4) or 16 (IPv6) bytes. */
export function formatAddress(bytes: ArrayLike<number>, family: Family): string {
  const b = Uint8Array.from({ length: 16 }, (_, i) => bytes[i] ?? 0);
  return family === 4 ? formatIpv4(b) : formatIpv6(b);
}

/** Dotted-quad netmask ("255.255.255.0") to a prefix length; undefined when malformed. */
export function netmaskPrefixLen(mask: string): number | undefined {
  let bits: string;
  try {
    bits = [...addressBytes(mask, 4)].map((o) => o.toString(2).padStart(8, '0')).join('');
  } catch {
    return undefined;
  }
  const ones = bits.indexOf('0') < 0 ? 32 : bits.indexOf('0');
  return bits.slice(ones).includes('1') ? undefined : ones;
}

const toBig = (b: Uint8Array, len: number): bigint => b.subarray(0, len).reduce((n, x) => (n << 8n) | BigInt(x), 0n);

function fromBig(n: bigint, len: number): Uint8Array {
  const out = new Uint8Array(16);
  for (let i = len - 1; i >= 0; i--, n >>= 8n) out[i] = Number(n & 0xffn);
  return out;
}

/**
 * Every address of a virtual_server_group range, first to last inclusive. `last` is a whole
 * address or, as keepalived writes ranges (`10.0.0.1-10`, `2001:db8::1-1f`), only the last
 * IPv4 octet (decimal) or IPv6 group (hex). Empty when last < first; at most `max` addresses.
 */
export function addressRange(first: string, last: string, family: Family, max = 65536): string[] {
  const len = family === 4 ? 4 : 16;
  const a = ipvsAddress(first, family);
  let b: Uint8Array;
  if (family === 4 && /^\d{1,3}$/.test(last)) {
    b = a.slice();
    b[3] = Number(last);
  } else if (family === 6 && /^[0-9a-fA-F]{1,4}$/.test(last)) {
    b = a.slice();
    const w = parseInt(last, 16);
    [b[14], b[15]] = [w >> 8, w & 0xff];
  } else {
    b = ipvsAddress(last, family);
  }
  const out: string[] = [];
  for (let n = toBig(a, len), end = toBig(b, len); n <= end && out.length < max; n++) {
    out.push(formatAddress(fromBig(n, len), family));
  }
  return out;
}
