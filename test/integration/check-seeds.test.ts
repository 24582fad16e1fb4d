// The tutorials' real_server blocks (test/fixtures/seeds/), parsed by the real loader, run
// against real servers on loopback: each checker marks its server up while the server answers
// as the tutorial expects and down when it does not. Servers listen on loopback, so each real
// server is retargeted to 127.0.0.1:<test port>; a digest no page can be made to match is
// checked twice: as written (the served page must fail it) and with the page's own MD5 (up).
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/loader.js';
import type { Checker, HttpChecker, RealServer, VirtualServer } from '../../src/config/model.js';
import { SystemClock } from '../../src/core/clock.js';
import { defaultRunners } from '../../src/check/runners.js';
import { resolveTarget, type CheckEnv, type CheckResult } from '../../src/check/types.js';
import { makeCert, startHttp, startHttps, type Route } from '../fixtures/check/servers.js';

const SEEDS = fileURLToPath(new URL('../fixtures/seeds/', import.meta.url));
const files = readdirSync(SEEDS).filter((f) => f.endsWith('.conf')).map((f) => join(SEEDS, f));
const PAGE = 'seed page\n';
const PAGE_MD5 = createHash('md5').update(PAGE).digest('hex');
const clock = new SystemClock();

interface Case { file: string; vs: VirtualServer; rs: RealServer; checker: Checker }

function cases(): Case[] {
  const out: Case[] = [];
  for (const file of files) {
    const cfg = loadConfig(file, { interfaceExists: () => true }).config;
    if (!cfg) continue;
    for (const vs of cfg.virtualServers) {
      for (const rs of vs.realServers) for (const checker of rs.checkers) out.push({ file, vs, rs, checker });
    }
  }
  return out;
}

function withPage(c: HttpChecker): HttpChecker {
  return { ...c, urls: c.urls.map((u) => (u.digest !== undefined ? { ...u, digest: PAGE_MD5 } : u)) };
}

async function runAt(c: Case, checker: Checker, port: number): Promise<CheckResult> {
  const { connectIp: _ip, ...rest } = checker;
  const moved = { ...rest, connectPort: port } as Checker;
  const rs = { ...c.rs, address: '127.0.0.1', port };
  const env: CheckEnv = { clock, config: { trackFiles: [] } as unknown as CheckEnv['config'] };
  return defaultRunners[moved.type]!(moved, resolveTarget(moved, c.vs, rs), env);
}

describe('seed real_server blocks against real servers', () => {
  const all = cases();
  it('the seed glob matched files with HTTP_GET, SSL_GET and TCP_CHECK (connect_port) servers', () => {
    expect(files.length).toBeGreaterThan(0);
    expect(all.length).toBeGreaterThanOrEqual(17);
    const types = new Set(all.map((c) => c.checker.type));
    expect([...types].sort()).toEqual(expect.arrayContaining(['HTTP_GET', 'SSL_GET', 'TCP_CHECK']));
    expect(all.some((c) => c.checker.type === 'TCP_CHECK' && c.checker.connectPort === 80)).toBe(true);
    expect(all.some((c) => c.checker.type === 'HTTP_GET' && c.checker.urls.some((u) => u.statusCodes.length > 0))).toBe(true);
  });

  it('every checker: up while the server answers, down when it does not', async () => {
    const cert = makeCert('seed.test');
    for (const c of all) {
      const label = `${c.file.split('/').pop()} ${c.vs.name} ${c.rs.address}:${c.rs.port} ${c.checker.type}`;
      const paths = c.checker.type === 'HTTP_GET' || c.checker.type === 'SSL_GET' ? c.checker.urls.map((u) => u.path) : [];
      const ok = new Map<string, Route>(paths.map((p) => [p, { body: PAGE }]));
      const bad = new Map<string, Route>(paths.map((p) => [p, { status: 500, body: PAGE }]));
      const mk = (r: Map<string, Route>) => (c.checker.type === 'SSL_GET' ? startHttps(r, cert) : startHttp(r));
      const good = await mk(ok);
      const failing = await mk(bad);
      try {
        const fixed = c.checker.type === 'HTTP_GET' || c.checker.type === 'SSL_GET' ? withPage(c.checker) : c.checker;
        expect((await runAt(c, fixed, good.port)).ok, `${label} up`).toBe(true);
        if (fixed !== c.checker && c.checker.type !== 'TCP_CHECK' && (c.checker as HttpChecker).urls.some((u) => u.digest)) {
          expect(await runAt(c, c.checker, good.port), `${label} seed digest`).toMatchObject({ ok: false, reason: 'digest' });
        }
        if (c.checker.type !== 'TCP_CHECK') {
          expect(await runAt(c, fixed, failing.port), `${label} status 500`).toMatchObject({ ok: false, reason: 'status' });
        }
      } finally {
        await failing.close();
      }
      const port = good.port;
      await good.close();
      expect(await runAt(c, c.checker, port), `${label} stopped`).toMatchObject({ ok: false, reason: 'refused' });
    }
  });
});
