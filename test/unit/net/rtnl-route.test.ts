// The route and rule encoders, fed from the config parser (the words an operator writes), checked
// field by field against linux/rtnetlink.h and linux/fib_rules.h; no socket, no root.
import { describe, expect, it } from 'vitest';
import { routeMessage, routeText } from '../../../src/net/rtnl-route.js';
import { ruleMessage } from '../../../src/net/rtnl-rule.js';
import type { RouteSpec, RuleSpec } from '../../../src/config/model.js';
import { parseText, TEST_ENV } from '../config/mem-io.js';

const resolve = { ifIndex: (n: string) => ({ eth0: 7, eth1: 8 } as Record<string, number>)[n] };
const env = { ...TEST_ENV, routeTable: (n: string) => (n === 'vip' ? 1000 : undefined) };
function route(line: string): RouteSpec {
  const r = parseText(`static_routes {\n${line}\n}`, {}, {}, env).config!.staticRoutes[0];
  if (!r) throw new Error(`not parsed: ${line}`);
  return r;
}
function rule(line: string): RuleSpec {
  const r = parseText(`static_rules {\n${line}\n}`, {}, {}, env).config!.staticRules[0];
  if (!r) throw new Error(`not parsed: ${line}`);
  return r;
}

describe('routeMessage', () => {
  it('encodes an IPv4 route with via, dev, src, table, metric, as keepalived: scope universe, protocol keepalived', () => {
    const m = routeMessage(route('192.0.2.0/24 via 10.0.0.1 src 10.0.0.2 dev eth0 table 100 metric 5'), resolve);
    expect(m.data).toMatchObject({ family: 2, dstLen: 24, srcLen: 0, tos: 0, table: 100, protocol: 18, scope: 0, type: 1 });
    expect(m.attrs.dst).toEqual(Buffer.from([192, 0, 2, 0]));
    expect(m.attrs.gateway).toEqual(Buffer.from([10, 0, 0, 1]));
    expect(m.attrs.prefsrc).toEqual(Buffer.from([10, 0, 0, 2]));
    expect(m.attrs).toMatchObject({ oif: 7, table: 100, priority: 5 });
  });

  it('puts a table above 255 in RTA_TABLE only (rtm_table RT_TABLE_UNSPEC), named tables resolved', () => {
    const m = routeMessage(route('192.0.2.0/24 dev eth0 table vip'), resolve);
    expect(m.data.table).toBe(0);
    expect(m.attrs.table).toBe(1000);
  });

  it('encodes types, IPv6 default via, onlink, tos and scope', () => {
    expect(routeMessage(route('blackhole 198.51.100.0/24 no_track'), resolve).data).toMatchObject({ type: 6, dstLen: 24 });
    expect(routeMessage(route('throw 198.51.100.0/24 dev eth0'), resolve).data.type).toBe(9);
    const v6 = routeMessage(route('default via fe80::1 dev eth0'), resolve);
    expect(v6.data).toMatchObject({ family: 10, dstLen: 0 });
    expect(v6.attrs.dst).toBeUndefined();
    expect(v6.attrs.gateway?.length).toBe(16);
    const on = routeMessage(route('203.0.113.0/24 via 192.0.2.1 dev eth0 onlink tos 0x10 scope link realms 1/2'), resolve);
    expect(on.data).toMatchObject({ flags: { __unknown: 4 }, tos: 16, scope: 253 });
    expect(on.attrs.flow).toBe(0x10002);
  });

  it('encodes RTA_METRICS with the lock mask, ECN and congctl, and IPv6 pref/expires/from', () => {
    const m = routeMessage(route('203.0.113.0/24 dev eth0 mtu lock 1400 advmss 1300 hoplimit 9 initcwnd 10 features ecn congctl cubic'), resolve);
    const u = (b: Buffer | undefined): number | undefined => b?.readUInt32LE(0);
    expect(u(m.attrs.metrics?.mtu)).toBe(1400);
    expect(u(m.attrs.metrics?.advmss)).toBe(1300);
    expect(u(m.attrs.metrics?.hoplimit)).toBe(9);
    expect(u(m.attrs.metrics?.initcwnd)).toBe(10);
    expect(u(m.attrs.metrics?.lock)).toBe(1 << 2); // RTAX_MTU
    expect(u(m.attrs.metrics?.features)).toBe(1); // RTAX_FEATURE_ECN
    expect(m.attrs.metrics?.ccAlgo).toEqual(Buffer.from('cubic\0'));
    const v6 = routeMessage(route('2001:db8::/64 dev eth0 pref low expires 30 from 2001:db8:1::/48'), resolve);
    expect(v6.attrs.pref).toEqual(Buffer.from([3]));
    expect(u(v6.attrs.expires)).toBe(30);
    expect(v6.data.srcLen).toBe(48);
    expect(v6.attrs.src?.length).toBe(16);
  });

  it('encodes next hops as struct rtnexthop + RTA_GATEWAY (weight - 1 in rtnh_hops)', () => {
    const m = routeMessage(route('10.9.0.0/24 nexthop via 10.0.0.2 dev eth0 weight 2 nexthop via 10.0.0.3 dev eth1 onlink'), resolve);
    expect(m.attrs.multipath).toEqual(Buffer.from([
      16, 0, 0, 1, 7, 0, 0, 0, /* RTA_GATEWAY */ 8, 0, 5, 0, 10, 0, 0, 2,
      16, 0, 4, 0, 8, 0, 0, 0, /* RTA_GATEWAY */ 8, 0, 5, 0, 10, 0, 0, 3,
    ]));
    expect(m.attrs.gateway).toBeUndefined();
  });

  it('refuses a device that is gone by the time the route is applied', () => {
    expect(() => routeMessage({ ...route('192.0.2.0/24 dev eth0'), dev: 'nope' }, resolve)).toThrow(/no device 'nope'/);
    expect(routeText(route('blackhole 192.0.2.0/24 table 7 no_track'))).toBe('blackhole 192.0.2.0/24 table 7');
  });
});

describe('ruleMessage', () => {
  it('encodes from/to, preference, table, fwmark/mask, protocol keepalived', () => {
    const m = ruleMessage(rule('from 10.1.0.0/24 to 10.2.0.0/16 fwmark 0x10/0xff table vip priority 100'));
    expect(m.data).toMatchObject({ family: 2, srcLen: 24, dstLen: 16, tos: 0, table: 0, action: 1 });
    expect(m.attrs).toMatchObject({ priority: 100, table: 1000, fwmark: 16, fwmask: 255, protocol: 18 });
    expect(m.attrs.src).toEqual(Buffer.from([10, 1, 0, 0]));
    expect(m.attrs.dst).toEqual(Buffer.from([10, 2, 0, 0]));
  });

  it('encodes not, iif/oif names, the drop and goto actions, l3mdev, ranges', () => {
    const not = ruleMessage(rule('not iif eth0 oif eth1 lookup 100 preference 5'));
    expect(not.data).toMatchObject({ flags: { __unknown: 2 }, table: 100 });
    expect(not.attrs).toMatchObject({ iifname: 'eth0', oifname: 'eth1' });
    expect(ruleMessage(rule('from all priority 6 blackhole')).data.action).toBe(6);
    expect(ruleMessage(rule('from all priority 6 prohibit')).data.action).toBe(8);
    expect(ruleMessage(rule('from all priority 6 goto 9')).attrs.goto).toBe(9);
    expect(ruleMessage(rule('from all priority 6 goto 9')).data.action).toBe(2);
    expect(ruleMessage(rule('from all priority 6 l3mdev')).attrs.l3Mdev).toBe(1);
    const r = ruleMessage(rule('from 2001:db8::/32 ipproto udp sport 1-2 dport 3-4 uidrange 5-6 table 1 priority 7 suppress_prefixlength 0'));
    expect(r.data.family).toBe(10);
    expect(r.attrs).toMatchObject({ ipProto: 17, sportRange: { start: 1, end: 2 }, dportRange: { start: 3, end: 4 }, uidRange: { start: 5, end: 6 } });
    expect(r.attrs.suppressPrefixlen).toEqual(Buffer.from([0, 0, 0, 0]));
    expect(ruleMessage(rule('from all table 1 priority 8 no_track')).attrs.protocol).toBeUndefined();
    expect(ruleMessage(rule('from all table 1 priority 8 realms 3')).attrs.flow).toBe(3);
  });
});
