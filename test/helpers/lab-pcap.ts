// Reads the pcap files the VRRP lab captures on its bridge: just enough of Ethernet, IPv4, IPv6,
// AH, ARP and ICMPv6 to time adverts, priority-0 adverts, GARPs and unsolicited NAs.
import { readFileSync } from 'node:fs';

/** One frame of interest, with the capture time in wall-clock milliseconds. */
export type LabPacket =
  | { kind: 'vrrp'; tMs: number; family: 4 | 6; src: string; dst: string; ttl: number; ah: boolean; version: number; vrid: number; priority: number; bytes: Buffer; srcMac: string }
  | { kind: 'garp'; tMs: number; ip: string; senderMac: string }
  | { kind: 'na'; tMs: number; target: string; src: string; srcMac: string }
  | { kind: 'other'; tMs: number };

const ipv4 = (b: Buffer, o: number): string => `${b[o]}.${b[o + 1]}.${b[o + 2]}.${b[o + 3]}`;

function ipv6(b: Buffer, o: number): string {
  const w: number[] = [];
  for (let i = 0; i < 8; i++) w.push(b.readUInt16BE(o + 2 * i));
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; i++) {
    let j = i;
    while (j < 8 && w[j] === 0) j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
  }
  const hex = (xs: number[]): string => xs.map((x) => x.toString(16)).join(':');
  if (best < 0) return hex(w);
  return `${hex(w.slice(0, best))}::${hex(w.slice(best + bestLen))}`;
}

const mac = (b: Buffer, o: number): string => [...b.subarray(o, o + 6)].map((x) => x.toString(16).padStart(2, '0')).join(':');

function vrrpFrom(tMs: number, family: 4 | 6, src: string, dst: string, ttl: number, ah: boolean, v: Buffer, srcMac: string): LabPacket {
  if (v.length < 4) return { kind: 'other', tMs };
  return { kind: 'vrrp', tMs, family, src, dst, ttl, ah, version: (v[0] ?? 0) >> 4, vrid: v[1] ?? 0, priority: v[2] ?? 0, bytes: v, srcMac };
}

function parseIpv4(tMs: number, b: Buffer, srcMac: string): LabPacket {
  const ihl = ((b[0] ?? 0) & 0x0f) * 4;
  const proto = b[9];
  const ttl = b[8] ?? 0;
  const src = ipv4(b, 12);
  const dst = ipv4(b, 16);
  const totalLen = b.readUInt16BE(2);
  const payload = b.subarray(ihl, totalLen);
  if (proto === 112) return vrrpFrom(tMs, 4, src, dst, ttl, false, payload, srcMac);
  if (proto === 51 && payload[0] === 112) {
    const ahLen = ((payload[1] ?? 0) + 2) * 4;
    return vrrpFrom(tMs, 4, src, dst, ttl, true, payload.subarray(ahLen), srcMac);
  }
  return { kind: 'other', tMs };
}

function parseIpv6(tMs: number, b: Buffer, srcMac: string): LabPacket {
  const next = b[6];
  const hop = b[7] ?? 0;
  const src = ipv6(b, 8);
  const dst = ipv6(b, 24);
  const payload = b.subarray(40, 40 + b.readUInt16BE(4));
  if (next === 112) return vrrpFrom(tMs, 6, src, dst, hop, false, payload, srcMac);
  if (next === 58 && payload[0] === 136) return { kind: 'na', tMs, target: ipv6(payload, 8), src, srcMac };
  return { kind: 'other', tMs };
}

function parseFrame(tMs: number, f: Buffer): LabPacket {
  if (f.length < 14) return { kind: 'other', tMs };
  let type = f.readUInt16BE(12);
  let off = 14;
  if (type === 0x8100) {
    type = f.readUInt16BE(16);
    off = 18;
  }
  const b = f.subarray(off);
  if (type === 0x0800) return parseIpv4(tMs, b, mac(f, 6));
  if (type === 0x86dd) return parseIpv6(tMs, b, mac(f, 6));
  if (type === 0x0806 && b.length >= 28) {
    const spa = ipv4(b, 14);
    if (spa === ipv4(b, 24)) return { kind: 'garp', tMs, ip: spa, senderMac: mac(b, 8) };
  }
  return { kind: 'other', tMs };
}

/** Parse a classic pcap file (Ethernet link type, µs or ns timestamps). */
export function readPcap(file: string): LabPacket[] {
  const buf = readFileSync(file);
  if (buf.length < 24) return [];
  const magic = buf.readUInt32LE(0);
  const le = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
  const nano = magic === 0xa1b23c4d || magic === 0x4d3cb2a1;
  const u32 = (o: number): number => (le ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
  const out: LabPacket[] = [];
  let o = 24;
  while (o + 16 <= buf.length) {
    const tMs = u32(o) * 1000 + u32(o + 4) / (nano ? 1e6 : 1e3);
    const incl = u32(o + 8);
    const frame = buf.subarray(o + 16, o + 16 + incl);
    o += 16 + incl;
    if (frame.length < incl) break;
    out.push(parseFrame(tMs, frame));
  }
  return out;
}
