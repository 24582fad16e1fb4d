// kad's VRRP firewall next to Debian's keepalived 2.2.7 (built with nftables): the same
// configuration, each alone on its own segment so both become MASTER, and `nft -j list ruleset`
// compared table by table without handles and counter values. Options: vrrp_strict, IPv4, IPv6
// with a link-local VIP, nftables TABLE, nftables_priority, nftables_counters, and
// dont_track_primary (link-local sets keyed by interface name unless nftables_ifindex).
import { afterAll, describe, expect, it } from 'vitest';
import { ensureBuilt, Lab, vrrpInstance, waitForHolder, waitUntil, type Daemon } from '../helpers/lab.js';
import { cleanupAll, type Netns } from '../helpers/netns.js';
import { nftUnavailableReason } from '../helpers/nft.js';
import { keepalivedUnavailableReason } from '../helpers/keepalived.js';
import { requirement } from '../helpers/requirement.js';

const why = requirement('vrrp-firewall-parity', nftUnavailableReason() ?? keepalivedUnavailableReason());

const VIP = '10.231.0.100';
const VIP6 = 'fd31::100';

function conf(globals: string, extra = ''): string {
  return [
    `global_defs {\n  vrrp_strict\n${globals}\n}\n`,
    vrrpInstance({ name: 'VI_1', vrid: 81, priority: 100, vips: [`${VIP}/24`, '10.231.0.101/32'], lines: extra || undefined }),
    vrrpInstance({ name: 'VI_6', vrid: 82, priority: 100, vips: ['fe80::82/64', `${VIP6}/64`], lines: `version 3${extra ? `\n  ${extra}` : ''}` }),
  ].join('\n');
}

/** Each table of `nft -j list ruleset`, keyed "family name", without handles and counter values. */
function tables(ns: Netns): Record<string, unknown[]> {
  const out = JSON.parse(ns.exec('nft', ['-j', 'list', 'ruleset'])) as { nftables: Record<string, Record<string, unknown>>[] };
  const strip = (k: string, v: unknown): unknown => (k === 'handle' ? undefined : k === 'counter' ? 'counter' : v);
  const byTable: Record<string, unknown[]> = {};
  for (const item of JSON.parse(JSON.stringify(out.nftables, strip)) as Record<string, Record<string, unknown>>[]) {
    const [kind, body] = Object.entries(item)[0] ?? [];
    if (!kind || !body || kind === 'metainfo') continue;
    const key = `${String(body.family)} ${String(kind === 'table' ? body.name : body.table)}`;
    (byTable[key] ??= []).push(item);
  }
  return byTable;
}

const CASES: { name: string; globals: string; extra?: string }[] = [
  { name: 'defaults', globals: '' },
  { name: 'table name, priority, counters', globals: '  nftables kad_fw\n  nftables_priority -5\n  nftables_counters' },
  { name: 'dont_track_primary (interface names)', globals: '', extra: 'dont_track_primary' },
  { name: 'dont_track_primary with nftables_ifindex', globals: '  nftables_ifindex', extra: 'dont_track_primary' },
];

describe.skipIf(why !== undefined)('VRRP firewall: kad and keepalived 2.2.7 install the same rules', () => {
  const daemons: Daemon[] = [];
  afterAll(async () => {
    await Promise.all(daemons.map((d) => d.stop()));
    cleanupAll();
  });

  for (const c of CASES) {
    it(c.name, async () => {
      ensureBuilt();
      const text = conf(c.globals, c.extra);
      const kaLab = Lab.create({ directors: 1 });
      const kadLab = Lab.create({ directors: 1 });
      const ka = kaLab.startKeepalived(0, text);
      const kad = kadLab.startKad(0, text);
      daemons.push(ka, kad);
      await Promise.all([waitForHolder(kaLab, VIP6, 0, 15_000), waitForHolder(kadLab, VIP6, 0, 15_000)]);
      await Promise.all([waitForHolder(kaLab, VIP, 0, 15_000), waitForHolder(kadLab, VIP, 0, 15_000)]);
      const ns = (l: Lab): Netns => l.directors[0] as Netns;
      // keepalived sets its elements just after the addresses; wait until both sets are full.
      const full = (l: Lab): boolean => JSON.stringify(tables(ns(l))).includes(VIP6) && JSON.stringify(tables(ns(l))).includes(VIP);
      await waitUntil(() => full(kaLab) && full(kadLab), 5_000, 'both drop sets filled');
      const want = tables(ns(kaLab));
      expect(Object.keys(want).length).toBe(2);
      expect(tables(ns(kadLab))).toEqual(want);
      await Promise.all([ka.stop(), kad.stop()]);
      expect(ns(kaLab).exec('nft', ['list', 'ruleset'])).toBe('');
      expect(ns(kadLab).exec('nft', ['list', 'ruleset'])).toBe('');
    }, 40_000);
  }
});
