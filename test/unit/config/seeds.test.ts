// The tutorial configurations other subsystems test with parse into the model they describe.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/loader.js';
import { syncDaemonInstance, syncDaemonSpecs, syncRole } from '../../../src/ipvs/sync-daemon.js';
import { parseText, TEST_ENV } from './mem-io.js';

const DIR = 'test/fixtures/seeds';
const everyIf = { interfaceExists: () => true };
const load = (name: string) => loadConfig(`${DIR}/${name}`, everyIf);

describe('seed configurations', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.conf'));

  it('exist (the glob is not empty)', () => {
    expect(files.length).toBeGreaterThanOrEqual(16);
  });

  for (const f of files) {
    it(`${f} yields a deep-frozen, JSON-serialisable model`, () => {
      const r = load(f);
      expect(r.config).toBeDefined();
      expect(Object.isFrozen(r.config)).toBe(true);
      expect(Object.isFrozen(r.config!.vrrpInstances)).toBe(true);
      expect(JSON.parse(JSON.stringify(r.config))).toEqual(r.config);
    });
  }

  it('lvs-nat-master: two instances in a sync group, LVS-NAT with weighted HTTP_GET servers', () => {
    const c = load('lvs-nat-master.conf').config!;
    expect(c.global).toMatchObject({ routerId: 'master', vrrpMcastGroup4: '224.1.111.1', smtpServer: { host: '127.0.0.1', port: 25 } });
    expect(c.syncGroups).toMatchObject([{ name: 'VG1', members: ['VI_1', 'VI_GATEWAY'] }]);
    expect(c.vrrpInstances.map((v) => [v.name, v.interface, v.vrid, v.initialState, v.auth, v.vips[0]!.address, v.syncGroup])).toEqual([
      ['VI_1', 'ens33', 51, 'MASTER', { type: 'PASS', password: 'GU6hbFS4' }, '172.16.1.99', 'VG1'],
      ['VI_GATEWAY', 'ens37', 51, 'MASTER', { type: 'PASS', password: 'GU6hbFS4' }, '192.168.1.2', 'VG1'],
    ]);
    const vs = c.virtualServers[0]!;
    expect(vs).toMatchObject({ name: '[172.16.1.99]:tcp:80', scheduler: 'wrr', forwarding: { method: 'NAT' }, delayLoopMs: 1000 });
    expect(vs.sorryServer).toMatchObject({ address: '127.0.0.1', port: 80 });
    expect(vs.realServers.map((r) => [r.address, r.weight, r.checkers[0]!.type, r.checkers[0]!.retry])).toEqual([
      ['192.168.1.130', 2, 'HTTP_GET', 3], ['192.168.1.129', 1, 'HTTP_GET', 3],
    ]);
  });

  it('lvs-nat-backup differs from the master only in state and priority', () => {
    const m = load('lvs-nat-master.conf').config!;
    const b = load('lvs-nat-backup.conf').config!;
    expect(b.vrrpInstances.map((v) => [v.initialState, v.priority])).toEqual([['BACKUP', 90], ['BACKUP', 90]]);
    const text = (x: unknown): string => JSON.stringify(x).replaceAll('lvs-nat-backup', 'lvs-nat-master');
    expect(text(b.virtualServers)).toBe(text(m.virtualServers));
  });

  it('lvs-dr-master: VIP with dev and label, DR forwarding', () => {
    const c = load('lvs-dr-master.conf').config!;
    expect(c.vrrpInstances[0]!.vips[0]).toMatchObject({ address: '172.16.1.99', prefixLen: 32, dev: 'ens33', label: 'ens33:0' });
    expect(c.virtualServers[0]!.realServers.map((r) => r.forwarding.method)).toEqual(['DR', 'DR']);
  });

  it('lvs-dr-sync-group-master: lvs_sched/lvs_method, vrrp_script tracking and notify scripts', () => {
    const c = load('lvs-dr-sync-group-master.conf').config!;
    expect(c.vrrpScripts[0]).toMatchObject({ name: 'chk_haproxy', weight: 2, intervalMs: 1000, script: { argv: ['killall', '-0', 'haproxy'] } });
    // VI_1 is in sync group VG1 without sync_group_tracking_weight: keepalived 2.2.7 ignores the
    // weighted chk_haproxy there ("ignoring tracked script chk_haproxy with weights due to SYNC group").
    expect(c.vrrpInstances[0]!.trackScripts).toEqual([]);
    expect(c.vrrpInstances[1]!.notify.master!.argv).toEqual(['/etc/keepalived/notify.sh', 'master']);
    expect(c.vrrpInstances[0]!.auth).toEqual({ type: 'PASS', password: 'password' });
    expect(c.virtualServers[0]).toMatchObject({ scheduler: 'rr', forwarding: { method: 'DR' } });
  });

  it('vrrp-nopreempt-backup and vrrp-minimal-master: defaults where the tutorial left them out', () => {
    expect(load('vrrp-nopreempt-backup.conf').config!.vrrpInstances[0]).toMatchObject({ preempt: false, priority: 50, vrid: 111, auth: { type: 'none' } });
    expect(load('vrrp-minimal-master.conf').config!.vrrpInstances[0]).toMatchObject({ advertIntMs: 1000, vrid: 30, vips: [{ prefixLen: 24, label: 'eth0:30' }] });
  });

  it('vrrp-strict-accept-master: strict mode drops auth and accept with VRRPv2, as keepalived does', () => {
    const r = load('vrrp-strict-accept-master.conf');
    expect(r.config!.vrrpInstances[0]).toMatchObject({ strict: true, accept: false, auth: { type: 'none' }, initialState: 'BACKUP' });
    expect(r.exitCode).toBe(5);
  });

  it('lvs-nat-two-vip-master: two instances and TCP_CHECK real servers', () => {
    const c = load('lvs-nat-two-vip-master.conf').config!;
    expect(c.vrrpInstances.map((v) => v.vrid)).toEqual([51, 52]);
    expect(c.virtualServers[0]!.realServers[0]!.checkers[0]).toMatchObject({ type: 'TCP_CHECK', connectPort: 80, connectTimeoutMs: 3000, retry: 3 });
  });

  it('lvs-nat / lvs-dr: the misspelt lvs_sync_daemon_inteface runs no sync daemon; spelt right, VI_1 drives it', () => {
    for (const f of ['lvs-nat-master.conf', 'lvs-nat-backup.conf', 'lvs-dr-master.conf', 'lvs-dr-backup.conf']) {
      const verbatim = load(f);
      // keepalived 2.2.7 logs "Unknown keyword 'lvs_sync_daemon_inteface'" (seed 000, line 147).
      expect(verbatim.diagnostics.map((d) => d.code), f).toContain('KAD_ERR_CONFIG_UNKNOWN_KEYWORD');
      expect(syncDaemonSpecs(verbatim.config!, 'master'), f).toEqual([]);
      const text = readFileSync(`${DIR}/${f}`, 'utf8').replaceAll('lvs_sync_daemon_inteface', 'lvs_sync_daemon_interface');
      const fixed = parseText(text, {}, {}, { ...TEST_ENV, interfaceExists: () => true }).config!;
      // The first instance naming one wins (keepalived: "already specified as ens33 - ignoring").
      expect(syncDaemonInstance(fixed), f).toBe('VI_1');
      expect(syncDaemonSpecs(fixed, 'backup'), f).toEqual([{ state: 'backup', interface: 'ens33', syncId: 51, maxlen: 0, port: 0, ttl: 0 }]);
      expect(syncRole(fixed, new Map([['VI_1', 'MASTER']])), f).toBe('master');
    }
  });

  it("keepalived's sample keepalived.conf.vrrp.lvs_syncd: VI_1's lvs_sync_daemon_interface eth1, syncid 51", () => {
    const c = loadConfig('test/fixtures/config/keepalived-samples/keepalived.conf.vrrp.lvs_syncd', everyIf).config!;
    expect(syncDaemonSpecs(c, 'master')).toEqual([{ state: 'master', interface: 'eth1', syncId: 51, maxlen: 0, port: 0, ttl: 0 }]);
  });
});
