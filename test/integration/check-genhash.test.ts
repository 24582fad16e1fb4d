// genhash: the digest printed equals md5sum of the served body, over HTTP and HTTPS, and the
// verbose output matches keepalived's genhash line for line (when Debian's genhash is installed).
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseGenhashArgs, runGenhash } from '../../src/cli/genhash.js';
import { freePort, makeCert, startHttp, startHttps, type Route } from '../fixtures/check/servers.js';
import { requirement } from '../helpers/requirement.js';

const BODY = Buffer.from('<html>kad genhash test ' + 'x'.repeat(3000) + '</html>\n');
const routes = new Map<string, Route>([['/page.html', { body: BODY }], ['/chunked', { body: BODY, chunked: true }]]);
const hasGenhash = requirement('check-genhash (comparison with keepalived genhash)',
  existsSync('/usr/bin/genhash') ? undefined : '/usr/bin/genhash missing (Debian package keepalived)') === undefined;

function md5sum(body: Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), 'kad-md5-'));
  try {
    writeFileSync(join(dir, 'b'), body);
    return execFileSync('md5sum', [join(dir, 'b')], { encoding: 'utf8' }).split(' ')[0]!;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function capture(argv: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += chunk.toString();
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    return { code: await runGenhash(argv), out };
  } finally {
    spy.mockRestore();
    err.mockRestore();
  }
}

describe('genhash', () => {
  let http: Awaited<ReturnType<typeof startHttp>>;
  beforeAll(async () => {
    http = await startHttp(routes);
  });
  afterAll(() => http.close());

  it('prints md5sum of the body (plain and chunked)', async () => {
    const want = md5sum(BODY);
    for (const path of ['/page.html', '/chunked']) {
      const r = await capture(['-s', '127.0.0.1', '-p', String(http.port), '-u', path]);
      expect(r).toEqual({ code: 0, out: `${want}\n` });
    }
    const long = await capture(['--server', '127.0.0.1', `--port=${http.port}`, '--url', '/page.html', '-P', '1.1']);
    expect(long.out).toBe(`${want}\n`);
  });

  it('over TLS with -S, with SNI from -V when -I is given', async () => {
    const tls = await startHttps(routes, makeCert('genhash.test'));
    try {
      const r = await capture(['-S', '-I', '-V', 'genhash.test', '-s', '127.0.0.1', '-p', String(tls.port), '-u', '/page.html']);
      expect(r.out).toBe(`${md5sum(BODY)}\n`);
      expect(tls.sni).toEqual(['genhash.test']);
    } finally {
      await tls.close();
    }
  });

  it('reports a refused connection like genhash, and rejects bad options', async () => {
    const port = await freePort();
    expect(await capture(['-s', '127.0.0.1', '-p', String(port), '-u', '/'])).toEqual({ code: 0, out: 'Connection failed\n' });
    expect((await capture(['-s', '127.0.0.1'])).code).toBe(1);
    expect(parseGenhashArgs(['-p', 'x'])).toBe("invalid port 'x'");
    expect(parseGenhashArgs(['-q'])).toBe("invalid option -- 'q'");
    expect(parseGenhashArgs(['--bogus'])).toBe("unrecognized option '--bogus'");
  });

  it.skipIf(!hasGenhash)('verbose output matches keepalived genhash (times and dates aside)', async () => {
    const args = ['-v', '-s', '127.0.0.1', '-p', String(http.port), '-u', '/page.html'];
    const norm = (s: string): string => s.replace(/= \d+ usecs/, '= N usecs').replace(/Date: [^\r\n]*/, 'Date: D')
      .replace(/^(\d{4} {2}.*)$/gm, (l) => (l.includes('44 61 74 65') ? '' : l));
    // Asynchronous: the server under test lives in this process.
    const theirs = (await promisify(execFile)('/usr/bin/genhash', args, { encoding: 'latin1' })).stdout;
    const ours = (await capture(args)).out;
    expect(norm(ours).split('HTML Buffer')[1]).toBe(norm(theirs).split('HTML Buffer')[1]);
    expect(ours.split('\n').length).toBe(theirs.split('\n').length);
  });
});
