/**
 * VRRPv2 authentication as keepalived still implements it (pure; node:crypto only).
 *
 * - PASS (RFC 2338 §5.3.6 type 1): the password's first 8 bytes, zero-padded, in the advert's
 *   Authentication Data. Compared in constant time on receipt.
 * - IPsec AH (RFC 2338 type 2, RFC 2402 framing): a 24-byte AH header between the IPv4 header
 *   and the VRRP message. SPI = the sender's IPv4 address, sequence number counting up from 1,
 *   ICV = HMAC-MD5-96 (RFC 2403) keyed with the 8-byte password, over the whole IP packet with
 *   the mutable fields TOS, flags/fragment offset and header checksum zeroed (RFC 2402 §3.3.3.1),
 *   the TTL too for unicast peers (it changes on the way), and the ICV field zeroed.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { AUTH_DATA_LEN } from './packet.js';

/** Size of the AH header kad writes: 12 fixed bytes + 12-byte ICV. */
export const AH_HEADER_LEN = 24;
/** IP protocol number of AH. */
export const IPPROTO_AH = 51;
/** Truncated HMAC-MD5 length (RFC 2403 §2). */
export const ICV_LEN = 12;

/** The 8-byte key / PASS data for a configured password (first 8 bytes, zero-padded). */
export function passwordBytes(password: string): Uint8Array {
  const out = new Uint8Array(AUTH_DATA_LEN);
  out.set(new TextEncoder().encode(password).subarray(0, AUTH_DATA_LEN));
  return out;
}

/** True when PASS Authentication Data equals the expected 8 bytes (constant time). */
export function passMatches(received: Uint8Array | undefined, expected: Uint8Array): boolean {
  if (!received || received.length !== expected.length) return false;
  let diff = 0;
  for (let i = 0; i < expected.length; i++) diff |= received[i]! ^ expected[i]!;
  return diff === 0;
}

/** Fields of a decoded AH header. */
export interface AhHeader {
  nextHeader: number;
  /** Payload Len field: AH length in 32-bit words minus 2 (4 for 24 bytes). */
  payloadLen: number;
  spi: number;
  seq: number;
  icv: Uint8Array;
}

/** Reads the AH header at `off`; undefined when too short or not the 24-byte form. */
export function readAh(b: Uint8Array, off: number): AhHeader | undefined {
  if (b.length < off + AH_HEADER_LEN) return undefined;
  const payloadLen = b[off + 1]!;
  if ((payloadLen + 2) * 4 !== AH_HEADER_LEN) return undefined;
  const u32 = (o: number): number => ((b[o]! << 24) >>> 0) + ((b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!);
  return {
    nextHeader: b[off]!,
    payloadLen,
    spi: u32(off + 4),
    seq: u32(off + 8),
    icv: b.slice(off + 12, off + 24),
  };
}

/** Writes the AH header (ICV zero) at `off`. */
export function writeAh(out: Uint8Array, off: number, nextHeader: number, spi: Uint8Array, seq: number): void {
  out[off] = nextHeader;
  out[off + 1] = AH_HEADER_LEN / 4 - 2;
  out[off + 2] = 0;
  out[off + 3] = 0;
  out.set(spi.subarray(0, 4), off + 4);
  out[off + 8] = (seq >>> 24) & 0xff;
  out[off + 9] = (seq >>> 16) & 0xff;
  out[off + 10] = (seq >>> 8) & 0xff;
  out[off + 11] = seq & 0xff;
  out.fill(0, off + 12, off + AH_HEADER_LEN);
}

/**
 * HMAC-MD5-96 over an IPv4 packet carrying AH at `ahOff`, with mutable fields and the ICV
 * zeroed on a copy. `zeroTtl`: true for unicast peers.
 */
export function computeIcv(packet: Uint8Array, ahOff: number, key: Uint8Array, zeroTtl: boolean): Uint8Array {
  const copy = Uint8Array.from(packet);
  copy[1] = 0; // TOS
  copy[6] = 0; // flags + fragment offset
  copy[7] = 0;
  copy[10] = 0; // header checksum
  copy[11] = 0;
  if (zeroTtl) copy[8] = 0;
  copy.fill(0, ahOff + 12, ahOff + AH_HEADER_LEN);
  return new Uint8Array(createHmac('md5', key).update(copy).digest().subarray(0, ICV_LEN));
}

/** Writes the ICV of an AH-carrying IPv4 packet in place (call after the IP header is final). */
export function signAh(packet: Uint8Array, ahOff: number, key: Uint8Array, zeroTtl: boolean): void {
  packet.set(computeIcv(packet, ahOff, key, zeroTtl), ahOff + 12);
}

/** True when the packet's ICV matches (constant-time compare). */
export function verifyAh(packet: Uint8Array, ahOff: number, key: Uint8Array, zeroTtl: boolean): boolean {
  if (packet.length < ahOff + AH_HEADER_LEN) return false;
  const want = computeIcv(packet, ahOff, key, zeroTtl);
  return timingSafeEqual(want, packet.subarray(ahOff + 12, ahOff + AH_HEADER_LEN));
}
