// vrrp_min_garp on a real kad: one gratuitous ARP and one unsolicited NA at takeover and no
// second burst after garp_master_delay (keepalived 2.2.7 with vrrp_min_garp: delay 0, repeat 1).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, Lab, sleep, vrrpInstance, waitForHolder, type LabPacket } from '../helpers/lab.js';
import { cleanupAll, netnsUnavailableReason } from '../helpers/netns.js';
import { requirement } from '../helpers/requirement.js';

const why = requirement('vrrp-min-garp', netnsUnavailableReason());
const VIP = '10.231.0.193';
const VIP6 = 'fd31::193';

describe.skipIf(why !== undefined)('vrrp_min_garp', () => {
  let lab: Lab;
  beforeAll(() => {
    ensureBuilt();
    lab = Lab.create({ directors: 1 });
  });
  afterAll(() => cleanupAll());

  it('one GARP and one NA at takeover, none 5 s later', async () => {
    const cap = await lab.startCapture();
    const conf = `global_defs {\n  vrrp_min_garp\n}\n${vrrpInstance({ vrid: 93, priority: 100, vips: [`${VIP}/24`, `${VIP6}/64`] })}`;
    const d = lab.startKad(0, conf);
    await waitForHolder(lab, VIP, 0, 15_000);
    await sleep(6500); // past garp_master_delay's default of 5 s
    const packets = await cap.stop();
    await d.stop();
    const ours = (p: LabPacket): boolean => (p.kind === 'garp' && p.ip === VIP) || (p.kind === 'na' && p.target === VIP6);
    const adverts = packets.filter((p) => p.kind === 'vrrp' && p.src === lab.ipv4(0) && p.priority > 0);
    expect(adverts.length).toBeGreaterThan(5);
    expect(packets.filter((p) => ours(p) && p.kind === 'garp').length).toBe(1);
    expect(packets.filter((p) => ours(p) && p.kind === 'na').length).toBe(1);
  }, 60_000);
});
