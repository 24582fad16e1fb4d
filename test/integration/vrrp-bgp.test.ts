// Scale-out beyond one pair (docs/scaling.md): two active kad director pairs announce one VIP
// over BGP (BIRD 2 from Debian, in every director and in an upstream router), and the router
// spreads client flows over both pairs with ECMP. kad's MASTER state drives the announcement:
// the VIP /32 that kad adds on MASTER is what each director's BIRD exports (protocol direct,
// filtered to the VIP), so only a pair's master announces it. A graceful stop and a dead
// director move the pair's next hop to its backup; the router never routes to a backup.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Bird, birdUnavailableReason } from '../helpers/bird.js';
import { ensureBuilt, ROOT } from '../helpers/build.js';
import { Daemon, sleep, vrrpInstance, waitUntil } from '../helpers/lab.js';
import { cleanupAll, createLan, createNetns, createVeth, plugIntoBridge, type Lan, type Netns } from '../helpers/netns.js';
import { requirement } from '../helpers/requirement.js';

const why = requirement('vrrp-bgp', birdUnavailableReason());

const VIP = '10.63.0.100';
const PORT = 8080;
const ROUTER_AS = 65000;
/** Pair p (0, 1) lives on LAN 10.61.(p+1).0/24: director h is .h+1, the router .254. */
const lanPrefix = (p: number): string => `10.61.${p + 1}`;
const directorIp = (p: number, h: number): string => `${lanPrefix(p)}.${h + 1}`;

const kadConf = (p: number, h: number): string =>
  vrrpInstance({ name: `PAIR_${p}`, vrid: 61 + p, priority: h === 0 ? 100 : 90, vips: [`${VIP}/32`] });

/** A director's BIRD: one BGP session to the router, exporting the VIP only while kad has it. */
const directorBird = (p: number, h: number): string => `
router id ${directorIp(p, h)};
protocol device { scan time 10; }
protocol direct vip { ipv4; interface "eth0"; }
protocol bgp uplink {
  local ${directorIp(p, h)} as ${ROUTER_AS + 1 + p};
  neighbor ${lanPrefix(p)}.254 as ${ROUTER_AS};
  hold time 3; keepalive time 1; connect retry time 1; error wait time 1, 2;
  ipv4 { import none; export where net = ${VIP}/32; };
}
`;

/** The upstream router: BGP with every director, routes into its kernel, equal paths merged (ECMP). */
const routerBird = (): string => `
router id 10.62.0.254;
protocol device { scan time 10; }
protocol kernel { ipv4 { import none; export all; }; merge paths on; }
${[0, 1].flatMap((p) => [0, 1].map((h) => `
protocol bgp d${p}${h} {
  local ${lanPrefix(p)}.254 as ${ROUTER_AS};
  neighbor ${directorIp(p, h)} as ${ROUTER_AS + 1 + p};
  hold time 3; keepalive time 1; connect retry time 1; error wait time 1, 2;
  ipv4 { import all; export none; };
}`)).join('\n')}
`;

/** A TCP service on every director: answers its own name, so the client sees who served it. */
const SERVER = `require('net').createServer((s) => s.end(process.argv[1] + '\\n')).listen(${PORT})`;
/** The client: N connections in a row (each from a new source port), counts answers per name. */
const CLIENT = `
const net = require('net');
const n = Number(process.argv[1]);
const seen = {};
(async () => {
  for (let i = 0; i < n; i++) {
    const name = await new Promise((res) => {
      const s = net.connect({ host: '${VIP}', port: ${PORT}, timeout: 1000 });
      let b = '';
      s.on('data', (d) => (b += d));
      s.on('end', () => res(b.trim()));
      s.on('timeout', () => { s.destroy(); res('timeout'); });
      s.on('error', () => res('error'));
    });
    seen[name] = (seen[name] || 0) + 1;
  }
  console.log(JSON.stringify(seen));
})();
`;

interface RouteJson {
  dst: string;
  gateway?: string;
  nexthops?: { gateway: string }[];
}

describe.skipIf(why !== undefined)('two active kad pairs behind a BGP router with ECMP', () => {
  let dir: string;
  let router: Netns;
  let client: Netns;
  const lans: Lan[] = [];
  const kads: Daemon[][] = [[], []];
  const birds: Bird[][] = [[], []];
  let routerBirdD: Bird;

  const director = (p: number, h: number): Netns => {
    const ns = lans[p]?.nodes[h];
    if (!ns) throw new Error(`no director ${p}/${h}`);
    return ns;
  };
  const startKad = (p: number, h: number): Daemon => {
    const ns = director(p, h);
    const conf = join(dir, `kad${p}${h}-${Date.now()}.conf`);
    writeFileSync(conf, kadConf(p, h));
    const base = join(dir, `kad${p}${h}`);
    const args = ['-n', '-l', '-D', '-f', conf, '-p', `${base}.pid`, '-r', `${base}_vrrp.pid`, '-c', `${base}_checkers.pid`, '-P'];
    const d = new Daemon(`kad@${p}${h}`, ns.spawn(process.execPath, [join(ROOT, 'bin/kad.js'), ...args], { detached: true }), conf);
    kads[p]![h] = d;
    return d;
  };
  /** The router's next hops for the VIP (sorted), from its kernel table. */
  const nextHops = (): string[] => {
    const routes = router.ipJson<RouteJson[]>('route', 'show', `${VIP}/32`);
    return routes.flatMap((r) => r.nexthops?.map((n) => n.gateway) ?? (r.gateway ? [r.gateway] : [])).sort();
  };
  const flows = (n: number): Record<string, number> => JSON.parse(client.exec('node', ['-e', CLIENT, String(n)])) as Record<string, number>;
  /** Polls the router's next hops every 10 ms until they equal `want`; returns the elapsed ms. */
  const untilNextHops = async (want: string[], timeoutMs: number, t0 = performance.now()): Promise<number> => {
    const sorted = [...want].sort().join(',');
    await waitUntil(() => nextHops().join(',') === sorted, timeoutMs, `router next hops ${sorted} (now ${nextHops().join(',')})`);
    return performance.now() - t0;
  };

  beforeAll(async () => {
    ensureBuilt();
    dir = mkdtempSync(join(tmpdir(), 'kad-bgp-'));
    router = createNetns('kbr');
    client = createNetns('kbc');
    for (const p of [0, 1]) {
      const lan = createLan({ nodes: 2, ipv4Prefix: lanPrefix(p), prefix: p === 0 ? 'kba' : 'kbb' });
      lans.push(lan);
      plugIntoBridge(router, `lan${p}`, lan.hub, lan.bridge);
      router.ip('addr', 'add', `${lanPrefix(p)}.254/24`, 'dev', `lan${p}`);
      for (const ns of lan.nodes) ns.ip('route', 'add', 'default', 'via', `${lanPrefix(p)}.254`);
    }
    createVeth(client, 'eth0', router, 'cli');
    client.ip('addr', 'add', '10.62.0.1/24', 'dev', 'eth0');
    client.ip('route', 'add', 'default', 'via', '10.62.0.254');
    router.ip('addr', 'add', '10.62.0.254/24', 'dev', 'cli');
    router.sysctl('net.ipv4.ip_forward', '1');
    router.sysctl('net.ipv4.fib_multipath_hash_policy', '1'); // hash on ports too: flows, not hosts
    routerBirdD = Bird.start(router, dir, 'router', routerBird());
    for (const p of [0, 1]) {
      for (const h of [0, 1]) {
        director(p, h).spawn(process.execPath, ['-e', SERVER, `pair${p}-d${h}`]);
        birds[p]![h] = Bird.start(director(p, h), dir, `d${p}${h}`, directorBird(p, h));
        startKad(p, h);
      }
    }
    await waitUntil(() => ['d00', 'd01', 'd10', 'd11'].every((n) => routerBirdD.established(n)), 20_000, 'four BGP sessions', 100);
    await untilNextHops([directorIp(0, 0), directorIp(1, 0)], 15_000);
  }, 60_000);

  afterAll(async () => {
    await Promise.all(kads.flat().map((d) => d?.stop()));
    cleanupAll();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the router learns the VIP from both masters only and spreads flows over both pairs', () => {
    expect(nextHops()).toEqual([directorIp(0, 0), directorIp(1, 0)].sort());
    // Every director has a BGP session; the backups announce nothing.
    for (const p of [0, 1]) expect(birds[p]![1]!.ask('show route export uplink')).not.toContain(VIP);
    const seen = flows(40);
    console.log(`ECMP over two pairs, 40 flows: ${JSON.stringify(seen)}`);
    expect(Object.keys(seen).sort()).toEqual(['pair0-d0', 'pair1-d0']);
    expect(seen['pair0-d0']).toBeGreaterThanOrEqual(5);
    expect(seen['pair1-d0']).toBeGreaterThanOrEqual(5);
  });

  it('graceful stop of a master: its pair\'s next hop moves to the backup', async () => {
    const t0 = performance.now();
    await kads[0]![0]!.stop();
    const ms = await untilNextHops([directorIp(0, 1), directorIp(1, 0)], 10_000, t0);
    console.log(`graceful: router's next hop moved to the backup ${ms.toFixed(0)} ms after SIGTERM`);
    // Skew_Time (0.65 s at priority 90) plus one BGP update.
    expect(ms).toBeLessThan(3000);
    const seen = flows(40);
    expect(Object.keys(seen).sort()).toEqual(['pair0-d1', 'pair1-d0']);
  });

  it('the restarted master preempts and the route comes back to it', async () => {
    const t0 = performance.now();
    startKad(0, 0);
    const ms = await untilNextHops([directorIp(0, 0), directorIp(1, 0)], 15_000, t0);
    console.log(`preempt: route back on the master ${ms.toFixed(0)} ms after its start`);
    expect(flows(20)['pair0-d1']).toBeUndefined();
  });

  it('a dead director (kad, BIRD and link gone): the backup takes the route within hold time and Master_Down', async () => {
    const t0 = performance.now();
    await kads[1]![0]!.hardKill();
    birds[1]![0]!.kill();
    director(1, 0).ip('link', 'set', 'eth0', 'down');
    const ms = await untilNextHops([directorIp(0, 0), directorIp(1, 1)], 15_000, t0);
    console.log(`dead director: router's next hop moved to the backup ${ms.toFixed(0)} ms after the kill`);
    // BGP hold time 3 s and Master_Down_Interval 3.65 s run at once; the later one bounds it.
    expect(ms).toBeLessThan(6000);
    await sleep(200);
    const seen = flows(40);
    expect(Object.keys(seen).sort()).toEqual(['pair0-d0', 'pair1-d1']);
  });
});
