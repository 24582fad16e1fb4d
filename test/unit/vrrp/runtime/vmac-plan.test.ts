// The sysctls keepalived 2.2.7 sets for use_vmac, use_ipvlan and promote_secondaries (measured in a namespace,
// see src/vrrp/runtime/vmac-plan.ts), and the VIP lifetimes it sends.
import { describe, expect, it } from 'vitest';
import { addrVmacOf, addrVmacsOf, ipvlanSysctls, ownLinkOf, promoteSecondariesSysctl, vmacNameOf, vmacSysctls } from '../../../../src/vrrp/runtime/vmac-plan.js';
import { vmacMacOf } from '../../../../src/vrrp/runtime/vmac.js';
import { preferredLftOf } from '../../../../src/vrrp/runtime/addresses.js';
import { defaultSpec, vip } from '../../../helpers/vrrp/spec-defaults.js';

const c4 = (i: string, k: string): string => `/proc/sys/net/ipv4/conf/${i}/${k}`;

describe('vmac names and MACs', () => {
  it('vrrp.VRID and 00:00:5e:00:01:VRID (IPv4), 00:00:5e:00:02:VRID (IPv6)', () => {
    expect(vmacNameOf(defaultSpec({ vrid: 51 }))).toBe('vrrp.51');
    expect(vmacMacOf(defaultSpec({ vrid: 51 }))).toBe('00:00:5e:00:01:33');
    expect(vmacMacOf(defaultSpec({ vrid: 10, family: 6, vips: ['fd00::1'] }))).toBe('00:00:5e:00:02:0a');
    expect(vmacNameOf(defaultSpec({ vrid: 51, vmacName: 'vmx' }))).toBe('vmx');
    expect(vmacMacOf(defaultSpec({ vrid: 51, vmacMac: '02:00:00:00:00:01' }))).toBe('02:00:00:00:00:01');
  });
});

describe('vmacSysctls', () => {
  it('base arp_ignore/arp_filter, vmac arp_ignore/accept_local/rp_filter/promote_secondaries, IPv6 off', () => {
    const ch = vmacSysctls(defaultSpec({ vrid: 51 }), 'eth0', 'vrrp.51', ['lo', 'eth0'], () => '0');
    expect(ch).toEqual([
      { path: c4('eth0', 'arp_ignore'), value: '1', restore: false },
      { path: c4('eth0', 'arp_filter'), value: '1', restore: false },
      { path: c4('vrrp.51', 'arp_ignore'), value: '1', restore: false },
      { path: c4('vrrp.51', 'accept_local'), value: '1', restore: false },
      { path: c4('vrrp.51', 'rp_filter'), value: '0', restore: false },
      { path: c4('vrrp.51', 'promote_secondaries'), value: '1', restore: false },
      { path: '/proc/sys/net/ipv6/conf/vrrp.51/disable_ipv6', value: '1', restore: false },
    ]);
  });
  it('all.rp_filter on: others and default raised to it, all cleared, all restored later', () => {
    const vals: Record<string, string> = { [c4('all', 'rp_filter')]: '1', [c4('eth0', 'rp_filter')]: '0', [c4('lo', 'rp_filter')]: '2', [c4('default', 'rp_filter')]: '0' };
    const ch = vmacSysctls(defaultSpec({ vrid: 51 }), 'eth0', 'vrrp.51', ['lo', 'eth0', 'vrrp.51'], (p) => vals[p]).filter((c) => c.restore);
    expect(ch).toEqual([
      { path: c4('eth0', 'rp_filter'), value: '1', restore: true },
      { path: c4('default', 'rp_filter'), value: '1', restore: true },
      { path: c4('all', 'rp_filter'), value: '0', restore: true },
    ]);
  });
  it('promote_secondaries is restored on exit', () => {
    expect(promoteSecondariesSysctl('eth0')).toEqual({ path: c4('eth0', 'promote_secondaries'), value: '1', restore: true });
  });
});

describe('use_ipvlan (measured against keepalived 2.2.7 in test/kernel/ipvlan.test.ts)', () => {
  it("the instance's own link: the macvlan with use_vmac, else the ipvlan, else none", () => {
    const ipvlan = { name: 'ipv51', mode: 'bridge' } as const;
    expect(ownLinkOf(defaultSpec({ vrid: 51, useVmac: true }))).toBe('vrrp.51');
    expect(ownLinkOf(defaultSpec({ vrid: 51, ipvlan }))).toBe('ipv51');
    expect(ownLinkOf(defaultSpec({ vrid: 51 }))).toBeUndefined();
  });
  it('an IPv4 instance turns IPv6 off on its ipvlan and touches nothing else; an IPv6 one nothing', () => {
    expect(ipvlanSysctls({ family: 4 }, 'vrrp.51')).toEqual([{ path: '/proc/sys/net/ipv6/conf/vrrp.51/disable_ipv6', value: '1', restore: false }]);
    expect(ipvlanSysctls({ family: 6 }, 'vrrp.51')).toEqual([]);
  });
});

describe('preferredLftOf', () => {
  it('IPv6 only; a /128 is deprecated unless forever', () => {
    expect(preferredLftOf(vip('fd00::1/128'))).toBe(0);
    expect(preferredLftOf({ ...vip('fd00::1/128'), preferredLft: 'forever' })).toBeUndefined();
    expect(preferredLftOf(vip('fd00::1/64'))).toBeUndefined();
    expect(preferredLftOf({ ...vip('fd00::1/64'), preferredLft: 30 })).toBe(30);
    expect(preferredLftOf({ ...vip('10.0.0.1/24'), preferredLft: 30 })).toBeUndefined();
  });
});

describe('addrVmacsOf (use_vmac_addr, names as keepalived 2.2.7 gives them, measured)', () => {
  const on = (text: string, dev?: string) => ({ ...vip(text), ...(dev ? { dev } : {}) });
  it('without use_vmac_addr: none', () => {
    expect(addrVmacsOf(defaultSpec({ vrid: 52 }), 'd0', [on('10.72.0.100/24', 'd2')])).toEqual([]);
  });
  it('one per other interface and family, in the order written; the base interface keeps its VIPs', () => {
    // keepalived: vrrp.52 on d2, vrrp1.52 on d1, vrrp6.52 on d1; 10.70.0.100 stays on d0.
    const spec = defaultSpec({ vrid: 52, useVmacAddr: true });
    const got = addrVmacsOf(spec, 'd0', [on('10.70.0.100/24'), on('10.72.0.100/24', 'd2'), on('10.71.0.100/24', 'd1'), on('10.71.0.101/24', 'd1'), on('fd00::7/64', 'd1')]);
    expect(got).toEqual([
      { name: 'vrrp.52', base: 'd2', family: 4 }, { name: 'vrrp1.52', base: 'd1', family: 4 }, { name: 'vrrp6.52', base: 'd1', family: 6 },
    ]);
    expect(addrVmacOf(got, on('10.71.0.101/24', 'd1'), 'd0')?.name).toBe('vrrp1.52');
    expect(addrVmacOf(got, on('10.70.0.100/24'), 'd0')).toBeUndefined();
  });
  it('with use_vmac: the instance macvlan keeps vrrp.VRID; the other family on the base gets its own', () => {
    // keepalived: vrrp.51 (instance, d0), vrrp1.51 on d1, vrrp6.51 on d0 for the IPv6 eVIP.
    const spec = defaultSpec({ vrid: 51, useVmac: true, useVmacAddr: true });
    expect(addrVmacsOf(spec, 'd0', [on('10.77.0.100/24'), on('10.78.0.100/24', 'd1'), on('fd00::5/64')])).toEqual([
      { name: 'vrrp1.51', base: 'd1', family: 4 }, { name: 'vrrp6.51', base: 'd0', family: 6 },
    ]);
  });
});
