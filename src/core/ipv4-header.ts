/**
 * The IPv4 header (RFC 791 §3.1) kad writes around its adverts and reads on receive (pure):
 * version 4, IHL 5, the caller's TOS, id and TTL, no flags (DF clear, as keepalived), and the
 * header checksum. Options are skipped on read.
 */
import { formatIpv4 } from './addr.js';
import { internetChecksum } from './inet-checksum.js';

/** Length of the header kad writes (no options). */
export const IPV4_HEADER_LEN = 20;

/** IPv4 header fields kad reads and writes (options are skipped on read). */
export interface Ipv4Header {
  tos: number;
  totalLength: number;
  id: number;
  /** Flags (3 bits) and fragment offset, as the raw 16-bit word. */
  flagsFragment: number;
  ttl: number;
  protocol: number;
  checksum: number;
  src: string;
  dst: string;
  /** Header length in bytes (IHL × 4). */
  headerLength: number;
}

/** Writes a 20-byte IPv4 header (with its checksum) into `out` at 0. */
export function writeIpv4Header(
  out: Uint8Array,
  h: { tos: number; totalLength: number; id: number; ttl: number; protocol: number; src: Uint8Array; dst: Uint8Array },
): void {
  out[0] = 0x45;
  out[1] = h.tos;
  out[2] = h.totalLength >> 8;
  out[3] = h.totalLength & 0xff;
  out[4] = (h.id >> 8) & 0xff;
  out[5] = h.id & 0xff;
  out[6] = 0;
  out[7] = 0;
  out[8] = h.ttl;
  out[9] = h.protocol;
  out[10] = 0;
  out[11] = 0;
  out.set(h.src, 12);
  out.set(h.dst, 16);
  const c = internetChecksum(out, 0, 20);
  out[10] = c >> 8;
  out[11] = c & 0xff;
}

/** Reads an IPv4 header; undefined when the bytes cannot hold one. */
export function readIpv4Header(b: Uint8Array): Ipv4Header | undefined {
  if (b.length < 20 || b[0]! >> 4 !== 4) return undefined;
  const headerLength = (b[0]! & 0x0f) * 4;
  if (headerLength < 20 || b.length < headerLength) return undefined;
  return {
    tos: b[1]!,
    totalLength: (b[2]! << 8) | b[3]!,
    id: (b[4]! << 8) | b[5]!,
    flagsFragment: (b[6]! << 8) | b[7]!,
    ttl: b[8]!,
    protocol: b[9]!,
    checksum: (b[10]! << 8) | b[11]!,
    src: formatIpv4(b, 12),
    dst: formatIpv4(b, 16),
    headerLength,
  };
}
