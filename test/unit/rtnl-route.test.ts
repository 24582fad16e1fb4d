import { describe, expect, it } from 'vitest';
import { routeMessage } from '../../src/net/rtnl-route.js';

const resolve = { ifIndex: (n: string) => (n === 'eth0' ? 7 : undefined), table: (n: string) => (n === 'vip' ? 100 : undefined) };
const w = (s: string): string[] => s.split(' ');

describe('routeMessage', () => {
  it('encodes an IPv4 route with via, dev, src, table, metric', () => {
    const m = routeMessage(w('192.0.2.0/24 via 10.0.0.1 src 10.0.0.2 dev eth0 table vip metric 5'), resolve);
    expect(m.data).toMatchObject({ family: 2, dstLen: 24, table: 100, protocol: 18, scope: 0, type: 1 });
    expect(m.attrs.dst).toEqual(Buffer.from([192, 0, 2, 0]));
    expect(m.attrs.gateway).toEqual(Buffer.from([10, 0, 0, 1]));
    expect(m.attrs.prefsrc).toEqual(Buffer.from([10, 0, 0, 2]));
    expect(m.attrs).toMatchObject({ oif: 7, table: 100, priority: 5 });
  });
  it('encodes blackhole, IPv6 default via, onlink, mtu and link scope', () => {
    expect(routeMessage(w('blackhole 198.51.100.0/24'), resolve).data).toMatchObject({ type: 6, dstLen: 24 });
    const v6 = routeMessage(w('default via fe80::1 dev eth0'), resolve);
    expect(v6.data).toMatchObject({ family: 10, dstLen: 0 });
    expect(v6.attrs.dst).toBeUndefined();
    expect(v6.attrs.gateway?.length).toBe(16);
    const on = routeMessage(w('203.0.113.0/24 via 192.0.2.1 dev eth0 onlink mtu 1400'), resolve);
    expect(on.data.flags).toEqual({ __unknown: 4 });
    expect(on.attrs.metrics?.mtu?.readUInt32LE(0)).toBe(1400);
    expect(routeMessage(w('203.0.113.0/24 dev eth0'), resolve).data.scope).toBe(253);
    expect(routeMessage(w('203.0.113.0/24 dev eth0 table 1000'), resolve).data.table).toBe(252);
  });
  it('refuses unknown devices, tables, mixed families and stray words', () => {
    expect(() => routeMessage(w('192.0.2.0/24 dev nope'), resolve)).toThrow(/no device 'nope'/);
    expect(() => routeMessage(w('192.0.2.0/24 dev eth0 table x'), resolve)).toThrow(/unknown table/);
    expect(() => routeMessage(w('192.0.2.0/24 via fe80::1'), resolve)).toThrow(/mixes/);
    expect(() => routeMessage(w('192.0.2.0/24 frob'), resolve)).toThrow(/unsupported/);
  });
});
