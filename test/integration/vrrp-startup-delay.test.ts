// vrrp_startup_delay on a real kad: the VRRP child holds its instances back for the delay (no
// advert on the wire), then runs them as usual, so a lone director becomes MASTER after the delay
// plus Master_Down_Interval (keepalived 2.2.7, measured: 3 s + 3.6 s for priority 100).
// vrrp_delay_after_boot holds them back the same way until that long after the system booted.
import { readFileSync } from 'node:fs';
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

  /** The first advert of director 0, in ms after kad was started with `global`. */
  async function firstAdvertAfter(global: string, vrid: number): Promise<{ afterMs: number; log: string }> {
    const cap = await lab.startCapture();
    const startedMs = Date.now();
    const d = lab.startKad(0, `global_defs {\n  ${global}\n}\n${vrrpInstance({ vrid, priority: 100, vips: [`${VIP}/24`] })}`);
    await waitForHolder(lab, VIP, 0, 20_000);
    const packets = await cap.stop();
    await d.stop();
    const first = packets.find((p) => p.kind === 'vrrp' && p.src === lab.ipv4(0));
    expect(first, 'an advert from the director').toBeDefined();
    return { afterMs: first!.tMs - startedMs, log: d.output };
  }

  const uptimeS = (): number => Number.parseFloat(readFileSync('/proc/uptime', 'utf8').split(' ')[0]!);

  it('vrrp_delay_after_boot U+4: no advert for ~4 s, then the usual start', async () => {
    const { afterMs, log } = await firstAdvertAfter(`vrrp_delay_after_boot ${Math.ceil(uptimeS()) + 4}`, 93);
    expect(log).toMatch(/Delaying startup for \d/);
    const expected = 4000 + masterDownIntervalMs(100, 1000);
    // ceil() adds up to 1 s; Node start-up comes on top.
    expect(afterMs).toBeGreaterThanOrEqual(expected - 500);
    expect(afterMs).toBeLessThan(expected + 3500);
  }, 60_000);

  it('vrrp_delay_after_boot below the uptime: no delay', async () => {
    const { afterMs, log } = await firstAdvertAfter(`vrrp_delay_after_boot ${Math.max(1, Math.floor(uptimeS()) - 10)}`, 94);
    expect(log).not.toMatch(/Delaying startup/);
    expect(afterMs).toBeLessThan(masterDownIntervalMs(100, 1000) + 2500);
  }, 60_000);
});
