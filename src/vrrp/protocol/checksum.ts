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

import { foldChecksum, pseudoHeaderSum, sumWords } from '../../core/inet-checksum.js';

/** IP protocol number of VRRP. */
export const IPPROTO_VRRP = 112;

/** How the VRRP checksum covers the packet. */
export type ChecksumMode = 'plain' | 'pseudo4' | 'pseudo6';

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
    sum += pseudoHeaderSum(src, dst, msg.length, IPPROTO_VRRP);
  }
  return foldChecksum(sum);
}
