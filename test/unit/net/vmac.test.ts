// use_vmac and use_ipvlan helpers without root: RFC 5798 §7.3 MACs and the IFLA_LINKINFO nests
// for macvlan and ipvlan.
import { describe, expect, it } from 'vitest';
import { ipvlanLinkInfo, macvlanLinkInfo, virtualRouterMac } from '../../../src/net/rtnl-vmac.js';

describe('virtual router MAC (RFC 5798 §7.3)', () => {
  it('is 00-00-5E-00-01-{VRID} for IPv4 and 00-00-5E-00-02-{VRID} for IPv6', () => {
    expect(virtualRouterMac(1, 'ipv4')).toBe('00:00:5e:00:01:01');
    expect(virtualRouterMac(255, 'ipv4')).toBe('00:00:5e:00:01:ff');
    expect(virtualRouterMac(52, 'ipv6')).toBe('00:00:5e:00:02:34');
  });

  it('refuses VRIDs outside 1-255', () => {
    for (const v of [0, 256, 1.5]) expect(() => virtualRouterMac(v, 'ipv4'), String(v)).toThrow(RangeError);
  });
});

describe('IFLA_LINKINFO for macvlan', () => {
  it('nests kind "macvlan" and IFLA_MACVLAN_MODE as netlink attributes', () => {
    expect(macvlanLinkInfo('private').toString('hex')).toBe(
      '0c00' + '0100' + Buffer.from('macvlan\0').toString('hex') + // IFLA_INFO_KIND, len 12
        '0c00' + '0200' + // IFLA_INFO_DATA, len 12
        '0800' + '0100' + '01000000', // IFLA_MACVLAN_MODE = private (1)
    );
    expect(macvlanLinkInfo('bridge').readUInt32LE(20)).toBe(4);
  });
});

describe('IFLA_LINKINFO for ipvlan (linux/if_link.h)', () => {
  it('nests kind "ipvlan", IFLA_IPVLAN_MODE L2 (0) and IFLA_IPVLAN_FLAGS, both u16', () => {
    expect(ipvlanLinkInfo('private').toString('hex')).toBe(
      '0b00' + '0100' + Buffer.from('ipvlan\0').toString('hex') + '00' + // IFLA_INFO_KIND, len 11, padded
        '1400' + '0200' + // IFLA_INFO_DATA, len 20
        '0600' + '0100' + '0000' + '0000' + // IFLA_IPVLAN_MODE = L2 (0), padded
        '0600' + '0200' + '0100' + '0000', // IFLA_IPVLAN_FLAGS = IPVLAN_F_PRIVATE (1), padded
    );
    expect(ipvlanLinkInfo('bridge').readUInt16LE(28)).toBe(0);
    expect(ipvlanLinkInfo('vepa').readUInt16LE(28)).toBe(2);
  });
});
