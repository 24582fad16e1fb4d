// The demo (`npm run demo`) in its short mode with --keep, as CI runs it: the whole scenario in
// user-mode Linux, its summary checked (requests spread to both real servers, failover measured
// on the wire within Master_Down_Interval plus slack, a stopped real server removed from IPVS
// and added back); then the kept lab answers a command through scripts/lab.sh, and SIGINT halts
// the guest and removes its directory.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Summary } from '../../scripts/demo/view.js';
import { masterDownIntervalMs } from '../../src/vrrp/protocol/timers.js';
import { PROJECT_DIR, ensureBuilt, umlUnavailableReason } from '../kernel/uml.js';
import { requirement } from '../helpers/requirement.js';

const skip = requirement('demo', umlUnavailableReason());

/** Processes whose command line names `text` (the guest's UML processes carry its umid). */
function processesNaming(text: string): number[] {
  return readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((p) => {
    try {
      return readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(text);
    } catch {
      return false;
    }
  }).map(Number);
}

describe.skipIf(skip !== undefined)('npm run demo (short, --keep)', () => {
  let demo: ChildProcess;
  let output = '';
  let summary: Summary;
  let lab = '';
  let started = 0;
  const exited = (): Promise<number | null> => new Promise((r) => (demo.exitCode !== null ? r(demo.exitCode) : demo.on('exit', (c) => r(c))));

  beforeAll(async () => {
    started = Date.now();
    // What scripts/demo.sh execs after its install step (which may run npm ci: not under a
    // running test), with the demo's flags.
    ensureBuilt();
    demo = spawn('node', ['--import', 'tsx', 'scripts/demo/host.ts', '--short', '--keep'], { cwd: PROJECT_DIR, stdio: ['ignore', 'pipe', 'pipe'] });
    demo.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    await new Promise<void>((resolve, reject) => {
      demo.stdout!.on('data', (d: Buffer) => {
        output += d.toString();
        const m = /^summary: (\{.*\})$/m.exec(output);
        const dir = /KAD_LAB=(\S+) /.exec(output);
        if (m && dir) {
          summary = JSON.parse(m[1]!) as Summary;
          lab = dir[1]!;
          resolve();
        }
      });
      demo.on('exit', (code) => reject(new Error(`demo exited (${code}) before its summary:\n${output}`)));
    });
    console.log(`demo: summary after ${Date.now() - started} ms\n${output.slice(output.indexOf('== summary'))}`);
  }, 300_000);

  afterAll(async () => {
    if (demo?.exitCode !== null) return;
    // SIGINT lets the demo halt its guest and remove its scratch directory; SIGKILL would leave
    // the kept guest (its own process group) running.
    demo.kill('SIGINT');
    await Promise.race([exited(), new Promise((r) => setTimeout(r, 20_000))]);
    if (demo.exitCode === null) demo.kill('SIGKILL');
    for (const pid of processesNaming(`umid=kad${demo.pid}x`)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone meanwhile
      }
    }
  }, 30_000);

  it('before the failover the client is served by both real servers, 2:1', () => {
    expect(summary.spreadBefore.RS1, output).toBeGreaterThan(0);
    expect(summary.spreadBefore.RS2, output).toBeGreaterThan(0);
    expect(summary.spreadBefore.RS1, output).toBeGreaterThanOrEqual(summary.spreadBefore.RS2!);
  });

  it('the master is killed: on the wire the backup advertises after Master_Down_Interval, and sends gratuitous ARP', () => {
    const mdi = Math.round(masterDownIntervalMs(90, 1000));
    const f = summary.failover;
    expect(f.masterDownIntervalMs).toBe(mdi);
    expect(f.advertGapMs, output).toBeDefined();
    // The backup's timer runs from the last advert it received; the slow guest adds some delay.
    expect(f.advertGapMs!, output).toBeGreaterThan(mdi - 300);
    expect(f.advertGapMs!, output).toBeLessThan(mdi + 1500);
    expect(f.killToAdvertMs!, output).toBeLessThan(mdi + 1500);
    expect(f.killToGarpMs, output).toBeDefined();
    // The VIPs reached the backup (the lab's wait gives up at 20 s) and the client is served through it.
    expect(f.killToVipMs, output).toBeLessThan(mdi + 3000);
    expect((f.spread.RS1 ?? 0) + (f.spread.RS2 ?? 0), output).toBeGreaterThan(0);
    expect(summary.restore.startToAdvertMs, output).toBeDefined();
    // The restored master took the VIPs back (the wait gives up at 90 s) and serves the client again.
    expect(summary.restore.startToVipMs, output).toBeLessThan(80_000);
    expect((summary.restore.spread.RS1 ?? 0) + (summary.restore.spread.RS2 ?? 0), output).toBeGreaterThan(0);
  });

  it('a stopped real server leaves the table, its traffic goes to the other; started again, it comes back', () => {
    const down = summary.realServerDown;
    const up = summary.realServerUp;
    // HTTP_GET: delay_loop 1, connect_timeout 1, retry 1 with delay_before_retry 1: seconds
    // (1.5 to 5.5 s seen in the slow guest on a loaded machine).
    expect(down.tableMs, output).toBeLessThan(15_000);
    expect(down.logMs, output).toBeDefined();
    expect(down.spread.RS1 ?? 0, output).toBe(0);
    expect(down.spread.RS2, output).toBeGreaterThan(0);
    expect(up.tableMs, output).toBeLessThan(15_000);
    expect(up.spread.RS1, output).toBeGreaterThan(0);
  });

  it('the kept lab runs commands in its namespaces (scripts/lab.sh); SIGINT halts the guest and removes its directory', async () => {
    const r = spawnSync('bash', ['scripts/lab.sh', 'kaddir1', 'ipvsadm', '-Ln'], { cwd: PROJECT_DIR, env: { ...process.env, KAD_LAB: lab }, encoding: 'utf8', timeout: 30_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/10\.10\.1\.100:80 wrr/);
    expect(r.stdout).toMatch(/-> 10\.10\.2\.11:80\s+Masq\s+2/);
    const fail = spawnSync('bash', ['scripts/lab.sh', 'kadcl', 'exit', '3'], { cwd: PROJECT_DIR, env: { ...process.env, KAD_LAB: lab }, encoding: 'utf8', timeout: 30_000 });
    expect(fail.status).toBe(3);
    const umid = `umid=kad${demo.pid}x`;
    expect(processesNaming(umid).length).toBeGreaterThan(0);
    demo.kill('SIGINT');
    expect(await exited()).toBe(130);
    expect(existsSync(lab)).toBe(false);
    expect(processesNaming(umid)).toEqual([]);
  }, 60_000);
});
