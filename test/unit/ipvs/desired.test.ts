// Config + checker snapshot → desired IPVS table.
import { describe, expect, it } from 'vitest';
import { desiredTable, dumpedByVirtualServer, granularityPrefixLen } from '../../../src/ipvs/desired.js';
import { serviceKey, SVC_F } from '../../../src/ipvs/model.js';
import { rsKey, type CheckerSnapshot, type RsStatus } from '../../../src/ipvs/port.js';
import { config, rs, tcp, vs } from '../../fixtures/check/model.js';

const snap = (vsName: string, quorumUp: boolean, servers: Record<string, RsStatus>): CheckerSnapshot =>
  new Map([[vsName, { quorumUp, realServers: new Map(Object.entries(servers)) }]]);

const web = vs('10.0.0.1', 80, [rs('192.168.1.1', 8080, [tcp()], { weight: 2 }), rs('192.168.1.2', 8080, [tcp()])], {
  scheduler: 'wrr',
  sorryServer: { address: '192.168.1.99', port: 80, family: 4, inhibit: false },
});
const view = (t: ReturnType<typeof desiredTable>): Record<string, Record<string, number>> =>
  Object.fromEntries(t.map((e) => [serviceKey(e.service), Object.fromEntries(e.dests.map((d) => [`${d.address}:${d.port}`, d.weight]))]));

describe('desiredTable', () => {
  it('installs alive real servers with their effective weights', () => {
    const t = desiredTable(config([web]), snap(web.name, true, {
      [rsKey('192.168.1.1', 8080)]: { alive: true, weight: 2 },
      [rsKey('192.168.1.2', 8080)]: { alive: true, weight: 7 },
    }));
    expect(view(t)).toEqual({ 'TCP 10.0.0.1:80': { '192.168.1.1:8080': 2, '192.168.1.2:8080': 7 } });
    expect(t[0]!.service).toMatchObject({ scheduler: 'wrr', flags: 0, persistenceTimeoutS: 0 });
  });

  it('drops a dead server, or keeps it at weight 0 with inhibit_on_failure', () => {
    const s = snap(web.name, true, { [rsKey('192.168.1.1', 8080)]: { alive: false, weight: 2 }, [rsKey('192.168.1.2', 8080)]: { alive: true, weight: 1 } });
    expect(view(desiredTable(config([web]), s))).toEqual({ 'TCP 10.0.0.1:80': { '192.168.1.2:8080': 1 } });
    const inhibit = { ...web, inhibitOnFailure: true };
    expect(view(desiredTable(config([inhibit]), s))).toEqual({ 'TCP 10.0.0.1:80': { '192.168.1.1:8080': 0, '192.168.1.2:8080': 1 } });
  });

  it('puts the sorry server in (and live servers out) when quorum is down', () => {
    const s = snap(web.name, false, { [rsKey('192.168.1.1', 8080)]: { alive: false, weight: 2 }, [rsKey('192.168.1.2', 8080)]: { alive: true, weight: 1 } });
    expect(view(desiredTable(config([web]), s))).toEqual({ 'TCP 10.0.0.1:80': { '192.168.1.99:80': 1 } });
    const inhibit = { ...web, sorryServer: { ...web.sorryServer!, inhibit: true } };
    const up = snap(web.name, true, { [rsKey('192.168.1.2', 8080)]: { alive: true, weight: 1 } });
    expect(view(desiredTable(config([inhibit]), up))['TCP 10.0.0.1:80']).toMatchObject({ '192.168.1.99:80': 0 });
  });

  it('starts every server up before the first check, except in alpha mode', () => {
    expect(Object.keys(view(desiredTable(config([web]), new Map()))['TCP 10.0.0.1:80']!)).toHaveLength(2);
    expect(view(desiredTable(config([{ ...web, alpha: true }]), new Map()))['TCP 10.0.0.1:80']).toEqual({});
  });

  it('maps persistence, granularity, scheduler flags and persistence engine', () => {
    const p = { ...web, persistenceTimeoutS: 300, persistenceGranularity: '255.255.255.0', schedFlags: ['sh-port', 'ops'], persistenceEngine: 'sip' };
    const s = desiredTable(config([p]), new Map())[0]!.service;
    expect(s).toMatchObject({ persistenceTimeoutS: 300, netmaskPrefixLen: 24, peName: 'sip' });
    expect(s.flags).toBe(SVC_F.PERSISTENT | SVC_F.SCHED2 | SVC_F.ONEPACKET);
    expect(granularityPrefixLen('64', 6)).toBe(64);
    expect(granularityPrefixLen(undefined, 6)).toBe(128);
    expect(granularityPrefixLen('255.0.255.0', 4)).toBe(32);
  });

  it('expands a virtual_server_group into address, range and fwmark services with the same dests', () => {
    const g = { ...web, key: { kind: 'group' as const, group: 'G' }, name: 'group G', sorryServer: undefined };
    const cfg = config([g], {
      virtualServerGroups: [{
        name: 'G', source: web.source, entries: [
          { kind: 'ip', address: '10.0.0.5', port: 80, family: 4 },
          { kind: 'range', address: '10.0.1.1', lastAddress: '3', port: 443, family: 4 },
          { kind: 'fwmark', fwmark: 9, family: 4 },
        ],
      }],
    });
    const v = view(desiredTable(cfg, new Map()));
    expect(Object.keys(v)).toEqual(['TCP 10.0.0.5:80', 'TCP 10.0.1.1:443', 'TCP 10.0.1.2:443', 'TCP 10.0.1.3:443', 'FWM 9']);
    expect(v['FWM 9']).toEqual({ '192.168.1.1:8080': 2, '192.168.1.2:8080': 1 });
  });

  it('finds the dumped kernel services of each virtual server, a group\'s several, and leaves out others', () => {
    const g = { ...web, key: { kind: 'group' as const, group: 'G' }, name: 'group G', sorryServer: undefined };
    const cfg = config([web, g], {
      virtualServerGroups: [{ name: 'G', source: web.source, entries: [{ kind: 'ip', address: '10.0.0.5', port: 80, family: 4 }, { kind: 'fwmark', fwmark: 9, family: 4 }] }],
    });
    const zero = { conns: 0, inPkts: 0, outPkts: 0, inBytes: 0, outBytes: 0, cps: 0, inPps: 0, outPps: 0, inBps: 0, outBps: 0 };
    const dumped = desiredTable(cfg, new Map()).map((e, i) => ({ service: { ...e.service, stats: { ...zero, conns: i + 1 } }, dests: [] }));
    const foreign = { service: { ...dumped[0]!.service, port: 8443, stats: zero }, dests: [] };
    const by = dumpedByVirtualServer(cfg, [foreign, ...dumped.slice(1)]); // web's own service is not in the kernel
    expect(by.get(web.name)).toEqual([]);
    expect(by.get(g.name)?.map((e) => [serviceKey(e.service), e.service.stats.conns])).toEqual([['TCP 10.0.0.5:80', 2], ['FWM 9', 3]]);
    expect([...by.keys()]).toEqual([web.name, g.name]);
  });

  it('canonicalises IPv6 addresses so they compare equal to kernel dumps', () => {
    const v6 = vs('2001:DB8:0:0::1', 80, [rs('2001:db8::0:10', 80, [])], { key: { kind: 'ip', address: '2001:DB8:0:0::1', port: 80, family: 6 } });
    const t = desiredTable(config([v6]), new Map());
    expect(t[0]!.service.address).toBe('2001:db8::1');
    expect(t[0]!.dests[0]!.address).toBe('2001:db8::10');
  });

  it('programs DR and TUN forwarding with tunnel type, port and checksum', () => {
    const r = rs('192.168.1.5', 80, [], { forwarding: { method: 'TUN', tunnelType: 'gue', tunnelPort: 6080, tunnelChecksum: 'remcsum' }, uthreshold: 50, lthreshold: 5 });
    const d = desiredTable(config([vs('10.0.0.1', 80, [r])]), new Map())[0]!.dests[0]!;
    expect(d).toMatchObject({ method: 'TUN', tunnelType: 'gue', tunnelPort: 6080, tunnelFlags: 'remcsum', upperThreshold: 50, lowerThreshold: 5 });
  });
});
