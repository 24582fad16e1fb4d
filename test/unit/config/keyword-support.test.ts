// No silent keyword: every (block, keyword) pair the keyword tables accept is implemented (with
// test files that exist and use the keyword) or unsupported (with a reason); unsupported ones are
// warned about at each use, with exit code 0; docs/configuration.md carries the generated list.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { registeredKeywords } from '../../../src/config/context.js';
import '../../../src/config/parse.js';
import { KEYWORD_SUPPORT, supportOf } from '../../../src/config/keyword-support.js';
import { DOC_BEGIN, DOC_END, renderKeywordSection } from '../../../src/config/keyword-doc.js';
import { ADDRESS_OPTIONS } from '../../../src/config/blocks/address.js';
import { parseText } from './mem-io.js';

// The keyword tables, plus the option words of an address line (not a table: one parser).
const registered = [...[...registeredKeywords()].flatMap(([block, ks]) => ks.map((k) => [block, k] as const)),
  ...ADDRESS_OPTIONS.map((k) => ['address', k] as const)];
const texts = new Map<string, string>();
const read = (f: string): string => {
  if (!texts.has(f)) texts.set(f, readFileSync(f, 'utf8'));
  return texts.get(f)!;
};
const mentions = (text: string, k: string): boolean =>
  new RegExp(`(^|[^A-Za-z0-9_-])${k.replace(/-/g, '\\-')}($|[^A-Za-z0-9_-])`).test(text);

const VI = 'vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n priority 100\n virtual_ipaddress {\n 10.0.0.1/24\n }\n';

describe('keyword support table', () => {
  it('knows the registered tables', () => {
    expect(registered.length).toBeGreaterThan(400);
  });

  it('classifies every registered (block, keyword) pair', () => {
    expect(registered.filter(([b, k]) => supportOf(b, k) === undefined).map((p) => p.join(' '))).toEqual([]);
  });

  it('lists no pair the parser does not accept', () => {
    const known = new Set(registered.map(([b, k]) => `${b} ${k}`));
    const stale = Object.entries(KEYWORD_SUPPORT).flatMap(([b, ks]) => Object.keys(ks).map((k) => `${b} ${k}`)).filter((p) => !known.has(p));
    expect(stale).toEqual([]);
  });

  it('puts each pair in exactly one set, an unsupported one with a reason', () => {
    for (const [b, k] of registered) {
      const s = supportOf(b, k)!;
      expect(['implemented', 'unsupported'], `${b} ${k}`).toContain(s.set);
      if (s.set === 'unsupported') {
        expect(s.reason.trim(), `${b} ${k}`).not.toBe('');
        expect('tests' in s, `${b} ${k}`).toBe(false);
      } else expect('reason' in s, `${b} ${k}`).toBe(false);
    }
  });

  it('names, for each implemented pair, test files that exist and use the keyword', () => {
    const bad: string[] = [];
    for (const [b, k] of registered) {
      const s = supportOf(b, k)!;
      if (s.set !== 'implemented') continue;
      if (s.tests.length === 0) bad.push(`${b} ${k}: no test`);
      for (const f of s.tests) {
        if (!/^test\/.+\.test\.ts$/.test(f) || !existsSync(f)) bad.push(`${b} ${k}: ${f} is not a test file`);
        else if (!mentions(read(f), k)) bad.push(`${b} ${k}: ${f} does not use '${k}'`);
      }
    }
    expect(bad).toEqual([]);
  });
});

describe('KAD_WARN_UNSUPPORTED', () => {
  it('warns at each use of an unsupported keyword, with file:line, and leaves the exit code 0', () => {
    const r = parseText(`global_defs {\n enable_snmp_vrrp\n router_id r1\n}\n${VI} debug 2\n track_src_ip\n}\n`);
    expect(r.exitCode).toBe(0);
    const w = r.diagnostics.filter((d) => d.code === 'KAD_WARN_UNSUPPORTED');
    expect(w.map((d) => [d.line, d.severity, d.message])).toEqual([
      [2, 'warning', 'enable_snmp_vrrp is not supported by kad and is ignored'],
      [12, 'warning', 'debug is not supported by kad and is ignored'],
      [13, 'warning', 'track_src_ip is not supported by kad and is ignored'],
    ]);
    expect(w[0]!.file).toBe('/etc/kad/main.conf');
  });

  it('says nothing about implemented keywords', () => {
    const r = parseText(`global_defs {\n router_id r1\n vrrp_garp_master_repeat 2\n}\n${VI} advert_int 2\n}\n`);
    expect(r.diagnostics).toEqual([]);
  });

  it('checks keywords by the block they are in', () => {
    // `weight` is implemented in real_server, unsupported in virtual_server.
    const r = parseText('virtual_server 10.0.0.1 80 {\n lb_algo rr\n lb_kind NAT\n protocol TCP\n weight 2\n real_server 10.0.0.2 80 {\n  weight 2\n }\n}\n');
    expect(r.diagnostics.filter((d) => d.code === 'KAD_WARN_UNSUPPORTED').map((d) => d.line)).toEqual([5]);
  });

  it('tells checker types apart: TLS keywords warn in HTTP_GET, not in SSL_GET', () => {
    const rs = (type: string) => parseText(`virtual_server 10.0.0.1 443 {\n lb_algo rr\n lb_kind NAT\n protocol TCP\n real_server 10.0.0.2 443 {\n  ${type} {\n   url {\n    path /\n   }\n   enable_sni\n  }\n }\n}\n`);
    expect(rs('HTTP_GET').diagnostics.filter((d) => d.code === 'KAD_WARN_UNSUPPORTED').map((d) => d.line)).toEqual([10]);
    expect(rs('SSL_GET').diagnostics).toEqual([]);
  });

  it('covers the option words of an address line', () => {
    const r = parseText(`${VI.replace('10.0.0.1/24', '10.0.0.1/24 dev eth0 preferred_lft 0 home no_track autojoin')}}\n`);
    expect(r.diagnostics.filter((d) => d.code === 'KAD_WARN_UNSUPPORTED').map((d) => [d.line, d.col, d.message])).toEqual([
      [6, 39, 'home is not supported by kad and is ignored'], [6, 53, 'autojoin is not supported by kad and is ignored'],
    ]);
  });

  it('covers the SMTP_CHECK host block', () => {
    const r = parseText('virtual_server 10.0.0.1 25 {\n lb_algo rr\n lb_kind NAT\n protocol TCP\n real_server 10.0.0.2 25 {\n  SMTP_CHECK {\n   host {\n    connect_ip 10.0.0.3\n    bind_port 2000\n   }\n  }\n }\n}\n');
    expect(r.diagnostics.filter((d) => d.code === 'KAD_WARN_UNSUPPORTED').map((d) => [d.line, d.message])).toEqual([[9, 'bind_port is not supported by kad and is ignored']]);
  });
});

describe('docs/configuration.md', () => {
  it('carries the generated keyword section as the table renders it (npm run docs)', () => {
    const doc = readFileSync('docs/configuration.md', 'utf8');
    const start = doc.indexOf(DOC_BEGIN);
    const end = doc.indexOf(DOC_END);
    expect(start, 'markers missing').toBeGreaterThanOrEqual(0);
    expect(doc.slice(start, end + DOC_END.length) + '\n').toBe(renderKeywordSection());
  });
});
