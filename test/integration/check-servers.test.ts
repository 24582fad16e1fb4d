// Each checker against real servers on loopback: up, down (refused, timeout, wrong status, wrong
// digest, wrong DNS answer, wrong reply), and the scheduler end to end in real time.
import { createHash } from 'node:crypto';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SystemClock } from '../../src/core/clock.js';
import type { Checker, DnsChecker, HttpChecker, HttpUrl, SmtpChecker, UdpChecker } from '../../src/config/model.js';
import { runDnsCheck } from '../../src/check/dns.js';
import { runHttpCheck } from '../../src/check/http.js';
import { runSmtpCheck } from '../../src/check/smtp.js';
import { runTcpCheck } from '../../src/check/tcp.js';
import { runUdpCheck } from '../../src/check/udp.js';
import { resolveTarget, type CheckEnv } from '../../src/check/types.js';
import { common, config, rs, vs } from '../fixtures/check/model.js';
import {
  freePort, makeCert, startDnsmasq, startHttp, startHttps, startSilent, startSmtp, startUdp, type Route,
} from '../fixtures/check/servers.js';

const clock = new SystemClock();
const env: CheckEnv = { clock, config: config([]) };
const BODY = 'hello from kad\n';
const MD5 = createHash('md5').update(BODY).digest('hex');

function target(c: Checker, port: number) {
  const r = rs('127.0.0.1', port, [c]);
  return resolveTarget(c, vs('127.0.0.9', 80, [r]), r);
}

const url = (path: string, over: Partial<HttpUrl> = {}): HttpUrl => ({ path, statusCodes: [[200, 299]], regexNoMatch: false, ...over });
const http = (urls: HttpUrl[], over: Partial<HttpChecker> = {}): HttpChecker => ({
  type: 'HTTP_GET', ...common({ connectTimeoutMs: 500 }), urls, httpProtocol: '1.0', enableSni: false, verifyCert: false, fastRecovery: false, ...over,
});

const routes = new Map<string, Route>([
  ['/', { body: BODY }],
  ['/chunked', { body: BODY, chunked: true }],
  ['/fail', { status: 503, body: 'down' }],
]);

describe('TCP_CHECK', () => {
  it('is up on a listening port and down (refused) on a closed one', async () => {
    const srv = await startHttp(routes);
    try {
      const c: Checker = { type: 'TCP_CHECK', ...common() };
      expect(await runTcpCheck(c, target(c, srv.port), env)).toEqual({ ok: true });
      expect(await runTcpCheck(c, target(c, await freePort()), env)).toMatchObject({ ok: false, reason: 'refused' });
    } finally {
      await srv.close();
    }
  });
});

describe('connection options', () => {
  it('bindto / bind_port set the source of the probe; IPv6 targets work', async () => {
    const seen: string[] = [];
    const srv = createServer((c) => {
      seen.push(`${c.remoteAddress}:${c.remotePort}`);
      c.destroy();
    });
    await new Promise<void>((r) => srv.listen(0, '::', r));
    const port = (srv.address() as { port: number }).port;
    try {
      const bindPort = await freePort();
      const c: Checker = { type: 'TCP_CHECK', ...common({ bindTo: '127.0.0.2', bindPort }) };
      expect(await runTcpCheck(c, target(c, port), env)).toEqual({ ok: true });
      expect(seen.at(-1)).toBe(`::ffff:127.0.0.2:${bindPort}`);
      const v6: Checker = { type: 'TCP_CHECK', ...common({ connectIp: '::1' }) };
      const t6 = target(v6, port);
      expect(t6.name).toBe(`[::1]:tcp:${port}`);
      expect(await runTcpCheck(v6, t6, env)).toEqual({ ok: true });
      expect(seen.at(-1)).toMatch(/^::1:/);
    } finally {
      await new Promise((r) => srv.close(r));
    }
  });
});

describe('HTTP_GET / SSL_GET', () => {
  let srv: Awaited<ReturnType<typeof startHttp>>;
  let silent: Awaited<ReturnType<typeof startSilent>>;
  beforeAll(async () => {
    srv = await startHttp(routes);
    silent = await startSilent();
  });
  afterAll(async () => {
    await srv.close();
    await silent.close();
  });

  it('up with the right status and digest, over 1.0 and 1.1 (chunked)', async () => {
    const c = http([url('/', { digest: MD5 }), url('/chunked', { digest: MD5 })], { httpProtocol: '1.1' });
    expect(await runHttpCheck(c, target(c, srv.port), env)).toEqual({ ok: true });
    expect(await runHttpCheck(http([url('/', { digest: MD5 })]), target(c, srv.port), env)).toEqual({ ok: true });
  });
  it('down on a wrong status, a wrong digest, a refused connection and a silent server', async () => {
    const c = http([url('/fail')]);
    expect(await runHttpCheck(c, target(c, srv.port), env)).toMatchObject({ ok: false, reason: 'status' });
    const ranged = http([url('/fail', { statusCodes: [[200, 200], [500, 599]] })]);
    expect(await runHttpCheck(ranged, target(c, srv.port), env)).toEqual({ ok: true });
    const d = http([url('/', { digest: '0'.repeat(32) })]);
    expect(await runHttpCheck(d, target(d, srv.port), env)).toMatchObject({ ok: false, reason: 'digest' });
    expect(await runHttpCheck(c, target(c, await freePort()), env)).toMatchObject({ ok: false, reason: 'refused' });
    const t0 = Date.now();
    expect(await runHttpCheck(c, target(c, silent.port), env)).toMatchObject({ ok: false, reason: 'timeout' });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(450);
  });
  it('sends the virtualhost as Host', async () => {
    const c = http([url('/')], { virtualhost: 'www.example.test' });
    await runHttpCheck(c, target(c, srv.port), env);
    expect(srv.hits.at(-1)).toBe('www.example.test /');
  });
  it('SSL_GET: self-signed accepted by default, refused with verification, SNI only when enabled', async () => {
    const tls = await startHttps(routes, makeCert('rs.example.test'));
    try {
      const c = http([url('/', { digest: MD5 })], { type: 'SSL_GET' });
      expect(await runHttpCheck(c, target(c, tls.port), env)).toEqual({ ok: true });
      expect(tls.sni.at(-1)).toBe('');
      const sni = http([url('/')], { type: 'SSL_GET', enableSni: true, virtualhost: 'rs.example.test' });
      expect(await runHttpCheck(sni, target(sni, tls.port), env)).toEqual({ ok: true });
      expect(tls.sni.at(-1)).toBe('rs.example.test');
      const named = http([url('/')], { type: 'SSL_GET', sniName: 'other.example.test' });
      await runHttpCheck(named, target(named, tls.port), env);
      expect(tls.sni.at(-1)).toBe('other.example.test');
      const strict = http([url('/')], { type: 'SSL_GET', verifyCert: true });
      expect(await runHttpCheck(strict, target(strict, tls.port), env)).toMatchObject({ ok: false, reason: 'error' });
    } finally {
      await tls.close();
    }
  });
});

describe('SMTP_CHECK', () => {
  it('up against a real SMTP server (HELO helo_name), down when refused', async () => {
    const smtp = await startSmtp();
    try {
      const c: SmtpChecker = { type: 'SMTP_CHECK', ...common(), heloName: 'kad.test', hosts: [] };
      expect(await runSmtpCheck(c, target(c, smtp.port), env)).toEqual({ ok: true });
      expect(smtp.helos).toContain('kad.test');
      const hosts: SmtpChecker = { ...c, hosts: [{ connectPort: smtp.port }, { connectPort: await freePort() }] };
      expect(await runSmtpCheck(hosts, target(c, smtp.port), env)).toMatchObject({ ok: false, reason: 'refused' });
    } finally {
      await smtp.close();
    }
  });
});

describe('DNS_CHECK', () => {
  it('up on an answer of the asked type from dnsmasq, down on NXDOMAIN or a missing type', async () => {
    const dns = await startDnsmasq({ 'www.test': '127.0.0.7' });
    try {
      const c = (name: string, queryType: DnsChecker['queryType'] = 'A'): DnsChecker => ({ type: 'DNS_CHECK', ...common({ connectTimeoutMs: 1000 }), queryType, name });
      expect(await runDnsCheck(c('www.test'), target(c('x'), dns.port), env)).toEqual({ ok: true });
      expect(await runDnsCheck(c('nope.test'), target(c('x'), dns.port), env)).toMatchObject({ ok: false, reason: 'dns-answer' });
      expect(await runDnsCheck(c('www.test', 'MX'), target(c('x'), dns.port), env)).toMatchObject({ ok: false, reason: 'dns-answer' });
    } finally {
      await dns.close();
    }
  });
});

describe('UDP_CHECK', () => {
  it('require_reply matches payload patterns and lengths; silence and port unreachable', async () => {
    const udp = await startUdp((req) => (req.length > 0 ? Buffer.concat([Buffer.from('ok'), req]) : undefined));
    try {
      const c = (over: Partial<UdpChecker>): UdpChecker => ({
        type: 'UDP_CHECK', ...common({ connectTimeoutMs: 300 }), payload: 'c0ffee', requireReply: true, minReplyLength: 0, maxReplyLength: 255, ...over,
      });
      const t = target(c({}), udp.port);
      expect(await runUdpCheck(c({ replyPattern: '6f6bc0XXee' }), t, env)).toEqual({ ok: true });
      expect(await runUdpCheck(c({ replyPattern: '6f6bc0ffef' }), t, env)).toMatchObject({ ok: false, reason: 'reply' });
      expect(await runUdpCheck(c({ maxReplyLength: 3 }), t, env)).toMatchObject({ ok: false, reason: 'reply' });
      expect(await runUdpCheck(c({ payload: '' }), t, env)).toMatchObject({ ok: false, reason: 'timeout' });
      expect(await runUdpCheck(c({ payload: '', requireReply: false }), t, env)).toEqual({ ok: true });
      const closed = target(c({}), await freePort());
      expect(await runUdpCheck(c({ requireReply: false }), closed, env)).toMatchObject({ ok: false, reason: 'refused' });
    } finally {
      await udp.close();
    }
  });
});
