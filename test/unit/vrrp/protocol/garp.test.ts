// Golden frames from keepalived 2.2.7 captures (/work/shared/captures, v3-ipv4.full.pcap and
// v3-ipv6.full.pcap, read with `tcpdump -xx`): kad's builders must produce the same bytes.
import { describe, expect, it } from 'vitest';
import { buildGratuitousArp, buildUnsolicitedNa, icmpv6Checksum } from '../../../../src/vrrp/protocol/garp.js';
import { addressBytes, formatIpv6, formatMac, parseMac } from '../../../../src/core/addr.js';

const hex = (rows: string[]): Buffer => Buffer.from(rows.join('').replace(/\s+/g, ''), 'hex');

describe('gratuitous ARP', () => {
  it('matches keepalived 2.2.7 byte for byte (v3-ipv4 capture, VIP 10.232.0.100)', () => {
    const golden = hex([
      'ffff ffff ffff 4ada cb71 8d55 0806', // Ethernet: broadcast, src MAC, ARP
      '0001 0800 0604 0001', //                 HTYPE 1, PTYPE IPv4, 6, 4, request
      '4ada cb71 8d55 0ae8 0064', //             SHA, SPA = VIP
      'ffff ffff ffff 0ae8 0064', //             THA broadcast, TPA = VIP
    ]);
    expect(buildGratuitousArp('4a:da:cb:71:8d:55', '10.232.0.100').equals(golden)).toBe(true);
  });
});

describe('unsolicited neighbor advertisement', () => {
  const golden = hex([
    '3333 0000 0001 92c2 14a8 8931 86dd', //    Ethernet: 33:33:00:00:00:01, src MAC, IPv6
    '6000 0000 0020 3aff', //                    v6, payload 32, ICMPv6, hop limit 255
    'fd00 0232 0000 0000 0000 0000 0000 0100', // src = VIP
    'ff02 0000 0000 0000 0000 0000 0000 0001', // dst = all nodes
    '8800 259e 2000 0000', //                    type 136, code 0, checksum, O flag
    'fd00 0232 0000 0000 0000 0000 0000 0100', // target = VIP
    '0201 92c2 14a8 8931', //                    option 2, length 1, MAC
  ]);

  it('matches keepalived 2.2.7 byte for byte (v3-ipv6 capture, VIP fd00:232::100)', () => {
    expect(buildUnsolicitedNa('92:c2:14:a8:89:31', 'fd00:232::100').equals(golden)).toBe(true);
  });

  it('sets the Router flag on request and keeps the checksum valid', () => {
    const frame = buildUnsolicitedNa('92:c2:14:a8:89:31', 'fd00:232::100', { router: true });
    expect(frame[58]).toBe(0xa0);
    const msg = Buffer.from(frame.subarray(54));
    const sent = msg.readUInt16BE(2);
    msg.writeUInt16BE(0, 2);
    expect(icmpv6Checksum(frame.subarray(22, 38), frame.subarray(38, 54), msg)).toBe(sent);
  });
});

describe('address and MAC parsing', () => {
  it('parses IPv6 forms', () => {
    expect(addressBytes('::', 6).equals(Buffer.alloc(16))).toBe(true);
    expect(addressBytes('fe80::1%eth0', 6).toString('hex')).toBe('fe800000000000000000000000000001');
    expect(addressBytes('::ffff:10.0.0.1', 6).toString('hex')).toBe('00000000000000000000ffff0a000001');
    expect(addressBytes('1:2:3:4:5:6:7:8', 6).toString('hex')).toBe('00010002000300040005000600070008');
  });

  it('rejects malformed addresses and MACs with RangeError', () => {
    for (const bad of ['1::2::3', '1:2:3', 'g::1', '1:2:3:4:5:6:7:8:9', '1:2:3:4::5:6:7:8']) {
      expect(() => addressBytes(bad, 6), bad).toThrow(RangeError);
    }
    for (const bad of ['1.2.3', '1.2.3.256', 'a.b.c.d']) expect(() => addressBytes(bad, 4), bad).toThrow(RangeError);
    for (const bad of ['00:11:22:33:44', 'zz:11:22:33:44:55']) expect(() => parseMac(bad), bad).toThrow(RangeError);
  });

  it('formats IPv6 per RFC 5952', () => {
    for (const [text, want] of [
      ['fe80:0:0:0:0:0:0:1', 'fe80::1'],
      ['ff02::12', 'ff02::12'],
      ['1:0:0:2:0:0:0:3', '1:0:0:2::3'],
      ['1:0:2:3:4:5:6:7', '1:0:2:3:4:5:6:7'],
      ['::', '::'],
    ] as const) {
      expect(formatIpv6(addressBytes(text, 6))).toBe(want);
    }
  });

  it('round-trips a MAC', () => {
    expect(formatMac(parseMac('02:AB:0:1:2:3'))).toBe('02:ab:00:01:02:03');
  });
});
