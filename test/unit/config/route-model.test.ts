// static_routes / static_rules / virtual_routes / virtual_rules: keepalived 2.2.7's words to the
// typed model, its defaults (table main, scope universe, protocol keepalived, rule preferences
// 16384 down) and its checks, each reported at file:line. Measured facts are cited where used.
import { describe, expect, it } from 'vitest';
import type { ConfigEnv } from '../../../src/config/env.js';
import { tableIn } from '../../../src/config/blocks/route-words.js';
import { parseText, TEST_ENV } from './mem-io.js';

const ENV: ConfigEnv = { ...TEST_ENV, routeTable: (n) => (n === 'vip' ? 200 : undefined) };
const routes = (lines: string) => parseText(`static_routes {\n${lines}\n}`, {}, {}, ENV);
const rules = (lines: string) => parseText(`static_rules {\n${lines}\n}`, {}, {}, ENV);
const diag = (r: ReturnType<typeof parseText>) => r.diagnostics.map((d) => `${d.line} ${d.code} ${d.message}`);

describe('route lines', () => {
  it('reads via, src, dev, table by number and by rt_tables name, metric, scope, protocol, tos, onlink', () => {
    const r = routes([
      '10.1.0.0/24 via 10.0.0.1 src 10.0.0.2 dev eth0 table 100 metric 5',
      '10.2.0.0/24 via 10.0.0.1 dev eth0 table vip preference 7 scope link onlink tos 0x04',
      'default via inet6 fe80::1 dev eth0 priority 9',
      '10.3.0.0/24 dev eth0 protocol bird no_track realms 2/3',
    ].join('\n'));
    expect(diag(r)).toEqual([]);
    const [a, b, c, d] = r.config!.staticRoutes;
    expect(a).toMatchObject({ family: 4, type: 'unicast', dst: { address: '10.1.0.0', prefixLen: 24 }, via: '10.0.0.1', src: '10.0.0.2', dev: 'eth0', table: 100, metric: 5, scope: 0, protocol: 18 });
    expect(b).toMatchObject({ table: 200, tableName: 'vip', metric: 7, scope: 253, onlink: true, tos: 4 });
    expect(c).toMatchObject({ family: 6, dst: { address: '::', prefixLen: 0 }, via: 'fe80::1', metric: 9 });
    expect(d).toMatchObject({ protocol: 12, noTrack: true, realms: 0x20003, source: { file: '/etc/kad/main.conf', line: 5 } });
  });

  it('reads types, metrics with lock, features, congctl, IPv6 pref/expires/from and next hops', () => {
    const r = routes([
      'blackhole 10.4.0.0/24 no_track',
      'unreachable 2001:db8:4::/64 dev eth0',
      'to prohibit 10.5.0.0/24 dev eth0',
      'throw 10.6.0.0/24 dev eth0 table 7',
      '10.7.0.0/24 dev eth0 mtu lock 1400 advmss 1300 hoplimit 9 initcwnd 10 initrwnd 11 window 12 cwnd lock 13 ssthresh 14 reordering 15 quickack 1 fastopen_no_cookie 1 features ecn congctl cubic',
      '2001:db8:8::/64 dev eth0 pref high expires 30 from 2001:db8:9::/64',
      '10.9.0.0/24 table 100 no_track nexthop via 10.0.0.2 dev eth0 weight 2 nexthop via 10.0.0.3 dev eth1 onlink',
    ].join('\n'));
    expect(diag(r)).toEqual([]);
    const s = r.config!.staticRoutes;
    expect(s.map((x) => x.type)).toEqual(['blackhole', 'unreachable', 'prohibit', 'throw', 'unicast', 'unicast', 'unicast']);
    expect(s[1]!.family).toBe(6);
    expect(s[4]).toMatchObject({ metrics: { mtu: 1400, advmss: 1300, hoplimit: 9, initcwnd: 10, initrwnd: 11, window: 12, cwnd: 13, ssthresh: 14, reordering: 15, quickack: 1, fastopen_no_cookie: 1 }, locked: ['mtu', 'cwnd'], ecn: true, congctl: 'cubic' });
    expect(s[5]).toMatchObject({ family: 6, pref: 1, expires: 30, from: { address: '2001:db8:9::', prefixLen: 64 } });
    expect(s[6]!.nexthops).toEqual([{ via: '10.0.0.2', dev: 'eth0', weight: 2, onlink: false }, { via: '10.0.0.3', dev: 'eth1', onlink: true }]);
  });

  it('turns the deprecated "gw" and "or" into via and two next hops, reported as keepalived does', () => {
    const r = routes('10.1.0.0/24 gw 10.0.0.1 or 10.0.0.9 dev eth0');
    expect(r.config!.staticRoutes[0]!.nexthops.map((h) => h.via)).toEqual(['10.0.0.1', '10.0.0.9']);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['KAD_WARN_CONFIG_DEPRECATED', 'KAD_WARN_CONFIG_DEPRECATED']);
    expect(r.exitCode).toBe(5);
  });

  it('keeps protocol keepalived on a tracked route and says so (keepalived 2.2.7: "resetting protocol")', () => {
    const r = routes('10.1.0.0/24 dev eth0 protocol bird');
    expect(r.config!.staticRoutes[0]!.protocol).toBe(18);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['KAD_WARN_CONFIG_ROUTE_ADJUSTED']);
  });

  it('skips bad lines with file:line: proto (unknown to keepalived 2.2.7), bad table, missing device, mixed families, pref on IPv4', () => {
    const r = routes([
      '10.1.0.0/24 dev eth0 proto static',
      '10.2.0.0/24 dev eth0 table nosuch',
      '10.3.0.0/24 dev eth9',
      '10.4.0.0/24 via fe80::1 dev eth0',
      '10.5.0.0/24 dev eth0 pref high',
      'via 10.0.0.1 dev eth0',
      '10.6.0.0/24 dev eth0 nexthop via 10.0.0.1 bogus',
    ].join('\n'));
    expect(r.config!.staticRoutes).toEqual([]);
    expect(r.diagnostics.map((d) => [d.line, d.code])).toEqual([
      [2, 'KAD_ERR_CONFIG_INVALID_VALUE'], [5, 'KAD_ERR_CONFIG_INVALID_VALUE'], [6, 'KAD_ERR_CONFIG_INVALID_VALUE'], [7, 'KAD_ERR_CONFIG_INVALID_VALUE'],
      [8, 'KAD_ERR_CONFIG_INVALID_VALUE'], [3, 'KAD_ERR_CONFIG_INVALID_VALUE'], [4, 'KAD_ERR_CONFIG_INTERFACE_MISSING'],
    ]);
    expect(r.diagnostics[0]!.message).toMatch(/unknown route keyword 'proto'/);
    expect(r.diagnostics.find((d) => d.line === 3)!.message).toMatch(/table 'nosuch' not found/);
  });

  it('warns, with the line, about options it reads but does not act on, and applies the rest', () => {
    const r = routes('10.1.0.0/24 dev eth0 rttvar 3 rtt 10ms append');
    expect(r.config!.staticRoutes).toHaveLength(1);
    expect(r.diagnostics.map((d) => [d.line, d.code, d.message])).toEqual([
      [2, 'KAD_WARN_CONFIG_IGNORED', "route option 'rttvar' is not supported by kad and is ignored"],
      [2, 'KAD_WARN_CONFIG_IGNORED', "route option 'rtt' is not supported by kad and is ignored"],
      [2, 'KAD_WARN_CONFIG_IGNORED', "route option 'append' is not supported by kad and is ignored"],
    ]);
  });
});

describe('static_ipaddress', () => {
  it('reads addresses as virtual_ipaddress does and warns about the options the address seam does not apply (preferred_lft is applied)', () => {
    const r = parseText('static_ipaddress {\n  192.0.2.1/24 dev eth0 scope link label eth0:s\n  2001:db8::1/64 dev eth0 home preferred_lft 30\n}');
    expect(r.config!.staticAddresses.map((a) => [a.address, a.prefixLen, a.dev])).toEqual([['192.0.2.1', 24, 'eth0'], ['2001:db8::1', 64, 'eth0']]);
    expect(r.diagnostics.map((d) => [d.line, d.code, d.message])).toEqual([
      [3, 'KAD_WARN_UNSUPPORTED', 'home is not supported by kad and is ignored'],
    ]);
  });
});

describe('rule lines', () => {
  it('reads selectors, actions and keepalived\'s protocol', () => {
    const r = rules([
      'from 10.1.0.0/24 to 10.2.0.0/16 table vip priority 100',
      'not iif eth0 oif eth1 fwmark 0x10/0xff tos 4 lookup 100 preference 101',
      'from all fwmark 7 order 102 blackhole',
      'from all priority 103 goto 110',
      'from all priority 104 type unreachable',
      'from all priority 105 nop',
      'from all priority 106 l3mdev',
      'from 2001:db8::/32 ipproto tcp sport 10-20 dport 80-81 uidrange 1000-1999 table 100 suppress_prefixlength 0 priority 107',
      'from all table 5 priority 108 protocol 4 no_track realms 7',
    ].join('\n'));
    expect(diag(r)).toEqual([]);
    const s = r.config!.staticRules;
    expect(s[0]).toMatchObject({ family: 4, from: { address: '10.1.0.0', prefixLen: 24 }, to: { address: '10.2.0.0', prefixLen: 16 }, action: 'table', table: 200, priority: 100, protocol: 18 });
    expect(s[1]).toMatchObject({ not: true, iif: 'eth0', oif: 'eth1', fwmark: 16, fwmask: 255, tos: 4, table: 100, priority: 101 });
    expect(s.slice(2, 7).map((x) => x.action)).toEqual(['blackhole', 'goto', 'unreachable', 'nop', 'table']);
    expect(s[3]!.goto).toBe(110);
    expect(s[6]!.l3mdev).toBe(true);
    expect(s[7]).toMatchObject({ family: 6, ipProto: 6, sport: [10, 20], dport: [80, 81], uidRange: [1000, 1999], suppressPrefixLen: 0 });
    expect(s[8]).toMatchObject({ protocol: 4, noTrack: true, realms: 7 });
  });

  it('gives rules without a preference 16384, 16383... per family, as keepalived 2.2.7 (measured)', () => {
    const r = rules('from 10.1.0.0/24 table 1\nfrom 10.2.0.0/24 table 1\nfrom 2001:db8::/32 table 1');
    expect(r.config!.staticRules.map((x) => x.priority)).toEqual([16384, 16383, 16384]);
    expect(r.diagnostics.map((d) => d.code)).toEqual(Array(3).fill('KAD_WARN_CONFIG_ROUTE_ADJUSTED'));
    expect(r.exitCode).toBe(5);
  });

  it('skips rules keepalived skips: no action, two actions, goto without or below preference, table 0, single port, table with l3mdev', () => {
    const r = rules([
      'from 10.1.0.0/24 priority 1',
      'from all table 1 blackhole priority 2',
      'from all goto 9',
      'from all goto 3 priority 4',
      'from all table 0 priority 5',
      'from all dport 80 table 1 priority 6',
      'from all fwmark 1/x table 1 priority 7',
      'from all l3mdev table 1 priority 8',
    ].join('\n'));
    expect(r.config!.staticRules).toEqual([]);
    expect(r.diagnostics.map((d) => d.line)).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('reads table numbers from rt_tables text', () => {
    expect(tableIn('# comment\n255\tlocal\n200 vip # ours\n0x10 hex\n', 'vip')).toBe(200);
    expect(tableIn('0x10 hex\n', 'hex')).toBe(16);
    expect(tableIn('1 a\n', 'b')).toBeUndefined();
  });

  it('puts virtual_routes and virtual_rules on their instance', () => {
    const r = parseText(`vrrp_instance VI_1 {
  interface eth0
  virtual_router_id 7
  virtual_ipaddress {
    10.0.0.1
  }
  virtual_routes {
    10.1.0.0/24 dev eth0
  }
  virtual_rules {
    from 10.1.0.0/24 table 100 priority 10
  }
}`, {}, {}, ENV);
    expect(diag(r)).toEqual([]);
    expect(r.config!.vrrpInstances[0]!.virtualRoutes[0]).toMatchObject({ dev: 'eth0', source: { line: 8 } });
    expect(r.config!.vrrpInstances[0]!.virtualRules[0]).toMatchObject({ table: 100, priority: 10 });
  });
});
