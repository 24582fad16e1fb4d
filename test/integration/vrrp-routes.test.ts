// static_ipaddress / static_routes / static_rules and virtual_routes / virtual_rules in the kernel,
// on two kad directors in namespaces: statics on both from start to stop whatever the VRRP state,
// virtual ones only on the MASTER (after its VIPs: one route has `src VIP`), moved on takeover,
// removed on leaving MASTER (BACKUP, FAULT) and at stop; a SIGHUP adds and removes the difference (and nothing
// else, seen with `ip monitor`); a respawned VRRP child that resumes MASTER removes nothing; -V
// leaves the virtual ones and the VIPs (as keepalived 2.2.7 -V, measured). IPv4 and IPv6,
// a table named in rt_tables (each director sees its own /etc/netns/NS/iproute2/rt_tables, as
// `ip netns exec` binds it over /etc/iproute2), blackhole, multipath, metrics, a fwmark rule.
// Debian's keepalived 2.2.7 runs the same file in the same director: the kernel must hold the
// same routes and rules as with kad; and one file with every option kad applies gives the same
// kernel state under both.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, Lab, vrrpInstance, waitForHolder, waitUntil, type Daemon } from '../helpers/lab.js';
import { cleanupAll, netnsUnavailableReason, onCleanup, type Netns } from '../helpers/netns.js';
import { keepalivedUnavailableReason } from '../helpers/keepalived.js';
import { requirement } from '../helpers/requirement.js';

const why = requirement('vrrp-routes', netnsUnavailableReason() ?? keepalivedUnavailableReason());

const VIP = '10.231.0.100';
const TABLE = 200; // "kadvip" in each director's rt_tables (`ip -n` prints the name too)

const STATIC = `static_ipaddress {
  192.0.2.77/32 dev eth0
}
static_routes {
  198.51.100.0/24 via 10.231.0.250 dev eth0 table 100 metric 7
  blackhole 203.0.113.0/24 no_track
  2001:db8:50::/48 via fd31::fa dev eth0
  10.80.0.0/24 dev eth0 mtu lock 1400 advmss 1300 hoplimit 9 initcwnd 10 tos 4
}
static_rules {
  from 198.51.100.0/24 table 100 priority 1000
}
`;
const VIRTUAL_ROUTES = [
  `10.50.0.0/16 via 10.231.0.250 dev eth0 src ${VIP}`,
  'blackhole 10.60.0.0/16 no_track',
  '2001:db8:60::/48 via fd31::fa dev eth0 table kadvip',
  '10.70.0.0/24 table kadvip nexthop via 10.231.0.250 dev eth0 weight 2 nexthop via 10.231.0.251 dev eth0',
];
const VIRTUAL_RULES = [
  'from 10.50.0.0/16 fwmark 0x10/0xff table kadvip priority 2000',
  'from 2001:db8:60::/48 table kadvip priority 2001',
  'to 10.60.0.0/16 priority 2002 blackhole',
];
/** Director 0's track file: "0" healthy, "1" FAULT (weight 0). Set in beforeAll. */
let trackFile = '';
const conf = (prio: number, routes = VIRTUAL_ROUTES, rules = VIRTUAL_RULES): string =>
  (prio === 100 ? `track_file health {\n  file ${trackFile}\n  weight 0\n}\n` : '') + STATIC + vrrpInstance({
    name: 'VI_1', vrid: 61, priority: prio, vips: [`${VIP}/24`],
    lines: `virtual_routes {\n    ${routes.join('\n    ')}\n  }\n  virtual_rules {\n    ${rules.join('\n    ')}\n  }${prio === 100 ? '\n  track_file {\n    health\n  }' : ''}`,
  });

/** What kad (or keepalived) put in a director: routes and rules with protocol keepalived, and the static address. */
interface Kernel { routes: string[]; rules: string[]; staticAddress: boolean }

function kernel(ns: Netns): Kernel {
  const lines = (text: string): string[] => text.split('\n').map((l) => l.trim().replace(/\s+/g, ' ')).filter(Boolean);
  // Multipath next hops print on their own lines: join them to their route.
  const routes = (v: '-4' | '-6'): string[] => ns.ip(v, 'route', 'show', 'table', 'all', 'proto', 'keepalived').replace(/\n\s+nexthop/g, ' nexthop').split('\n')
    .map((l) => l.trim().replace(/\s+/g, ' ')).filter(Boolean);
  const rules = (v: '-4' | '-6'): string[] => lines(ns.ip(v, 'rule', 'show')).filter((l) => l.includes('proto keepalived'));
  return {
    routes: [...routes('-4'), ...routes('-6')].sort(),
    rules: [...rules('-4'), ...rules('-6')].sort(),
    staticAddress: ns.ip('-4', 'addr', 'show', 'dev', 'eth0').includes('192.0.2.77/32'),
  };
}

const has = (k: Kernel, re: RegExp): boolean => k.routes.some((r) => re.test(r)) || k.rules.some((r) => re.test(r));
/** The entries of the configuration, one pattern each, as `ip` prints them (`proto keepalived` is the selector, so not printed on routes). */
const STATIC_SEEN = [/^198\.51\.100\.0\/24 via 10\.231\.0\.250 dev eth0 table 100 metric 7$/, /^blackhole 203\.0\.113\.0\/24$/,
  /^2001:db8:50::\/48 via fd31::fa dev eth0 metric 1024 pref medium$/, /^10\.80\.0\.0\/24 tos 0x04 dev eth0 mtu lock 1400 advmss 1300 hoplimit 9 initcwnd 10$/,
  /^1000: from 198\.51\.100\.0\/24 lookup 100 proto keepalived$/];
const VIRTUAL_SEEN = [/^10\.50\.0\.0\/16 via 10\.231\.0\.250 dev eth0 src 10\.231\.0\.100$/, /^blackhole 10\.60\.0\.0\/16$/,
  /^2001:db8:60::\/48 via fd31::fa dev eth0 table kadvip metric 1024 pref medium$/,
  /^10\.70\.0\.0\/24 table kadvip nexthop via 10\.231\.0\.250 dev eth0 weight 2 nexthop via 10\.231\.0\.251 dev eth0 weight 1$/,
  /^2000: from 10\.50\.0\.0\/16 fwmark 0x10\/0xff lookup kadvip proto keepalived$/, /^2001: from 2001:db8:60::\/48 lookup kadvip proto keepalived$/,
  /^2002: from all to 10\.60\.0\.0\/16 blackhole proto keepalived$/];

function expectStatics(k: Kernel): void {
  for (const re of STATIC_SEEN) expect(has(k, re), `${re} in ${JSON.stringify(k, null, 1)}`).toBe(true);
  expect(k.staticAddress).toBe(true);
}
function expectVirtual(k: Kernel, present: boolean): void {
  for (const re of VIRTUAL_SEEN) expect(has(k, re), `${re} ${present ? 'in' : 'not in'} ${JSON.stringify(k, null, 1)}`).toBe(present);
}
const complete = (k: Kernel): boolean => k.routes.length + k.rules.length === STATIC_SEEN.length + VIRTUAL_SEEN.length;
const staticOnly = (k: Kernel): boolean => k.routes.length + k.rules.length === STATIC_SEEN.length && k.staticAddress;
const empty = (k: Kernel): boolean => k.routes.length + k.rules.length === 0 && !k.staticAddress;

/** Every route and rule option kad applies, in one file (static: no VRRP state needed). */
const ALL_OPTIONS = `static_routes {
  10.9.1.0/24 via 10.231.0.250 src 10.231.0.1 dev eth0 table 100 metric 7 tos 4 realms 1/2
  10.9.11.0/24 via 10.231.0.9 dev eth0 onlink
  10.9.12.0/24 dev eth0 scope link
  blackhole 10.9.2.0/24 no_track
  unreachable 10.9.3.0/24 no_track
  prohibit 10.9.4.0/24 no_track
  throw 10.9.7.0/24 table 100 no_track
  2001:db8:9::/64 via fe80::1 dev eth0 pref high
  2001:db8:a::/64 from 2001:db8:b::/64 dev eth0
  10.9.5.0/24 dev eth0 mtu lock 1400 advmss 1300 hoplimit 9 initcwnd 10 initrwnd 11 window 12 cwnd lock 13 ssthresh 14 reordering 15 features ecn quickack 1 fastopen_no_cookie 1 congctl cubic
  10.9.6.0/24 table 100 no_track nexthop via 10.231.0.250 dev eth0 weight 2 nexthop via 10.231.0.251 dev eth0 onlink
  default via 10.231.0.250 dev eth0 table 7 protocol 12 no_track
}
static_rules {
  from 10.9.0.0/24 to 10.8.0.0/16 table 100 priority 100
  not iif eth0 oif eth0 fwmark 0x10/0xff tos 4 lookup 100 preference 101
  from all fwmark 7 order 102 blackhole
  from all priority 103 goto 110
  from all priority 104 type unreachable
  from all priority 105 prohibit
  from all priority 107 nop
  from 2001:db8::/32 ipproto tcp sport 10-20 dport 80-81 uidrange 1000-1999 table 100 suppress_prefixlength 0 priority 106
  from 10.9.9.0/24 table 100 realms 5
  from all table 5 priority 108 protocol 4 no_track
  from all priority 109 l3mdev
}
` + vrrpInstance({ name: 'VI_1', vrid: 61, priority: 100, vips: [`${VIP}/24`] });

/** Every route and rule of a director but the kernel's own (connected, local, multicast, default rules). */
function everything(ns: Netns): string {
  const own = /proto kernel|^local |^multicast |^broadcast |^anycast |fe80::\/64|ff00::\/8|^0:\s+from all lookup local|^3276[67]:/;
  return [ns.ip('-4', 'route', 'show', 'table', 'all'), ns.ip('-6', 'route', 'show', 'table', 'all'), ns.ip('-4', 'rule', 'show'), ns.ip('-6', 'rule', 'show')]
    .join('\n').replace(/\n\s+nexthop/g, ' nexthop').split('\n').map((l) => l.trim().replace(/\s+/g, ' ')).filter((l) => l && !own.test(l)).sort().join('\n');
}

/** `ip monitor route rule` in a director, shown to work (a scratch route seen going) before use. */
async function routeMonitor(ns: Netns): Promise<{ deleted(): string[]; stop(): void }> {
  const child = ns.spawn('ip', ['monitor', 'route', 'rule']);
  let events = '';
  child.stdout?.on('data', (b: Buffer) => (events += b.toString()));
  await waitUntil(() => {
    ns.ip('route', 'replace', '198.18.0.0/24', 'dev', 'eth0'); // TEST-NET 198.18/15, never configured here
    ns.ip('route', 'del', '198.18.0.0/24', 'dev', 'eth0');
    return /Deleted 198\.18\.0\.0\/24/.test(events);
  }, 5000, 'ip monitor to hear a route go', 100);
  const start = events.length;
  return {
    deleted: () => events.slice(start).split('\n').filter((l) => l.startsWith('Deleted') && !l.includes('198.18.0.0/24')).map((l) => l.replace(/\s+/g, ' ').trim()),
    stop: () => child.kill('SIGKILL'),
  };
}

describe.skipIf(why !== undefined)('static and virtual routes and rules on two kad directors', () => {
  let lab: Lab;
  let a: Daemon;
  let b: Daemon;
  let kadMaster: Kernel;

  beforeAll(async () => {
    ensureBuilt();
    lab = Lab.create({ directors: 2 });
    for (const ns of lab.directors) {
      const dir = `/etc/netns/${ns.name}`;
      mkdirSync(`${dir}/iproute2`, { recursive: true });
      onCleanup(`rt_tables of ${ns.name}`, () => rmSync(dir, { recursive: true, force: true }));
      writeFileSync(`${dir}/iproute2/rt_tables`, `255\tlocal\n254\tmain\n253\tdefault\n0\tunspec\n${TABLE}\tkadvip\n`);
    }
    trackFile = lab.writeFile('health', '0\n');
    b = lab.startKad(1, conf(90));
    a = lab.startKad(0, conf(100));
    await waitForHolder(lab, VIP, 0, 10_000);
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    cleanupAll();
  });

  it('the MASTER has the statics and its virtual routes and rules; the BACKUP only the statics', async () => {
    const [d0, d1] = lab.directors as [Netns, Netns];
    await waitUntil(() => complete(kernel(d0)) && staticOnly(kernel(d1)), 5000, 'routes on both directors');
    kadMaster = kernel(d0);
    expectStatics(kadMaster);
    expectVirtual(kadMaster, true);
    expectStatics(kernel(d1));
    expectVirtual(kernel(d1), false);
  });

  it('release: with the master stopped the backup takes the virtual ones; the stopped director has nothing left', async () => {
    const [d0, d1] = lab.directors as [Netns, Netns];
    await a.stop();
    await waitForHolder(lab, VIP, 1, 6000);
    const t0 = performance.now();
    await waitUntil(() => complete(kernel(d1)), 5000, 'virtual routes on the new master');
    // An upper bound: each look costs five `ip` runs.
    console.log(`virtual routes and rules complete ${(performance.now() - t0).toFixed(0)} ms after the VIP was seen on the new master`);
    expectVirtual(kernel(d1), true);
    expectStatics(kernel(d1));
    expect(kernel(d0)).toEqual({ routes: [], rules: [], staticAddress: false });
  });

  it('leaving MASTER (preempted by the restarted director) removes the virtual ones and keeps the statics', async () => {
    const [d0, d1] = lab.directors as [Netns, Netns];
    a = lab.startKad(0, conf(100));
    await waitForHolder(lab, VIP, 0, 10_000);
    await waitUntil(() => complete(kernel(d0)) && staticOnly(kernel(d1)), 5000, 'virtual routes back on director 0 only');
    expectVirtual(kernel(d1), false);
    expectStatics(kernel(d1));
    expect(kernel(d0)).toEqual(kadMaster);
  });

  it('FAULT takes the virtual ones away (the backup takes over with them); recovery brings them back', async () => {
    const [d0, d1] = lab.directors as [Netns, Netns];
    writeFileSync(trackFile, '1\n');
    await waitForHolder(lab, VIP, 1, 10_000);
    await waitUntil(() => complete(kernel(d1)) && staticOnly(kernel(d0)), 5000, 'virtual routes on director 1 only');
    expectVirtual(kernel(d0), false);
    expectStatics(kernel(d0));
    writeFileSync(trackFile, '0\n');
    await waitForHolder(lab, VIP, 0, 10_000);
    await waitUntil(() => complete(kernel(d0)) && staticOnly(kernel(d1)), 5000, 'virtual routes back on director 0 only');
    expect(kernel(d0)).toEqual(kadMaster);
  });

  it('a reload adds and removes the difference and leaves the rest', async () => {
    const d0 = lab.directors[0]!;
    const before = kernel(d0);
    const mon = await routeMonitor(d0);
    const seen = a.output.length;
    writeFileSync(a.confFile, conf(100, [...VIRTUAL_ROUTES.slice(1), 'unreachable 10.90.0.0/24 no_track'], VIRTUAL_RULES.slice(0, 2)).replace('metric 7', 'metric 8')
      .replace('192.0.2.77/32 dev eth0', '192.0.2.77/32 dev eth0\n  192.0.2.78/32 dev eth0'));
    a.proc.kill('SIGHUP');
    await waitUntil(() => /Reload complete/.test(a.output.slice(seen)), 10_000, 'reload');
    await waitUntil(() => has(kernel(d0), /^unreachable 10\.90\.0\.0\/24/), 5000, 'the added route');
    expect(lab.hasAddress(0, '192.0.2.78')).toBe(true);
    const after = kernel(d0);
    expect(has(after, /^10\.50\.0\.0\/16/)).toBe(false);
    expect(has(after, /^2002:/)).toBe(false);
    expect(has(after, /table 100 metric 8$/)).toBe(true);
    expect(has(after, /table 100 metric 7$/)).toBe(false);
    const kept = (k: Kernel): string[] => [...k.routes, ...k.rules].filter((l) => !/^10\.50\.|^2002:|^unreachable 10\.90|metric [78]/.test(l));
    expect(kept(after)).toEqual(kept(before));
    expect(after.routes.length + after.rules.length).toBe(before.routes.length + before.rules.length - 1);
    // Only what changed went away: nothing unchanged was removed and added back.
    await new Promise((r) => setTimeout(r, 300));
    mon.stop();
    expect(mon.deleted().map((l) => l.split(' ').slice(0, 2).join(' ')).sort()).toEqual(['Deleted 10.50.0.0/16', 'Deleted 198.51.100.0/24', 'Deleted 2002:'].sort());
  });

  it('a VRRP child killed and respawned resumes MASTER without taking a route or rule away', async () => {
    const d0 = lab.directors[0]!;
    const before = kernel(d0);
    const mon = await routeMonitor(d0);
    const seen = a.output.length;
    process.kill(a.vrrpChildPid, 'SIGKILL');
    await waitUntil(() => /Respawning/.test(a.output.slice(seen)), 10_000, 'respawn');
    await waitUntil(() => /Respawning[\s\S]*\(VI_1\) Entering MASTER STATE/.test(a.output.slice(seen)), 10_000, 'MASTER again');
    await new Promise((r) => setTimeout(r, 1000));
    mon.stop();
    expect(mon.deleted()).toEqual([]);
    expect(kernel(d0)).toEqual(before);
  });

  it('stop: neither director keeps a route, rule or static address', async () => {
    await Promise.all([a.stop(), b.stop()]);
    for (const ns of lab.directors) expect(empty(kernel(ns)), JSON.stringify(kernel(ns))).toBe(true);
    expect(lab.hasAddress(0, '192.0.2.78')).toBe(false);
  });

  it('keepalived 2.2.7 puts the same routes and rules in the kernel from the same file', async () => {
    const d0 = lab.directors[0]!;
    const ka = lab.startKeepalived(0, conf(100));
    try {
      await waitForHolder(lab, VIP, 0, 10_000);
      await waitUntil(() => complete(kernel(d0)), 5000, 'keepalived routes');
      expect(kernel(d0)).toEqual(kadMaster);
    } finally {
      await ka.stop();
    }
    expect(empty(kernel(d0))).toBe(true);
  });

  it('-V: a stopped MASTER leaves its VIPs and virtual routes and rules, and takes the static ones away (measured: keepalived 2.2.7 -V does the same)', async () => {
    const d0 = lab.directors[0]!;
    const kad = lab.startKad(0, conf(100), { extraFlags: ['-V'] });
    await waitForHolder(lab, VIP, 0, 10_000);
    await waitUntil(() => complete(kernel(d0)), 5000, 'all routes');
    await kad.stop();
    const k = kernel(d0);
    expect(k.staticAddress).toBe(false);
    for (const re of STATIC_SEEN) expect(has(k, re)).toBe(false);
    expectVirtual(k, true);
    expect(lab.hasAddress(0, VIP)).toBe(true);
    // Clean up what -V left, for the tests after this one.
    d0.ip('addr', 'del', `${VIP}/24`, 'dev', 'eth0');
    for (const v of ['-4', '-6']) d0.ip(v, 'route', 'flush', 'table', 'all', 'proto', 'keepalived');
    for (const pref of ['2000', '2001', '2002']) d0.ip(pref === '2001' ? '-6' : '-4', 'rule', 'del', 'pref', pref);
    expect(empty(kernel(d0))).toBe(true);
  });

  it('every option kad applies leaves the kernel as keepalived 2.2.7 leaves it, and both take it all away at stop', async () => {
    const d0 = lab.directors[0]!;
    const base = everything(d0);
    const run = async (start: () => Daemon): Promise<string> => {
      const d = start();
      try {
        await waitUntil(() => everything(d0).split('\n').length >= 23, 10_000, 'all routes and rules');
        return everything(d0);
      } finally {
        await d.stop();
      }
    };
    const byKad = await run(() => lab.startKad(0, ALL_OPTIONS));
    expect(everything(d0)).toBe(base);
    const byKeepalived = await run(() => lab.startKeepalived(0, ALL_OPTIONS));
    expect(everything(d0)).toBe(base);
    expect(byKad.split('\n')).toEqual(byKeepalived.split('\n'));
    // Not an empty comparison: the options are there, as `ip` prints them.
    for (const re of [/^10\.9\.1\.0\/24 tos 0x04 via 10\.231\.0\.250 dev eth0 table 100 proto keepalived (?=.*src 10\.231\.0\.1)(?=.*metric 7)(?=.*realms 1\/2)/m,
      /^10\.9\.5\.0\/24 dev eth0 proto keepalived mtu lock 1400 window 12 ssthresh 14 cwnd lock 13 advmss 1300 reordering 15 hoplimit 9 initcwnd 10 features ecn initrwnd 11 quickack 1 congctl cubic fastopen_no_cookie 1$/m,
      /^default via 10\.231\.0\.250 dev eth0 table 7 proto bird/m, /^2001:db8:a::\/64 from 2001:db8:b::\/64 dev eth0 proto keepalived/m,
      /^101: not from all tos 0x04 fwmark 0x10\/0xff iif eth0 oif eth0 lookup 100 proto keepalived$/m, /^108: from all lookup 5 proto static$/m, /^16384: from 10\.9\.9\.0\/24 lookup 100 realms 5 proto keepalived/m,
      /^106: from 2001:db8::\/32 uidrange 1000-1999 ipproto tcp sport 10-20 dport 80-81 lookup 100 suppress_prefixlength 0 proto keepalived$/m,
      /^10\.9\.6\.0\/24 table 100 proto keepalived nexthop via 10\.231\.0\.250 dev eth0 weight 2 nexthop via 10\.231\.0\.251 dev eth0 weight 1 onlink$/m, /^109: from all lookup \[l3mdev-table\] proto keepalived$/m]) expect(byKad).toMatch(re);
  });
});
