// Checker keywords from config text to what the checker does with them (pure parts of the
// checkers: the target they connect to, the request they send, how they judge the answer).
import { describe, expect, it } from 'vitest';
import type { Checker, FileChecker, HttpChecker, SmtpChecker, UdpChecker } from '../../../src/config/model.js';
import { fileVerdict } from '../../../src/check/file.js';
import { bindingOf, resolveTarget } from '../../../src/check/types.js';
import { judgeResponse, tlsOf } from '../../../src/check/http.js';
import { buildRequest } from '../../../src/check/http-response.js';
import { judgeReply } from '../../../src/check/udp.js';
import { hostTarget } from '../../../src/check/smtp.js';
import { parseText } from '../config/mem-io.js';

/** One virtual server 10.0.0.1:80 with one real server 10.0.0.2:80 carrying `checker`. */
function farm(checker: string) {
  const r = parseText(`virtual_server 10.0.0.1 80 {\n lb_algo rr\n lb_kind NAT\n protocol TCP\n real_server 10.0.0.2 80 {\n${checker}\n }\n}\n`);
  const vs = r.config!.virtualServers[0]!;
  const rs = vs.realServers[0]!;
  return { vs, rs, checker: rs.checkers[0] as Checker };
}

const URL_BLOCK = '  url {\n   path /\n  }\n';

describe('connection keywords', () => {
  it('connect_ip and connect_port move the target of every network checker off the real server', () => {
    const blocks: Record<string, string> = {
      HTTP_GET: URL_BLOCK, SSL_GET: URL_BLOCK, TCP_CHECK: '', SMTP_CHECK: '', DNS_CHECK: '', UDP_CHECK: '',
    };
    for (const [type, extra] of Object.entries(blocks)) {
      const f = farm(`  ${type} {\n${extra}   connect_ip 10.0.0.9\n   connect_port 8080\n  }`);
      const t = resolveTarget(f.checker, f.vs, f.rs);
      expect([type, t.address, t.port]).toEqual([type, '10.0.0.9', 8080]);
    }
    const ping = farm('  PING_CHECK {\n   connect_ip 10.0.0.9\n  }');
    expect(resolveTarget(ping.checker, ping.vs, ping.rs).address).toBe('10.0.0.9');
    const plain = farm('  TCP_CHECK {\n  }');
    expect([resolveTarget(plain.checker, plain.vs, plain.rs).address, resolveTarget(plain.checker, plain.vs, plain.rs).port]).toEqual(['10.0.0.2', 80]);
  });

  it('bindto, bind_port, bind_if and fwmark make the socket binding of every network checker', () => {
    const blocks: Record<string, string> = {
      HTTP_GET: URL_BLOCK, SSL_GET: URL_BLOCK, TCP_CHECK: '', SMTP_CHECK: '', DNS_CHECK: '', UDP_CHECK: '', PING_CHECK: '',
    };
    for (const [type, extra] of Object.entries(blocks)) {
      const f = farm(`  ${type} {\n${extra}   bindto 10.0.0.1\n   bind_port 4000\n   bind_if eth1\n   fwmark 7\n  }`);
      const b = bindingOf(resolveTarget(f.checker, f.vs, f.rs));
      expect([type, b]).toEqual([type, { family: 4, bindTo: '10.0.0.1', bindPort: 4000, bindIf: 'eth1', fwmark: 7 }]);
    }
    const plain = farm('  TCP_CHECK {\n  }');
    expect(bindingOf(resolveTarget(plain.checker, plain.vs, plain.rs))).toEqual({ family: 4 });
  });

  it('SMTP_CHECK host { bind_if fwmark }: per host, over the checker\'s', () => {
    const f = farm('  SMTP_CHECK {\n   fwmark 3\n   bind_if eth0\n   host {\n    connect_ip 10.0.0.7\n    bind_if eth2\n    fwmark 9\n   }\n   host {\n    connect_ip 10.0.0.8\n   }\n  }');
    const c = f.checker as SmtpChecker;
    const base = resolveTarget(c, f.vs, f.rs);
    expect(bindingOf(hostTarget(base, c.hosts[0]!))).toMatchObject({ bindIf: 'eth2', fwmark: 9 });
    expect(bindingOf(hostTarget(base, c.hosts[1]!))).toMatchObject({ bindIf: 'eth0', fwmark: 3 });
  });

  it('SMTP_CHECK host { connect_ip connect_port bindto connect_timeout }: one more server to try', () => {
    const f = farm('  SMTP_CHECK {\n   host {\n    connect_ip 10.0.0.7\n    connect_port 2525\n    bindto 10.0.0.1\n    connect_timeout 2\n   }\n  }');
    const c = f.checker as SmtpChecker;
    const t = hostTarget(resolveTarget(c, f.vs, f.rs), c.hosts[0]!);
    expect([t.address, t.port, t.bindTo]).toEqual(['10.0.0.7', 2525, '10.0.0.1']);
    expect(c.hosts[0]!.connectTimeoutMs).toBe(2000);
  });
});

describe('HTTP_GET and SSL_GET keywords', () => {
  it('http_protocol sets the request line and headers sent', () => {
    const c = farm(`  HTTP_GET {\n${URL_BLOCK}   http_protocol 1.1\n  }`).checker as HttpChecker;
    expect(buildRequest('/', 'h', c.httpProtocol)).toMatch(/^GET \/ HTTP\/1\.1\r\n/);
    const d = farm(`  HTTP_GET {\n${URL_BLOCK}  }`).checker as HttpChecker;
    expect(buildRequest('/', 'h', d.httpProtocol)).toMatch(/^GET \/ HTTP\/1\.0\r\n/);
  });

  it('nb_get_retry is the retry count (deprecated spelling)', () => {
    expect(farm(`  HTTP_GET {\n${URL_BLOCK}   nb_get_retry 4\n  }`).checker.retry).toBe(4);
    expect(farm(`  SSL_GET {\n${URL_BLOCK}   nb_get_retry 4\n  }`).checker.retry).toBe(4);
  });

  it('SSL_GET enable_sni, sni_name and verify_cert set the TLS options', () => {
    const sni = farm(`  SSL_GET {\n${URL_BLOCK}   enable_sni\n   verify_cert\n  }`).checker as HttpChecker;
    expect(tlsOf(sni, 'www.example.test')).toEqual({ verify: true, servername: 'www.example.test' });
    const named = farm(`  SSL_GET {\n${URL_BLOCK}   sni_name other.test\n  }`).checker as HttpChecker;
    expect(tlsOf(named, 'www.example.test')).toEqual({ verify: false, servername: 'other.test' });
    expect(tlsOf(farm(`  SSL_GET {\n${URL_BLOCK}  }`).checker as HttpChecker, 'www.example.test')).toEqual({ verify: false });
  });

  it('url regex and regex_no_match judge the body', () => {
    const res = (body: string) => ({ statusCode: 200, headerBytes: Buffer.alloc(0), headers: new Map<string, string>(), body: Buffer.from(body) });
    const url = (extra: string) => (farm(`  HTTP_GET {\n  url {\n   path /\n${extra}  }\n  }`).checker as HttpChecker).urls[0]!;
    expect(judgeResponse(url('   regex "sta+tus: ok"\n'), res('status: ok')).ok).toBe(true);
    expect(judgeResponse(url('   regex "sta+tus: ok"\n'), res('status: bad')).ok).toBe(false);
    expect(judgeResponse(url('   regex "error"\n   regex_no_match\n'), res('all fine')).ok).toBe(true);
    expect(judgeResponse(url('   regex "error"\n   regex_no_match\n'), res('an error')).ok).toBe(false);
  });
});

describe('UDP_CHECK keywords', () => {
  it('min_reply_length and max_reply_length bound the reply', () => {
    const c = farm('  UDP_CHECK {\n   require_reply\n   min_reply_length 2\n   max_reply_length 4\n  }').checker as UdpChecker;
    expect([1, 2, 4, 5].map((n) => judgeReply(c, Buffer.alloc(n)).ok)).toEqual([false, true, true, false]);
  });
});

describe('FILE_CHECK keywords', () => {
  it('track_file and weight [reverse]: the tracked value times the weight moves the real server weight', () => {
    const c = farm('  FILE_CHECK {\n   track_file tf\n   weight 2\n  }').checker as FileChecker;
    expect(c.trackFile).toBe('tf');
    expect(fileVerdict(c, 5, 3)).toEqual({ ok: true, weight: 11 });
    const rev = farm('  FILE_CHECK {\n   track_file tf\n   weight 2 reverse\n  }').checker as FileChecker;
    expect(fileVerdict(rev, 5, 1)).toEqual({ ok: true, weight: 3 });
  });
});
