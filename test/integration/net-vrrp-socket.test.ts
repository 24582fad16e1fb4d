// The raw VRRP socket seam on a real kernel: two namespaces on a bridge, adverts sent from one
// socket and received on the other, TTL / hop-limit 255 enforced on receive (RFC 5798 §7.1),
// unicast to a peer, and group leave. The VRRP bytes here are opaque to the seam; the kernel
// computes the IPv6 checksum (IPV6_CHECKSUM 6), which the test checks on the receiving side.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAgent, type Agent } from '../fixtures/net/agent-client.js';
import { cleanupAll, createLan, netnsUnavailableReason, startCapture, type Lan } from '../helpers/netns.js';
import { requirement } from '../helpers/requirement.js';

const skip = requirement('net-vrrp-socket', netnsUnavailableReason()) !== undefined;

// v2 advert, VRID 51, priority 100, one address 10.79.0.100, simple auth "secret1" (v2-pass shape).
const V2_ADVERT = '21336401010101320a4f00647365637265743100';
// v3 IPv6 advert, VRID 52, priority 100, interval 100 cs, checksum 0 (the kernel fills it), fd79::100.
const V3_ADVERT6 = '313464010064 0000 fd790000000000000000000000000100'.replace(/ /g, '');

type Sock = { sock: number; ifIndex: number };

describe.skipIf(skip)('raw VRRP socket (network namespaces)', () => {
  let lan: Lan;
  let a: Agent;
  let b: Agent;
  let llA: string;

  beforeAll(async () => {
    lan = createLan({ nodes: 2, ipv4Prefix: '10.79.0', ipv6Prefix: 'fd79::', prefix: 'vs' });
    [a, b] = await Promise.all(lan.nodes.map(startAgent)) as [Agent, Agent];
    const info = lan.nodes[0]!.ipJson<{ addr_info: { local: string; scope: string }[] }[]>('addr', 'show', 'dev', 'eth0');
    llA = info[0]!.addr_info.find((x) => x.scope === 'link')!.local;
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    cleanupAll();
  });

  it('IPv4: an advert sent to 224.0.0.18 arrives with source, TTL 255, TOS 0xc0, id 1, no DF', async () => {
    const cap = await startCapture(lan.hub, lan.bridge, ['-vv'], ['ip', 'proto', '112']);
    const sa = await a.call<Sock>('open-vrrp', { ifName: 'eth0', family: 'ipv4' });
    const sb = await b.call<Sock>('open-vrrp', { ifName: 'eth0', family: 'ipv4' });
    const res = await a.call('send-vrrp', { sock: sa.sock, payload: V2_ADVERT, destination: '224.0.0.18', source: '10.79.0.1' });
    expect(res).toEqual({ ok: true, bytes: 40 });
    const msg = await b.waitEvent((e) => e.event === 'message' && e.sock === sb.sock);
    expect(msg).toMatchObject({ family: 'ipv4', payload: V2_ADVERT, source: '10.79.0.1', destination: '224.0.0.18', ttl: 255 });
    const text = await cap.waitFor(/VRRPv2/);
    await cap.stop();
    expect(text).toMatch(/tos 0xc0, ttl 255, id 1, offset 0, flags \[none\], proto VRRP \(112\), length 40/);
    expect(text).toMatch(/10\.79\.0\.1 > 224\.0\.0\.18: VRRPv2, Advertisement, vrid 51, prio 100/);
    // IP_MULTICAST_LOOP is off: the sender does not hear itself.
    expect(a.events.filter((e) => e.event === 'message' && e.sock === sa.sock)).toEqual([]);
  });

  it('IPv4: an advert with TTL 254 is dropped and counted, not delivered', async () => {
    const sa = await a.call<Sock>('open-vrrp', { ifName: 'eth0', family: 'ipv4' });
    const sb = await b.call<Sock>('open-vrrp', { ifName: 'eth0', family: 'ipv4' });
    await a.call('send-vrrp', { sock: sa.sock, payload: V2_ADVERT, destination: '224.0.0.18', source: '10.79.0.1', ttl: 254 });
    const drop = await b.waitEvent((e) => e.event === 'drop' && e.sock === sb.sock);
    expect(drop).toMatchObject({ reason: 'ttl', detail: 'TTL 254 from 10.79.0.1' });
    // A 255 advert sent afterwards is delivered: the drop was for the TTL alone.
    await a.call('send-vrrp', { sock: sa.sock, payload: V2_ADVERT, destination: '224.0.0.18', source: '10.79.0.1' });
    await b.waitEvent((e) => e.event === 'message' && e.sock === sb.sock);
    const stats = await b.call<{ received: number; drops: { ttl: number } }>('stats', { sock: sb.sock });
    expect(stats).toMatchObject({ received: 1, drops: { ttl: 1 } });
  });

  it('IPv6: an advert to ff02::12 arrives from the link-local source, hop limit 255, kernel checksum valid', async () => {
    const sa = await a.call<Sock>('open-vrrp', { ifName: 'eth0', family: 'ipv6' });
    const sb = await b.call<Sock>('open-vrrp', { ifName: 'eth0', family: 'ipv6' });
    await a.call('send-vrrp', { sock: sa.sock, payload: V3_ADVERT6, destination: 'ff02::12', source: llA });
    const msg = await b.waitEvent((e) => e.event === 'message' && e.sock === sb.sock);
    expect(msg).toMatchObject({ family: 'ipv6', source: llA, destination: 'ff02::12', ttl: 255 });
    const payload = String(msg.payload);
    expect(payload.slice(0, 12)).toBe(V3_ADVERT6.slice(0, 12));
    expect(payload.slice(12, 16)).not.toBe('0000'); // filled by the kernel (IPV6_CHECKSUM 6)
  });

  it('IPv6: an advert with hop limit 254 is dropped and counted (IPV6_RECVHOPLIMIT)', async () => {
    const sa = await a.call<Sock>('open-vrrp', { ifName: 'eth0', family: 'ipv6' });
    const sb = await b.call<Sock>('open-vrrp', { ifName: 'eth0', family: 'ipv6' });
    await a.call('send-vrrp', { sock: sa.sock, payload: V3_ADVERT6, destination: 'ff02::12', source: llA, ttl: 254 });
    const drop = await b.waitEvent((e) => e.event === 'drop' && e.sock === sb.sock);
    expect(drop).toMatchObject({ reason: 'ttl', detail: `hop limit 254 from ${llA}` });
    await a.call('send-vrrp', { sock: sa.sock, payload: V3_ADVERT6, destination: 'ff02::12', source: llA, ttl: 255 });
    await b.waitEvent((e) => e.event === 'message' && e.sock === sb.sock);
    const stats = await b.call<{ received: number; drops: { ttl: number } }>('stats', { sock: sb.sock });
    expect(stats).toMatchObject({ received: 1, drops: { ttl: 1 } });
  });

  it('why recvmsg: the kernel ignores IPV6_MINHOPCOUNT on raw sockets (hop limit 254 still delivered)', async () => {
    const sa = await a.call<Sock>('open-vrrp', { ifName: 'eth0', family: 'ipv6' });
    const sb = await b.call<Sock>('open-vrrp', { ifName: 'eth0', family: 'ipv6', requireTtl255: false });
    await b.call('set-int-option', { sock: sb.sock, level: 41, name: 73, value: 255, what: 'IPV6_MINHOPCOUNT' });
    await a.call('send-vrrp', { sock: sa.sock, payload: V3_ADVERT6, destination: 'ff02::12', source: llA, ttl: 254 });
    const msg = await b.waitEvent((e) => e.event === 'message' && e.sock === sb.sock);
    expect(msg.ttl).toBe(254);
  });

  it('protocol 51: a prebuilt AH packet is sent as is and received with its IP header', async () => {
    // IPv4 header (proto 51, TTL 255, TOS 0xc0, id 7) + a 24-byte AH header + the v2 advert.
    const ah = '3305000000000001' + '00000001' + '00'.repeat(12);
    const total = (20 + ah.length / 2 + V2_ADVERT.length / 2).toString(16).padStart(4, '0');
    const packet = `45c0${total}00070000ff330000` + '0a4f0001' + 'e0000012' + ah + V2_ADVERT;
    const sa = await a.call<Sock>('open-vrrp', { ifName: 'eth0', family: 'ipv4', protocol: 51 });
    const sb = await b.call<Sock>('open-vrrp', { ifName: 'eth0', family: 'ipv4', protocol: 51 });
    expect(await a.call('send-ip4', { sock: sa.sock, packet, destination: '224.0.0.18' })).toMatchObject({ ok: true, bytes: packet.length / 2 });
    const msg = await b.waitEvent((e) => e.event === 'message' && e.sock === sb.sock);
    expect(msg).toMatchObject({ source: '10.79.0.1', ttl: 255, payload: ah + V2_ADVERT });
    expect(String(msg.ipHeader).slice(0, 20)).toBe(`45c0${total}00070000ff33`);
  });

  it('unicast: an advert sent to the peer address arrives on a socket that joined no group', async () => {
    const sa = await a.call<Sock>('open-vrrp', { ifName: 'eth0', family: 'ipv4', groups: [] });
    const sb = await b.call<Sock>('open-vrrp', { ifName: 'eth0', family: 'ipv4', groups: [] });
    await a.call('send-vrrp', { sock: sa.sock, payload: V2_ADVERT, destination: '10.79.0.2', source: '10.79.0.1' });
    const msg = await b.waitEvent((e) => e.event === 'message' && e.sock === sb.sock);
    expect(msg).toMatchObject({ source: '10.79.0.1', destination: '10.79.0.2', ttl: 255 });
    const s6a = await a.call<Sock>('open-vrrp', { ifName: 'eth0', family: 'ipv6', groups: [] });
    const s6b = await b.call<Sock>('open-vrrp', { ifName: 'eth0', family: 'ipv6', groups: [] });
    await a.call('send-vrrp', { sock: s6a.sock, payload: V3_ADVERT6, destination: 'fd79::2', source: 'fd79::1' });
    const msg6 = await b.waitEvent((e) => e.event === 'message' && e.sock === s6b.sock);
    expect(msg6).toMatchObject({ source: 'fd79::1', destination: 'fd79::2', ttl: 255 });
  });

  it("sockets split by destination kind: a multicast-only socket ignores unicast and the reverse", async () => {
    const sa = await a.call<Sock>('open-vrrp', { ifName: 'eth0', family: 'ipv4' });
    const mc = await b.call<Sock>('open-vrrp', { ifName: 'eth0', family: 'ipv4', destinations: 'multicast' });
    const uc = await b.call<Sock>('open-vrrp', { ifName: 'eth0', family: 'ipv4', groups: [], destinations: 'unicast' });
    await a.call('send-vrrp', { sock: sa.sock, payload: V2_ADVERT, destination: '10.79.0.2', source: '10.79.0.1' });
    await a.call('send-vrrp', { sock: sa.sock, payload: V2_ADVERT, destination: '224.0.0.18', source: '10.79.0.1' });
    await b.waitEvent((e) => e.event === 'message' && e.sock === uc.sock && e.destination === '10.79.0.2');
    await b.waitEvent((e) => e.event === 'message' && e.sock === mc.sock && e.destination === '224.0.0.18');
    expect(await b.call('stats', { sock: mc.sock })).toMatchObject({ received: 1, ignored: 1 });
    // IP_MULTICAST_ALL is off: the group joined by the other socket is not delivered to this one.
    expect(await b.call('stats', { sock: uc.sock })).toMatchObject({ received: 1, ignored: 0 });
  });

  it('a custom group (vrrp_mcast_group4) is joined, and after leave() nothing more arrives', async () => {
    const group = '224.1.111.1';
    const sa = await a.call<Sock>('open-vrrp', { ifName: 'eth0', family: 'ipv4', groups: [group] });
    const sb = await b.call<Sock>('open-vrrp', { ifName: 'eth0', family: 'ipv4', groups: [group] });
    await a.call('send-vrrp', { sock: sa.sock, payload: V2_ADVERT, destination: group, source: '10.79.0.1' });
    await b.waitEvent((e) => e.event === 'message' && e.sock === sb.sock && e.destination === group);
    await b.call('leave', { sock: sb.sock, group });
    await a.call('send-vrrp', { sock: sa.sock, payload: V2_ADVERT, destination: group, source: '10.79.0.1' });
    // Round trip through a unicast datagram proves the second group advert had time to arrive.
    await a.call('send-vrrp', { sock: sa.sock, payload: V2_ADVERT, destination: '10.79.0.2', source: '10.79.0.1' });
    await b.waitEvent((e) => e.event === 'message' && e.sock === sb.sock && e.destination === '10.79.0.2');
    expect(b.events.filter((e) => e.event === 'message' && e.sock === sb.sock && e.destination === group)).toHaveLength(1);
  });

  it('keeps receiving after the interface goes down and up (memberships survive a link flap)', async () => {
    const sa = await a.call<Sock>('open-vrrp', { ifName: 'eth0', family: 'ipv4' });
    const sb = await b.call<Sock>('open-vrrp', { ifName: 'eth0', family: 'ipv4' });
    lan.nodes[1]!.ip('link', 'set', 'eth0', 'down');
    const down = await a.call<{ ok: boolean }>('send-vrrp', { sock: sa.sock, payload: V2_ADVERT, destination: '224.0.0.18', source: '10.79.0.1' });
    expect(down.ok).toBe(true); // the sender's link is up: the frame leaves, the peer is deaf
    lan.nodes[1]!.ip('link', 'set', 'eth0', 'up');
    await a.call('send-vrrp', { sock: sa.sock, payload: V2_ADVERT, destination: '224.0.0.18', source: '10.79.0.1' });
    await b.waitEvent((e) => e.event === 'message' && e.sock === sb.sock);
    const stats = await b.call<{ received: number }>('stats', { sock: sb.sock });
    expect(stats.received).toBe(1);
  });

  it('opens on an interface that is down (kad starting in FAULT) and receives once it comes up', async () => {
    lan.nodes[1]!.ip('link', 'set', 'eth0', 'down');
    let s4: Sock;
    let s6: Sock;
    try {
      s4 = await b.call<Sock>('open-vrrp', { ifName: 'eth0', family: 'ipv4' });
      s6 = await b.call<Sock>('open-vrrp', { ifName: 'eth0', family: 'ipv6' });
    } finally {
      lan.nodes[1]!.ip('link', 'set', 'eth0', 'up');
    }
    const sa = await a.call<Sock>('open-vrrp', { ifName: 'eth0', family: 'ipv4' });
    const sa6 = await a.call<Sock>('open-vrrp', { ifName: 'eth0', family: 'ipv6' });
    await a.call('send-vrrp', { sock: sa.sock, payload: V2_ADVERT, destination: '224.0.0.18', source: '10.79.0.1' });
    await a.call('send-vrrp', { sock: sa6.sock, payload: V3_ADVERT6, destination: 'ff02::12', source: llA });
    await b.waitEvent((e) => e.event === 'message' && e.sock === s4.sock);
    await b.waitEvent((e) => e.event === 'message' && e.sock === s6.sock);
  });

  it('a send on a down interface returns the errno as data and counts it', async () => {
    const sa = await a.call<Sock>('open-vrrp', { ifName: 'eth0', family: 'ipv4' });
    lan.nodes[0]!.ip('link', 'set', 'eth0', 'down');
    try {
      const res = await a.call<{ ok: boolean; error?: { code: string; syscall: string } }>('send-vrrp', {
        sock: sa.sock, payload: V2_ADVERT, destination: '224.0.0.18', source: '10.79.0.1',
      });
      expect(res.ok).toBe(false);
      expect(res.error?.syscall).toBe('sendto');
      expect(['ENETDOWN', 'ENETUNREACH', 'ENXIO']).toContain(res.error?.code);
      expect(await a.call('stats', { sock: sa.sock })).toMatchObject({ sent: 0, sendErrors: 1 });
    } finally {
      lan.nodes[0]!.ip('link', 'set', 'eth0', 'up');
    }
  });

  it('a message handler that throws is reported and the socket keeps receiving', async () => {
    const sa = await a.call<Sock>('open-vrrp', { ifName: 'eth0', family: 'ipv4' });
    const sb = await b.call<Sock>('open-vrrp', { ifName: 'eth0', family: 'ipv4', throwingHandler: true });
    for (let i = 0; i < 2; i++) {
      await a.call('send-vrrp', { sock: sa.sock, payload: V2_ADVERT, destination: '224.0.0.18', source: '10.79.0.1' });
    }
    const err = await b.waitEvent((e) => e.event === 'sock-error' && e.sock === sb.sock);
    expect(err).toMatchObject({ code: 'KAD_ERR_NET_HANDLER', message: expect.stringContaining('handler failure injected') });
    await b.waitEvent(() => b.events.filter((e) => e.event === 'message' && e.sock === sb.sock).length === 2);
    expect(await b.call('stats', { sock: sb.sock })).toMatchObject({ received: 2 });
  });

  it('opening on a missing interface fails with ENODEV as data, not a crash', async () => {
    await expect(b.call('open-vrrp', { ifName: 'nosuch0', family: 'ipv4' })).rejects.toThrow(/"code":"KAD_ERR_NET_SYSCALL".*"code":"ENODEV"/);
  });
});
