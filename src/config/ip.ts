/**
 * IP address parsing without the network stack: IPv4 dotted quads and IPv6 (RFC 4291 §2.2
 * text forms), returned in canonical text (RFC 5952 §4 for IPv6) with their family.
 */
import type { Family } from './model.js';

export interface ParsedIp {
  address: string;
  family: Family;
}

export interface ParsedPrefix extends ParsedIp {
  prefixLen: number;
  /** true when the text carried `/N`. */
  hasPrefix: boolean;
}

/** Parses `a.b.c.d`; undefined if malformed. */
export function parseIpv4(text: string): number[] | undefined {
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

/** Parses an IPv6 address into eight 16-bit groups; undefined if malformed. */
export function parseIpv6(text: string): number[] | undefined {
  let s = text;
  const pct = s.indexOf('%');
  if (pct >= 0) s = s.slice(0, pct);
  let tail: number[] = [];
  const lastColon = s.lastIndexOf(':');
  if (s.includes('.') && lastColon >= 0) {
    const v4 = parseIpv4(s.slice(lastColon + 1));
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
export function formatIpv6(g: readonly number[]): string {
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
    const g = parseIpv6(text);
    return g ? { address: formatIpv6(g), family: 6 } : undefined;
  }
  const v4 = parseIpv4(text);
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
