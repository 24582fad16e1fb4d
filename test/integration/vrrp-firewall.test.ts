// The VRRP firewall for real (RFC 5798 §6.4.3, keepalived's no_accept): two kad directors with
// vrrp_strict on a bridge and a client namespace. The non-owner master holds its VIPs but drops
// traffic to them (ping and TCP fail; an accept-mode VIP on the same master answers); the
// nftables table is keepalived's (`table ip keepalived`, set `vips`, chains `in`/`out` at
// priority -1), the backup's sets are empty and fill when it takes over; a SIGKILLed VRRP child
// is respawned and leaves exactly the same single rule set; SIGTERM leaves no kad rule behind.
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, Lab, sleep, vrrpInstance, waitForHolder, waitUntil, type Daemon } from '../helpers/lab.js';
import { cleanupAll, type Netns } from '../helpers/netns.js';
import { nftUnavailableReason } from '../helpers/nft.js';
import { requirement } from '../helpers/requirement.js';
import { vrrpChildPids } from '../fixtures/processes/vrrp-pair.js';

const why = requirement('vrrp-firewall', nftUnavailableReason());

const VIP = '10.231.0.100';
const VIP6 = 'fd31::100';
const VIP_ACCEPT = '10.231.0.110';
const PORT = 8080;

/** With `accept`: no vrrp_strict and every instance in accept mode (nothing to firewall). */
const conf = (prio: number, accept = false): string => [
  `global_defs {\n  ${accept ? '' : 'vrrp_strict'}\n  nftables_counters\n}\n`,
  vrrpInstance({ name: 'VI_1', vrid: 61, priority: prio, vips: [`${VIP}/24`], lines: accept ? 'accept' : undefined }),
  vrrpInstance({ name: 'VI_6', vrid: 62, priority: prio, vips: [`${VIP6}/64`], lines: accept ? 'version 3\n  accept' : 'version 3' }),
  // v3 keeps accept mode under vrrp_strict (RFC 5798 §6.1): this VIP answers.
  vrrpInstance({ name: 'VI_A', vrid: 63, priority: prio, vips: [`${VIP_ACCEPT}/24`], lines: 'version 3\n  accept' }),
].join('\n');

type NftItem = Record<string, Record<string, unknown>>;

/** `nft -j list ruleset` in `ns`, without handles and counter values (what must be equal). */
function ruleset(ns: Netns): NftItem[] {
  const out = JSON.parse(ns.exec('nft', ['-j', 'list', 'ruleset'])) as { nftables: NftItem[] };
  const strip = (_k: string, v: unknown): unknown => {
    if (_k === 'handle') return undefined;
    if (_k === 'counter') return 'counter';
    return v;
  };
  return (JSON.parse(JSON.stringify(out.nftables, strip)) as NftItem[]).filter((i) => !('metainfo' in i));
}

const tables = (rs: NftItem[]): string[] => rs.flatMap((i) => (i.table ? [`${String(i.table.family)} ${String(i.table.name)}`] : []));
const setElems = (rs: NftItem[], family: string, name: string): unknown[] =>
  (rs.find((i) => i.set && i.set.family === family && i.set.name === name)?.set?.elem as unknown[] | undefined) ?? [];
const rules = (rs: NftItem[]): NftItem['rule'][] => rs.flatMap((i) => (i.rule ? [i.rule] : []));
/** Packets counted by the `daddr @vips drop` rule of a family. */
function dropped(ns: Netns, family: 'ip' | 'ip6'): number {
  const out = JSON.parse(ns.exec('nft', ['-j', 'list', 'chain', family, 'keepalived', 'in'])) as { nftables: NftItem[] };
  const rule = out.nftables.find((i) => i.rule && JSON.stringify(i.rule.expr).includes('"@vips"'))?.rule;
  const counter = (rule?.expr as { counter?: { packets: number } }[] | undefined)?.find((e) => e.counter)?.counter;
  return counter?.packets ?? -1;
}

function pings(from: Netns, addr: string): boolean {
  try {
    from.exec('ping', [addr.includes(':') ? '-6' : '-4', '-c', '1', '-W', '1', addr]);
    return true;
  } catch {
    return false;
  }
}

function connects(from: Netns, addr: string): boolean {
  const py = 'import socket,sys;socket.create_connection((sys.argv[1],int(sys.argv[2])),timeout=1).close()';
  try {
    from.exec('python3', ['-c', py, addr, String(PORT)]);
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(why !== undefined)('VRRP firewall (no_accept under vrrp_strict)', () => {
  let lab: Lab;
  let d0: Daemon;
  let d1: Daemon;

  /** Wait until director `i`'s drop sets hold exactly the no_accept VIPs (`held`) or nothing. */
  const waitSets = (i: number, held: boolean, what: string): Promise<void> => waitUntil(() => {
    const rs = ruleset(lab.directors[i] as Netns);
    return JSON.stringify([setElems(rs, 'ip', 'vips'), setElems(rs, 'ip6', 'vips')]) === JSON.stringify(held ? [[VIP], [VIP6]] : [[], []]);
  }, 10_000, what, 50);

  beforeAll(async () => {
    ensureBuilt();
    lab = Lab.create({ directors: 2 });
    for (const ns of lab.directors) {
      const srv = 'import socket;s=socket.socket(socket.AF_INET6);s.setsockopt(socket.IPPROTO_IPV6,socket.IPV6_V6ONLY,0);' +
        `s.bind(("::",${PORT}));s.listen(16)\nwhile True: s.accept()[0].close()`;
      ns.spawn('python3', ['-c', srv]);
    }
    d1 = lab.startKad(1, conf(90));
    d0 = lab.startKad(0, conf(100));
    await waitForHolder(lab, VIP, 0, 15_000);
    await waitForHolder(lab, VIP6, 0, 15_000);
    await waitForHolder(lab, VIP_ACCEPT, 0, 15_000);
    await waitSets(0, true, 'master drop sets');
  }, 60_000);
  afterAll(async () => {
    await Promise.all([d0?.stop(), d1?.stop()]);
    cleanupAll();
  });

  it('the master holds its no_accept VIPs but drops ping and TCP to them; its accept-mode VIP and own address answer', () => {
    const client = lab.observer;
    expect(pings(client, lab.ipv4(0))).toBe(true);
    expect(connects(client, lab.ipv4(0))).toBe(true);
    expect(pings(client, VIP_ACCEPT)).toBe(true);
    expect(connects(client, VIP_ACCEPT)).toBe(true);
    const before = dropped(lab.directors[0] as Netns, 'ip');
    expect(pings(client, VIP)).toBe(false);
    expect(connects(client, VIP)).toBe(false);
    expect(dropped(lab.directors[0] as Netns, 'ip')).toBeGreaterThan(before);
    const before6 = dropped(lab.directors[0] as Netns, 'ip6');
    expect(pings(client, VIP6)).toBe(false);
    expect(connects(client, VIP6)).toBe(false);
    expect(dropped(lab.directors[0] as Netns, 'ip6')).toBeGreaterThan(before6);
  });

  it("nft shows keepalived's tables: VIPs in the master's sets, the backup's sets empty", () => {
    const master = ruleset(lab.directors[0] as Netns);
    expect(tables(master)).toEqual(['ip keepalived', 'ip6 keepalived']);
    expect(setElems(master, 'ip', 'vips')).toEqual([VIP]);
    expect(setElems(master, 'ip6', 'vips')).toEqual([VIP6]);
    const chains = master.flatMap((i) => (i.chain ? [`${String(i.chain.family)} ${String(i.chain.name)} ${String(i.chain.hook ?? '')} ${String(i.chain.prio ?? '')}`] : []));
    expect(chains).toEqual(['ip out output -1', 'ip in input -1', 'ip6 out output -1', 'ip6 in input -1', 'ip6 in_link_local  ', 'ip6 out_link_local  ']);
    expect(rules(master)).toHaveLength(10);
    const backup = ruleset(lab.directors[1] as Netns);
    expect(tables(backup)).toEqual(['ip keepalived', 'ip6 keepalived']);
    expect(setElems(backup, 'ip', 'vips')).toEqual([]);
    expect(setElems(backup, 'ip6', 'vips')).toEqual([]);
  });

  it('SIGKILL of the VRRP child: the respawned child leaves exactly one, identical rule set', async () => {
    const before = ruleset(lab.directors[0] as Netns);
    const pids = vrrpChildPids(d0);
    process.kill(pids.at(-1) as number, 'SIGKILL');
    await waitUntil(() => vrrpChildPids(d0).length > pids.length, 10_000, 'respawned VRRP child');
    await d0.waitForOutput(/VRRP firewall: nftables table keepalived[^\n]*\n[\s\S]*VRRP firewall: nftables table keepalived/, 10_000);
    await sleep(500);
    const after = ruleset(lab.directors[0] as Netns);
    expect(after).toEqual(before);
    expect(tables(after)).toEqual(['ip keepalived', 'ip6 keepalived']);
    expect(pings(lab.observer, VIP)).toBe(false);
    expect(lab.hasAddress(0, VIP)).toBe(true);
  });

  it('SIGTERM: no kad rule remains; the backup takes over and drops in its turn (repairing a deleted table)', async () => {
    // An operator deletes the backup's IPv4 table: its takeover batch fails, is logged, and the
    // retry puts the whole table back.
    (lab.directors[1] as Netns).exec('nft', ['delete', 'table', 'ip', 'keepalived']);
    await d0.stop();
    expect(ruleset(lab.directors[0] as Netns)).toEqual([]);
    await waitForHolder(lab, VIP, 1, 10_000);
    await waitSets(1, true, 'new master drop sets');
    await d1.waitForOutput(/VRRP firewall: nft failed: Error: No such file or directory.*: add element ip keepalived vips \{ 10\.231\.0\.100 \}/, 5_000);
    expect(tables(ruleset(lab.directors[1] as Netns))).toEqual(['ip keepalived', 'ip6 keepalived']);
    const before = dropped(lab.directors[1] as Netns, 'ip');
    expect(pings(lab.observer, VIP)).toBe(false);
    expect(dropped(lab.directors[1] as Netns, 'ip')).toBeGreaterThan(before);
    expect(pings(lab.observer, VIP_ACCEPT)).toBe(true);
  });

  it('the old master preempts: the backup lifts its drops once its VIPs are gone', async () => {
    d0 = lab.startKad(0, conf(100));
    await waitForHolder(lab, VIP, 0, 15_000);
    await waitSets(1, false, 'backup drop sets emptied');
    await waitSets(0, true, 'master drop sets again');
    expect(lab.hasAddress(1, VIP)).toBe(false);
  });

  it('SIGHUP: the same configuration keeps one identical rule set; accept mode everywhere removes it', async () => {
    const count = (re: RegExp): number => d0.output.match(re)?.length ?? 0;
    const before = ruleset(lab.directors[0] as Netns);
    d0.proc.kill('SIGHUP');
    await waitUntil(() => count(/Reload complete/g) === 1, 15_000, 'reload 1');
    expect(ruleset(lab.directors[0] as Netns)).toEqual(before);
    expect(pings(lab.observer, VIP)).toBe(false);
    writeFileSync(d0.confFile, conf(100, true));
    d0.proc.kill('SIGHUP');
    await waitUntil(() => count(/Reload complete/g) === 2, 15_000, 'reload 2');
    await waitUntil(() => ruleset(lab.directors[0] as Netns).length === 0, 5_000, 'tables removed after reload');
    expect(lab.hasAddress(0, VIP)).toBe(true);
    expect(pings(lab.observer, VIP)).toBe(true);
  });

  it('SIGTERM of the backup leaves nothing either', async () => {
    await d1.stop();
    expect(ruleset(lab.directors[1] as Netns)).toEqual([]);
  });
});
