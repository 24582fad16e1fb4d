// Byte layouts kad hands to the kernel, checked without root: sockaddrs, membership requests,
// the IPv4 header of adverts, msghdr control messages, and the rtnetlink address helpers.
import { describe, expect, it } from 'vitest';
import { MsgHeader } from '../../../src/net/msghdr.js';
import { broadcastOf, toAddressInfo } from '../../../src/net/rtnl-addr.js';
import { toLinkInfo } from '../../../src/net/rtnl-link.js';
import { in6Pktinfo, ipMreqn, ipv6Mreq, sockaddrIn, sockaddrIn6, sockaddrLl, sockaddrText } from '../../../src/net/sockaddr.js';
import { ipv4Header, isMulticast } from '../../../src/net/vrrp-socket.js';
import { internetChecksum } from '../../../src/core/inet-checksum.js';

describe('socket address layouts (LP64 Linux)', () => {
  it('sockaddr_in: family 2 (host order), port 0, address', () => {
    expect(sockaddrIn('224.0.0.18').toString('hex')).toBe('0200' + '0000' + 'e0000012' + '00'.repeat(8));
  });

  it('sockaddr_in6: family 10, flowinfo 0, address, scope id', () => {
    const b = sockaddrIn6('ff02::12', 7);
    expect(b.length).toBe(28);
    expect(b.toString('hex')).toBe('0a00' + '0000' + '00000000' + 'ff020000000000000000000000000012' + '07000000');
    expect(sockaddrText(b)).toBe('ff02::12');
    expect(sockaddrText(sockaddrIn('10.0.0.1'))).toBe('10.0.0.1');
  });

  it('ip_mreqn / ipv6_mreq / in6_pktinfo', () => {
    expect(ipMreqn('224.0.0.18', 3).toString('hex')).toBe('e0000012' + '00000000' + '03000000');
    expect(ipv6Mreq('ff02::12', 3).toString('hex')).toBe('ff020000000000000000000000000012' + '03000000');
    expect(in6Pktinfo('fe80::1', 4).toString('hex')).toBe('fe800000000000000000000000000001' + '04000000');
  });

  it('sockaddr_ll: family 17, ethertype in network order, ifindex, halen 6, MAC', () => {
    const b = sockaddrLl(5, 0x0806, Buffer.from('ffffffffffff', 'hex'));
    expect(b.toString('hex')).toBe('1100' + '0806' + '05000000' + '0000' + '00' + '06' + 'ffffffffffff0000');
  });
});

describe('IPv4 advert header', () => {
  it('is 0x45, TOS 0xc0, total length, id, no DF, TTL 255, protocol 112, with a valid checksum', () => {
    const h = ipv4Header(20, 1, { source: '10.232.0.11', destination: '224.0.0.18' });
    // Same fields as keepalived 2.2.7's v2-pass capture: 45c0 0028 0001 0000 ff70 .... 0ae8000b e0000012
    // (the kernel writes the checksum of an IP_HDRINCL packet again; kad's is already right).
    expect(h.toString('hex')).toBe('45c00028' + '00010000' + 'ff70' + h.subarray(10, 12).toString('hex') + '0ae8000b' + 'e0000012');
    expect(internetChecksum(h)).toBe(0);
  });

  it('takes a TTL override (for tests that inject TTL 254) and refuses IPv6 addresses', () => {
    expect(ipv4Header(8, 2, { source: '10.0.0.1', destination: '10.0.0.2', ttl: 254 })[8]).toBe(254);
    expect(() => ipv4Header(8, 2, { source: 'fe80::1', destination: '224.0.0.18' })).toThrow(/KAD_ERR_NET_FAMILY|IPv6 address/);
  });
});

describe('destination kinds', () => {
  it('tells multicast from unicast for both families', () => {
    for (const m of ['224.0.0.18', '224.1.111.1', '239.255.255.255', 'ff02::12', 'FF05::1']) expect(isMulticast(m), m).toBe(true);
    for (const u of ['10.0.0.1', '223.255.255.255', '240.0.0.1', 'fd00::1', 'fe80::1']) expect(isMulticast(u), u).toBe(false);
  });
});

describe('msghdr control messages', () => {
  it('round-trips cmsgs through the native control area with CMSG_ALIGN padding', () => {
    const hdr = new MsgHeader(64, 128);
    try {
      const hop = Buffer.alloc(4);
      hop.writeInt32LE(255, 0);
      const len = hdr.writeControlMessages([
        { level: 41, type: 50, data: in6Pktinfo('fe80::1', 2) },
        { level: 41, type: 52, data: hop },
      ]);
      expect(len).toBe(40 + 24); // 16 + 20 -> 40, 16 + 4 -> 24 (8-byte aligned)
      hdr.reset(0, 28, len);
      const msgs = hdr.controlMessages();
      expect(msgs.map((m) => [m.level, m.type, m.data.length])).toEqual([
        [41, 50, 20],
        [41, 52, 4],
      ]);
      expect(msgs[1]!.data.readInt32LE(0)).toBe(255);
      expect(() => hdr.writeControlMessages(Array(5).fill({ level: 0, type: 0, data: Buffer.alloc(20) }))).toThrow(RangeError);
    } finally {
      hdr.free();
    }
  });
});

describe('rtnetlink helpers', () => {
  it('computes IPv4 broadcast addresses', () => {
    expect(broadcastOf('10.80.0.100', 24)).toBe('10.80.0.255');
    expect(broadcastOf('192.168.1.9', 30)).toBe('192.168.1.11');
    expect(broadcastOf('10.0.0.1', 32)).toBe('10.0.0.1');
    expect(broadcastOf('10.0.0.1', 0)).toBe('255.255.255.255');
  });

  it('converts address messages, ignoring families other than IPv4/IPv6', () => {
    const v4 = toAddressInfo(
      { family: 2, prefixlen: 24, scope: 0, index: 3, flags: { secondary: true } },
      { local: Buffer.from([10, 0, 0, 5]), label: 'eth0:1', broadcast: Buffer.from([10, 0, 0, 255]) },
    );
    expect(v4).toEqual({ ifIndex: 3, family: 'ipv4', address: '10.0.0.5', prefixLen: 24, scope: 0, label: 'eth0:1', broadcast: '10.0.0.255', secondary: true, tentative: false });
    const v6 = toAddressInfo({ family: 10, prefixlen: 64, scope: 253, index: 3 }, { address: Buffer.from('fe800000000000000000000000000001', 'hex') });
    expect(v6).toMatchObject({ family: 'ipv6', address: 'fe80::1', scope: 253 });
    expect(toAddressInfo({ family: 17 }, {})).toBeUndefined();
  });

  it('converts link messages', () => {
    const l = toLinkInfo({ index: 2, flags: { up: true } }, { ifname: 'eth0', address: Buffer.from('026b61641001', 'hex'), mtu: 1500 });
    expect(l).toEqual({
      index: 2, name: 'eth0', mac: '02:6b:61:64:10:01', up: true, running: false, mtu: 1500,
      broadcast: false, loopback: false, pointToPoint: false, noArp: false, multicast: false,
    });
    const lo = toLinkInfo({ index: 1, type: 'LOOPBACK', flags: { up: true, running: true, loopback: true } }, { ifname: 'lo', broadcast: Buffer.alloc(6) });
    expect(lo).toMatchObject({ loopback: true, broadcast: false, multicast: false, hwType: 'LOOPBACK', broadcastMac: '00:00:00:00:00:00' });
  });
});
