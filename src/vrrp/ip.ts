/**
 * Address text <-> bytes and the IPv4 header kad writes and reads around VRRP (pure).
 *
 * keepalived sends IPv4 adverts with IP_HDRINCL and builds the header itself: version 4, IHL 5,
 * TOS 0xc0 (internetwork control), id counting up from 1, no DF, TTL 255, protocol 112 (or 51
 * when IPsec AH is in use). kad writes the same header so its adverts are byte-identical.
 */
import { formatIpv6 as formatIpv6Groups, parseIpv4 as parseIpv4Quad, parseIpv6 as parseIpv6Groups } from '../config/ip.js';
import { internetChecksum } from '../core/inet-checksum.js';

export type AddrFamily = 4 | 6;

/** Parses dotted-quad IPv4 text; undefined when malformed. */
export function parseIpv4(text: string): Uint8Array | undefined {
  const q = parseIpv4Quad(text);
  return q ? Uint8Array.from(q) : undefined;
}

/** Parses IPv6 text (with `::`, an embedded IPv4 tail, a zone); undefined when malformed. */
export function parseIpv6(text: string): Uint8Array | undefined {
  const g = parseIpv6Groups(text);
  if (!g) return undefined;
  const out = new Uint8Array(16);
  g.forEach((w, i) => {
    out[i * 2] = w >> 8;
    out[i * 2 + 1] = w & 0xff;
  });
  return out;
}

const parsedCache = new Map<string, Uint8Array | undefined>();
const PARSED_CACHE_MAX = 4096;

/**
 * Parses an address of the given family. Results are memoised (the same few addresses are
 * parsed for every advert); callers must not modify the returned bytes.
 */
export function parseAddress(text: string, family: AddrFamily): Uint8Array | undefined {
  const key = family === 4 ? text : `6/${text}`;
  let v = parsedCache.get(key);
  if (v === undefined && !parsedCache.has(key)) {
    v = family === 4 ? parseIpv4(text) : parseIpv6(text);
    if (parsedCache.size >= PARSED_CACHE_MAX) parsedCache.clear();
    parsedCache.set(key, v);
  }
  return v;
}

/** Dotted-quad text of 4 bytes at `off`. */
export function formatIpv4(b: Uint8Array, off = 0): string {
  return `${b[off]}.${b[off + 1]}.${b[off + 2]}.${b[off + 3]}`;
}

/** RFC 5952 canonical text of 16 bytes at `off`. */
export function formatIpv6(b: Uint8Array, off = 0): string {
  const g: number[] = [];
  for (let i = 0; i < 8; i++) g.push((b[off + i * 2]! << 8) | b[off + i * 2 + 1]!);
  return formatIpv6Groups(g);
}

/** Canonical text of an address of either family, or undefined when malformed. */
export function canonicalAddress(text: string, family: AddrFamily): string | undefined {
  const b = parseAddress(text, family);
  if (!b) return undefined;
  return family === 4 ? formatIpv4(b) : formatIpv6(b);
}

/** Unsigned big-endian comparison of two equal-length addresses: <0, 0 or >0. */
export function compareAddressBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] !== b[i]) return a[i]! - b[i]!;
  }
  return a.length - b.length;
}

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

/** keepalived's advert TOS: IPTOS_PREC_INTERNETCONTROL. */
export const ADVERT_TOS = 0xc0;
/** TTL / hop limit every multicast advert carries (RFC 5798 §5.1.1.3). */
export const ADVERT_TTL = 255;

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
