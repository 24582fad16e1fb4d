// The tutorials' configurations run as written (issue 4, group 7): the LVS-NAT pair (sync group
// of VI_1 on ens33 and VI_GATEWAY on ens37, both VRID 51, vrrp_mcast_group4 224.1.111.1) and
// the LVS-DR pair (VIP with `dev ens33 label ens33:0`), in labs with the interfaces they name.
// kad runs them with -P (VRRP only), as the tutorials' VRRP half.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, Lab, waitUntil, type Daemon } from '../helpers/lab.js';
import { cleanupAll, netnsUnavailableReason } from '../helpers/netns.js';
import { requirement } from '../helpers/requirement.js';

const why = requirement('vrrp-seeds', netnsUnavailableReason());

const seed = (name: string): string => readFileSync(new URL(`../fixtures/seeds/${name}`, import.meta.url), 'utf8');
// Director addresses as in the tutorial's table (.131 and up), clear of the VIPs .99 and .2.
const SEGMENTS = [{ ifName: 'ens33', ipv4Prefix: '172.16.1', firstHost: 131 }, { ifName: 'ens37', ipv4Prefix: '192.168.1', firstHost: 131 }];

/** Wait until director `holder` has every address in `vips` and the other director none. */
async function holds(lab: Lab, holder: number, vips: string[], timeoutMs: number): Promise<void> {
  await waitUntil(
    () => vips.every((v) => lab.hasAddress(holder, v) && !lab.hasAddress(1 - holder, v)),
    timeoutMs,
    `${vips.join(', ')} on director ${holder} only`,
    20,
  );
}

describe.skipIf(why !== undefined)('seed configurations fail over', () => {
  const daemons: Daemon[] = [];
  afterAll(async () => {
    await Promise.all(daemons.map((d) => d.stop()));
    cleanupAll();
  });
  beforeAll(() => ensureBuilt());

  it('LVS-NAT pair: both VIPs move together on a hard kill, adverts go to 224.1.111.1', async () => {
    const lab = Lab.create({ directors: 2, segments: SEGMENTS });
    const cap = await lab.startCapture(1);
    const master = lab.startKad(0, seed('lvs-nat-master.conf'));
    const backup = lab.startKad(1, seed('lvs-nat-backup.conf'));
    daemons.push(master, backup);
    const vips = ['172.16.1.99', '192.168.1.2'];
    await holds(lab, 0, vips, 10_000);
    await master.hardKill();
    await holds(lab, 1, vips, 6000).catch(() => undefined);
    expect(vips.every((v) => lab.hasAddress(1, v))).toBe(true);
    const adverts = (await cap.stop()).filter((p) => p.kind === 'vrrp');
    expect(adverts.length).toBeGreaterThan(0);
    expect(new Set(adverts.map((p) => (p.kind === 'vrrp' ? p.dst : '')))).toEqual(new Set(['224.1.111.1']));
    expect(backup.output).toMatch(/\(VI_GATEWAY\) Entering MASTER STATE/);
  });

  it('LVS-DR pair: the VIP carries its label and moves on a graceful stop', async () => {
    const lab = Lab.create({ directors: 2, segments: SEGMENTS.slice(0, 1) });
    const master = lab.startKad(0, seed('lvs-dr-master.conf'));
    const backup = lab.startKad(1, seed('lvs-dr-backup.conf'));
    daemons.push(master, backup);
    await holds(lab, 0, ['172.16.1.99'], 10_000);
    const addrs = lab.directors[0]?.ipJson<{ addr_info: { local: string; label?: string; prefixlen: number }[] }[]>('addr', 'show', 'dev', 'ens33') ?? [];
    const vip = addrs.flatMap((a) => a.addr_info).find((a) => a.local === '172.16.1.99');
    expect(vip).toMatchObject({ label: 'ens33:0', prefixlen: 32 });
    await master.stop();
    await holds(lab, 1, ['172.16.1.99'], 2000);
  });
});
