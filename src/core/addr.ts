/**
 * The one address codec of kad (pure): IPv4 dotted quads and IPv6 text (RFC 4291 §2.2 forms,
 * an embedded IPv4 tail, a `%zone`) to bytes and back to canonical text (RFC 5952 §4), prefixes,
 * and MAC addresses. The configuration, the VRRP codec, the frame builders and the kernel seams
 * all go through it.
 */

/** Address family as kad's model writes it. */
export type Family = 4 | 6;

export interface ParsedIp {
  address: string;
  family: Family;
}

export interface ParsedPrefix extends ParsedIp {
  prefixLen: number;
  /** true when the text carried `/N`. */
  hasPrefix: boolean;
}

/** `a.b.c.d` as four numbers; undefined if malformed. */
function ipv4Quad(text: string): number[] | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const out: number[] = [];
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    out.push(n);
  }
  return out;
}

/** An IPv6 address as eight 16-bit groups; undefined if malformed. */
function ipv6Groups(text: string): number[] | undefined {
  let s = text;
  const pct = s.indexOf('%');
  if (pct >= 0) s = s.slice(0, pct);
  let tail: number[] = [];
  const lastColon = s.lastIndexOf(':');
  if (s.includes('.') && lastColon >= 0) {
    const v4 = ipv4Quad(s.slice(lastColon + 1));
    if (!v4) return undefined;
    tail = [(v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!];
    s = s.slice(0, lastColon + 1) + '0:0';
  }
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const groups = (h: string): number[] | undefined => {
    if (h === '') return [];
    const out: number[] = [];
    for (const g of h.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const head = groups(halves[0]!);
  const rest = halves.length === 2 ? groups(halves[1]!) : [];
  if (!head || !rest) return undefined;
  const fill = 8 - head.length - rest.length;
  if (halves.length === 1 ? fill !== 0 : fill < 1) return undefined;
  const all = [...head, ...new Array<number>(fill).fill(0), ...rest];
  if (tail.length) all.splice(6, 2, ...tail);
  return all;
}

/** RFC 5952 §4: lower case, leading zeros dropped, the longest run (≥ 2) of zeros as `::`. */
function formatGroups(g: readonly number[]): string {
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = g.map((x) => x.toString(16));
  if (bestStart < 0) return hex.join(':');
  return hex.slice(0, bestStart).join(':') + '::' + hex.slice(bestStart + bestLen).join(':');
}

/** Parses an address of either family. */
export function parseIp(text: string): ParsedIp | undefined {
  if (text.includes(':')) {
    const g = ipv6Groups(text);
    return g ? { address: formatGroups(g), family: 6 } : undefined;
  }
  const v4 = ipv4Quad(text);
  return v4 ? { address: v4.join('.'), family: 4 } : undefined;
}

/** Parses `ADDR[/LEN]`; the default length is the full address. */
export function parsePrefix(text: string): ParsedPrefix | undefined {
  const slash = text.indexOf('/');
  const ip = parseIp(slash < 0 ? text : text.slice(0, slash));
  if (!ip) return undefined;
  const max = ip.family === 4 ? 32 : 128;
  if (slash < 0) return { ...ip, prefixLen: max, hasPrefix: false };
  const lenText = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(lenText) || Number(lenText) > max) return undefined;
  return { ...ip, prefixLen: Number(lenText), hasPrefix: true };
}

/** IPv6 link-local (fe80::/10). */
export function isLinkLocal6(address: string): boolean {
  return /^fe[89ab]/i.test(address);
}

/** True for IPv6 text (it has a colon); says nothing about validity. */
export function isIpv6Text(text: string): boolean {
  return text.includes(':');
}

/** Dotted-quad IPv4 text to 4 bytes; undefined when malformed. */
export function parseIpv4(text: string): Uint8Array | undefined {
  const q = ipv4Quad(text);
  return q ? Uint8Array.from(q) : undefined;
}

/** IPv6 text to 16 bytes; undefined when malformed. */
export function parseIpv6(text: string): Uint8Array | undefined {
  const g = ipv6Groups(text);
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
 * Bytes of an address of the given family, undefined when malformed. Memoised (the same few
 * addresses are parsed for every advert): callers must not modify the returned bytes.
 */
export function parseAddress(text: string, family: Family): Uint8Array | undefined {
  const key = family === 4 ? text : `6/${text}`;
  let v = parsedCache.get(key);
  if (v === undefined && !parsedCache.has(key)) {
    v = family === 4 ? parseIpv4(text) : parseIpv6(text);
    if (parsedCache.size >= PARSED_CACHE_MAX) parsedCache.clear();
    parsedCache.set(key, v);
  }
  return v;
}

/** Bytes of an address for a kernel seam (a fresh Buffer); throws RangeError when malformed. */
export function addressBytes(text: string, family: Family): Buffer {
  const b = family === 4 ? parseIpv4(text) : parseIpv6(text);
  if (!b) throw new RangeError(`invalid IPv${family} address "${text}"`);
  return Buffer.from(b);
}

/** Dotted-quad text of 4 bytes at `off`. */
export function formatIpv4(b: Uint8Array, off = 0): string {
  return `${b[off]}.${b[off + 1]}.${b[off + 2]}.${b[off + 3]}`;
}

/** RFC 5952 canonical text of 16 bytes at `off`. */
export function formatIpv6(b: Uint8Array, off = 0): string {
  const g: number[] = [];
  for (let i = 0; i < 8; i++) g.push((b[off + i * 2]! << 8) | b[off + i * 2 + 1]!);
  return formatGroups(g);
}

/** Canonical text of an address of either family, or undefined when malformed. */
export function canonicalAddress(text: string, family: Family): string | undefined {
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

/** Parse "aa:bb:cc:dd:ee:ff" into 6 bytes; throws RangeError on anything else. */
export function parseMac(mac: string): Buffer {
  const parts = mac.split(':');
  if (parts.length !== 6 || parts.some((p) => !/^[0-9a-fA-F]{1,2}$/.test(p))) {
    throw new RangeError(`invalid MAC address "${mac}"`);
  }
  return Buffer.from(parts.map((p) => parseInt(p, 16)));
}

/** Format 6 bytes as "aa:bb:cc:dd:ee:ff". */
export function formatMac(mac: Uint8Array): string {
  return Array.from(mac.subarray(0, 6), (b) => b.toString(16).padStart(2, '0')).join(':');
}
