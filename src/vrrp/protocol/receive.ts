/**
 * Receive policy (pure): turn the bytes a socket delivered into an accepted advert or a named
 * drop reason, applying RFC 5798 §7.1 / RFC 3768 §7.1 and keepalived's checks in order. The
 * instance owns the state this needs (AH sequence numbers) and passes it in.
 */
import { AH_HEADER_LEN, IPPROTO_AH, passMatches, verifyAh } from './auth.js';
import { parseIpv4Frame, type FrameDrop } from './frame.js';
import { type Family, parseAddress } from '../../core/addr.js';
import { readIpv4Header } from '../../core/ipv4-header.js';
import { ADVERT_TTL } from './packet.js';

/** RFC 5798 §5.1.2.2: the IPv6 VRRP group. */
const VRRP_GROUP6 = 'ff02::12';
import { AUTH_AH, AUTH_PASS, decodeAdvert, type Advert, type DecodeDrop } from './packet.js';
import type { VrrpStats } from './stats.js';

/** Every reason an instance drops a received packet. */
export type DropReason =
  | FrameDrop
  | DecodeDrop
  | 'ttlInvalid'
  | 'versionMismatch'
  | 'vridMismatch'
  | 'unicastSourceUnknown'
  | 'authTypeInvalid'
  | 'authTypeMismatch'
  | 'authFailure'
  | 'intervalMismatch'
  | 'castMismatch'
  | 'castDiscarded'
  | 'addressListMismatch';

/** The keepalived stats counter each drop reason feeds (undefined: counted per reason only). */
export const DROP_STAT: Readonly<Record<DropReason, keyof VrrpStats | undefined>> = {
  ipHeaderInvalid: 'packet_len_err',
  notVrrp: 'invalid_type_rcvd',
  ahHeaderInvalid: 'packet_len_err',
  packetTooShort: 'packet_len_err',
  badVersion: undefined,
  badType: 'invalid_type_rcvd',
  badLength: 'packet_len_err',
  badChecksum: undefined,
  ttlInvalid: 'ip_ttl_err',
  versionMismatch: undefined,
  vridMismatch: undefined,
  unicastSourceUnknown: undefined,
  authTypeInvalid: 'invalid_authtype',
  authTypeMismatch: 'authtype_mismatch',
  authFailure: 'auth_failure',
  intervalMismatch: 'advert_interval_err',
  castMismatch: 'addr_list_err',
  castDiscarded: undefined,
  addressListMismatch: 'addr_list_err',
};

/** Where a packet came from, as the socket reports it. */
export interface ReceiveMeta {
  /** Source address (IPv6: required; IPv4: read from the header when absent). */
  srcAddress?: string;
  /** Destination address (IPv6 pseudo-header); defaults to the multicast group. */
  dstAddress?: string;
  /** IPv6: the same two addresses as the socket read them (parsed from the text when absent). */
  srcBytes?: Uint8Array | undefined;
  dstBytes?: Uint8Array | undefined;
  /** IPv4 TTL (read from the header when absent) or IPv6 hop limit from IPV6_RECVHOPLIMIT. */
  ttl?: number;
  ifname?: string;
}

/** The instance configuration the policy reads. */
export interface ReceivePolicy {
  family: Family;
  version: 2 | 3;
  vrid: number;
  advertIntMs: number;
  /** v2 auth: type 0/1/2 and the 8-byte key. */
  authType: number;
  authKey: Uint8Array;
  /** VIP addresses of the instance's family, canonical, in config order. */
  vips: readonly string[];
  /** The same VIPs as bytes (parsed from `vips` when absent). */
  vipBytes?: readonly Uint8Array[];
  skipCheckAdvAddr: boolean;
  /** Unicast peers (canonical), empty for multicast, with optional TTL bounds. */
  unicastPeers: readonly { address: string; minTtl?: number; maxTtl?: number }[];
  checkUnicastSrc: boolean;
  mcastGroup: string;
}

export type ReceiveResult =
  | { ok: true; advert: Advert; src: string; ahSeq?: number }
  | { ok: false; drop: DropReason; detail: string; vrid?: number };

function drop(reason: DropReason, detail: string, vrid?: number): ReceiveResult {
  return { ok: false, drop: reason, detail, vrid };
}

/** A received packet decoded once: IP header (IPv4), AH when present, and the advert. */
export interface ReceivedAdvert {
  family: Family;
  advert: Advert;
  src: string;
  dst: string;
  srcBytes: Uint8Array | undefined;
  dstBytes: Uint8Array | undefined;
  /** IPv4 TTL or IPv6 hop limit. */
  ttl: number;
  /** The AH header and the whole packet it authenticates (IPv4 v2 with `auth_type AH`). */
  ah?: { offset: number; spi: number; seq: number; packet: Uint8Array } | undefined;
}

/** Why a packet does not decode (well-formedness only). */
export type UndecodableReason = FrameDrop | DecodeDrop;

/**
 * `decodeReceived`'s result. A packet that does not decode still names its VRID when the
 * VRRP header could be reached, so its drop is counted by the instances of that VRID.
 */
export type Received =
  | { ok: true; rx: ReceivedAdvert }
  | { ok: false; drop: UndecodableReason; detail: string; vrid?: number };

/**
 * Where the VRID sits in an IPv4 packet whose framing is bad (an AH header that does not carry
 * VRRP...), so that the instances of that VRID count the drop, as keepalived does.
 */
function framedVrid(b: Uint8Array): number | undefined {
  const h = readIpv4Header(b);
  if (!h) return undefined;
  const off = h.headerLength + (h.protocol === IPPROTO_AH ? AH_HEADER_LEN : 0) + 1;
  return off < b.length ? b[off] : undefined;
}

/**
 * Decodes one received packet, once, for every instance it may be for. IPv4: `bytes` is the
 * whole IP packet (as an IP_HDRINCL raw socket reads it). IPv6: `bytes` is the VRRP message and
 * `meta` carries the source, destination and hop limit (the destination defaults to the VRRP
 * group ff02::12, for the pseudo-header checksum). Never throws.
 */
export function decodeReceived(bytes: Uint8Array, meta: ReceiveMeta, family: Family): Received {
  // The result is built in one literal of one shape (no spread, no property added later): on
  // the receive path of every advert a spread of the header fields cost 2 µs of 2.5. IPv6
  // addresses come as bytes from the socket; parsing their text again cost another 2 µs.
  if (family === 6) {
    if (!meta.srcAddress) return { ok: false, drop: 'ipHeaderInvalid', detail: 'IPv6 source address unknown' };
    const dst = meta.dstAddress || VRRP_GROUP6;
    const srcBytes = meta.srcBytes ?? parseAddress(meta.srcAddress, 6);
    const dstBytes = (meta.dstAddress && meta.dstBytes) || parseAddress(dst, 6);
    const d = decodeAdvert(bytes, { family, src: srcBytes, dst: dstBytes });
    if (!d.ok) return { ok: false, drop: d.drop, detail: d.detail, vrid: bytes.length >= 2 ? bytes[1] : undefined };
    return { ok: true, rx: { family, advert: d.advert, src: meta.srcAddress, dst, srcBytes, dstBytes, ttl: meta.ttl ?? ADVERT_TTL, ah: undefined } };
  }
  const f = parseIpv4Frame(bytes);
  if (!f.ok) return { ok: false, drop: f.drop, detail: f.detail, vrid: framedVrid(bytes) };
  const srcBytes = bytes.subarray(12, 16);
  const dstBytes = bytes.subarray(16, 20);
  const d = decodeAdvert(f.payload, { family, src: srcBytes, dst: dstBytes });
  if (!d.ok) return { ok: false, drop: d.drop, detail: d.detail, vrid: f.payload.length >= 2 ? f.payload[1] : undefined };
  const ah = f.ah && f.ahOffset !== undefined ? { offset: f.ahOffset, spi: f.ah.spi, seq: f.ah.seq, packet: bytes } : undefined;
  return { ok: true, rx: { family, advert: d.advert, src: f.header.src, dst: f.header.dst, srcBytes, dstBytes, ttl: f.header.ttl, ah } };
}

function checkTtl(u: ReceivedAdvert, p: ReceivePolicy): ReceiveResult | undefined {
  if (p.unicastPeers.length === 0) {
    // RFC 5798 §7.1: MUST verify that the TTL / Hop Limit is 255.
    return u.ttl === ADVERT_TTL ? undefined : drop('ttlInvalid', `ttl ${u.ttl}`);
  }
  const peer = p.unicastPeers.find((x) => x.address === u.src);
  if (!peer) return p.checkUnicastSrc ? drop('unicastSourceUnknown', `source ${u.src}`) : undefined;
  if ((peer.minTtl !== undefined && u.ttl < peer.minTtl) || (peer.maxTtl !== undefined && u.ttl > peer.maxTtl)) {
    return drop('ttlInvalid', `ttl ${u.ttl} from ${u.src}`);
  }
  return undefined;
}

function checkAuth(a: Advert, u: ReceivedAdvert, p: ReceivePolicy, lastAhSeq: number): ReceiveResult | undefined {
  if (a.authType > AUTH_AH) return drop('authTypeInvalid', `auth type ${a.authType}`, a.vrid);
  if (a.authType !== p.authType) {
    return drop('authTypeMismatch', `auth type ${a.authType}, expected ${p.authType}`, a.vrid);
  }
  if (p.authType === AUTH_PASS && !passMatches(a.authData, p.authKey)) {
    return drop('authFailure', 'password mismatch', a.vrid);
  }
  if (p.authType === AUTH_AH) {
    if (!u.ah) return drop('authFailure', 'AH header missing', a.vrid);
    if (!verifyAh(u.ah.packet, u.ah.offset, p.authKey, p.unicastPeers.length > 0)) {
      return drop('authFailure', 'AH ICV mismatch', a.vrid);
    }
    const sb = u.srcBytes!;
    const srcU32 = ((sb[0]! << 24) >>> 0) + ((sb[1]! << 16) | (sb[2]! << 8) | sb[3]!);
    if (u.ah.spi !== srcU32) return drop('authFailure', 'AH SPI is not the source address', a.vrid);
    if (u.ah.seq <= lastAhSeq) return drop('authFailure', `AH sequence ${u.ah.seq} already seen`, a.vrid);
  }
  return undefined;
}

/** 224.0.0.0/4 (RFC 5771). */
function isIpv4Multicast(addr: Uint8Array): boolean {
  return (addr[0]! & 0xf0) === 0xe0;
}

function containsAddress(list: Uint8Array, addr: Uint8Array): boolean {
  outer: for (let off = 0; off + addr.length <= list.length; off += addr.length) {
    for (let i = 0; i < addr.length; i++) if (list[off + i] !== addr[i]) continue outer;
    return true;
  }
  return false;
}

function checkAddresses(a: Advert, p: ReceivePolicy): ReceiveResult | undefined {
  if (p.skipCheckAdvAddr) return undefined;
  const alen = p.family === 4 ? 4 : 16;
  const count = a.addrBytes.length / alen;
  if (count !== p.vips.length) {
    return drop('addressListMismatch', `received an unexpected ip number count ${count}, expected ${p.vips.length}`, a.vrid);
  }
  for (let i = 0; i < p.vips.length; i++) {
    const vb = p.vipBytes?.[i] ?? parseAddress(p.vips[i]!, p.family);
    if (!vb || !containsAddress(a.addrBytes, vb)) {
      return drop('addressListMismatch', `address ${p.vips[i]} missing from advert`, a.vrid);
    }
  }
  return undefined;
}

/**
 * The instance's policy on a decoded packet (RFC 5798 §7.1 / RFC 3768 §7.1 and keepalived's
 * checks, in keepalived's order). `lastAhSeq` gives the highest AH sequence accepted so far
 * from a source (replay protection is per sender).
 */
export function acceptAdvert(u: ReceivedAdvert, p: ReceivePolicy, lastAhSeq: (src: string) => number = () => 0): ReceiveResult {
  // IPv6: keepalived discards the wrong cast before any check, uncounted (a multicast socket
  // also sees unicast packets, a unicast one the multicast of other instances).
  if (p.family === 6 && u.dstBytes && (u.dstBytes[0] === 0xff) !== (p.unicastPeers.length === 0)) {
    return drop('castDiscarded', `${p.unicastPeers.length === 0 ? 'unicast' : 'multicast'} packet to ${u.dst}`);
  }
  const ttlDrop = checkTtl(u, p);
  if (ttlDrop) return ttlDrop;
  const a = u.advert;
  if (a.vrid !== p.vrid) return drop('vridMismatch', `vrid ${a.vrid}`, a.vrid);
  if (a.version !== p.version) return drop('versionMismatch', `version ${a.version}`, a.vrid);
  if (a.version === 2) {
    const authDrop = checkAuth(a, u, p, lastAhSeq(u.src));
    if (authDrop) return authDrop;
    // RFC 3768 §7.1: MUST verify the Adver Interval matches the configured one.
    if (a.advertIntMs !== p.advertIntMs) {
      return drop('intervalMismatch', `interval ${a.advertIntMs} ms, expected ${p.advertIntMs} ms`, a.vrid);
    }
  }
  // keepalived: a multicast instance takes only multicast adverts and a unicast one only unicast.
  if (p.family === 4 && isIpv4Multicast(u.dstBytes!) !== (p.unicastPeers.length === 0)) {
    return drop('castMismatch', `expected ${p.unicastPeers.length === 0 ? 'multicast' : 'unicast'}, destination ${u.dst}`, a.vrid);
  }
  const addrDrop = checkAddresses(a, p);
  if (addrDrop) return addrDrop;
  const ok: ReceiveResult = { ok: true, advert: a, src: u.src };
  if (u.ah) ok.ahSeq = u.ah.seq;
  return ok;
}

/** Decode and accept in one call (tests and tools; the runtime decodes once per packet). */
export function checkReceived(
  bytes: Uint8Array,
  meta: ReceiveMeta,
  p: ReceivePolicy,
  lastAhSeq: (src: string) => number = () => 0,
): ReceiveResult {
  const r = decodeReceived(bytes, meta.dstAddress || p.family === 4 ? meta : { ...meta, dstAddress: p.mcastGroup }, p.family);
  return r.ok ? acceptAdvert(r.rx, p, lastAhSeq) : drop(r.drop, r.detail, r.vrid);
}
