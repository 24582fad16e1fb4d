// MISC_CHECK with real scripts (argv, exit codes, misc_dynamic, misc_timeout killing the whole
// process group, user), FILE_CHECK on a real file, and PING_CHECK to a namespace address (root).
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SystemClock } from '../../src/core/clock.js';
import type { Checker, FileChecker, MiscChecker, PingChecker } from '../../src/config/model.js';
import { runFileCheck } from '../../src/check/file.js';
import { runMiscCheck } from '../../src/check/misc.js';
import { runPingCheck } from '../../src/check/ping.js';
import { ProcessScriptRunner } from '../../src/script/runner.js';
import { MemoryPort } from '../../src/check/memory-port.js';
import { Scheduler } from '../../src/check/scheduler.js';
import { memoryLogger } from '../../src/core/log.js';
import { resolveTarget, type CheckEnv } from '../../src/check/types.js';
import { common, config, rs, vs } from '../fixtures/check/model.js';
import { requirement } from '../helpers/requirement.js';

const isRoot = requirement('check-scripts (MISC_CHECK user, PING_CHECK)',
  process.getuid?.() === 0 ? undefined : 'not root (need root / CAP_NET_RAW)') === undefined;
const clock = new SystemClock();
const dir = mkdtempSync(join(tmpdir(), 'kad-misc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function script(name: string, body: string): string {
  const p = join(dir, name);
  writeFileSync(p, `#!/bin/sh\n${body}\n`);
  chmodSync(p, 0o755);
  return p;
}

function target(c: Checker, address = '127.0.0.1') {
  const r = rs(address, 80, [c], { weight: 5 });
  return resolveTarget(c, vs('127.0.0.9', 80, [r]), r);
}

const misc = (argv: string[], over: Partial<MiscChecker> = {}): MiscChecker => ({
  type: 'MISC_CHECK', ...common(), script: { text: argv.join(' '), argv }, miscTimeoutMs: 2000, dynamic: false, ...over,
});
const scripts = new ProcessScriptRunner({ clock, log: memoryLogger().log, policy: { enableScriptSecurity: false } });
const env = (cfg = config([])): CheckEnv => ({ clock, config: cfg, scripts });

/** Running (a zombie waiting for its reaper counts as gone). */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

describe('MISC_CHECK', () => {
  it('passes arguments and maps exit codes; misc_dynamic sets the weight', async () => {
    const p = script('argexit.sh', 'exit "$1"');
    expect(await runMiscCheck(misc([p, '0']), target(misc([])), env())).toEqual({ ok: true });
    expect(await runMiscCheck(misc([p, '1']), target(misc([])), env())).toMatchObject({ ok: false, reason: 'exit' });
    expect(await runMiscCheck(misc([p, '12'], { dynamic: true }), target(misc([])), env())).toEqual({ ok: true, weight: 10 });
    const quoted = script('quoted.sh', '[ "$1" = "a b" ] && exit 0; exit 1');
    expect(await runMiscCheck(misc([quoted, 'a b']), target(misc([])), env())).toEqual({ ok: true });
    expect(await runMiscCheck(misc([join(dir, 'missing')]), target(misc([])), env())).toMatchObject({ ok: false });
  });

  it('misc_timeout kills the script and everything it started', async () => {
    const pidFile = join(dir, 'grandchild.pid');
    const p = script('hang.sh', `sleep 30 & echo $! > ${pidFile}\nsleep 30`);
    const t0 = Date.now();
    const r = await runMiscCheck(misc([p], { miscTimeoutMs: 300 }), target(misc([])), env());
    expect(r).toMatchObject({ ok: false, reason: 'timeout' });
    expect(Date.now() - t0).toBeLessThan(2000);
    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    await new Promise((res) => setTimeout(res, 50));
    expect(alive(grandchild)).toBe(false);
    expect(scripts.live.size).toBe(0);
  });

  it('misc_dynamic: the script exit code sets the weight IPVS gets, through the scheduler', async () => {
    const wfile = join(dir, 'dyn-weight');
    writeFileSync(wfile, '7');
    const p = script('dyn.sh', `exit $(cat ${wfile})`);
    const c = misc([p], { dynamic: true, delayLoopMs: 100, warmupMs: 0, retry: 0 });
    const port = new MemoryPort();
    const sched = new Scheduler(config([vs('10.0.0.1', 80, [rs('10.0.0.2', 80, [c], { weight: 1 })])]), { clock, log: memoryLogger().log, port, scripts });
    const rows = (): Record<string, number> => port.rows('[10.0.0.1]:tcp:80');
    const until = async (want: Record<string, number>): Promise<void> => {
      for (let i = 0; i < 150 && JSON.stringify(rows()) !== JSON.stringify(want); i++) await new Promise((r) => setTimeout(r, 20));
    };
    sched.start();
    try {
      await until({ '10.0.0.2:80': 5 });
      expect(rows()).toEqual({ '10.0.0.2:80': 5 });
      writeFileSync(wfile, '1');
      await until({});
      expect(rows()).toEqual({});
      writeFileSync(wfile, '12');
      await until({ '10.0.0.2:80': 10 });
      expect(rows()).toEqual({ '10.0.0.2:80': 10 });
    } finally {
      sched.stop();
    }
  });

  it.skipIf(!isRoot)('runs the script as `user`', async () => {
    chmodSync(dir, 0o755);
    const p = script('whoami.sh', '[ "$(id -u)" = 65534 ] && exit 0; exit 1');
    expect(await runMiscCheck(misc([p], {}), target(misc([])), env())).toMatchObject({ ok: false });
    const asNobody = misc([p]);
    const spec = { ...asNobody, script: { ...asNobody.script, user: 'nobody' } };
    expect(await runMiscCheck(spec, target(misc([])), env())).toEqual({ ok: true });
  });
});

describe('FILE_CHECK', () => {
  it('reads the weight from the tracked file', async () => {
    const f = join(dir, 'weight');
    const cfg = config([], { trackFiles: [{ name: 'tf', file: f, weight: 0, weightReverse: false }] });
    const fc: FileChecker = { type: 'FILE_CHECK', ...common(), trackFile: 'tf', weight: 2, weightReverse: false };
    writeFileSync(f, '3\n');
    expect(await runFileCheck(fc, target(fc), env(cfg))).toEqual({ ok: true, weight: 11 });
    writeFileSync(f, '-4\n');
    expect(await runFileCheck(fc, target(fc), env(cfg))).toMatchObject({ ok: false });
    rmSync(f);
    expect(await runFileCheck(fc, target(fc), env(cfg))).toEqual({ ok: true, weight: 5 });
  });
});

describe('PING_CHECK', () => {
  const tag = `kp${process.pid % 100000}`;
  const ns = `${tag}ns`;
  let ready = false;
  beforeAll(() => {
    if (!isRoot) return;
    const sh = (cmd: string): void => void execFileSync('sh', ['-c', cmd], { stdio: 'ignore' });
    sh(`ip netns add ${ns}`);
    sh(`ip link add ${tag}a type veth peer name ${tag}b`);
    sh(`ip link set ${tag}b netns ${ns}`);
    sh(`ip addr add 198.18.77.1/30 dev ${tag}a && ip addr add fd00:77::1/64 dev ${tag}a nodad && ip link set ${tag}a up`);
    sh(`ip netns exec ${ns} sh -c 'ip addr add 198.18.77.2/30 dev ${tag}b && ip addr add fd00:77::2/64 dev ${tag}b nodad && ip link set ${tag}b up && ip link set lo up'`);
    ready = true;
  });
  it('namespace ready (or not root)', () => {
    expect(ready).toBe(isRoot);
  });
  afterAll(() => {
    if (!isRoot) return;
    // Also after a half-built setup: remove whatever exists.
    execFileSync('sh', ['-c', `ip link del ${tag}a 2>/dev/null; ip netns del ${ns} 2>/dev/null; true`], { stdio: 'ignore' });
  });

  it.skipIf(!isRoot)('is up while the namespace answers echo, down when its link is down', async () => {
    const c: PingChecker = { type: 'PING_CHECK', ...common({ connectTimeoutMs: 500 }) };
    expect(await runPingCheck(c, target(c, '198.18.77.2'), env())).toEqual({ ok: true });
    expect(await runPingCheck(c, target(c, 'fd00:77::2'), env())).toEqual({ ok: true });
    execFileSync('ip', ['netns', 'exec', ns, 'ip', 'link', 'set', `${tag}b`, 'down']);
    expect(await runPingCheck(c, target(c, '198.18.77.2'), env())).toMatchObject({ ok: false, reason: 'timeout' });
    expect(await runPingCheck(c, target(c, 'fd00:77::2'), env())).toMatchObject({ ok: false });
  });
});
