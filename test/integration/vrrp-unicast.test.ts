// Unicast VRRP (unicast_src_ip, unicast_peer): adverts go to the peer's address, not to the
// multicast group, and the pair fails over on them. virtual_ipaddress_excluded moves with the VIP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, Lab, sleep, vrrpInstance, waitForHolder, type Daemon, type PcapCapture } from '../helpers/lab.js';
import { cleanupAll, netnsUnavailableReason } from '../helpers/netns.js';
import { requirement } from '../helpers/requirement.js';

const why = requirement('vrrp-unicast', netnsUnavailableReason());

const VIP = '10.231.0.130';
const EXCLUDED = '10.231.0.131';

describe.skipIf(why !== undefined)('unicast peers', () => {
  let lab: Lab;
  let cap: PcapCapture;
  let master: Daemon;
  let backup: Daemon;
  const conf = (prio: number, self: string, peer: string): string =>
    vrrpInstance({
      name: 'VI_U', vrid: 81, priority: prio, advertInt: '0.2', vips: [`${VIP}/24`],
      lines: `version 3\n  unicast_src_ip ${self}\n  unicast_peer {\n    ${peer}\n  }\n  virtual_ipaddress_excluded {\n    ${EXCLUDED}/24\n  }`,
    });

  beforeAll(async () => {
    ensureBuilt();
    lab = Lab.create({ directors: 2 });
    cap = await lab.startCapture();
    master = lab.startKad(0, conf(100, lab.ipv4(0), lab.ipv4(1)));
    await sleep(300);
    backup = lab.startKad(1, conf(90, lab.ipv4(1), lab.ipv4(0)));
    await waitForHolder(lab, VIP, 0, 5000);
  });
  afterAll(async () => {
    await Promise.all([master?.stop(), backup?.stop()]);
    cleanupAll();
  });

  it('sends adverts to the peer only, and the backup takes over on the priority-0 advert', async () => {
    await sleep(500);
    expect([lab.hasAddress(0, EXCLUDED), lab.hasAddress(1, EXCLUDED)]).toEqual([true, false]);
    await master.stop();
    await waitForHolder(lab, VIP, 1, 3000);
    await sleep(300);
    const adverts = (await cap.stop()).filter((p) => p.kind === 'vrrp' && p.vrid === 81);
    const fromMaster = adverts.filter((p) => p.kind === 'vrrp' && p.src === lab.ipv4(0));
    expect(fromMaster.length).toBeGreaterThan(2);
    expect(new Set(fromMaster.map((p) => (p.kind === 'vrrp' ? p.dst : '')))).toEqual(new Set([lab.ipv4(1)]));
    expect(fromMaster.some((p) => p.kind === 'vrrp' && p.priority === 0)).toBe(true);
    // virtual_ipaddress_excluded follows the VIP but is not listed in adverts.
    expect(fromMaster.every((p) => p.kind === 'vrrp' && p.bytes[3] === 1)).toBe(true);
    expect(lab.hasAddress(1, EXCLUDED)).toBe(true);
    const fromBackup = adverts.filter((p) => p.kind === 'vrrp' && p.src === lab.ipv4(1));
    expect(fromBackup.every((p) => p.kind === 'vrrp' && p.dst === lab.ipv4(0))).toBe(true);
  });
});
