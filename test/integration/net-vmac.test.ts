// The use_vmac seam on a real kernel: a macvlan "vrrp.51" with the RFC 5798 §7.3 virtual router
// MAC is created on eth0, brought up, carries an advert whose Ethernet source is that MAC, and
// is removed idempotently.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAgent, type Agent } from '../fixtures/net/agent-client.js';
import { cleanupAll, createLan, netnsUnavailableReason, startCapture, type Lan } from '../helpers/netns.js';
import { requirement } from '../helpers/requirement.js';

const skip = requirement('net-vmac', netnsUnavailableReason()) !== undefined;

interface IpLinkDetail {
  ifname: string;
  address: string;
  link: string;
  flags: string[];
  linkinfo?: { info_kind: string; info_data?: { mode: string } };
}

describe.skipIf(skip)('macvlan for use_vmac (network namespaces)', () => {
  let lan: Lan;
  let agent: Agent;

  beforeAll(async () => {
    lan = createLan({ nodes: 2, ipv4Prefix: '10.83.0', prefix: 'vm' });
    agent = await startAgent(lan.nodes[0]!);
  });
  afterAll(async () => {
    await agent?.stop();
    cleanupAll();
  });

  it('creates vrrp.51 with 00:00:5e:00:01:33 in private mode, up, and sends adverts from that MAC', async () => {
    const made = await agent.call<{ outcome: string; index: number; mac: string }>('vmac-create', { name: 'vrrp.51', parent: 'eth0', vrid: 51 });
    expect(made).toMatchObject({ outcome: 'created', mac: '00:00:5e:00:01:33' });
    const detail = lan.nodes[0]!.ipJson<IpLinkDetail[]>('-d', 'link', 'show', 'dev', 'vrrp.51')[0]!;
    expect(detail).toMatchObject({ ifname: 'vrrp.51', address: '00:00:5e:00:01:33', link: 'eth0' });
    expect(detail.flags).toContain('UP');
    expect(detail.linkinfo).toMatchObject({ info_kind: 'macvlan', info_data: { mode: 'private' } });
    expect(await agent.call('vmac-create', { name: 'vrrp.51', parent: 'eth0', vrid: 51 })).toMatchObject({ outcome: 'exists' });

    const cap = await startCapture(lan.nodes[1]!, 'eth0', ['-e'], ['ip', 'proto', '112']);
    const sock = await agent.call<{ sock: number }>('open-vrrp', { ifName: 'vrrp.51', family: 'ipv4' });
    await agent.call('send-vrrp', { sock: sock.sock, payload: '21336401010101320a5300647365637265743100', destination: '224.0.0.18', source: '10.83.0.1' });
    const text = await cap.waitFor(/VRRP/);
    await cap.stop();
    expect(text).toMatch(/00:00:5e:00:01:33 > 01:00:5e:00:00:12, ethertype IPv4/);

    expect(await agent.call('link-del', { index: made.index })).toBe('deleted');
    expect(await agent.call('link-del', { index: made.index })).toBe('absent');
    expect(lan.nodes[0]!.ipJson<IpLinkDetail[]>('link', 'show').map((l) => l.ifname)).not.toContain('vrrp.51');
  });

  it('uses 00:00:5e:00:02:xx for an IPv6 instance', async () => {
    const made = await agent.call<{ outcome: string; index: number; mac: string }>('vmac-create', { name: 'vrrp6.52', parent: 'eth0', vrid: 52, family: 'ipv6' });
    expect(made.mac).toBe('00:00:5e:00:02:34');
    expect(lan.nodes[0]!.ipJson<IpLinkDetail[]>('link', 'show', 'dev', 'vrrp6.52')[0]!.address).toBe('00:00:5e:00:02:34');
    expect(await agent.call('link-del', { index: made.index })).toBe('deleted');
  });
});
