// VIP handling against an operator and a changing host, as keepalived 2.2.7 behaves (measured in a
// namespace): `ip addr del` of a tracked VIP on the MASTER → BACKUP with a priority-0 advert,
// MASTER again ~Skew_Time later with every VIP back (the backup, whose Skew_Time is longer, does not
// take over); a `no_track` VIP's deletion is ignored. promote_secondaries is set on the interface
// while kad runs and restored on exit; an IPv6 /128 VIP is added deprecated (preferred_lft 0).
// dynamic_interfaces: an instance on a missing interface starts when it appears. An interface
// deleted and created again: FAULT, then back (new index), VIPs re-added.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skewTimeMs } from '../../src/vrrp/protocol/timers.js';
import { ensureBuilt, Lab, sleep, vrrpInstance, waitForHolder, waitUntil, type Daemon, type LabPacket } from '../helpers/lab.js';
import { cleanupAll, netnsUnavailableReason, plugIntoBridge } from '../helpers/netns.js';
import { requirement } from '../helpers/requirement.js';

const why = requirement('vrrp-vip-robust', netnsUnavailableReason());

const VIP = '10.231.0.130';
const UNTRACKED = '10.231.0.131';
const VIP6 = 'fd31::130';
const DYN_VIP = '10.232.0.100';

const conf = (prio: number, extra = ''): string => `
global_defs {
  dynamic_interfaces
}
${vrrpInstance({
  name: 'VI_1', vrid: 61, priority: prio, vips: [`${VIP}/24`, `${UNTRACKED}/24 no_track`],
  lines: `promote_secondaries\n  virtual_ipaddress_excluded {\n    ${VIP6}/128\n  }`,
})}${extra}`;

const dynamic = vrrpInstance({ name: 'VI_DYN', vrid: 62, priority: 100, iface: 'eth1', vips: [`${DYN_VIP}/24`], lines: 'promote_secondaries' });

type Advert = Extract<LabPacket, { kind: 'vrrp' }>;
const adverts = (ps: readonly LabPacket[], src: string, vrid: number): Advert[] =>
  ps.filter((p): p is Advert => p.kind === 'vrrp' && p.src === src && p.vrid === vrid);

describe.skipIf(why !== undefined)('VIP robustness (address deletion, lifetimes, interfaces)', () => {
  let lab: Lab;
  let master: Daemon;
  let backup: Daemon;
  const sysctl = (i: number, path: string): string => lab.directors[i]!.exec('cat', [`/proc/sys/${path}`]).trim();

  beforeAll(async () => {
    ensureBuilt();
    lab = Lab.create({ directors: 2 });
    backup = lab.startKad(1, conf(90));
    master = lab.startKad(0, conf(100, dynamic));
    await waitForHolder(lab, VIP, 0, 10_000);
    await waitUntil(() => lab.hasAddress(0, UNTRACKED), 2000, 'the no_track VIP');
  });
  afterAll(async () => {
    await Promise.all([master?.stop(), backup?.stop()]);
    cleanupAll();
  });

  it('sets promote_secondaries on the interface and adds an IPv6 /128 VIP deprecated', () => {
    expect(sysctl(0, 'net/ipv4/conf/eth0/promote_secondaries')).toBe('1');
    const info = lab.directors[0]!.ipJson<{ addr_info: { local: string; preferred_life_time: number }[] }[]>('addr', 'show', 'dev', 'eth0')
      .flatMap((a) => a.addr_info).find((a) => a.local === VIP6);
    expect(info?.preferred_life_time).toBe(0);
  });

  it('ignores the deletion of a no_track VIP: no priority-0 advert, the VIP stays deleted', async () => {
    const cap = await lab.startCapture();
    lab.directors[0]!.ip('addr', 'del', `${UNTRACKED}/24`, 'dev', 'eth0');
    await sleep(2500);
    const ps = await cap.stop();
    expect(adverts(ps, lab.ipv4(0), 61).length).toBeGreaterThanOrEqual(2);
    expect(adverts(ps, lab.ipv4(0), 61).some((p) => p.priority === 0)).toBe(false);
    expect(lab.hasAddress(0, VIP)).toBe(true);
    expect(lab.hasAddress(0, UNTRACKED)).toBe(false);
  });

  it('a deleted tracked VIP: BACKUP with priority 0, MASTER again after Skew_Time, every VIP back', async () => {
    const cap = await lab.startCapture();
    await sleep(1100);
    lab.directors[0]!.ip('addr', 'del', `${VIP}/24`, 'dev', 'eth0');
    await waitUntil(() => lab.hasAddress(0, VIP) && lab.hasAddress(0, UNTRACKED), 3000, 'both VIPs back on the master');
    await sleep(1200);
    const ps = await cap.stop();
    const mine = adverts(ps, lab.ipv4(0), 61);
    const zero = mine.findIndex((p) => p.priority === 0);
    expect(zero).toBeGreaterThan(0);
    const back = mine[zero + 1];
    expect(back?.priority).toBe(100);
    const gapMs = back!.tMs - mine[zero]!.tMs;
    console.log(`priority-0 advert to the next advert: ${gapMs.toFixed(1)} ms (Skew_Time ${skewTimeMs(100, 1000)} ms)`);
    expect(gapMs).toBeGreaterThanOrEqual(skewTimeMs(100, 1000) - 5);
    expect(gapMs).toBeLessThanOrEqual(skewTimeMs(100, 1000) + 150);
    // The backup's Skew_Time (648 ms) is longer: it never advertised.
    expect(adverts(ps, lab.ipv4(1), 61)).toEqual([]);
    expect(lab.hasAddress(1, VIP)).toBe(false);
    expect(master.output).toMatch(/Netlink reports IP 10\.231\.0\.130 removed from eth0/);
  });

  it('dynamic_interfaces: the instance on a missing interface starts when it appears', async () => {
    expect(master.output).toMatch(/interface eth1 doesn't currently exist - will use if created/);
    expect(lab.hasAddress(0, DYN_VIP)).toBe(false);
    const d0 = lab.directors[0]!;
    plugIntoBridge(d0, 'eth1', lab.hub, lab.bridges[0]!);
    d0.ip('addr', 'add', '10.232.0.1/24', 'dev', 'eth1');
    await waitUntil(() => lab.hasAddress(0, DYN_VIP), 8000, 'the VIP of the instance on eth1');
    expect(sysctl(0, 'net/ipv4/conf/eth1/promote_secondaries')).toBe('1');
  });

  it('interface deleted: FAULT and the backup takes over; created again: the master is back with its VIPs', async () => {
    const d0 = lab.directors[0]!;
    d0.ip('link', 'del', 'eth0');
    await waitForHolder(lab, VIP, 1, 6000);
    await master.waitForOutput(/\(VI_1\) Entering FAULT STATE/, 2000);
    plugIntoBridge(d0, 'eth0', lab.hub, lab.bridges[0]!, '02:6b:6c:00:00:01');
    d0.ip('addr', 'add', `${lab.ipv4(0)}/24`, 'dev', 'eth0');
    await waitForHolder(lab, VIP, 0, 10_000);
    await waitUntil(() => lab.hasAddress(0, UNTRACKED), 2000, 'the no_track VIP re-added');
    expect(lab.hasAddress(1, UNTRACKED)).toBe(false);
  });

  it('on exit the VIPs go and promote_secondaries is restored', async () => {
    await master.stop();
    expect(lab.hasAddress(0, DYN_VIP)).toBe(false);
    expect(sysctl(0, 'net/ipv4/conf/eth1/promote_secondaries')).toBe('0');
  });
});
