// One negative test per drop reason: the decoder and the receive policy name what is wrong and
// never throw on bytes.
import { describe, expect, it } from 'vitest';
import { passwordBytes, signAh } from '../../../../src/vrrp/protocol/auth.js';
import { buildIpv4Frame, parseIpv4Frame } from '../../../../src/vrrp/protocol/frame.js';
import { canonicalAddress, compareAddressBytes, formatIpv6, parseAddress, parseIpv4, parseIpv6 } from '../../../../src/core/addr.js';
import { decodeAdvert, encodeAdvert, type AdvertFields } from '../../../../src/vrrp/protocol/packet.js';
import { checkReceived, decodeReceived, DROP_STAT, type ReceivePolicy, type ReceiveMeta } from '../../../../src/vrrp/protocol/receive.js';

const SRC = '10.232.0.11';
const GROUP = '224.0.0.18';
const b = (h: string): Uint8Array => new Uint8Array(Buffer.from(h.replace(/\s+/g, ''), 'hex'));

// keepalived 2.2.7, v2 PASS "secret1", vrid 51, prio 100, VIP 10.232.0.100 (captures/v2-pass)
const V2_PASS = b(`
  21 33 64 01
  01 01 01 32
  0a e8 00 64
  73 65 63 72
  65 74 31 00`);

function policy(over: Partial<ReceivePolicy> = {}): ReceivePolicy {
  return {
    family: 4,
    version: 2,
    vrid: 51,
    advertIntMs: 1000,
    authType: 1,
    authKey: passwordBytes('secret1'),
    vips: ['10.232.0.100'],
    skipCheckAdvAddr: false,
    unicastPeers: [],
    checkUnicastSrc: false,
    mcastGroup: GROUP,
    ...over,
  };
}

function advert(over: Partial<AdvertFields> = {}): Uint8Array {
  const f: AdvertFields = {
    version: 2, vrid: 51, priority: 100, advertIntMs: 1000, addrs: ['10.232.0.100'], family: 4,
    authType: 1, authData: passwordBytes('secret1'), ...over,
  };
  return encodeAdvert(f, { checksumMode: 'plain' });
}

const frame = (vrrp: Uint8Array, ttl = 255, src = SRC, dst = GROUP): Uint8Array => buildIpv4Frame(vrrp, { src, dst, id: 1, ttl });
/** Sent to this router's address, as a unicast peer does. */
const LOCAL = '10.232.0.1';

function rx(bytes: Uint8Array, p = policy(), meta: ReceiveMeta = {}, lastSeq = 0) {
  return checkReceived(bytes, meta, p, () => lastSeq);
}

describe('decodeAdvert drop reasons', () => {
  const ctx = { family: 4 as const };
  it('accepts the golden v2 PASS advert', () => {
    expect(decodeAdvert(V2_PASS, ctx).ok).toBe(true);
  });
  it('packetTooShort', () => {
    expect(decodeAdvert(V2_PASS.subarray(0, 7), ctx)).toMatchObject({ ok: false, drop: 'packetTooShort' });
  });
  it('badVersion', () => {
    const x = Uint8Array.from(V2_PASS);
    x[0] = 0x41;
    expect(decodeAdvert(x, ctx)).toMatchObject({ ok: false, drop: 'badVersion' });
    expect(decodeAdvert(V2_PASS, { family: 6 })).toMatchObject({ ok: false, drop: 'badVersion' });
  });
  it('badType', () => {
    const x = Uint8Array.from(V2_PASS);
    x[0] = 0x22;
    expect(decodeAdvert(x, ctx)).toMatchObject({ ok: false, drop: 'badType' });
  });
  it('badLength (count says more addresses than the bytes hold)', () => {
    const x = Uint8Array.from(V2_PASS);
    x[3] = 2;
    expect(decodeAdvert(x, ctx)).toMatchObject({ ok: false, drop: 'badLength' });
  });
  it('badChecksum', () => {
    const x = Uint8Array.from(V2_PASS);
    x[7] ^= 1;
    expect(decodeAdvert(x, ctx)).toMatchObject({ ok: false, drop: 'badChecksum' });
  });
  it('v3 IPv4 accepts the RFC 9568 checksum without pseudo-header too', () => {
    const src = parseIpv4(SRC)!;
    const dst = parseIpv4(GROUP)!;
    const f: AdvertFields = { version: 3, vrid: 51, priority: 100, advertIntMs: 1000, addrs: ['10.232.0.100'], family: 4 };
    const plain = encodeAdvert(f, { checksumMode: 'plain' });
    const d = decodeAdvert(plain, { family: 4, src, dst });
    expect(d).toMatchObject({ ok: true, advert: { checksumMode: 'plain', advertIntMs: 1000 } });
    // A pseudo-header checksum cannot verify without addresses.
    expect(encodeAdvert(f, { checksumMode: 'pseudo4' })).toHaveLength(12);
  });
  it('never throws on random bytes', () => {
    let seed = 7;
    for (let n = 0; n < 2000; n++) {
      const len = n % 64;
      const x = new Uint8Array(len);
      for (let i = 0; i < len; i++) x[i] = (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
      expect(() => decodeAdvert(x, { family: (n % 2 ? 4 : 6) as 4 | 6 })).not.toThrow();
      expect(() => rx(x)).not.toThrow();
      expect(() => rx(x, policy({ family: 6, version: 3 }), { srcAddress: 'fe80::1' })).not.toThrow();
    }
  });
});

describe('decodeReceived (once per packet, before the demux)', () => {
  it('decodes IP header and advert; an undecodable advert still names its VRID', () => {
    expect(decodeReceived(frame(advert()), {}, 4)).toMatchObject({ ok: true, rx: { src: SRC, dst: GROUP, ttl: 255, advert: { vrid: 51 } } });
    const bad = frame(advert());
    bad[bad.length - 1]! ^= 0xff;
    expect(decodeReceived(bad, {}, 4)).toMatchObject({ ok: false, drop: 'badChecksum', vrid: 51 });
    expect(decodeReceived(new Uint8Array(10), {}, 4)).toEqual({ ok: false, drop: 'ipHeaderInvalid', detail: '10 bytes', vrid: undefined });
  });
});

describe('receive policy drop reasons', () => {
  it('accepts a good advert', () => {
    expect(rx(frame(advert()))).toMatchObject({ ok: true, src: SRC });
  });
  it('ipHeaderInvalid', () => {
    expect(rx(new Uint8Array(10))).toMatchObject({ ok: false, drop: 'ipHeaderInvalid' });
    expect(rx(advert(), policy({ family: 6, version: 3 }))).toMatchObject({ ok: false, drop: 'ipHeaderInvalid' });
  });
  it('notVrrp', () => {
    const x = frame(advert());
    x[9] = 17;
    expect(rx(x)).toMatchObject({ ok: false, drop: 'notVrrp' });
  });
  it('ahHeaderInvalid', () => {
    const x = buildIpv4Frame(advert({ authType: 2, authData: undefined }), { src: SRC, dst: GROUP, id: 1, ah: { key: passwordBytes('k'), seq: 1, zeroTtl: false } });
    x[21] = 9;
    expect(rx(x)).toMatchObject({ ok: false, drop: 'ahHeaderInvalid' });
    // Counted by the instances of the VRID it carries.
    expect(decodeReceived(x, {}, 4)).toMatchObject({ ok: false, drop: 'ahHeaderInvalid', vrid: 51 });
    expect(parseIpv4Frame(x.subarray(0, 30))).toMatchObject({ ok: false, drop: 'ahHeaderInvalid' });
  });
  it('ttlInvalid (multicast needs 255; unicast peers may bound it)', () => {
    expect(rx(frame(advert(), 254))).toMatchObject({ ok: false, drop: 'ttlInvalid' });
    const uni = policy({ unicastPeers: [{ address: SRC, minTtl: 250, maxTtl: 255 }] });
    expect(rx(frame(advert(), 240, SRC, LOCAL), uni)).toMatchObject({ ok: false, drop: 'ttlInvalid' });
    expect(rx(frame(advert(), 251, SRC, LOCAL), uni)).toMatchObject({ ok: true });
  });
  it('unicastSourceUnknown with check_unicast_src', () => {
    const uni = policy({ unicastPeers: [{ address: '10.232.0.12' }], checkUnicastSrc: true });
    expect(rx(frame(advert(), 64, SRC, LOCAL), uni)).toMatchObject({ ok: false, drop: 'unicastSourceUnknown' });
    expect(rx(frame(advert(), 64, SRC, LOCAL), { ...uni, checkUnicastSrc: false })).toMatchObject({ ok: true });
  });
  it('vridMismatch', () => {
    expect(rx(frame(advert({ vrid: 52 })))).toMatchObject({ ok: false, drop: 'vridMismatch', vrid: 52 });
  });
  it('versionMismatch', () => {
    const v3 = encodeAdvert({ version: 3, vrid: 51, priority: 100, advertIntMs: 1000, addrs: ['10.232.0.100'], family: 4 }, { checksumMode: 'plain' });
    expect(rx(frame(v3))).toMatchObject({ ok: false, drop: 'versionMismatch' });
  });
  it('castMismatch: a unicast advert on a multicast instance, and the reverse', () => {
    const unicast = frame(advert(), 255, SRC, LOCAL);
    expect(rx(unicast)).toMatchObject({ ok: false, drop: 'castMismatch' });
    expect(rx(frame(advert()), policy({ unicastPeers: [{ address: SRC }] }))).toMatchObject({ ok: false, drop: 'castMismatch' });
    expect(rx(unicast, policy({ unicastPeers: [{ address: SRC }] }))).toMatchObject({ ok: true });
  });
  it('authTypeInvalid', () => {
    expect(rx(frame(advert({ authType: 3 })))).toMatchObject({ ok: false, drop: 'authTypeInvalid' });
  });
  it('authTypeMismatch', () => {
    expect(rx(frame(advert({ authType: 0, authData: undefined })))).toMatchObject({ ok: false, drop: 'authTypeMismatch' });
  });
  it('authFailure: wrong password, missing AH, bad ICV, SPI, replayed sequence', () => {
    expect(rx(frame(advert({ authData: passwordBytes('secret2') })))).toMatchObject({ ok: false, drop: 'authFailure' });
    const ahPolicy = policy({ authType: 2, authKey: passwordBytes('k') });
    const ahAdvert = advert({ authType: 2, authData: undefined });
    expect(rx(frame(ahAdvert), ahPolicy)).toMatchObject({ drop: 'authFailure', detail: 'AH header missing' });
    const ah = (key: string, seq: number, src = SRC) =>
      buildIpv4Frame(ahAdvert, { src, dst: GROUP, id: 1, ah: { key: passwordBytes(key), seq, zeroTtl: false } });
    expect(rx(ah('k', 5), ahPolicy, {}, 4)).toMatchObject({ ok: true, ahSeq: 5 });
    expect(rx(ah('x', 5), ahPolicy)).toMatchObject({ drop: 'authFailure', detail: 'AH ICV mismatch' });
    expect(rx(ah('k', 5), ahPolicy, {}, 5)).toMatchObject({ drop: 'authFailure' });
    const spi = ah('k', 9);
    spi[27] ^= 1; // SPI low byte, then re-sign so only the SPI is wrong
    signAh(spi, 20, passwordBytes('k'), false);
    expect(rx(spi, ahPolicy)).toMatchObject({ drop: 'authFailure', detail: 'AH SPI is not the source address' });
  });
  it('intervalMismatch (v2 only)', () => {
    expect(rx(frame(advert({ advertIntMs: 2000 })))).toMatchObject({ ok: false, drop: 'intervalMismatch' });
  });
  it('addressListMismatch unless skip_check_adv_addr', () => {
    const two = frame(advert({ addrs: ['10.232.0.100', '10.232.0.101'] }));
    expect(rx(two)).toMatchObject({ ok: false, drop: 'addressListMismatch', detail: 'received an unexpected ip number count 2, expected 1' });
    expect(rx(frame(advert({ addrs: ['10.232.0.101'] })))).toMatchObject({ ok: false, drop: 'addressListMismatch' });
    expect(rx(two, policy({ skipCheckAdvAddr: true }))).toMatchObject({ ok: true });
  });
  it('IPv6: source required, hop limit checked, pseudo-header checksum', () => {
    const p6 = policy({ family: 6, version: 3, authType: 0, vips: ['fd00:232::100'], mcastGroup: 'ff02::12' });
    const src = 'fe80::1';
    const v = encodeAdvert(
      { version: 3, vrid: 51, priority: 100, advertIntMs: 1000, addrs: ['fd00:232::100'], family: 6 },
      { checksumMode: 'pseudo6', src: parseIpv6(src), dst: parseIpv6('ff02::12') },
    );
    expect(rx(v, p6, { srcAddress: src, ttl: 255 })).toMatchObject({ ok: true });
    expect(rx(v, p6, { srcAddress: src, ttl: 1 })).toMatchObject({ drop: 'ttlInvalid' });
    expect(rx(v, p6, { srcAddress: 'fe80::2', ttl: 255 })).toMatchObject({ drop: 'badChecksum' });
  });
  it('castDiscarded: IPv6 unicast on a multicast instance and the reverse, uncounted (as keepalived)', () => {
    const p6 = policy({ family: 6, version: 3, authType: 0, vips: ['fd00:232::100'], mcastGroup: 'ff02::12' });
    const v = encodeAdvert({ version: 3, vrid: 51, priority: 100, advertIntMs: 1000, addrs: ['fd00:232::100'], family: 6 }, { checksumMode: 'pseudo6', src: parseIpv6('fe80::1'), dst: parseIpv6('fe80::9') });
    expect(rx(v, p6, { srcAddress: 'fe80::1', dstAddress: 'fe80::9', ttl: 255 })).toMatchObject({ ok: false, drop: 'castDiscarded' });
    const uni = { ...p6, unicastPeers: [{ address: 'fe80::1' }] };
    expect(rx(v, uni, { srcAddress: 'fe80::1', dstAddress: 'fe80::9', ttl: 64 })).toMatchObject({ ok: true });
    // The packet is decoded (checksum over its own destination) before the instance's policy.
    const m = encodeAdvert({ version: 3, vrid: 51, priority: 100, advertIntMs: 1000, addrs: ['fd00:232::100'], family: 6 }, { checksumMode: 'pseudo6', src: parseIpv6('fe80::1'), dst: parseIpv6('ff02::12') });
    expect(rx(m, uni, { srcAddress: 'fe80::1', dstAddress: 'ff02::12', ttl: 255 })).toMatchObject({ ok: false, drop: 'castDiscarded' });
    expect(DROP_STAT.castDiscarded).toBeUndefined();
  });
});

describe('address helpers', () => {
  it('parse and format canonically', () => {
    expect(canonicalAddress('FD00:0232:0:0::0100', 6)).toBe('fd00:232::100');
    expect(formatIpv6(parseIpv6('::')!)).toBe('::');
    expect(formatIpv6(parseIpv6('1:2:3:4:5:6:7:8')!)).toBe('1:2:3:4:5:6:7:8');
    expect(formatIpv6(parseIpv6('1:0:2:0:3:0:4:0')!)).toBe('1:0:2:0:3:0:4:0');
    expect(formatIpv6(parseIpv6('::ffff:10.0.0.1')!)).toBe('::ffff:a00:1');
    expect(parseIpv6('fe80::1%eth0')).toEqual(parseIpv6('fe80::1'));
    for (const bad of ['1::2::3', '1:2:3:4:5:6:7', 'g::1', '1:2:3:4:5:6:7:8:9', '::1.2.3', '1:2:3:4:5:6:7::8:9']) {
      expect(parseIpv6(bad)).toBeUndefined();
    }
    for (const bad of ['1.2.3', '1.2.3.256', 'a.b.c.d', '']) expect(parseIpv4(bad)).toBeUndefined();
    expect(canonicalAddress('nope', 4)).toBeUndefined();
    expect(parseAddress('10.0.0.1', 4)).toEqual(new Uint8Array([10, 0, 0, 1]));
    expect(compareAddressBytes(parseIpv4('10.0.0.2')!, parseIpv4('10.0.0.10')!)).toBeLessThan(0);
    expect(compareAddressBytes(new Uint8Array(4), new Uint8Array(16))).toBeLessThan(0);
  });
});
