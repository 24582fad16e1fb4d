/**
 * The Internet checksum (RFC 1071) and the pseudo-header sum shared by VRRPv3 (RFC 5798 §5.2.8),
 * ICMPv6 (RFC 4443 §2.3) and the IPv4 header: the one implementation for every codec in kad.
 * Pure.
 */

/** Adds 16-bit big-endian words of `bytes[start, end)` to `sum` (no folding). */
export function sumWords(bytes: Uint8Array, start = 0, end = bytes.length, sum = 0): number {
  let i = start;
  for (; i + 1 < end; i += 2) sum += (bytes[i]! << 8) | bytes[i + 1]!;
  if (i < end) sum += bytes[i]! << 8;
  return sum;
}

/** Folds carries and complements: the final 16-bit checksum. */
export function foldChecksum(sum: number): number {
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return ~sum & 0xffff;
}

/** RFC 1071 checksum of `bytes[start, end)`. */
export function internetChecksum(bytes: Uint8Array, start = 0, end = bytes.length): number {
  return foldChecksum(sumWords(bytes, start, end));
}

/**
 * Sum of a pseudo-header: source, destination, upper-layer length, protocol / next header.
 * The IPv4 form (a zero byte, the protocol, a 16-bit length) and the IPv6 form (RFC 8200 §8.1:
 * a 32-bit length, three zero bytes, the next header) sum to the same words.
 */
export function pseudoHeaderSum(src: Uint8Array, dst: Uint8Array, length: number, protocol: number): number {
  return sumWords(src) + sumWords(dst) + protocol + (length & 0xffff) + Math.floor(length / 0x10000);
}
