// Pure pieces of the checkers: DNS query/answer, HTTP response reader, UDP reply patterns,
// ICMP echo, MISC exit mapping, FILE_CHECK weights, SMTP reply lines.
import { describe, expect, it } from 'vitest';
import { encodeQuery, judgeAnswer, QTYPE } from '../../../src/check/dns-packet.js';
import { buildRequest, hostHeader, HttpResponseReader, MAX_RESPONSE_BYTES, statusAccepted } from '../../../src/check/http-response.js';
import { encodeEcho, isEchoReply } from '../../../src/check/icmp-packet.js';
import { internetChecksum } from '../../../src/core/inet-checksum.js';
import { miscVerdict } from '../../../src/check/misc.js';
import { fileVerdict } from '../../../src/check/file.js';
import { matchesPattern } from '../../../src/check/udp.js';
import { smtpReply } from '../../../src/check/smtp.js';
import { common } from '../../fixtures/check/model.js';

describe('DNS packet', () => {
  it('encodes a query in RFC 1035 layout', () => {
    const q = encodeQuery(0x1234, 'a.bc', QTYPE.A);
    expect(q.toString('hex')).toBe('123401000001000000000000' + '0161' + '026263' + '00' + '0001' + '0001');
    expect(encodeQuery(1, '.', QTYPE.SOA).subarray(12).toString('hex')).toBe('0000060001');
  });
  const answer = (id: number, flags: number, an: number, type: number): Buffer => {
    const q = encodeQuery(id, 'a.bc', type);
    q.writeUInt16BE(flags, 2);
    q.writeUInt16BE(an, 6);
    const rr = Buffer.from('c00c' + type.toString(16).padStart(4, '0') + '0001' + '0000003c' + '0004' + '7f000001', 'hex');
    return Buffer.concat([q, ...Array<Buffer>(an).fill(rr)]);
  };
  it('accepts a NOERROR reply with an answer of the asked type', () => {
    expect(judgeAnswer(answer(7, 0x8180, 1, 1), 7, 1)).toEqual({ ok: true, answers: 1 });
  });
  it('rejects wrong id, queries, error rcodes, empty and other-type answers, truncation', () => {
    expect(judgeAnswer(answer(7, 0x8180, 1, 1), 8, 1)).toMatchObject({ ok: false, detail: 'ID mismatch' });
    expect(judgeAnswer(answer(7, 0x0100, 1, 1), 7, 1)).toMatchObject({ ok: false, detail: 'not a response' });
    expect(judgeAnswer(answer(7, 0x8183, 0, 1), 7, 1)).toMatchObject({ ok: false, detail: 'rcode 3' });
    expect(judgeAnswer(answer(7, 0x8180, 0, 1), 7, 1)).toMatchObject({ ok: false });
    expect(judgeAnswer(answer(7, 0x8180, 1, 5), 7, 1)).toMatchObject({ ok: false, detail: 'no answer of the requested type' });
    expect(judgeAnswer(answer(7, 0x8180, 1, 1).subarray(0, 30), 7, 1)).toMatchObject({ ok: false });
    expect(judgeAnswer(Buffer.alloc(5), 7, 1)).toMatchObject({ ok: false, detail: 'short reply' });
  });
});

describe('HTTP response reader', () => {
  it('reads Content-Length, chunked and close-delimited bodies', () => {
    const a = new HttpResponseReader().feed(Buffer.from('HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\nhello'));
    expect(a.done && 'response' in a && a.response.body.toString()).toBe('hello');
    const r = new HttpResponseReader();
    expect(r.feed(Buffer.from('HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n')).done).toBe(false);
    const b = r.feed(Buffer.from('2\r\nde\r\n0\r\n\r\n'));
    expect(b.done && 'response' in b && [b.response.statusCode, b.response.body.toString()]).toEqual([404, 'abcde']);
    const c = new HttpResponseReader();
    c.feed(Buffer.from('HTTP/1.0 500 X\r\n\r\npart'));
    const e = c.end();
    expect(e.done && 'response' in e && e.response.body.toString()).toBe('part');
  });
  it('reports garbage as an error instead of throwing', () => {
    const r = new HttpResponseReader().feed(Buffer.from('SSH-2.0-OpenSSH\r\n\r\n'));
    expect(r).toEqual({ done: true, error: 'malformed status line' });
    expect(new HttpResponseReader().end()).toMatchObject({ done: true, error: expect.any(String) });
    const big = new HttpResponseReader();
    big.feed(Buffer.from('HTTP/1.0 200 OK\r\n\r\n'));
    expect(big.feed(Buffer.alloc(MAX_RESPONSE_BYTES))).toEqual({ done: true, error: 'response too large' });
  });
  it('builds the request keepalived sends and matches status ranges', () => {
    expect(buildRequest('/x', 'h', '1.0')).toBe('GET /x HTTP/1.0\r\nUser-Agent: KeepAliveClient\r\nHost: h\r\n\r\n');
    expect(buildRequest('/x', 'h', '1.1')).toContain('HTTP/1.1\r\n');
    expect(buildRequest('/x', 'h', '1.0C')).toContain('Connection: close');
    expect(hostHeader(undefined, '::1', 8080)).toBe('[::1]:8080');
    expect(hostHeader('www', '1.2.3.4', 8080)).toBe('www');
    expect(statusAccepted(204, [])).toBe(true);
    expect(statusAccepted(302, [[200, 200], [300, 399]])).toBe(true);
    expect(statusAccepted(500, [[200, 200], [300, 399]])).toBe(false);
  });
});

describe('small verdicts', () => {
  it('UDP reply patterns with X wildcards', () => {
    expect(matchesPattern(Buffer.from('abcd', 'hex'), 'abXd')).toBe(true);
    expect(matchesPattern(Buffer.from('abcd', 'hex'), 'abce')).toBe(false);
    expect(matchesPattern(Buffer.from('ab', 'hex'), 'abcd')).toBe(false);
  });
  it('ICMP echo encode and reply match', () => {
    const req = encodeEcho(4, 0x42, 7, Buffer.from('x'));
    expect(internetChecksum(req)).toBe(0);
    const reply = Buffer.concat([Buffer.from('45000000000000004001000000000000000000000', 'hex').subarray(0, 20), req]);
    reply[20] = 0;
    expect(isEchoReply(4, reply, 0x42, 7)).toBe(true);
    expect(isEchoReply(4, reply, 0x42, 8)).toBe(false);
    const r6 = encodeEcho(6, 1, 2, Buffer.alloc(0));
    r6[0] = 129;
    expect(isEchoReply(6, r6, 1, 2)).toBe(true);
  });
  it('MISC exit codes, static and misc_dynamic', () => {
    expect(miscVerdict({ kind: 'exit', code: 0 }, false)).toEqual({ ok: true });
    expect(miscVerdict({ kind: 'exit', code: 3 }, false)).toMatchObject({ ok: false, reason: 'exit' });
    expect(miscVerdict({ kind: 'exit', code: 1 }, true)).toMatchObject({ ok: false });
    expect(miscVerdict({ kind: 'exit', code: 2 }, true)).toEqual({ ok: true, weight: 0 });
    expect(miscVerdict({ kind: 'exit', code: 255 }, true)).toEqual({ ok: true, weight: 253 });
    expect(miscVerdict({ kind: 'timeout' }, true)).toMatchObject({ ok: false, reason: 'timeout' });
  });
  it('FILE_CHECK weights', () => {
    const fc = (weight: number, weightReverse = false) => ({ type: 'FILE_CHECK' as const, ...common(), trackFile: 'f', weight, weightReverse });
    expect(fileVerdict(fc(0), 5, 0)).toEqual({ ok: true });
    expect(fileVerdict(fc(0), 5, 1)).toMatchObject({ ok: false });
    expect(fileVerdict(fc(2), 5, 3)).toEqual({ ok: true, weight: 11 });
    expect(fileVerdict(fc(2, true), 5, 2)).toEqual({ ok: true, weight: 1 });
    expect(fileVerdict(fc(2, true), 5, 3)).toMatchObject({ ok: false });
  });
  it('SMTP reply lines, multi-line', () => {
    expect(smtpReply('220-hello\r\n')).toBeUndefined();
    expect(smtpReply('220-hello\r\n220 ready\r\n')).toBe(220);
    expect(smtpReply('250 ok')).toBeUndefined();
  });
});
