// vrrp_startup_delay on a real kad: the VRRP child holds its instances back for the delay (no
// advert on the wire), then runs them as usual, so a lone director becomes MASTER after the delay
// plus Master_Down_Interval (keepalived 2.2.7, measured: 3 s + 3.6 s for priority 100).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { masterDownIntervalMs } from '../../src/vrrp/protocol/timers.js';
import { ensureBuilt, Lab, vrrpInstance, waitForHolder } from '../helpers/lab.js';
import { cleanupAll, netnsUnavailableReason } from '../helpers/netns.js';
import { requirement } from '../helpers/requirement.js';

const why = requirement('vrrp-startup-delay', netnsUnavailableReason());
const VIP = '10.231.0.192';

describe.skipIf(why !== undefined)('vrrp_startup_delay', () => {
  let lab: Lab;
  beforeAll(() => {
    ensureBuilt();
    lab = Lab.create({ directors: 1 });
  });
  afterAll(() => cleanupAll());

  it('no advert before the delay ends; MASTER after the delay plus Master_Down_Interval', async () => {
    const cap = await lab.startCapture();
    const startedMs = Date.now();
    const d = lab.startKad(0, `global_defs {\n  vrrp_startup_delay 3\n}\n${vrrpInstance({ vrid: 92, priority: 100, vips: [`${VIP}/24`] })}`);
    await d.waitForOutput(/Delaying startup for 3 seconds/, 10_000);
    await waitForHolder(lab, VIP, 0, 15_000);
    const packets = await cap.stop();
    await d.stop();
    const first = packets.find((p) => p.kind === 'vrrp' && p.src === lab.ipv4(0));
    expect(first, 'an advert from the director').toBeDefined();
    const afterMs = first!.tMs - startedMs;
    const expected = 3000 + masterDownIntervalMs(100, 1000);
    // Node start-up and the configuration come on top of the delay, as keepalived's start does.
    expect(afterMs).toBeGreaterThanOrEqual(expected);
    expect(afterMs).toBeLessThan(expected + 2500);
  }, 60_000);
});
