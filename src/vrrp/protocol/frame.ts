/**
 * IPv4 framing of adverts (pure): the whole IP packet kad hands to an IP_HDRINCL raw socket and
 * reads back from one, with or without the IPsec AH header. IPv6 adverts are not framed here:
 * the kernel writes the IPv6 header and reports the hop limit as ancillary data.
 */
import { AH_HEADER_LEN, IPPROTO_AH, readAh, signAh, writeAh, type AhHeader } from './auth.js';
import { IPPROTO_VRRP } from './checksum.js';
import { parseAddress } from '../../core/addr.js';
import { type Ipv4Header, readIpv4Header, writeIpv4Header } from '../../core/ipv4-header.js';
import { ADVERT_TOS, ADVERT_TTL } from './packet.js';

/** How to frame one IPv4 advert. */
export interface Ipv4FrameOptions {
  src: string;
  dst: string;
  /** IP identification; keepalived counts from 1 per socket. */
  id: number;
  ttl?: number;
  tos?: number;
  /** AH: 8-byte key, sequence number, and whether the TTL is zeroed for the ICV (unicast). */
  ah?: { key: Uint8Array; seq: number; zeroTtl: boolean };
}

/** Builds the IPv4 packet around a VRRP message. */
export function buildIpv4Frame(vrrp: Uint8Array, o: Ipv4FrameOptions): Uint8Array {
  const src = parseAddress(o.src, 4) ?? new Uint8Array(4);
  const dst = parseAddress(o.dst, 4) ?? new Uint8Array(4);
  const ahLen = o.ah ? AH_HEADER_LEN : 0;
  const out = new Uint8Array(20 + ahLen + vrrp.length);
  writeIpv4Header(out, {
    tos: o.tos ?? ADVERT_TOS,
    totalLength: out.length,
    id: o.id & 0xffff,
    ttl: o.ttl ?? ADVERT_TTL,
    protocol: o.ah ? IPPROTO_AH : IPPROTO_VRRP,
    src,
    dst,
  });
  if (o.ah) writeAh(out, 20, IPPROTO_VRRP, src, o.ah.seq);
  out.set(vrrp, 20 + ahLen);
  if (o.ah) signAh(out, 20, o.ah.key, o.ah.zeroTtl);
  return out;
}

/** Reasons an IPv4 packet cannot carry an advert. */
export type FrameDrop = 'ipHeaderInvalid' | 'notVrrp' | 'ahHeaderInvalid';

export type FrameResult =
  | { ok: true; header: Ipv4Header; ah?: AhHeader; ahOffset?: number; payload: Uint8Array }
  | { ok: false; drop: FrameDrop; detail: string };

/** Splits an IPv4 packet into header, optional AH and the VRRP message. Never throws. */
export function parseIpv4Frame(b: Uint8Array): FrameResult {
  const header = readIpv4Header(b);
  if (!header) return { ok: false, drop: 'ipHeaderInvalid', detail: `${b.length} bytes` };
  const end = Math.min(b.length, header.totalLength >= header.headerLength ? header.totalLength : b.length);
  if (header.protocol === IPPROTO_VRRP) {
    return { ok: true, header, payload: b.subarray(header.headerLength, end) };
  }
  if (header.protocol !== IPPROTO_AH) {
    return { ok: false, drop: 'notVrrp', detail: `protocol ${header.protocol}` };
  }
  const ah = readAh(b, header.headerLength);
  if (!ah || ah.nextHeader !== IPPROTO_VRRP) {
    return { ok: false, drop: 'ahHeaderInvalid', detail: 'AH header malformed or not carrying VRRP' };
  }
  const off = header.headerLength + AH_HEADER_LEN;
  return { ok: true, header, ah, ahOffset: header.headerLength, payload: b.subarray(off, end) };
}
