// The AF_PACKET seam on a real kernel: a gratuitous ARP and an unsolicited NA built by
// src/vrrp/protocol/garp.ts, sent from one namespace and decoded by tcpdump (-e -vv) on the peer side.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGratuitousArp, buildUnsolicitedNa } from '../../src/vrrp/protocol/garp.js';
import { startAgent, type Agent } from '../fixtures/net/agent-client.js';
import { cleanupAll, createLan, netnsUnavailableReason, startCapture, type Lan } from '../helpers/netns.js';
import { requirement } from '../helpers/requirement.js';

const skip = requirement('net-packet-socket', netnsUnavailableReason()) !== undefined;

describe.skipIf(skip)('AF_PACKET sender (network namespaces)', () => {
  let lan: Lan;
  let agent: Agent;
  let mac: string;

  beforeAll(async () => {
    lan = createLan({ nodes: 2, ipv4Prefix: '10.81.0', prefix: 'ps' });
    agent = await startAgent(lan.nodes[0]!);
    mac = lan.nodes[0]!.ipJson<{ address: string }[]>('link', 'show', 'dev', 'eth0')[0]!.address;
  });
  afterAll(async () => {
    await agent?.stop();
    cleanupAll();
  });

  it('a gratuitous ARP reaches the peer: broadcast, request, sender = target = VIP', async () => {
    const cap = await startCapture(lan.nodes[1]!, 'eth0', ['-e', '-vv'], ['arp']);
    const res = await agent.call('send-frame', { ifName: 'eth0', frame: buildGratuitousArp(mac, '10.81.0.100').toString('hex') });
    expect(res).toEqual({ ok: true, bytes: 42 });
    const text = await cap.waitFor(/who-has/);
    await cap.stop();
    expect(text).toContain(`${mac} > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 42`);
    expect(text).toContain('Request who-has 10.81.0.100 (ff:ff:ff:ff:ff:ff) tell 10.81.0.100, length 28');
  });

  it('an unsolicited NA reaches the peer: to ff02::1 from the VIP, hop limit 255, override flag, valid checksum', async () => {
    const cap = await startCapture(lan.nodes[1]!, 'eth0', ['-e', '-vv'], ['icmp6', 'and', 'ip6[40] == 136']);
    const frame = buildUnsolicitedNa(mac, 'fd81::100');
    expect(await agent.call('send-frame', { ifName: 'eth0', frame: frame.toString('hex') })).toEqual({ ok: true, bytes: 86 });
    const text = await cap.waitFor(/neighbor advertisement/);
    await cap.stop();
    expect(text).toContain(`${mac} > 33:33:00:00:00:01, ethertype IPv6 (0x86dd), length 86: (hlim 255, next-header ICMPv6 (58) payload length: 32)`);
    expect(text).toContain('fd81::100 > ff02::1: [icmp6 sum ok] ICMP6, neighbor advertisement, length 32, tgt is fd81::100, Flags [override]');
    expect(text).toContain(`destination link-address option (2), length 8 (1): ${mac}`);
  });

  it('a frame shorter than an Ethernet header is refused as EINVAL data, not sent', async () => {
    expect(await agent.call('send-frame', { ifName: 'eth0', frame: 'ffff' })).toEqual({
      ok: false,
      error: { errno: 22, code: 'EINVAL', syscall: 'sendto' },
    });
  });
});
