// use_vmac_addr on a real kad, compared with keepalived 2.2.7 on the same director and config
// (measured the same way): each other interface a VIP names with `dev` gets a private macvlan
// with the virtual router MAC of the VIP's family, named vrrp.VRID when free, else vrrpN.VRID
// (vrrp6.VRID for IPv6); the VIPs go on it and their GARPs leave from the virtual MAC. A VIP
// without `dev` stays on the instance's interface (no use_vmac). The macvlans go on stop.
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, Lab, sleep, vrrpInstance, waitForHolder, waitUntil, type Daemon, type LabPacket } from '../helpers/lab.js';
import { cleanupAll, netnsUnavailableReason } from '../helpers/netns.js';
import { keepalivedUnavailableReason } from '../helpers/keepalived.js';
import { requirement } from '../helpers/requirement.js';

const why = requirement('vrrp-vmac-addr', netnsUnavailableReason() ?? keepalivedUnavailableReason());

const BASE_VIP = '10.231.0.150';
const VIP1 = '10.232.0.150';
const EVIP1 = '10.232.0.151';
const VIP6 = 'fd32::150';
const VMAC = '00:00:5e:00:01:4b'; // VRID 75
const VMAC6 = '00:00:5e:00:02:4b';
const CONF = vrrpInstance({
  vrid: 75, priority: 100, vips: [`${BASE_VIP}/24`, `${VIP1}/24 dev eth1`],
  lines: 'use_vmac_addr\n  virtual_ipaddress_excluded {\n    ' + `${EVIP1}/24 dev eth1\n    ${VIP6}/64 dev eth1\n  }`,
});

interface LinkJson {
  ifname: string;
  address: string;
  link?: string;
  linkinfo?: { info_kind: string; info_data?: { mode: string } };
}

describe.skipIf(why !== undefined)('use_vmac_addr: a macvlan per other VIP interface, as keepalived 2.2.7', () => {
  let lab: Lab;
  const links = (): LinkJson[] => lab.directors[0]!.ipJson<LinkJson[]>('-d', 'link', 'show');
  const macvlans = (): { name: string; mac: string; base?: string; mode?: string }[] => links()
    .filter((l) => l.linkinfo?.info_kind === 'macvlan')
    .map((l) => ({ name: l.ifname, mac: l.address, base: l.link, mode: l.linkinfo?.info_data?.mode }));
  const addrDev = (address: string): string | undefined =>
    lab.directors[0]!.ipJson<{ ifname: string; addr_info: { local: string }[] }[]>('addr', 'show')
      .find((a) => a.addr_info.some((x) => x.local === address))?.ifname;

  beforeAll(() => {
    ensureBuilt();
    lab = Lab.create({
      directors: 1,
      segments: [{ ifName: 'eth0', ipv4Prefix: '10.231.0', ipv6Prefix: 'fd31::' }, { ifName: 'eth1', ipv4Prefix: '10.232.0', ipv6Prefix: 'fd32::' }],
    });
  }, 60_000);
  afterAll(() => cleanupAll());

  /** Runs `start` until MASTER; what the director then has, and the GARPs seen on eth1's segment. */
  async function observe(start: () => Daemon): Promise<{ vlans: ReturnType<typeof macvlans>; devs: Record<string, string | undefined>; garps: LabPacket[]; after: ReturnType<typeof macvlans> }> {
    const cap = await lab.startCapture(1);
    const d = start();
    await waitForHolder(lab, VIP1, 0, 15_000);
    await waitUntil(() => addrDev(VIP6) !== undefined && addrDev(EVIP1) !== undefined, 5000, 'the eVIPs');
    await sleep(500);
    const vlans = macvlans().sort((a, b) => a.name.localeCompare(b.name));
    const devs = Object.fromEntries([BASE_VIP, VIP1, EVIP1, VIP6].map((a) => [a, addrDev(a)]));
    const garps = (await cap.stop()).filter((p) => p.kind === 'garp' || p.kind === 'na');
    await d.stop();
    return { vlans, devs, garps, after: macvlans() };
  }

  it('kad makes the macvlans keepalived makes, with the VIPs on them, and removes them on stop', async () => {
    const kad = await observe(() => lab.startKad(0, CONF));
    const ka = await observe(() => lab.startKeepalived(0, CONF));
    expect(kad.vlans).toEqual([
      { name: 'vrrp.75', mac: VMAC, base: 'eth1', mode: 'private' },
      { name: 'vrrp6.75', mac: VMAC6, base: 'eth1', mode: 'private' },
    ]);
    expect(kad.vlans).toEqual(ka.vlans);
    expect(kad.devs).toEqual({ [BASE_VIP]: 'eth0', [VIP1]: 'vrrp.75', [EVIP1]: 'vrrp.75', [VIP6]: 'vrrp6.75' });
    expect(kad.devs).toEqual(ka.devs);
    // GARPs for the eth1 VIPs from the virtual MAC (sender hardware address).
    const garp = kad.garps.find((p) => p.kind === 'garp' && p.ip === VIP1);
    expect(garp?.kind === 'garp' ? garp.senderMac : undefined).toBe(VMAC);
    const na = kad.garps.find((p) => p.kind === 'na' && p.target === VIP6);
    expect(na?.kind === 'na' ? na.srcMac : undefined).toBe(VMAC6);
    expect(kad.after).toEqual([]);
    expect(ka.after).toEqual([]);
  }, 90_000);

  it('a reload that drops the eth1 addresses removes their macvlans; the base VIP stays', async () => {
    const d = lab.startKad(0, CONF);
    await waitForHolder(lab, VIP1, 0, 15_000);
    await waitUntil(() => macvlans().length === 2, 5000, 'both macvlans');
    const seen = d.output.length;
    writeFileSync(d.confFile, vrrpInstance({ vrid: 75, priority: 100, vips: [`${BASE_VIP}/24`], lines: 'use_vmac_addr' }));
    d.proc.kill('SIGHUP');
    await waitUntil(() => /Reload complete/.test(d.output.slice(seen)), 10_000, 'reload');
    await waitUntil(() => macvlans().length === 0, 5000, 'the macvlans removed');
    await waitForHolder(lab, BASE_VIP, 0, 8000);
    expect(addrDev(BASE_VIP)).toBe('eth0');
    await d.stop();
  }, 60_000);
});
