import { describe, expect, it } from 'vitest';
import { parseCli } from '../../../src/cli/options.js';
import { runKad } from '../../helpers/run-kad.js';

describe('command line', () => {
  it('accepts the keepalived flags operators use', () => {
    const o = parseCli(['-n', '-l', '-D', '-f', '/x.conf', '-p', '/p', '-r', '/r', '-c', '/c', '-P', '-R', '-V', '-I', '-i', 'lb1', '-e', '-S', '3', '-G']);
    expect(o).toMatchObject({
      dontFork: true, logConsole: true, logDetail: true, useFile: '/x.conf', pid: '/p',
      vrrpPid: '/r', checkersPid: '/c', vrrpOnly: true, dontRespawn: true, dontReleaseVrrp: true,
      dontReleaseIpvs: true, configId: 'lb1', allConfig: true, logFacility: '3', noSyslog: true,
    });
  });

  it('takes -t with and without a file', () => {
    expect(parseCli(['-t']).configTest).toBe(true);
    expect(parseCli(['--config-test=/tmp/out']).configTest).toBe('/tmp/out');
    expect(parseCli(['-t', '-f', 'a.conf'])).toMatchObject({ configTest: true, useFile: 'a.conf' });
  });

  it('defaults pid files to /run/kad*.pid', () => {
    expect(parseCli([])).toMatchObject({ pid: '/run/kad.pid', vrrpPid: '/run/kad_vrrp.pid', checkersPid: '/run/kad_checkers.pid' });
  });

  it('records which pid files were given (the others follow instance, the namespace and use_pid_dir)', () => {
    expect(parseCli([]).explicitPidFiles).toEqual([]);
    expect(parseCli(['-r', '/r', '--checkers_pid', '/c']).explicitPidFiles).toEqual(['vrrpPid', 'checkersPid']);
    expect(parseCli(['-p', '/run/kad.pid']).explicitPidFiles).toEqual(['pid']);
  });

  it('serves the status socket by default and metrics only when asked', () => {
    expect(parseCli([])).toMatchObject({ statusSocket: '/run/kad/status.sock', metrics: undefined });
    expect(parseCli(['--metrics=127.0.0.1:9650', '--status-socket', '/run/x.sock'])).toMatchObject({ metrics: '127.0.0.1:9650', statusSocket: '/run/x.sock' });
    expect(parseCli(['--no-status-socket']).statusSocket).toBeUndefined();
  });

  it('prints keepalived signal numbers with --signum', async () => {
    const want: Record<string, string> = { STOP: '15', RELOAD: '1', DATA: '10', STATS: '12', STATS_CLEAR: '63', JSON: '36' };
    for (const [name, num] of Object.entries(want)) {
      const r = await runKad([`--signum=${name}`]);
      expect(r.code).toBe(0);
      expect(r.stdout.trim()).toBe(num);
    }
    const bad = await runKad(['--signum=NOPE']);
    expect(bad.code).toBe(1);
  });

  it('prints help and version, and rejects an unknown flag without a stack trace', async () => {
    const h = await runKad(['--help']);
    expect(h.code).toBe(0);
    expect(h.stdout).toContain('--config-test');
    const v = await runKad(['-v']);
    expect(v.code).toBe(0);
    expect(v.stdout).toMatch(/^kad v\d+\.\d+\.\d+/);
    const bad = await runKad(['--no-such-flag']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('unknown option');
    expect(bad.stderr).not.toMatch(/\bat .*\.js:\d+/);
  });
});
