// The dump formatters against files keepalived 2.2.7 wrote (test/fixtures/processes/keepalived-2.2.7,
// see its README for provenance): same field names, order, indentation, and byte-identical
// output for the stats and JSON files given the same values.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { GlobalDefs } from '../../../../src/config/model.js';
import { formatGlobalDefs } from '../../../../src/config/global-dump.js';
import { formatData, formatJson, formatStats, timevalSeconds, type InstanceDump } from '../../../../src/vrrp/dump/print.js';
import { emptyStats } from '../../../../src/vrrp/protocol/stats.js';
import { formatParentData } from '../../../../src/supervisor/parent-dump.js';
import { globalDefs } from '../../../fixtures/check/model.js';

const REF = new URL('../../../fixtures/processes/keepalived-2.2.7/', import.meta.url);
const ref = (name: string): string => readFileSync(new URL(name, REF), 'utf8');

// The recorded instance: VI_1 MASTER, PASS auth, one VIP, MASTER since 1795514748.523452.
const lastTransitionWallMs = 1795514748523.452;
const instance = (counters = emptyStats()): InstanceDump => ({
  name: 'VI_1', version: 2, state: 'MASTER', wantState: 'MASTER', configFaults: 0, interfaceFaults: 0,
  trackScriptsInit: 0, lastTransitionWallMs, readTimeoutWallMs: 1795514750523.564, masterDownTimerUs: 3609375,
  interface: 'eth0', srcIp: '10.232.0.11', mcastAddress: '224.0.0.18', unicastPeers: [], garpDelayS: 5,
  garpRepeat: 5, garpRefreshS: 0, garpRefreshRepeat: 1, garpLowerPrioDelayS: 5, garpLowerPrioRepeat: 5,
  downTimerAdverts: 3, lowerPrioNoAdvert: false, higherPrioSendAdvert: false, vrid: 51, basePriority: 100,
  effectivePriority: 100, totalPriority: 100, masterPriority: 0, advertIntMs: 1000, masterAdvertIntMs: 1000,
  accept: true, preempt: true, preemptDelayMs: 0, promoteSecondaries: false, dontTrackPrimary: false,
  skipCheckAdvAddr: false, strict: false, auth: { type: 'PASS', password: 'secret1' },
  vips: ['10.232.0.100/24 dev eth0 scope global set'], evips: [], vipSet: true, smtpAlert: false,
  notifyDeleted: false, notifyPriorityChanges: false, fdIn: 13, fdOut: 14, counters,
});

const global: GlobalDefs = globalDefs({ routerId: 'ka1' });

describe('keepalived.stats (USR2)', () => {
  it('is byte-identical to keepalived 2.2.7 for the same counters', () => {
    const text = ref('keepalived.stats');
    const sent = Number(/Sent: (\d+)/.exec(text)?.[1]);
    const out = formatStats([instance({ ...emptyStats(), advert_sent: sent, become_master: 1 })]);
    expect(out).toBe(text);
    expect(out.split('\n')).toHaveLength(20);
  });

  it('each counter lands on its own labelled line', () => {
    const c = emptyStats();
    let n = 1;
    for (const k of Object.keys(c) as (keyof typeof c)[]) c[k] = n++;
    const lines = formatStats([instance(c)]).split('\n');
    expect(lines).toContain('    TTL: 7');
    expect(lines).toContain('    Address List: 9');
    expect(lines).toContain('    Type Mismatch: 11');
  });
});

describe('keepalived.json (SIGRTMIN+2)', () => {
  it('is byte-identical to keepalived 2.2.7 (keys, order, number formats, escaped slashes)', () => {
    const text = ref('keepalived.json');
    const parsed = JSON.parse(text) as { stats: { advert_sent: number } }[];
    const counters = { ...emptyStats(), advert_sent: parsed[0]?.stats.advert_sent ?? -1, become_master: 1 };
    expect(formatJson([instance(counters)])).toBe(text);
  });

  it('omits auth_data without authentication and lists evips only when present', () => {
    const i = { ...instance(), auth: { type: 'none' } as const, evips: ['10.0.0.9/32 dev eth0 scope global'] };
    const [obj] = JSON.parse(formatJson([i])) as { data: Record<string, unknown> }[];
    expect(obj?.data.auth_type).toBe(0);
    expect(obj?.data).not.toHaveProperty('auth_data');
    expect(obj?.data.evips).toEqual(['10.0.0.9/32 dev eth0 scope global']);
  });

  it('prints timevals with 6 decimals', () => {
    expect(timevalSeconds(1000.5)).toBe('1.000500');
    expect(timevalSeconds(lastTransitionWallMs)).toBe('1795514748.523452');
  });
});

describe('keepalived.data (USR1)', () => {
  const refLines = ref('keepalived.data').split('\n');
  const topo = refLines.indexOf('------< VRRP Topology >------');
  const topoEnd = refLines.indexOf('------< VRRP Sockpool >------');

  it('the VRRP Topology block is line-identical (local time zone of the recording: UTC)', () => {
    process.env.TZ = 'UTC';
    const out = formatData(global, [instance()]).split('\n');
    const start = out.indexOf('------< VRRP Topology >------');
    expect(start).toBeGreaterThan(0);
    expect(out.slice(start, start + (topoEnd - topo))).toEqual(refLines.slice(topo, topoEnd));
  });

  it('the Global definitions block has keepalived\'s keys in order (libnftnl version aside)', () => {
    const want = refLines.slice(0, topo).filter((l) => !l.startsWith(' libnftnl version'));
    expect(formatGlobalDefs(global, true)).toEqual(want);
  });

  it('with nftables options: keepalived 2.2.7\'s table, priority, ifindex and counters lines', () => {
    // recorded from keepalived 2.2.7 with nftables kadtest, nftables_priority -5, nftables_counters, nftables_ifindex
    const lines = formatGlobalDefs({ ...global, nftables: { table: 'kadtest', priority: -5, counters: true, ifindex: true } }, true);
    const at = lines.indexOf(' nftables table name = kadtest');
    expect(lines.slice(at, at + 4)).toEqual([
      ' nftables table name = kadtest', ' nftables base chain priority = -5',
      ' nftables force use ifindex for link local IPv6', ' nftables with counters',
    ]);
  });

  it('the parent data is the global block without the VRRP-only lines', () => {
    const parent = ref('keepalived_parent.data').split('\n').filter((l) => l !== '' && !l.startsWith(' libnftnl'));
    const keys = (ls: string[]): string[] => ls.map((l) => l.split(' = ')[0] as string);
    expect(keys(formatParentData(global).trimEnd().split('\n'))).toEqual(keys(parent));
  });
});

describe('unicast VRRPv3 instance (keepalived-2.2.7/unicast-v3)', () => {
  const unicast = (): InstanceDump => ({
    ...instance(), name: 'VI_2', version: 3, vrid: 52, basePriority: 150, effectivePriority: 150, totalPriority: 150,
    lastTransitionWallMs: 1795516145113.783, readTimeoutWallMs: 1795516146617.677, masterDownTimerUs: 1707031,
    srcIpFromConfig: true, mcastAddress: undefined, unicastPeers: ['10.232.0.12', '10.232.0.13'],
    advertIntMs: 500, masterAdvertIntMs: 500, preemptDelayMs: 10_000, auth: { type: 'none' },
    vips: ['10.232.0.100/24 dev eth0 scope global set', '10.232.0.101/24 dev eth0 scope global set'],
    evips: ['10.232.0.200 dev eth0 scope global set'],
  });

  it('the VRRP Topology block is line-identical', () => {
    process.env.TZ = 'UTC';
    const want = ref('unicast-v3/keepalived.data').split('\n');
    const from = want.indexOf('------< VRRP Topology >------');
    const to = want.indexOf('------< VRRP Sockpool >------');
    const out = formatData(globalDefs({ routerId: 'ka2' }), [unicast()]).split('\n');
    const start = out.indexOf('------< VRRP Topology >------');
    expect(out.slice(start, start + (to - from))).toEqual(want.slice(from, to));
  });

  it('the JSON is byte-identical (v3 interval in seconds, evips, auth_type 0 without auth_data)', () => {
    const text = ref('unicast-v3/keepalived.json');
    const sent = (JSON.parse(text) as { stats: { advert_sent: number } }[])[0]?.stats.advert_sent ?? -1;
    expect(formatJson([{ ...unicast(), counters: { ...emptyStats(), advert_sent: sent, become_master: 1 } }])).toBe(text);
  });
});

describe('trackers and no authentication (keepalived-2.2.7/track)', () => {
  const tracked = (): InstanceDump => ({
    ...instance(), name: 'VI_3', vrid: 53, effectivePriority: 115, totalPriority: 115, auth: { type: 'none' },
    lastTransitionWallMs: 1795517267144.213, readTimeoutWallMs: 1795517269144.354, masterDownTimerUs: 3550781,
    trackedInterfaces: [{ name: 'eth0p', weight: 5 }], trackedScripts: [{ name: 'chk_ok', weight: 10 }],
    trackScriptCommands: ["'/usr/bin/true'"],
  });

  it('the VRRP Topology block is line-identical (Authentication type = none, Tracked ... :)', () => {
    process.env.TZ = 'UTC';
    const want = ref('track/keepalived.data').split('\n');
    const from = want.indexOf('------< VRRP Topology >------');
    const to = want.indexOf('------< VRRP Sockpool >------');
    const out = formatData(globalDefs({ routerId: 'ka3' }), [tracked()]).split('\n');
    const start = out.indexOf('------< VRRP Topology >------');
    expect(out.slice(start, start + (to - from))).toEqual(want.slice(from, to));
  });

  it('the JSON is byte-identical (track_ifp, track_script)', () => {
    const text = ref('track/keepalived.json');
    const sent = (JSON.parse(text) as { stats: { advert_sent: number } }[])[0]?.stats.advert_sent ?? -1;
    expect(formatJson([{ ...tracked(), counters: { ...emptyStats(), advert_sent: sent, become_master: 1 } }])).toBe(text);
  });
});
