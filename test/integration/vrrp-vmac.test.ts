// use_vmac for real, compared with what keepalived 2.2.7 does (measured in a namespace): a
// private-mode macvlan `vrrp.VRID` (or the configured name) with MAC 00:00:5e:00:01:VRID on the
// instance's interface; the base gets arp_ignore/arp_filter 1, the macvlan arp_ignore 1,
// accept_local 1, rp_filter 0; with all.rp_filter on, `default` and the other interfaces get it
// and all.rp_filter goes to 0 (restored on exit). The VIPs live on the macvlan; adverts and GARPs
// leave from the virtual MAC, or adverts from the base with vmac_xmit_base. Removed on stop.
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, Lab, sleep, vrrpInstance, waitForHolder, waitUntil, type Daemon, type LabPacket } from '../helpers/lab.js';
import { cleanupAll, netnsUnavailableReason, plugIntoBridge } from '../helpers/netns.js';
import { requirement } from '../helpers/requirement.js';

const why = requirement('vrrp-vmac', netnsUnavailableReason());

const VIP = '10.231.0.140';
const XVIP = '10.231.0.141';
const VMAC = '00:00:5e:00:01:47'; // VRID 71
const XMAC = '00:00:5e:00:01:48'; // VRID 72
const VIP6 = 'fd31::140';
const VMAC6 = '00:00:5e:00:02:49'; // VRID 73, IPv6
const BASE_MAC = '02:6b:6c:00:00:01'; // the lab's eth0 of director 0

const conf = (prio: number, withX = true): string =>
  vrrpInstance({ name: 'VI_V', vrid: 71, priority: prio, vips: [`${VIP}/24`], lines: 'use_vmac' })
  + (withX ? vrrpInstance({ name: 'VI_X', vrid: 72, priority: prio, vips: [`${XVIP}/24`], lines: 'use_vmac vmx72\n  vmac_xmit_base' }) : '')
  + vrrpInstance({ name: 'VI_6', vrid: 73, priority: prio, vips: [`${VIP6}/64`], lines: `version 3\n  use_vmac${withX ? '' : ' vm73'}` });

interface LinkJson {
  ifname: string;
  address: string;
  link?: string;
  operstate: string;
  linkinfo?: { info_kind: string; info_data?: { mode: string } };
}

describe.skipIf(why !== undefined)('use_vmac: macvlan, sysctls, adverts and GARP from the virtual MAC', () => {
  let lab: Lab;
  let master: Daemon;
  let backup: Daemon;
  let packets: LabPacket[];
  const sysctl = (i: number, family: 'ipv4' | 'ipv6', ifName: string, key: string): string =>
    lab.directors[i]!.exec('cat', [`/proc/sys/net/${family}/conf/${ifName}/${key}`]).trim();
  const link = (i: number, name: string): LinkJson | undefined =>
    lab.directors[i]!.ipJson<LinkJson[]>('-d', 'link', 'show').find((l) => l.ifname === name);
  const addrDev = (i: number, address: string): string | undefined =>
    lab.directors[i]!.ipJson<{ ifname: string; addr_info: { local: string }[] }[]>('addr', 'show')
      .find((a) => a.addr_info.some((x) => x.local === address))?.ifname;

  beforeAll(async () => {
    ensureBuilt();
    lab = Lab.create({ directors: 2 });
    lab.directors[0]!.sysctl('net.ipv4.conf.all.rp_filter', '1');
    lab.directors[0]!.sysctl('net.ipv4.conf.default.rp_filter', '0');
    lab.directors[0]!.sysctl('net.ipv4.conf.eth0.rp_filter', '0');
    const cap = await lab.startCapture();
    backup = lab.startKad(1, conf(90));
    master = lab.startKad(0, conf(100));
    await waitForHolder(lab, VIP, 0, 10_000);
    await waitForHolder(lab, XVIP, 0, 10_000);
    await waitForHolder(lab, VIP6, 0, 10_000);
    await sleep(1200);
    packets = await cap.stop();
  });
  afterAll(async () => {
    await Promise.all([master?.stop(), backup?.stop()]);
    cleanupAll();
  });

  it('creates the macvlans: private mode on eth0, virtual router MACs, up', () => {
    for (const [name, mac] of [['vrrp.71', VMAC], ['vmx72', XMAC], ['vrrp.73', VMAC6]] as const) {
      const l = link(0, name);
      expect(l).toMatchObject({ address: mac, link: 'eth0', linkinfo: { info_kind: 'macvlan', info_data: { mode: 'private' } } });
      expect(l?.operstate).not.toBe('DOWN');
    }
    // The backup has its own macvlans too (keepalived's too), without the VIPs.
    expect(link(1, 'vrrp.71')?.address).toBe(VMAC);
  });

  it('puts the VIPs on the macvlan, not on the base interface', () => {
    expect(addrDev(0, VIP)).toBe('vrrp.71');
    expect(addrDev(0, XVIP)).toBe('vmx72');
    expect(addrDev(0, VIP6)).toBe('vrrp.73');
  });

  it('sets the sysctls keepalived sets', () => {
    expect(sysctl(0, 'ipv4', 'eth0', 'arp_ignore')).toBe('1');
    expect(sysctl(0, 'ipv4', 'eth0', 'arp_filter')).toBe('1');
    for (const vm of ['vrrp.71', 'vmx72']) {
      expect([sysctl(0, 'ipv4', vm, 'arp_ignore'), sysctl(0, 'ipv4', vm, 'accept_local'), sysctl(0, 'ipv4', vm, 'rp_filter')]).toEqual(['1', '1', '0']);
      expect(sysctl(0, 'ipv6', vm, 'disable_ipv6')).toBe('1');
    }
    expect(sysctl(0, 'ipv4', 'all', 'rp_filter')).toBe('0');
    expect(sysctl(0, 'ipv4', 'default', 'rp_filter')).toBe('1');
    expect(sysctl(0, 'ipv4', 'eth0', 'rp_filter')).toBe('1');
  });

  it('sends adverts and GARPs from the virtual MAC; vmac_xmit_base adverts from the base MAC', () => {
    const adverts = (vrid: number): Extract<LabPacket, { kind: 'vrrp' }>[] =>
      packets.filter((p): p is Extract<LabPacket, { kind: 'vrrp' }> => p.kind === 'vrrp' && p.vrid === vrid && p.src === lab.ipv4(0) && p.priority === 100);
    expect(adverts(71).length).toBeGreaterThanOrEqual(1);
    expect(new Set(adverts(71).map((p) => p.srcMac))).toEqual(new Set([VMAC]));
    expect(adverts(72).length).toBeGreaterThanOrEqual(1);
    expect(new Set(adverts(72).map((p) => p.srcMac))).toEqual(new Set([BASE_MAC]));
    const v6 = packets.filter((p): p is Extract<LabPacket, { kind: 'vrrp' }> => p.kind === 'vrrp' && p.vrid === 73 && p.family === 6 && p.priority === 100);
    expect(v6.length).toBeGreaterThanOrEqual(1);
    expect(new Set(v6.map((p) => p.srcMac))).toEqual(new Set([VMAC6]));
    const garps = (ip: string): string[] => packets.flatMap((p) => (p.kind === 'garp' && p.ip === ip ? [p.senderMac] : []));
    expect(garps(VIP).length).toBeGreaterThanOrEqual(1);
    expect(new Set(garps(VIP))).toEqual(new Set([VMAC]));
    expect(new Set(garps(XVIP))).toEqual(new Set([XMAC]));
  });

  it('a reload that removes an instance deletes its macvlan; a renamed macvlan replaces the old one', async () => {
    const seen = master.output.length;
    writeFileSync(master.confFile, conf(100, false));
    master.proc.kill('SIGHUP');
    await waitUntil(() => /Reload complete/.test(master.output.slice(seen)), 10_000, 'reload');
    await waitUntil(() => link(0, 'vmx72') === undefined, 3000, 'vmx72 removed');
    await waitForHolder(lab, XVIP, 1, 5000);
    expect(link(0, 'vrrp.71')?.address).toBe(VMAC);
    expect(addrDev(0, VIP)).toBe('vrrp.71');
    await waitUntil(() => link(0, 'vrrp.73') === undefined && addrDev(0, VIP6) === 'vm73', 10_000, 'VI_6 moved to vm73');
    expect(link(0, 'vm73')?.address).toBe(VMAC6);
  });

  it('a macvlan deleted by hand under a running base: FAULT, made again, VIP back on it', async () => {
    const seen = master.output.length;
    lab.directors[0]!.ip('link', 'del', 'vrrp.71');
    await waitUntil(() => link(0, 'vrrp.71')?.address === VMAC, 3000, 'vrrp.71 made again');
    await waitUntil(() => addrDev(0, VIP) === 'vrrp.71' && !lab.hasAddress(1, VIP), 12_000, 'the VIP back on vrrp.71 of director 0');
    // As keepalived 2.2.7: FAULT, the macvlan made again, BACKUP, MASTER.
    await waitUntil(() => /\(VI_V\) Entering MASTER STATE/.test(master.output.slice(seen)), 8000, 'VI_V MASTER again');
    expect(master.output.slice(seen).match(/\(VI_V\) Entering \w+ STATE/g)).toEqual(['(VI_V) Entering FAULT STATE', '(VI_V) Entering BACKUP STATE', '(VI_V) Entering MASTER STATE']);
    expect(master.output.slice(seen)).toMatch(/\(VI_V\) Entering FAULT STATE[\s\S]*\(VI_V\) Success creating VMAC interface vrrp\.71[\s\S]*\(VI_V\) Entering BACKUP STATE[\s\S]*\(VI_V\) Entering MASTER STATE/);
  });

  it('base interface deleted: the macvlans go with it; created again: macvlans re-made, VIPs back on them', async () => {
    const d0 = lab.directors[0]!;
    d0.ip('link', 'del', 'eth0');
    await waitForHolder(lab, VIP, 1, 6000);
    expect(link(0, 'vrrp.71')).toBeUndefined();
    plugIntoBridge(d0, 'eth0', lab.hub, lab.bridges[0]!, BASE_MAC);
    d0.ip('addr', 'add', `${lab.ipv4(0)}/24`, 'dev', 'eth0');
    await waitForHolder(lab, VIP, 0, 10_000);
    expect(addrDev(0, VIP)).toBe('vrrp.71');
    expect(link(0, 'vrrp.71')?.address).toBe(VMAC);
    await waitForHolder(lab, VIP6, 0, 10_000);
    expect(addrDev(0, VIP6)).toBe('vm73');
  });

  it('fails over between two VMAC routers; on stop the macvlans go and rp_filter is restored', async () => {
    await master.stop();
    await waitForHolder(lab, VIP, 1, 5000);
    expect(addrDev(1, VIP)).toBe('vrrp.71');
    await waitUntil(() => link(0, 'vrrp.71') === undefined && link(0, 'vm73') === undefined, 3000, 'the macvlans removed');
    expect(sysctl(0, 'ipv4', 'all', 'rp_filter')).toBe('1');
    expect(sysctl(0, 'ipv4', 'default', 'rp_filter')).toBe('0');
    expect(sysctl(0, 'ipv4', 'eth0', 'rp_filter')).toBe('0');
  });
});
