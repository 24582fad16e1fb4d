/**
 * VRRP advertisement codec (pure). Parse is not accept: `decodeAdvert` checks only that the
 * bytes are a well-formed advert with a valid checksum; VRID, auth, interval and address-list
 * policy belong to the instance.
 *
 * VRRPv2 (RFC 3768 §5.1):
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * |Version| Type  | Virtual Rtr ID|   Priority    | Count IP Addrs|
 * |   Auth Type   |   Adver Int   |          Checksum             |
 * |                         IP Address (1..n)                     |
 * |                     Authentication Data (1)                   |
 * |                     Authentication Data (2)                   |
 * ```
 * VRRPv3 (RFC 5798 §5.1, unchanged in RFC 9568):
 * ```
 * |Version| Type  | Virtual Rtr ID|   Priority    |Count IPvX Addr|
 * |(rsvd) |     Max Adver Int     |          Checksum             |
 * |                     IPvX Address(es) (1..n)                   |
 * ```
 */
import { vrrpChecksum, type ChecksumMode } from './checksum.js';
import { type Family, formatIpv4, formatIpv6, parseAddress } from '../../core/addr.js';

/** VRRP packet type: the only one defined (RFC 5798 §5.2.2). */
/** keepalived's advert TOS: IPTOS_PREC_INTERNETCONTROL. */
export const ADVERT_TOS = 0xc0;
/** TTL / hop limit every multicast advert carries (RFC 5798 §5.1.1.3). */
export const ADVERT_TTL = 255;

export const VRRP_TYPE_ADVERT = 1;
/** v2 authentication types (RFC 2338 §5.3.6; kept by keepalived). */
export const AUTH_NONE = 0;
export const AUTH_PASS = 1;
export const AUTH_AH = 2;
/** Length of the v2 Authentication Data field. */
export const AUTH_DATA_LEN = 8;

/** A decoded advertisement. Intervals are milliseconds whatever the version's wire unit. */
export interface Advert {
  version: 2 | 3;
  type: number;
  vrid: number;
  priority: number;
  /** v2 Auth Type (0 for v3). */
  authType: number;
  /** v2: Adver Int (s) × 1000; v3: Max Adver Int (cs) × 10. */
  advertIntMs: number;
  /** Checksum as carried on the wire. */
  checksum: number;
  /** Which checksum form matched (v3 IPv4 may use either). */
  checksumMode: ChecksumMode;
  /** Addresses in canonical text (formatted on first access). */
  readonly addrs: string[];
  /** The raw address list (a view into the decoded bytes). */
  addrBytes: Uint8Array;
  /** v2 only: the 8 Authentication Data bytes. */
  authData?: Uint8Array;
  /** v3 only: the 4 reserved bits (MUST be 0 on send, ignored on receipt). */
  rsvd?: number;
}

/** Reasons a byte string is not a well-formed advert. */
export type DecodeDrop =
  | 'packetTooShort'
  | 'badVersion'
  | 'badType'
  | 'badLength'
  | 'badChecksum';

export type DecodeResult =
  | { ok: true; advert: Advert }
  | { ok: false; drop: DecodeDrop; detail: string };

/** What the decoder must know about the carrying IP packet. */
export interface DecodeContext {
  family: Family;
  /** Source and destination address bytes, for v3 pseudo-header checksums. */
  src?: Uint8Array;
  dst?: Uint8Array;
}

function fail(drop: DecodeDrop, detail: string): DecodeResult {
  return { ok: false, drop, detail };
}

function addrLen(family: Family): number {
  return family === 4 ? 4 : 16;
}

const MODES_V2: readonly ChecksumMode[] = ['plain'];
// v3 IPv4: keepalived's default pseudo-header, or RFC 9568's none; accept either.
const MODES_V3_IPV4: readonly ChecksumMode[] = ['pseudo4', 'plain'];
const MODES_V3_IPV6: readonly ChecksumMode[] = ['pseudo6'];

function checksumModes(version: number, family: Family): readonly ChecksumMode[] {
  if (version === 2) return MODES_V2;
  return family === 4 ? MODES_V3_IPV4 : MODES_V3_IPV6;
}

function findMode(msg: Uint8Array, modes: readonly ChecksumMode[], ctx: DecodeContext, checksum: number): ChecksumMode | undefined {
  for (const m of modes) if (vrrpChecksum(msg, m, ctx.src, ctx.dst) === checksum) return m;
  return undefined;
}

/** Canonical text of each address in a raw address list. */
export function formatAddressList(bytes: Uint8Array, family: Family): string[] {
  const alen = addrLen(family);
  const out: string[] = [];
  for (let off = 0; off + alen <= bytes.length; off += alen) {
    out.push(family === 4 ? formatIpv4(bytes, off) : formatIpv6(bytes, off));
  }
  return out;
}

/** A decoded advert; the address text is formatted only when asked for. */
class DecodedAdvert implements Advert {
  type = VRRP_TYPE_ADVERT;
  authType = 0;
  authData?: Uint8Array;
  rsvd?: number;
  private addrText: string[] | undefined;

  constructor(
    readonly version: 2 | 3,
    readonly vrid: number,
    readonly priority: number,
    readonly advertIntMs: number,
    readonly checksum: number,
    readonly checksumMode: ChecksumMode,
    readonly addrBytes: Uint8Array,
    private readonly family: Family,
  ) {}

  get addrs(): string[] {
    return (this.addrText ??= formatAddressList(this.addrBytes, this.family));
  }
}

/**
 * Decodes the VRRP message (the IP payload, after any AH header). Never throws.
 * RFC 5798 §7.1: the version, length and checksum checks are MUST-discard.
 */
export function decodeAdvert(b: Uint8Array, ctx: DecodeContext): DecodeResult {
  if (b.length < 8) return fail('packetTooShort', `${b.length} bytes`);
  const version = b[0]! >> 4;
  const type = b[0]! & 0x0f;
  if (version !== 2 && version !== 3) return fail('badVersion', `version ${version}`);
  if (version === 2 && ctx.family === 6) return fail('badVersion', 'VRRPv2 over IPv6');
  if (type !== VRRP_TYPE_ADVERT) return fail('badType', `type ${type}`);
  const count = b[3]!;
  const alen = addrLen(ctx.family);
  const need = 8 + count * alen + (version === 2 ? AUTH_DATA_LEN : 0);
  if (b.length < need) return fail('badLength', `${b.length} bytes for ${count} addresses`);
  const msg = b.length === need ? b : b.subarray(0, need);
  const checksum = (b[6]! << 8) | b[7]!;
  const mode = findMode(msg, checksumModes(version, ctx.family), ctx, checksum);
  if (!mode) return fail('badChecksum', `checksum 0x${checksum.toString(16).padStart(4, '0')}`);
  const advert = new DecodedAdvert(
    version,
    b[1]!,
    b[2]!,
    version === 2 ? b[5]! * 1000 : (((b[4]! & 0x0f) << 8) | b[5]!) * 10,
    checksum,
    mode,
    msg.subarray(8, 8 + count * alen),
    ctx.family,
  );
  if (version === 2) advert.authType = b[4]!;
  if (version === 2) advert.authData = msg.subarray(8 + count * alen, need);
  else advert.rsvd = b[4]! >> 4;
  return { ok: true, advert };
}

/** What `encodeAdvert` needs. */
export interface AdvertFields {
  version: 2 | 3;
  vrid: number;
  priority: number;
  /** Rounded to whole seconds (v2) or centiseconds (v3) on the wire. */
  advertIntMs: number;
  addrs: readonly string[];
  family: Family;
  authType?: number;
  /** v2: exactly 8 bytes of Authentication Data (zero when absent). */
  authData?: Uint8Array;
}

/** Encoder options: the checksum form and the addresses it needs. */
export interface EncodeContext {
  /** 'plain' for v2 and `v3_checksum_as_v2`; 'pseudo4'/'pseudo6' otherwise. */
  checksumMode: ChecksumMode;
  src?: Uint8Array;
  dst?: Uint8Array;
}

/** Length in bytes of an encoded advert. */
export function advertLength(version: 2 | 3, family: Family, count: number): number {
  return 8 + count * addrLen(family) + (version === 2 ? AUTH_DATA_LEN : 0);
}

/** Encodes an advert with its checksum. Invalid addresses are written as zero bytes. */
export function encodeAdvert(a: AdvertFields, ctx: EncodeContext): Uint8Array {
  const alen = addrLen(a.family);
  const out = new Uint8Array(advertLength(a.version, a.family, a.addrs.length));
  out[0] = (a.version << 4) | VRRP_TYPE_ADVERT;
  out[1] = a.vrid;
  out[2] = a.priority;
  out[3] = a.addrs.length;
  if (a.version === 2) {
    out[4] = a.authType ?? AUTH_NONE;
    out[5] = Math.min(255, Math.round(a.advertIntMs / 1000));
  } else {
    const cs = Math.min(0x0fff, Math.round(a.advertIntMs / 10));
    out[4] = cs >> 8;
    out[5] = cs & 0xff;
  }
  a.addrs.forEach((addr, i) => {
    const bytes = parseAddress(addr, a.family);
    if (bytes) out.set(bytes, 8 + i * alen);
  });
  if (a.version === 2 && a.authData) out.set(a.authData.subarray(0, AUTH_DATA_LEN), 8 + a.addrs.length * alen);
  const c = vrrpChecksum(out, ctx.checksumMode, ctx.src, ctx.dst);
  out[6] = (c >> 8) & 0xff;
  out[7] = c & 0xff;
  return out;
}
