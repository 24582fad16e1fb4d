// The rtnetlink seams on a real kernel, inside a namespace: VIPs added and removed with prefix,
// label, scope and broadcast (checked with `ip -j addr`), idempotent on a second add / remove,
// interface lookups, and link / address notifications when the interface goes down and up.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAgent, type Agent } from '../fixtures/net/agent-client.js';
import { cleanupAll, createLan, netnsUnavailableReason, type Lan, type Netns } from '../helpers/netns.js';
import { requirement } from '../helpers/requirement.js';

const skip = requirement('net-rtnl', netnsUnavailableReason()) !== undefined;

interface IpAddrInfo {
  family: string;
  local: string;
  prefixlen: number;
  scope: string;
  label?: string;
  broadcast?: string;
}
const ipAddrs = (ns: Netns): IpAddrInfo[] =>
  ns.ipJson<{ addr_info: IpAddrInfo[] }[]>('addr', 'show', 'dev', 'eth0')[0]?.addr_info ?? [];

describe.skipIf(skip)('rtnetlink addresses and links (network namespaces)', () => {
  let lan: Lan;
  let ns: Netns;
  let agent: Agent;
  let ifIndex: number;

  beforeAll(async () => {
    lan = createLan({ nodes: 1, ipv4Prefix: '10.80.0', ipv6Prefix: 'fd80::', prefix: 'rt' });
    ns = lan.nodes[0]!;
    agent = await startAgent(ns);
    ifIndex = (await agent.call<{ index: number }>('link', { name: 'eth0' })).index;
  });
  afterAll(async () => {
    await agent?.stop();
    cleanupAll();
  });

  it('looks up index, MAC, state and the advert source addresses', async () => {
    const link = await agent.call<{ index: number; name: string; mac: string; up: boolean; running: boolean }>('link', { name: 'eth0' });
    const ipLink = ns.ipJson<{ ifindex: number; address: string }[]>('link', 'show', 'dev', 'eth0')[0]!;
    expect(link).toMatchObject({ index: ipLink.ifindex, name: 'eth0', mac: ipLink.address, up: true, running: true });
    const primary = await agent.call<{ ipv4: string; ipv6: string }>('primary', { ifIndex });
    expect(primary.ipv4).toBe('10.80.0.1');
    expect(primary.ipv6).toBe(ipAddrs(ns).find((a) => a.scope === 'link')!.local);
    await expect(agent.call('link', { name: 'nosuch0' })).rejects.toThrow(/KAD_ERR_NET_NO_SUCH_LINK/);
  });

  it('adds a VIP with label, scope and computed broadcast; a second add reports "exists"', async () => {
    const spec = { ifIndex, address: '10.80.0.100', prefixLen: 24, label: 'eth0:0', brd: '+', scope: 'global' };
    expect(await agent.call('addr-add', { spec })).toBe('added');
    expect(await agent.call('addr-add', { spec })).toBe('exists');
    const vip = ipAddrs(ns).find((a) => a.local === '10.80.0.100');
    expect(vip).toMatchObject({ prefixlen: 24, label: 'eth0:0', broadcast: '10.80.0.255', scope: 'global' });
    const listed = await agent.call<{ address: string; label?: string; secondary: boolean }[]>('addr-list', { ifIndex });
    expect(listed.find((a) => a.address === '10.80.0.100')).toMatchObject({ label: 'eth0:0', secondary: true });
  });

  it('removes a VIP; a second remove reports "absent"', async () => {
    const spec = { ifIndex, address: '10.80.0.101', prefixLen: 32, scope: 'host' };
    expect(await agent.call('addr-add', { spec })).toBe('added');
    expect(ipAddrs(ns).find((a) => a.local === '10.80.0.101')).toMatchObject({ prefixlen: 32, scope: 'host' });
    expect(await agent.call('addr-del', { spec })).toBe('removed');
    expect(await agent.call('addr-del', { spec })).toBe('absent');
    expect(ipAddrs(ns).find((a) => a.local === '10.80.0.101')).toBeUndefined();
  });

  it('adds and removes an IPv6 VIP (nodad) idempotently', async () => {
    const spec = { ifIndex, address: 'fd80::100', prefixLen: 64, noDad: true };
    expect(await agent.call('addr-add', { spec })).toBe('added');
    expect(await agent.call('addr-add', { spec })).toBe('exists');
    expect(ipAddrs(ns).find((a) => a.local === 'fd80::100')).toMatchObject({ family: 'inet6', prefixlen: 64 });
    expect(await agent.call('addr-del', { spec })).toBe('removed');
    expect(await agent.call('addr-del', { spec })).toBe('absent');
  });

  it('fails with errno as data on a missing interface, without crashing', async () => {
    const spec = { ifIndex: 999_999, address: '10.80.0.102', prefixLen: 24 };
    await expect(agent.call('addr-add', { spec })).rejects.toThrow(/"code":"KAD_ERR_NET_RTNL".*"code":"ENODEV","syscall":"RTM_NEWADDR"/);
  });

  it('reports link down / up and address add / remove as events', async () => {
    await agent.call('watch');
    ns.ip('link', 'set', 'eth0', 'down');
    await agent.waitEvent((e) => e.event === 'link' && e.name === 'eth0' && e.up === false && e.running === false);
    ns.ip('link', 'set', 'eth0', 'up');
    await agent.waitEvent((e) => e.event === 'link' && e.name === 'eth0' && e.up === true && e.running === true);
    ns.ip('addr', 'add', '10.80.0.150/24', 'dev', 'eth0');
    await agent.waitEvent((e) => e.event === 'addr' && e.address === '10.80.0.150' && e.change === 'added');
    ns.ip('addr', 'del', '10.80.0.150/24', 'dev', 'eth0');
    await agent.waitEvent((e) => e.event === 'addr' && e.address === '10.80.0.150' && e.change === 'removed');
    ns.ip('addr', 'add', 'fd80::150/64', 'dev', 'eth0', 'nodad');
    await agent.waitEvent((e) => e.event === 'addr' && e.address === 'fd80::150' && e.family === 'ipv6' && e.change === 'added');
  });

  it('reports a deleted interface as a link event with deleted: true', async () => {
    await agent.call('watch');
    ns.ip('link', 'add', 'dum0', 'type', 'veth', 'peer', 'name', 'dum1');
    const added = await agent.waitEvent((e) => e.event === 'link' && e.name === 'dum0' && e.deleted === false);
    ns.ip('link', 'del', 'dum0');
    const gone = await agent.waitEvent((e) => e.event === 'link' && e.name === 'dum0' && e.deleted === true);
    expect(gone.index).toBe(added.index);
  });
});
