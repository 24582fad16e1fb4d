/**
 * Internet checksums for VRRP (pure).
 *
 * - VRRPv2: one's complement of the one's complement sum of the VRRP message, no pseudo-header
 *   (RFC 3768 §5.3.8).
 * - VRRPv3: the same sum with a pseudo-header prepended (RFC 5798 §5.2.8). For IPv6 it is the
 *   RFC 8200 §8.1 pseudo-header. For IPv4, keepalived by default prepends an IPv4 pseudo-header
 *   {src, dst, 0, 112, 16-bit length}; RFC 9568 §5.2.8 says IPv4 uses none, which keepalived
 *   calls `v3_checksum_as_v2`.
 */

/** IP protocol number of VRRP. */
export const IPPROTO_VRRP = 112;

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

/** RFC 1071 checksum of a whole buffer. */
export function internetChecksum(bytes: Uint8Array, start = 0, end = bytes.length): number {
  return foldChecksum(sumWords(bytes, start, end));
}

/** How the VRRP checksum covers the packet. */
export type ChecksumMode = 'plain' | 'pseudo4' | 'pseudo6';

/**
 * Sum of a pseudo-header: source, destination, length, protocol 112. The IPv4 form uses a
 * 16-bit length after a zero byte and the protocol (like UDP); the IPv6 form uses a 32-bit
 * length and the next header in the last of four bytes. Both sum to the same words.
 */
export function pseudoHeaderSum(src: Uint8Array, dst: Uint8Array, length: number): number {
  let sum = sumWords(src) + sumWords(dst);
  sum += IPPROTO_VRRP + (length & 0xffff) + Math.floor(length / 0x10000);
  return sum;
}

/**
 * Checksum of a VRRP message whose checksum field (bytes 6-7) is treated as zero.
 * `src`/`dst` are needed for the pseudo-header modes only.
 */
export function vrrpChecksum(
  msg: Uint8Array,
  mode: ChecksumMode,
  src?: Uint8Array,
  dst?: Uint8Array,
): number {
  let sum = sumWords(msg, 0, 6) + sumWords(msg, 8, msg.length);
  if (mode !== 'plain') {
    if (!src || !dst) return -1;
    sum += pseudoHeaderSum(src, dst, msg.length);
  }
  return foldChecksum(sum);
}
