// VRRP keywords on a real kernel: vrrp_mcast_group6 is the group an IPv6 instance's adverts go to
// (captured on the wire), default_interface is the interface an instance that names none runs on
// (it takes its VIP there), and a VIP's address options reach the kernel as written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, Lab, sleep, waitForHolder, type Daemon, type PcapCapture } from '../helpers/lab.js';
import { cleanupAll, netnsUnavailableReason } from '../helpers/netns.js';
import { requirement } from '../helpers/requirement.js';

const why = requirement('vrrp-keywords', netnsUnavailableReason());

const VIP6 = 'fd31::161';
const VIP4 = '10.231.0.162';
const GROUP6 = 'ff02::1:161';
const VIP_OPTS = '10.231.163.10';

describe.skipIf(why !== undefined)('VRRP keywords', () => {
  let lab: Lab;
  let cap: PcapCapture;
  const daemons: Daemon[] = [];
  beforeAll(async () => {
    ensureBuilt();
    lab = Lab.create({ directors: 3 });
    cap = await lab.startCapture();
  });
  afterAll(async () => {
    await Promise.all(daemons.map((d) => d.stop()));
    cleanupAll();
  });

  it('vrrp_mcast_group6: IPv6 adverts go to the configured group', async () => {
    const conf = `global_defs {\n  vrrp_mcast_group6 ${GROUP6}\n}\nvrrp_instance V6 {\n  interface eth0\n  virtual_router_id 161\n  priority 100\n  advert_int 0.3\n  virtual_ipaddress {\n    ${VIP6}/64\n  }\n}\n`;
    daemons.push(lab.startKad(0, conf));
    await waitForHolder(lab, VIP6, 0, 5000);
    await sleep(700);
    const adverts = (await cap.stop()).filter((p) => p.kind === 'vrrp' && p.vrid === 161);
    expect(adverts.length).toBeGreaterThan(1);
    expect(new Set(adverts.map((p) => (p.kind === 'vrrp' ? `${p.family} ${p.dst}` : '')))).toEqual(new Set([`6 ${GROUP6}`]));
  });

  it('default_interface: an instance without interface runs on it', async () => {
    // The missing `interface` is reported (exit 5, as keepalived 2.2.7 -t); the instance runs on default_interface.
    const conf = `global_defs {\n  default_interface eth0\n}\nvrrp_instance V4 {\n  virtual_router_id 162\n  priority 100\n  advert_int 0.3\n  virtual_ipaddress {\n    ${VIP4}/24\n  }\n}\n`;
    daemons.push(lab.startKad(1, conf));
    await waitForHolder(lab, VIP4, 1, 10_000);
    expect(lab.hasAddress(0, VIP4)).toBe(false);
  });

  it('VIP options dev, brd (broadcast), label, scope, peer and noprefixroute reach the kernel', async () => {
    const conf = `vrrp_instance VO {\n  interface eth0\n  virtual_router_id 163\n  priority 100\n  advert_int 0.3\n  virtual_ipaddress {\n` +
      `    ${VIP_OPTS}/24 dev eth0 brd 10.231.163.255 label eth0:vo scope link noprefixroute\n    10.231.164.1 peer 10.231.164.2 dev eth0\n` +
      '    10.231.165.1/24 broadcast 10.231.165.127 dev eth0\n  }\n}\n';
    daemons.push(lab.startKad(2, conf));
    await waitForHolder(lab, VIP_OPTS, 2, 10_000);
    await waitForHolder(lab, '10.231.165.1', 2, 2000);
    const ns = lab.directors[2]!;
    type Addr = { local: string; broadcast?: string; label?: string; scope?: string; address?: string; prefixlen: number; noprefixroute?: boolean };
    const addrs = ns.ipJson<{ addr_info: Addr[] }[]>('addr', 'show', 'dev', 'eth0').flatMap((a) => a.addr_info);
    expect(addrs.find((a) => a.local === VIP_OPTS)).toMatchObject({ broadcast: '10.231.163.255', label: 'eth0:vo', scope: 'link', prefixlen: 24, noprefixroute: true });
    expect(addrs.find((a) => a.local === '10.231.164.1'), JSON.stringify(addrs)).toMatchObject({ address: '10.231.164.2' });
    expect(addrs.find((a) => a.local === '10.231.165.1')).toMatchObject({ broadcast: '10.231.165.127' });
    // noprefixroute: no 10.231.163.0/24 route is made for the VIP.
    expect(ns.ipJson<{ dst: string }[]>('route', 'show', 'dev', 'eth0').map((r) => r.dst)).not.toContain('10.231.163.0/24');
  });
});
