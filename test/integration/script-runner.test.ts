// The script runner with real processes and real users (root): who a script runs as (uid,
// primary gid, supplementary groups), what it refuses (unknown user or group, missing or
// non-executable program, an unsafe root script under enable_script_security), its fixed
// environment, and bad scripts (hanging, forking a daemon, writing megabytes, killed by a signal)
// leaving no process behind. The daemons end to end are in script-daemons.test.ts.
import { spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { procStat } from '../helpers/proc.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScriptSpec, VrrpScript } from '../../src/config/model.js';
import { SystemClock } from '../../src/core/clock.js';
import { memoryLogger } from '../../src/core/log.js';
import { ProcessScriptRunner, type ScriptPolicy } from '../../src/script/runner.js';
import { ScriptTracker } from '../../src/vrrp/runtime/track/script.js';
import { ensureBuilt, ROOT } from '../helpers/build.js';
import { waitUntil } from '../helpers/lab.js';
import { createTestUser, testUserUnavailableReason, type TestUser } from '../helpers/users.js';

const why = testUserUnavailableReason();
if (why) console.warn(`SKIPPED script-runner: ${why}`);

const clock = new SystemClock();
let u: TestUser;
let dir: string;
let out: string;

function script(name: string, body: string, mode = 0o755): string {
  const p = join(dir, name);
  writeFileSync(p, `#!/bin/sh\n${body}\n`);
  chmodSync(p, mode);
  return p;
}
const spec = (path: string, more: Partial<ScriptSpec> = {}): ScriptSpec => ({ text: path, argv: [path], ...more });
function runner(policy: Partial<ScriptPolicy> = {}): { r: ProcessScriptRunner; records: Record<string, unknown>[] } {
  const { log, records } = memoryLogger();
  return { r: new ProcessScriptRunner({ clock, log, policy: { enableScriptSecurity: false, ...policy } }), records };
}
/** `uid gid groups...` as the script wrote it. */
const idLine = (name: string): string => readFileSync(join(out, name), 'utf8').trim();

/** Shell that prints the script's process group (the group kad made for it). */
const PGID = "cut -d' ' -f5 /proc/$$/stat";

/** Processes whose process group is `pgid` (zombies count as gone). */
function groupMembers(pgid: number): number[] {
  const pids: number[] = [];
  for (const p of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const f = procStat(Number(p));
      if (Number(f[2]) === pgid && f[0] !== 'Z') pids.push(Number(p));
    } catch {
      // exited meanwhile
    }
  }
  return pids;
}

/** Live processes whose argv[0] is `name`. */
function withArgv0(name: string): number[] {
  const pids: number[] = [];
  for (const p of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      if (readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0')[0] === name) pids.push(Number(p));
    } catch {
      // exited meanwhile
    }
  }
  return pids;
}

describe.skipIf(why !== undefined)('script runner', () => {
  let idScript: string;
  beforeAll(() => {
    ensureBuilt();
    u = createTestUser();
    dir = mkdtempSync(join(tmpdir(), 'kad-scr-'));
    chmodSync(dir, 0o755);
    out = join(dir, 'out');
    mkdirSync(out);
    chmodSync(out, 0o1777);
    idScript = script('id.sh', `echo "$(id -u) $(id -g) $(id -G | tr ' ' '\\n' | sort -n | tr '\\n' ' ')" > ${out}/$1\necho "PATH=$PATH MARK=\${KAD_TEST_MARK:-none} HOME=$HOME" > ${out}/$1.env`);
  });
  afterAll(() => {
    u?.remove();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('script_user: uid, primary gid and supplementary groups of the user; a fixed environment', async () => {
    process.env.KAD_TEST_MARK = 'leak';
    const { r } = runner({ scriptUser: u.user });
    try {
      expect(await r.run(spec(idScript), { args: ['global'], what: 'test' })).toEqual({ kind: 'exit', code: 0 });
    } finally {
      delete process.env.KAD_TEST_MARK;
    }
    const groups = [u.gid, u.suppGid].sort((a, b) => a - b).join(' ');
    expect(idLine('global')).toBe(`${u.uid} ${u.gid} ${groups}`);
    expect(idLine('global.env')).toBe('PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin MARK=none HOME=/nonexistent');
  });

  it('`user X G` on the script wins over script_user: gid G, groups from initgroups(X, G)', async () => {
    const { r } = runner({ scriptUser: 'root' });
    expect(await r.run(spec(idScript, { user: u.user, group: u.alt }), { args: ['own'], what: 'test' })).toEqual({ kind: 'exit', code: 0 });
    const groups = [u.altGid, u.suppGid].sort((a, b) => a - b).join(' ');
    expect(idLine('own')).toBe(`${u.uid} ${u.altGid} ${groups}`);
    const { r: g } = runner({ scriptUser: u.user, scriptGroup: u.alt });
    await g.run(spec(idScript), { args: ['global-group'], what: 'test' });
    expect(idLine('global-group')).toBe(`${u.uid} ${u.altGid} ${groups}`);
  });

  it('an unknown user or group is refused, never run as root, and logged once', async () => {
    const { r, records } = runner();
    for (let i = 0; i < 3; i++) {
      expect(await r.run(spec(idScript, { user: `${u.user}x` }), { args: ['nouser'], what: 'vrrp_script x' })).toMatchObject({ kind: 'refused', reason: 'unknown-user' });
    }
    expect(await r.run(spec(idScript, { user: u.user, group: `${u.alt}x` }), { args: ['nogroup'], what: 'vrrp_script y' })).toMatchObject({ kind: 'refused', reason: 'unknown-group' });
    const { r: g } = runner({ scriptUser: `${u.user}x` });
    expect(await g.run(spec(idScript), { args: ['noglobal'], what: 'z' })).toMatchObject({ kind: 'refused', reason: 'unknown-user' });
    expect(existsSync(join(out, 'nouser')) || existsSync(join(out, 'nogroup')) || existsSync(join(out, 'noglobal'))).toBe(false);
    expect(records.filter((l) => l.code === 'KAD_WARN_SCRIPT_REFUSED' && l.what === 'vrrp_script x')).toHaveLength(1);
    expect(r.stats.refused).toBe(4);
  });

  it('enable_script_security refuses root scripts a non-root user can change; safe ones and user scripts run', async () => {
    const gw = script('group-writable.sh', 'exit 0', 0o775);
    chownSync(gw, 0, u.suppGid);
    const userDir = join(dir, 'userdir');
    mkdirSync(userDir);
    chownSync(userDir, u.uid, u.gid);
    const inUserDir = join(userDir, 'x.sh');
    writeFileSync(inUserDir, '#!/bin/sh\nexit 0\n');
    chmodSync(inUserDir, 0o755);
    const link = join(dir, 'link.sh');
    symlinkSync(inUserDir, link);
    const safe = script('safe.sh', 'exit 0');
    const { r, records } = runner({ enableScriptSecurity: true, scriptUser: 'root' });
    const gwr = await r.run(spec(gw), { what: 'gw' });
    expect(gwr).toMatchObject({ kind: 'refused', reason: 'insecure' });
    expect(gwr.kind === 'refused' && gwr.detail).toContain(`${gw} is writable by group ${u.suppGid}`);
    expect(await r.run(spec(inUserDir), { what: 'dir' })).toMatchObject({ kind: 'refused', reason: 'insecure', detail: expect.stringContaining(`owned by uid ${u.uid}`) as string });
    expect(await r.run(spec(link), { what: 'link' })).toMatchObject({ kind: 'refused', reason: 'insecure' });
    expect(await r.run(spec(safe), { what: 'safe' })).toEqual({ kind: 'exit', code: 0 });
    expect(await r.run(spec(inUserDir, { user: u.user }), { what: 'as user' })).toEqual({ kind: 'exit', code: 0 });
    expect(records.some((l) => l.code === 'KAD_WARN_SCRIPT_REFUSED' && String(l.msg).includes('runs as root but'))).toBe(true);

    const off = runner({ scriptUser: 'root' });
    expect(await off.r.run(spec(gw), { what: 'gw' })).toEqual({ kind: 'exit', code: 0 });
    await off.r.run(spec(gw), { what: 'gw' });
    expect(off.records.filter((l) => l.code === 'KAD_WARN_SCRIPT_UNSAFE')).toHaveLength(1);
  });

  it('bad scripts: missing, not executable, hanging, daemonising, chatty, signalled; nothing is left behind', async () => {
    const { r } = runner({ scriptUser: u.user });
    const pidFile = (n: string): string => join(out, `${n}.pid`);
    const rec = (n: string): string => `${PGID} > ${pidFile(n)}`;
    const missing = await r.run(spec(join(dir, 'missing.sh')), { what: 'missing' });
    expect(missing).toMatchObject({ kind: 'refused', reason: 'not-found' });
    expect(await r.run(spec(script('noexec.sh', 'exit 0', 0o644)), { what: 'noexec' })).toMatchObject({ kind: 'refused', reason: 'not-executable' });

    const t0 = performance.now();
    const hang = await r.run(spec(script('hang.sh', `${rec('hang')}\nsleep 300 &\nsleep 300`)), { timeoutMs: 200, what: 'hang' });
    expect(hang).toEqual({ kind: 'timeout' });
    expect(performance.now() - t0).toBeLessThan(1500);

    const term = await r.run(spec(script('noterm.sh', `${rec('noterm')}\ntrap '' TERM\nwhile :; do sleep 0.05; done`)), { timeoutMs: 100, what: 'noterm' });
    expect(term).toEqual({ kind: 'timeout' });

    expect(await r.run(spec(script('daemon.sh', `${rec('daemon')}\nsleep 300 >/dev/null 2>&1 &\nexit 0`)), { what: 'daemon' })).toEqual({ kind: 'exit', code: 0 });
    // A daemon in a session of its own leaves the group: the helper, a child subreaper, kills it.
    const marker = `kad-setsid-${process.pid}`;
    const setsid = script('setsid.sh', `setsid -f bash -c 'exec -a ${marker} sleep 300' >/dev/null 2>&1 </dev/null\nsleep 0.2\nexit 0`);
    expect(await r.run(spec(setsid), { what: 'setsid' })).toEqual({ kind: 'exit', code: 0 });

    const t1 = performance.now();
    expect(await r.run(spec(script('chatty.sh', `${rec('chatty')}\nhead -c 50000000 /dev/zero\nhead -c 5000000 /dev/zero >&2`)), { timeoutMs: 10_000, what: 'chatty' })).toEqual({ kind: 'exit', code: 0 });
    const chattyMs = performance.now() - t1;
    expect(chattyMs).toBeLessThan(5000);

    expect(await r.run(spec(script('segv.sh', `${rec('segv')}\nkill -SEGV $$`)), { what: 'segv' })).toEqual({ kind: 'signal', signal: 'SIGSEGV' });

    await new Promise((res) => setTimeout(res, 100));
    for (const n of ['hang', 'noterm', 'daemon', 'chatty', 'segv']) {
      const pgid = Number(readFileSync(pidFile(n), 'utf8'));
      expect(groupMembers(pgid), `${n} left processes in group ${pgid}`).toEqual([]);
    }
    expect(withArgv0(marker), 'the setsid daemon outlived its script').toEqual([]);
    expect(r.live.size).toBe(0);
    expect(r.stats).toMatchObject({ refused: 2, timedOut: 2 });
    console.log(`script-runner: 55 MB of output drained in ${chattyMs.toFixed(0)} ms`);
  });

  it('a script does not outlive the process that started it, as root or as a user', async () => {
    for (const who of ['root', u.user]) {
      const pidFile = join(out, `orphan-${who}.pid`);
      const hang = script(`orphan-${who}.sh`, `${PGID} > ${pidFile}\nsleep 300`);
      const fixture = join(ROOT, 'test/fixtures/processes/run-script.mjs');
      const parent = spawn(process.execPath, [fixture, hang, who], { stdio: 'ignore' });
      await waitUntil(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() !== '', 5000, `${who} script started`);
      const pgid = Number(readFileSync(pidFile, 'utf8'));
      expect(groupMembers(pgid).length).toBeGreaterThanOrEqual(2);
      parent.kill('SIGKILL');
      await waitUntil(() => groupMembers(pgid).length === 0, 3000, `${who} script group ${pgid} gone`);
    }
  });

  it('the vrrp_script tracker runs at most one instance of a script at a time', async () => {
    const lock = join(out, 'lock');
    const log = join(out, 'overlap.log');
    const slow = script('slow.sh', `mkdir ${lock} 2>/dev/null || echo overlap >> ${log}\necho run >> ${log}\nsleep 0.3\nrmdir ${lock}`);
    const vs: VrrpScript = { name: 'slow', script: spec(slow), intervalMs: 50, timeoutMs: 5000, weight: 0, weightReverse: false, rise: 1, fall: 1, initFail: false };
    const { r } = runner();
    const t = new ScriptTracker(vs, clock, r, memoryLogger().log);
    t.start();
    await new Promise((res) => setTimeout(res, 1300));
    t.stop();
    await new Promise((res) => setTimeout(res, 400));
    const lines = readFileSync(log, 'utf8').split('\n').filter(Boolean);
    expect(lines.filter((l) => l === 'run').length).toBeGreaterThanOrEqual(3);
    expect(lines).not.toContain('overlap');
  });
});
