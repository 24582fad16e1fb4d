// Pid files and daemonising with the real binary (bin/kad.js → dist/): a live pid file refuses
// the start, a stale one is removed, the files are written atomically and removed on exit, and
// without -n the launcher returns 0 once the detached daemon has written its pid file.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, ensureBuilt, startParent, type ParentRun } from '../fixtures/processes/harness.js';
import { isProcessAlive } from '../../src/supervisor/pidfile.js';

const NO_CHILDREN = 'global_defs {\n  router_id pidtest\n}\n';
const kadBin = (): string[] => [`${ROOT}bin/kad.js`];

let run: ParentRun | undefined;
beforeAll(() => ensureBuilt(), 120_000);
afterEach(() => {
  run?.cleanup();
  run = undefined;
});

describe('pid files', () => {
  it('a live pid file refuses the start (exit 1, "daemon is already running")', async () => {
    // The file names a live process: this test's own.
    run = startParent({ config: NO_CHILDREN, command: kadBin, prepare: (f) => writeFileSync(f, `${process.pid}\n`) });
    const r = run;
    const done = await r.exited;
    expect(done.code).toBe(1);
    expect(r.output()).toContain('daemon is already running');
    expect(readFileSync(r.pidFile, 'utf8')).toBe(`${process.pid}\n`);
  });

  it('a stale pid file is removed; kad writes its own pid and removes it on exit', async () => {
    run = startParent({ config: NO_CHILDREN, command: kadBin, args: [] });
    const r = run;
    await r.waitFor(() => existsSync(r.pidFile) && readFileSync(r.pidFile, 'utf8') === `${r.proc.pid}\n`, 10_000, 'pid file');
    r.kill('SIGTERM');
    await r.exited;
    expect(existsSync(r.pidFile)).toBe(false);

    // A dead pid in the file: start again in the same directory.
    writeFileSync(r.pidFile, '999999\n');
    const again = startParent({ config: NO_CHILDREN, command: kadBin, args: ['-p', r.pidFile] });
    try {
      await again.waitFor(() => readFileSync(r.pidFile, 'utf8') === `${again.proc.pid}\n`, 10_000, 'own pid');
      expect(again.output()).toContain(`Remove a zombie pid file ${r.pidFile}`);
      again.kill('SIGTERM');
      expect((await again.exited).code).toBe(0);
      expect(existsSync(r.pidFile)).toBe(false);
    } finally {
      again.cleanup();
    }
  });

  it('-u sets the umask of the files kad creates; USR1 writes the parent data; -g writes readable lines to the log file', async () => {
    run = startParent({ config: NO_CHILDREN, command: kadBin, args: ['-u', '077', '-g', 'LOGFILE'] });
    const r = run;
    await r.waitFor(() => existsSync(r.pidFile), 10_000, 'pid file');
    expect(statSync(r.pidFile).mode & 0o777).toBe(0o600);
    // USR1: keepalived_parent.data in $TMPDIR with the configuration's global definitions.
    r.kill('SIGUSR1');
    const data = join(r.dir, 'keepalived_parent.data');
    await r.waitFor(() => existsSync(data), 5_000, 'parent data');
    expect(readFileSync(data, 'utf8').split('\n').slice(0, 4)).toEqual([
      '------< Global definitions >------', ' Network namespace = (default)', ' Network namespace ipvs = (main namespace)', ' Router ID = pidtest',
    ]);
    r.kill('SIGTERM');
    await r.exited;
    const log = readFileSync(join(r.dir, 'LOGFILE'), 'utf8');
    expect(log).toMatch(/^\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}: Starting kad v/m);
    expect(log).toMatch(/: Stopped kad v/);
  });

  it('without -n the launcher exits 0 once the detached daemon wrote its pid file', async () => {
    run = startParent({ config: NO_CHILDREN, command: kadBin });
    const r = run;
    r.kill('SIGTERM');
    await r.exited;
    const args = ['-G', '-f', r.config, '-p', r.pidFile, '-r', r.vrrpPid, '-c', r.checkersPid];
    const launcher = spawn(process.execPath, [...kadBin(), ...args], { stdio: 'ignore', env: { ...process.env, TMPDIR: r.dir } });
    const code = await new Promise<number | null>((resolve) => launcher.on('exit', (c) => resolve(c)));
    expect(code).toBe(0);
    const daemonPid = Number(readFileSync(r.pidFile, 'utf8'));
    try {
      expect(daemonPid).not.toBe(launcher.pid);
      expect(isProcessAlive(daemonPid)).toBe(true);
      process.kill(daemonPid, 'SIGTERM');
      await r.waitFor(() => !isProcessAlive(daemonPid), 5_000, 'daemon exit');
      expect(existsSync(r.pidFile)).toBe(false);
    } finally {
      if (isProcessAlive(daemonPid)) process.kill(daemonPid, 'SIGKILL');
    }
  });
});
