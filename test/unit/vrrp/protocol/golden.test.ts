// Golden adverts: every VRRP advert keepalived 2.2.7 sent in the shared captures decodes to the
// fields tcpdump shows and re-encodes byte-identically (VRRP message and, for IPv4, the whole IP
// packet including the IPsec AH ICV).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AdvertTx } from '../../../../src/vrrp/protocol/advert-tx.js';
import { passwordBytes, verifyAh } from '../../../../src/vrrp/protocol/auth.js';
import { buildIpv4Frame, parseIpv4Frame } from '../../../../src/vrrp/protocol/frame.js';
import { parseAddress } from '../../../../src/core/addr.js';
import { decodeAdvert, encodeAdvert, type Advert } from '../../../../src/vrrp/protocol/packet.js';
import { checkReceived } from '../../../../src/vrrp/protocol/receive.js';

interface GoldenAdvert {
  index: number;
  ip_hex?: string;
  ip6_hex?: string;
  ip_src: string;
  ip_dst: string;
  ip_ttl: number;
  ip_tos: number;
  ip_id?: number;
  ip_proto?: number;
  ah?: { next_header: number; spi: string; seq: number; icv_hex: string };
  vrrp_hex: string;
  tcpdump: string;
  vrrp: {
    version: 2 | 3;
    type: number;
    vrid: number;
    priority: number;
    count_addrs: number;
    auth_type?: number;
    advert_int_s?: number;
    max_advert_int_cs?: number;
    checksum: string;
    addrs: string[];
    auth_data_hex?: string;
  };
}

const golden = JSON.parse(
  readFileSync(new URL('../../../fixtures/vrrp/golden-adverts.json', import.meta.url), 'utf8'),
) as { cases: Record<string, { origin: string; config: string; adverts: GoldenAdvert[] }> };

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const bytes = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, 'hex'));
const family = (a: GoldenAdvert): 4 | 6 => (a.ip6_hex ? 6 : 4);
const password = (config: string): string | undefined => /auth_pass\s+(\S+)/.exec(config)?.[1];
const authType = (config: string): number => (/auth_type\s+AH/.test(config) ? 2 : /auth_type\s+PASS/.test(config) ? 1 : 0);

const cases = Object.entries(golden.cases);

/** tcpdump 4.99's one-line VRRP summary, rebuilt from kad's decoded advert. */
function tcpdumpLine(a: Advert, length: number): string {
  const parts = [`VRRPv${a.version}`, 'Advertisement', `vrid ${a.vrid}`, `prio ${a.priority}`];
  if (a.version === 2) {
    parts.push(`authtype ${['none', 'simple', 'ah'][a.authType]}`, `intvl ${a.advertIntMs / 1000}s`);
  } else parts.push(`intvl ${a.advertIntMs / 10}cs`);
  parts.push(`length ${length}`);
  const addrs = a.addrs.length === 1 ? `addrs: ${a.addrs[0]}` : `addrs(${a.addrs.length}): ${a.addrs.join(',')}`;
  const auth = a.authType === 1 ? ` auth "${Buffer.from(a.authData!).toString('latin1').replace(/\0+$/, '')}"` : '';
  return `${parts.join(', ')}, ${addrs}${auth}`;
}

describe('golden adverts from keepalived 2.2.7', () => {
  it('the fixture holds every capture case, each with adverts and a priority-0 advert', () => {
    expect(cases.map(([k]) => k).sort()).toEqual(
      ['v2-ah', 'v2-noauth-3vip', 'v2-pass', 'v3-ipv4', 'v3-ipv4-3vip-50cs', 'v3-ipv6'],
    );
    for (const [, c] of cases) {
      expect(c.origin).toMatch(/keepalived 2\.2\.7/);
      expect(c.adverts.length).toBeGreaterThanOrEqual(3);
      expect(c.adverts.some((a) => a.vrrp.priority === 0)).toBe(true);
    }
  });

  describe.each(cases)('%s', (_name, c) => {
    it.each(c.adverts.map((a) => [a.index, a] as const))('frame %i decodes to the tcpdump fields', (_i, a) => {
      const f = family(a);
      const d = decodeAdvert(bytes(a.vrrp_hex), { family: f, src: parseAddress(a.ip_src, f), dst: parseAddress(a.ip_dst, f) });
      expect(d.ok).toBe(true);
      if (!d.ok) return;
      const v = a.vrrp;
      expect(d.advert.version).toBe(v.version);
      expect(d.advert.type).toBe(v.type);
      expect(d.advert.vrid).toBe(v.vrid);
      expect(d.advert.priority).toBe(v.priority);
      expect(d.advert.addrs).toEqual(v.addrs);
      expect(d.advert.addrs.length).toBe(v.count_addrs);
      expect(d.advert.checksum).toBe(parseInt(v.checksum, 16));
      expect(tcpdumpLine(d.advert, a.vrrp_hex.length / 2)).toBe(a.tcpdump);
      if (v.version === 2) {
        expect(d.advert.authType).toBe(v.auth_type);
        expect(d.advert.advertIntMs).toBe(v.advert_int_s! * 1000);
        expect(hex(d.advert.authData!)).toBe(v.auth_data_hex);
        expect(d.advert.checksumMode).toBe('plain');
      } else {
        expect(d.advert.advertIntMs).toBe(v.max_advert_int_cs! * 10);
        // keepalived's default: pseudo-header for v3 over IPv4 as well as IPv6.
        expect(d.advert.checksumMode).toBe(f === 4 ? 'pseudo4' : 'pseudo6');
      }
    });

    it.each(c.adverts.map((a) => [a.index, a] as const))('frame %i re-encodes byte-identically', (_i, a) => {
      const f = family(a);
      const pw = password(c.config);
      const at = authType(c.config);
      const out = encodeAdvert(
        {
          version: a.vrrp.version,
          vrid: a.vrrp.vrid,
          priority: a.vrrp.priority,
          advertIntMs: a.vrrp.version === 2 ? a.vrrp.advert_int_s! * 1000 : a.vrrp.max_advert_int_cs! * 10,
          addrs: a.vrrp.addrs,
          family: f,
          authType: at,
          authData: at === 1 && pw ? passwordBytes(pw) : undefined,
        },
        {
          checksumMode: a.vrrp.version === 2 ? 'plain' : f === 4 ? 'pseudo4' : 'pseudo6',
          src: parseAddress(a.ip_src, f),
          dst: parseAddress(a.ip_dst, f),
        },
      );
      expect(hex(out)).toBe(a.vrrp_hex);
      if (f === 4) {
        const ip = buildIpv4Frame(out, {
          src: a.ip_src,
          dst: a.ip_dst,
          id: a.ip_id!,
          ah: a.ah ? { key: passwordBytes(pw!), seq: a.ah.seq, zeroTtl: false } : undefined,
        });
        expect(hex(ip)).toBe(a.ip_hex);
      }
    });

    const ipv4 = c.adverts.every((a) => !a.ip6_hex);
    if (ipv4) it('IPv4 header: TOS 0xc0, TTL 255, no DF, id counting from 1', () => {
      c.adverts.forEach((a, n) => {
        const p = parseIpv4Frame(bytes(a.ip_hex!));
        expect(p.ok).toBe(true);
        if (!p.ok) return;
        expect(p.header.tos).toBe(0xc0);
        expect(p.header.ttl).toBe(255);
        expect(p.header.flagsFragment).toBe(0);
        expect(p.header.id).toBe(n + 1);
        expect(p.header.protocol).toBe(a.ah ? 51 : 112);
        if (a.ah) {
          expect(p.ah?.seq).toBe(a.ah.seq);
          expect(p.ah?.spi).toBe(parseInt(a.ah.spi, 16));
          expect(verifyAh(bytes(a.ip_hex!), 20, passwordBytes(password(c.config)!), false)).toBe(true);
          expect(verifyAh(bytes(a.ip_hex!), 20, passwordBytes('wrong'), false)).toBe(false);
        }
      });
    });

    it('the instance transmitter reproduces the capture in order, and the receive policy accepts it', () => {
      const first = c.adverts[0]!;
      const f = family(first);
      const pw = password(c.config);
      const at = authType(c.config);
      const advertIntMs = first.vrrp.version === 2 ? first.vrrp.advert_int_s! * 1000 : first.vrrp.max_advert_int_cs! * 10;
      const tx = new AdvertTx({
        version: first.vrrp.version,
        family: f,
        vrid: first.vrrp.vrid,
        advertIntMs,
        srcAddress: first.ip_src,
        vips: first.vrrp.addrs,
        authType: at,
        authKey: pw ? passwordBytes(pw) : new Uint8Array(8),
        v3ChecksumAsV2: false,
        destinations: [first.ip_dst],
        unicastTtl: 255,
        unicast: false,
      });
      let lastSeq = 0;
      for (const a of c.adverts) {
        const [pkt] = tx.build(a.vrrp.priority);
        expect(hex(pkt!.bytes)).toBe(f === 4 ? a.ip_hex : a.vrrp_hex);
        const r = checkReceived(
          pkt!.bytes,
          { srcAddress: a.ip_src, ttl: a.ip_ttl, dstAddress: a.ip_dst },
          {
            family: f,
            version: a.vrrp.version,
            vrid: a.vrrp.vrid,
            advertIntMs,
            authType: at,
            authKey: pw ? passwordBytes(pw) : new Uint8Array(8),
            vips: a.vrrp.addrs,
            skipCheckAdvAddr: false,
            unicastPeers: [],
            checkUnicastSrc: false,
            mcastGroup: a.ip_dst,
          },
          () => lastSeq,
        );
        expect(r.ok).toBe(true);
        if (r.ok && r.ahSeq !== undefined) lastSeq = r.ahSeq;
      }
    });
  });
});
