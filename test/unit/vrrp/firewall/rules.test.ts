// The VRRP firewall as data: which instances need drops, the set contents, the install batch in
// keepalived 2.2.7's shape (names and rules as `nft list ruleset` shows them under Debian's
// keepalived with vrrp_strict), and the element diff between two states.
import { describe, expect, it } from 'vitest';
import { NFTABLES_DEFAULTS } from '../../../../src/config/blocks/global.js';
import {
  diffMembers, diffScript, emptyDiff, firewalled, installScript, membersOf, NO_MEMBERS, planFirewall, removeScript,
} from '../../../../src/vrrp/firewall/rules.js';
import { defaultSpec, vip } from '../../../helpers/vrrp/spec-defaults.js';

const noAccept = (over: Parameters<typeof defaultSpec>[0] = {}) => defaultSpec({ accept: false, priority: 100, ...over });

describe('which instances are firewalled (RFC 5798 §6.4.3)', () => {
  it('a non-owner without accept mode, with addresses', () => {
    expect(firewalled(noAccept())).toBe(true);
    expect(firewalled(noAccept({ vips: [], excludedVips: [vip('10.0.0.9')] }))).toBe(true);
  });
  it('not the owner (priority 255), not accept mode, not an instance without addresses', () => {
    expect(firewalled(noAccept({ priority: 255 }))).toBe(false);
    expect(firewalled(noAccept({ accept: true }))).toBe(false);
    expect(firewalled(noAccept({ vips: [] }))).toBe(false);
  });
});

describe('planFirewall', () => {
  it('is undefined when no instance needs drops', () => {
    expect(planFirewall([noAccept({ accept: true }), noAccept({ priority: 255 })], NFTABLES_DEFAULTS)).toBeUndefined();
  });
  it('has a table per family the firewalled addresses use', () => {
    expect(planFirewall([noAccept()], NFTABLES_DEFAULTS)?.families).toEqual(['ip']);
    const both = planFirewall([noAccept(), noAccept({ family: 6, vips: ['fd00::1'] }), noAccept({ accept: true, vips: ['fd00::9'] })], NFTABLES_DEFAULTS);
    expect(both?.families).toEqual(['ip', 'ip6']);
    expect(planFirewall([noAccept({ accept: true }), noAccept({ family: 6, vips: ['fd00::1'] })], NFTABLES_DEFAULTS)?.families).toEqual(['ip6']);
  });
  it('keys link-local sets by interface name only with dont_track_primary and without nftables_ifindex', () => {
    expect(planFirewall([noAccept()], NFTABLES_DEFAULTS)?.linkLocalKey).toBe('iface_index');
    expect(planFirewall([noAccept({ dontTrackPrimary: true })], NFTABLES_DEFAULTS)?.linkLocalKey).toBe('ifname');
    expect(planFirewall([noAccept({ dontTrackPrimary: true })], { ...NFTABLES_DEFAULTS, ifindex: true })?.linkLocalKey).toBe('iface_index');
  });
});

describe('membersOf', () => {
  it('sorts addresses into vips, ip6 vips and link-local (address . interface), unique', () => {
    const m = membersOf([
      { address: '10.0.0.2', family: 4, dev: 'eth0' }, { address: '10.0.0.1', family: 4, dev: 'eth0' },
      { address: '10.0.0.1', family: 4, dev: 'eth1' }, { address: 'fd00::1', family: 6, dev: 'eth0' },
      { address: 'fe80::52', family: 6, dev: 'eth0' }, { address: 'febf::1', family: 6, dev: 'eth1' },
    ]);
    expect(m).toEqual({ 'ip vips': ['10.0.0.1', '10.0.0.2'], 'ip6 vips': ['fd00::1'], 'ip6 vips_link_local': ['fe80::52 . "eth0"', 'febf::1 . "eth1"'] });
  });
});

describe('installScript', () => {
  it('replaces the IPv4 table in one batch, in keepalived\'s shape', () => {
    const plan = planFirewall([noAccept()], NFTABLES_DEFAULTS);
    if (!plan) throw new Error('no plan');
    expect(installScript(plan, membersOf([{ address: '10.0.0.100', family: 4, dev: 'eth0' }]))).toBe([
      'add table ip keepalived',
      'delete table ip keepalived',
      'add table ip keepalived',
      'add chain ip keepalived out { type filter hook output priority -1; policy accept; }',
      'add chain ip keepalived in { type filter hook input priority -1; policy accept; }',
      'add set ip keepalived vips { type ipv4_addr; elements = { 10.0.0.100 }; }',
      'add rule ip keepalived out ip saddr @vips drop',
      'add rule ip keepalived in ip daddr @vips drop',
      // no IPv6 addresses: any ip6 table of that name goes
      'add table ip6 keepalived',
      'delete table ip6 keepalived',
      '',
    ].join('\n'));
  });
  it('IPv6: neighbour discovery passes, link-local VIPs by interface, counters, table name and priority', () => {
    const plan = planFirewall([noAccept({ family: 6, vips: ['fe80::52', 'fd00::1'] })], { table: 'kad', priority: -5, counters: true, ifindex: false });
    if (!plan) throw new Error('no plan');
    const s = installScript(plan, NO_MEMBERS);
    expect(s).toContain('add chain ip6 kad in { type filter hook input priority -5; policy accept; }');
    expect(s).toContain('add set ip6 kad vips { type ipv6_addr; }');
    expect(s).toContain('add set ip6 kad neighbor-discovery { type icmpv6_type; flags constant; elements = { nd-neighbor-solicit, nd-neighbor-advert }; }');
    expect(s).toContain('add set ip6 kad vips_link_local { type ipv6_addr . iface_index; }');
    expect(s).toContain('add rule ip6 kad in icmpv6 type @neighbor-discovery counter accept');
    expect(s).toContain('add rule ip6 kad in ip6 daddr fe80::/10 counter goto in_link_local');
    expect(s).toContain('add rule ip6 kad in ip6 daddr @vips counter drop');
    expect(s).toContain('add rule ip6 kad in_link_local ip6 daddr . iif @vips_link_local counter drop');
    expect(s).toContain('add rule ip6 kad out_link_local ip6 saddr . oif @vips_link_local counter drop');
    // the link-local chains exist before the rules that jump to them
    expect(s.indexOf('add chain ip6 kad in_link_local')).toBeLessThan(s.indexOf('goto in_link_local'));
    expect(s.startsWith('add table ip kad\ndelete table ip kad\nadd table ip6 kad\ndelete table ip6 kad\n')).toBe(true);
  });
  it('ifname keys use iifname / oifname and keepalived\'s set name vips_link_local_name', () => {
    const plan = planFirewall([noAccept({ family: 6, vips: ['fe80::52'], dontTrackPrimary: true })], NFTABLES_DEFAULTS);
    if (!plan) throw new Error('no plan');
    const s = installScript(plan, NO_MEMBERS);
    expect(s).toContain('add set ip6 keepalived vips_link_local_name { type ipv6_addr . ifname; }');
    expect(s).toContain('ip6 daddr . iifname @vips_link_local_name drop');
    expect(s).toContain('ip6 saddr . oifname @vips_link_local_name drop');
    const d = diffMembers(NO_MEMBERS, membersOf([{ address: 'fe80::52', family: 6, dev: 'eth0' }]));
    expect(diffScript(plan, d)).toBe('add element ip6 keepalived vips_link_local_name { fe80::52 . "eth0" }\n');
  });
});

describe('diff', () => {
  const plan = planFirewall([noAccept(), noAccept({ family: 6, vips: ['fd00::1'] })], NFTABLES_DEFAULTS);
  if (!plan) throw new Error('no plan');
  const a = membersOf([{ address: '10.0.0.1', family: 4, dev: 'eth0' }, { address: 'fd00::1', family: 6, dev: 'eth0' }]);
  const b = membersOf([{ address: '10.0.0.2', family: 4, dev: 'eth0' }, { address: 'fd00::1', family: 6, dev: 'eth0' }]);

  it('is empty between equal states', () => {
    expect(emptyDiff(diffMembers(a, a))).toBe(true);
    expect(diffScript(plan, diffMembers(a, a))).toBe('');
  });
  it('deletes what goes and adds what comes, per set, in one batch', () => {
    const d = diffMembers(a, b);
    expect(d.add['ip vips']).toEqual(['10.0.0.2']);
    expect(d.remove['ip vips']).toEqual(['10.0.0.1']);
    expect(diffScript(plan, d)).toBe('delete element ip keepalived vips { 10.0.0.1 }\nadd element ip keepalived vips { 10.0.0.2 }\n');
  });
  it('to and from nothing', () => {
    expect(diffScript(plan, diffMembers(NO_MEMBERS, a))).toBe('add element ip keepalived vips { 10.0.0.1 }\nadd element ip6 keepalived vips { fd00::1 }\n');
    expect(diffScript(plan, diffMembers(a, NO_MEMBERS))).toBe('delete element ip keepalived vips { 10.0.0.1 }\ndelete element ip6 keepalived vips { fd00::1 }\n');
  });
});

describe('removeScript', () => {
  it('removes both family tables whether they exist or not', () => {
    expect(removeScript('keepalived')).toBe('add table ip keepalived\ndelete table ip keepalived\nadd table ip6 keepalived\ndelete table ip6 keepalived\n');
  });
});
