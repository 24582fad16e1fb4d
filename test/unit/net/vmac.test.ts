// use_vmac helpers without root: RFC 5798 §7.3 MACs and the IFLA_LINKINFO nest for macvlan.
import { describe, expect, it } from 'vitest';
import { macvlanLinkInfo, virtualRouterMac } from '../../../src/net/rtnl-vmac.js';

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
