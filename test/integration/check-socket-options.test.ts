// Checker socket options on a real kernel: fwmark (SO_MARK), bind_if (SO_BINDTODEVICE) and the
// PING_CHECK source address (bindto). kad's real checkers run in a director namespace D (the
// agent in test/fixtures/check/agent.ts) against servers in two real-server namespaces:
//
//   D if1 10.84.1.1/24, .5/24 ─── R1 if1 10.84.1.2/24 + 10.84.0.2, 10.84.9.2, 10.84.7.2 (all serve)
//   D if2 10.84.2.1/24 ───────── R2 if2 10.84.2.2/24 + 10.84.0.2 (refuses TCP/UDP, ignores pings)
//
// - bind_if: D's main table reaches 10.84.0.2 through if2 (metric 10) before if1 (metric 20), so
//   only a socket bound to if1 reaches the server that answers.
// - fwmark: 10.84.9.0/24 is routed only in table 100, chosen by `ip rule fwmark 7`; an nftables
//   counter in D sees the mark on the packets.
// - PING_CHECK bindto: R1 answers from 10.84.7.2 only towards 10.84.1.5 (a policy table with
//   an unreachable default), so an echo gets an answer only when it left from 10.84.1.5.
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Checker, CheckerCommon, DnsChecker, HttpChecker, SmtpChecker, SmtpHost, UdpChecker } from '../../src/config/model.js';
import { common } from '../fixtures/check/model.js';
import { AGENT_BODY } from '../fixtures/check/servers.js';
import { startAgentScript, type Agent } from '../fixtures/net/agent-client.js';
import { cleanupAll, createNetns, createVeth, netnsUnavailableReason, uniqueName, type Netns } from '../helpers/netns.js';
import { requirement } from '../helpers/requirement.js';

const skip = requirement('check-socket-options', netnsUnavailableReason()) !== undefined;
const AGENT = fileURLToPath(new URL('../fixtures/check/agent.ts', import.meta.url));
const MD5 = createHash('md5').update(AGENT_BODY).digest('hex');
const MARK = 7;

const opts = (over: Partial<CheckerCommon> = {}): CheckerCommon => common({ connectTimeoutMs: 400, ...over });
const tcp = (over: Partial<CheckerCommon> = {}): Checker => ({ type: 'TCP_CHECK', ...opts(over) });
const ping = (over: Partial<CheckerCommon> = {}): Checker => ({ type: 'PING_CHECK', ...opts(over) });
const http = (type: 'HTTP_GET' | 'SSL_GET', over: Partial<CheckerCommon> = {}): HttpChecker => ({
  type, ...opts(over), urls: [{ path: '/', digest: MD5, statusCodes: [[200, 299]], regexNoMatch: false }],
  httpProtocol: '1.0', enableSni: false, verifyCert: false, fastRecovery: false,
});
const udp = (over: Partial<CheckerCommon> = {}): UdpChecker => ({
  type: 'UDP_CHECK', ...opts(over), payload: '6b6164', requireReply: true, replyPattern: '6b6164', minReplyLength: 0, maxReplyLength: 65535,
});

const dns = (over: Partial<CheckerCommon> = {}): DnsChecker => ({ type: 'DNS_CHECK', ...opts(over), queryType: 'A', name: 'rs.example.test' });
const smtp = (over: Partial<CheckerCommon> = {}, hosts: SmtpHost[] = []): SmtpChecker => ({ type: 'SMTP_CHECK', ...opts(over), heloName: 'kad.test', hosts });

describe.skipIf(skip)('checker socket options (network namespaces)', () => {
  let d: Netns;
  let r1: Netns;
  let r2: Netns;
  let dIf1: string;
  let dIf2: string;
  let director: Agent;
  let server: Agent;

  /** Run `c` from the director against addr:port; the CheckResult. */
  const check = (c: Checker, address: string, port: number): Promise<Record<string, unknown>> =>
    director.call('check', { checker: c, address, port });

  beforeAll(async () => {
    d = createNetns('kcd');
    r1 = createNetns('kc1');
    r2 = createNetns('kc2');
    dIf1 = uniqueName('kd');
    dIf2 = uniqueName('kd');
    const r1If = uniqueName('kr');
    const r2If = uniqueName('kr');
    createVeth(d, dIf1, r1, r1If);
    createVeth(d, dIf2, r2, r2If);
    d.ip('addr', 'add', '10.84.1.1/24', 'dev', dIf1);
    d.ip('addr', 'add', '10.84.1.5/24', 'dev', dIf1);
    d.ip('addr', 'add', '10.84.2.1/24', 'dev', dIf2);
    // bind_if: the answering server is the less preferred path.
    d.ip('route', 'add', '10.84.0.2', 'via', '10.84.2.2', 'dev', dIf2, 'metric', '10');
    d.ip('route', 'add', '10.84.0.2', 'via', '10.84.1.2', 'dev', dIf1, 'metric', '20');
    // fwmark: 10.84.9.0/24 exists in table 100 only.
    d.ip('route', 'add', '10.84.9.0/24', 'via', '10.84.1.2', 'dev', dIf1, 'table', '100');
    d.ip('rule', 'add', 'fwmark', String(MARK), 'table', '100', 'priority', '100');
    d.ip('route', 'add', '10.84.7.2', 'via', '10.84.1.2', 'dev', dIf1);
    d.sysctl('net.ipv4.conf.all.rp_filter', '0');
    d.sysctl(`net.ipv4.conf.${dIf1}.rp_filter`, '0');
    d.exec('nft', ['-f', '-'], [
      'table ip kadmark {',
      '  chain out {',
      '    type filter hook output priority 0;',
      `    ip daddr 10.84.9.2 meta mark ${MARK} counter`,
      `    ip daddr 10.84.9.2 meta mark != ${MARK} counter`,
      '  }',
      '}',
    ].join('\n'));

    r1.ip('addr', 'add', '10.84.1.2/24', 'dev', r1If);
    for (const a of ['10.84.0.2/32', '10.84.9.2/32', '10.84.7.2/32']) r1.ip('addr', 'add', a, 'dev', r1If);
    // Replies from 10.84.7.2 find a route to 10.84.1.5 and to nothing else.
    r1.ip('route', 'add', '10.84.1.5', 'dev', r1If, 'table', '200');
    r1.ip('route', 'add', 'unreachable', 'default', 'table', '200');
    r1.ip('rule', 'add', 'from', '10.84.7.2', 'table', '200', 'priority', '100');
    r1.exec('nft', ['-f', '-'], [
      'table ip kadsrc {',
      '  chain in {',
      '    type filter hook input priority 0;',
      '    ip daddr 10.84.7.2 icmp type echo-request ip saddr 10.84.1.5 counter',
      '    ip daddr 10.84.7.2 icmp type echo-request ip saddr != 10.84.1.5 counter',
      '  }',
      '}',
    ].join('\n'));

    r2.ip('addr', 'add', '10.84.2.2/24', 'dev', r2If);
    r2.ip('addr', 'add', '10.84.0.2/32', 'dev', r2If);
    r2.sysctl('net.ipv4.icmp_echo_ignore_all', '1');

    [director, server] = await Promise.all([startAgentScript(d, AGENT), startAgentScript(r1, AGENT)]);
    await server.call('serve', { kind: 'http', port: 8080 });
    await server.call('serve', { kind: 'https', port: 8443 });
    const addresses = ['10.84.0.2', '10.84.9.2'];
    await server.call('serve', { kind: 'udp', port: 5300, addresses });
    await server.call('serve', { kind: 'dns', port: 5353, addresses });
    await server.call('serve', { kind: 'smtp', port: 2525 });
  }, 60_000);

  afterAll(async () => {
    await Promise.all([director?.stop(), server?.stop()]);
    cleanupAll();
  });

  it('bind_if: every connection checker goes out of the interface it names', async () => {
    const rs = '10.84.0.2';
    // Unbound, the preferred route leads to R2, which refuses (TCP, UDP) or stays silent (ICMP).
    expect(await check(tcp(), rs, 8080)).toMatchObject({ ok: false, reason: 'refused' });
    expect(await check(tcp({ bindIf: dIf1 }), rs, 8080)).toEqual({ ok: true });
    expect(await check(tcp({ bindIf: dIf2 }), rs, 8080)).toMatchObject({ ok: false, reason: 'refused' });
    expect(await check(http('HTTP_GET', { bindIf: dIf1 }), rs, 8080)).toEqual({ ok: true });
    expect(await check(http('HTTP_GET'), rs, 8080)).toMatchObject({ ok: false, reason: 'refused' });
    expect(await check(http('SSL_GET', { bindIf: dIf1 }), rs, 8443)).toEqual({ ok: true });
    expect(await check(http('SSL_GET', { bindIf: dIf2 }), rs, 8443)).toMatchObject({ ok: false, reason: 'refused' });
    expect(await check(udp({ bindIf: dIf1 }), rs, 5300)).toEqual({ ok: true });
    expect(await check(udp(), rs, 5300)).toMatchObject({ ok: false, reason: 'refused' });
    expect(await check(dns({ bindIf: dIf1 }), rs, 5353)).toEqual({ ok: true });
    expect(await check(dns(), rs, 5353)).toMatchObject({ ok: false, reason: 'refused' });
    expect(await check(smtp({ bindIf: dIf1 }), rs, 2525)).toEqual({ ok: true });
    expect(await check(smtp(), rs, 2525)).toMatchObject({ ok: false, reason: 'refused' });
    // SMTP_CHECK host { bind_if }: per host, over the checker's.
    expect(await check(smtp({ bindIf: dIf2 }, [{ bindIf: dIf1 }]), rs, 2525)).toEqual({ ok: true });
    expect(await check(smtp({ bindIf: dIf1 }, [{}, { bindIf: dIf2 }]), rs, 2525)).toMatchObject({ ok: false, reason: 'refused' });
    expect(await check(ping({ bindIf: dIf1 }), rs, 0)).toEqual({ ok: true });
    expect(await check(ping(), rs, 0)).toMatchObject({ ok: false, reason: 'timeout' });
    // An interface that does not exist fails the attempt with the errno, not the checker process.
    expect(await check(tcp({ bindIf: 'kadnosuch0' }), rs, 8080)).toMatchObject({ ok: false, reason: 'error', detail: expect.stringMatching(/SO_BINDTODEVICE kadnosuch0.*ENODEV/) });
  });

  it('fwmark: only marked packets find the route (ip rule fwmark), and carry the mark', async () => {
    const rs = '10.84.9.2';
    expect(await check(tcp(), rs, 8080)).toMatchObject({ ok: false, detail: 'ENETUNREACH' });
    expect(await check(tcp({ fwmark: MARK }), rs, 8080)).toEqual({ ok: true });
    expect(await check(tcp({ fwmark: MARK + 1 }), rs, 8080)).toMatchObject({ ok: false, detail: 'ENETUNREACH' });
    expect(await check(http('HTTP_GET', { fwmark: MARK }), rs, 8080)).toEqual({ ok: true });
    expect(await check(http('SSL_GET', { fwmark: MARK }), rs, 8443)).toEqual({ ok: true });
    expect(await check(http('SSL_GET'), rs, 8443)).toMatchObject({ ok: false, detail: 'url(/) ENETUNREACH' });
    expect(await check(udp({ fwmark: MARK }), rs, 5300)).toEqual({ ok: true });
    expect(await check(udp(), rs, 5300)).toMatchObject({ ok: false, detail: 'ENETUNREACH' });
    expect(await check(dns({ fwmark: MARK }), rs, 5353)).toEqual({ ok: true });
    expect(await check(dns(), rs, 5353)).toMatchObject({ ok: false, detail: 'ENETUNREACH' });
    expect(await check(smtp({}, [{ fwmark: MARK }]), rs, 2525)).toEqual({ ok: true });
    expect(await check(smtp(), rs, 2525)).toMatchObject({ ok: false, detail: 'ENETUNREACH' });
    expect(await check(ping({ fwmark: MARK }), rs, 0)).toEqual({ ok: true });
    expect(await check(ping(), rs, 0)).toMatchObject({ ok: false, detail: 'ENETUNREACH' });
    const [marked, unmarked] = counters(d, 'kadmark', 'out');
    expect(marked).toBeGreaterThan(10);
    // Unmarked sockets never got a route, so nothing unmarked left for 10.84.9.2.
    expect(unmarked).toBe(0);
  });

  it('PING_CHECK bindto: the echo leaves from the bindto address', async () => {
    const rs = '10.84.7.2';
    expect(await check(ping(), rs, 0)).toMatchObject({ ok: false, reason: 'timeout' });
    expect(await check(ping({ bindTo: '10.84.1.5' }), rs, 0)).toEqual({ ok: true });
    expect(await check(ping({ bindTo: '10.84.1.5', bindIf: dIf1, fwmark: MARK }), rs, 0)).toEqual({ ok: true });
    const [fromBindto, fromOther] = counters(r1, 'kadsrc', 'in');
    expect([fromBindto, fromOther]).toEqual([2, 1]);
    // ICMPv6 through the same socket (the kernel fills the checksum), bound and marked.
    expect(await check(ping({ bindTo: '::1', bindIf: 'lo', fwmark: MARK }), '::1', 0)).toEqual({ ok: true });
  });

  it('own sockets are closed whatever the outcome: no descriptor leaks', async () => {
    const round = async (): Promise<void> => {
      await Promise.all([
        check(tcp({ bindIf: dIf1 }), '10.84.0.2', 8080), // up
        check(tcp({ bindIf: dIf2 }), '10.84.0.2', 8080), // refused
        check(tcp({ fwmark: MARK }), '10.84.9.3', 8080), // timeout: R1 does not forward
        check(http('SSL_GET', { fwmark: MARK }), '10.84.9.3', 8443), // TLS timeout
        check(http('SSL_GET', { fwmark: MARK }), '10.84.9.2', 8443), // TLS up
        check(tcp({ bindIf: 'kadnosuch0' }), '10.84.0.2', 8080), // ENODEV
        check(udp({ bindIf: dIf2 }), '10.84.0.2', 5300), // refused
        check(ping({ fwmark: MARK, bindTo: '10.84.1.5' }), '10.84.9.2', 0), // up
      ]);
    };
    await round();
    const before = await director.call<number>('fds');
    for (let i = 0; i < 5; i++) await round();
    expect(await director.call<number>('fds')).toBe(before);
  }, 30_000);
});

/** Packet counts of the counter rules of `chain` in nftables table `table` (ip family), in order. */
function counters(ns: Netns, table: string, chain: string): number[] {
  const out = ns.exec('nft', ['-j', 'list', 'chain', 'ip', table, chain]);
  const items = (JSON.parse(out) as { nftables: { rule?: { expr: { counter?: { packets: number } }[] } }[] }).nftables;
  return items.flatMap((i) => i.rule?.expr.flatMap((e) => (e.counter ? [e.counter.packets] : [])) ?? []);
}
