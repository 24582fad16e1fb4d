// Where dump and pid files go (src/supervisor/file-names.ts): keepalived's names in the dump
// directory, moved by state_dump_file / state_file_location, stats_dump_file /
// stats_file_location and json_dump_file / json_file_location (one model field per pair; a
// trailing '/' is a directory), the parent's and checker's .data beside the state file,
// data_use_instance's ".NAMESPACE_INSTANCE" tag on the .data files, and pid files named after
// `instance` in /run/keepalived, in /run/keepalived/NAMESPACE with a namespace (use_pid_dir alone:
// the default names there), as keepalived 2.2.7 lays them out.
import { describe, expect, it } from 'vitest';
import { beforeExtension } from '../../../src/core/file-name.js';
import { dumpFilePath, pidFilePaths, type DumpFile, type NamingInput } from '../../../src/supervisor/file-names.js';
import { DEFAULT_CHECKERS_PID_FILE, DEFAULT_PID_FILE, DEFAULT_VRRP_PID_FILE } from '../../../src/core/options.js';

const ALL: DumpFile[] = ['parentData', 'vrrpData', 'checkData', 'stats', 'json'];
const paths = (n: NamingInput, tmp = '/tmp'): string[] => ALL.map((f) => dumpFilePath(f, n, tmp));
const DEFAULTS = { pid: DEFAULT_PID_FILE, vrrpPid: DEFAULT_VRRP_PID_FILE, checkersPid: DEFAULT_CHECKERS_PID_FILE };

describe('beforeExtension', () => {
  it('inserts before the last dot of the file name, never of a directory', () => {
    expect(beforeExtension('/tmp/keepalived.data', '_parent')).toBe('/tmp/keepalived_parent.data');
    expect(beforeExtension('/var/lib/ka.d/state', '_check')).toBe('/var/lib/ka.d/state_check');
    expect(beforeExtension('/a/b.tar.gz', '.x')).toBe('/a/b.tar.x.gz');
    expect(beforeExtension('/a/.hidden', '_p')).toBe('/a/.hidden_p');
  });
});

describe('dump file paths', () => {
  it('without settings: keepalived names in the dump directory', () => {
    expect(paths({})).toEqual(['/tmp/keepalived_parent.data', '/tmp/keepalived.data', '/tmp/keepalived_check.data', '/tmp/keepalived.stats', '/tmp/keepalived.json']);
    expect(dumpFilePath('json', {}, '/run/user/0')).toBe('/run/user/0/keepalived.json');
  });

  it('a location ending in / is a directory with the default names, for all three keywords', () => {
    const global = { stateDumpFile: '/var/ka/', statsDumpFile: '/var/st/', jsonDumpFile: '/var/js/' };
    expect(paths({ global })).toEqual(['/var/ka/keepalived_parent.data', '/var/ka/keepalived.data', '/var/ka/keepalived_check.data', '/var/st/keepalived.stats', '/var/js/keepalived.json']);
  });

  it('a file location is used as it is; parent and checker data go beside the state file', () => {
    const global = { stateDumpFile: '/var/ka/state.txt', statsDumpFile: '/var/st/counters', jsonDumpFile: '/srv/ka.json' };
    expect(paths({ global })).toEqual(['/var/ka/state_parent.txt', '/var/ka/state.txt', '/var/ka/state_check.txt', '/var/st/counters', '/srv/ka.json']);
  });

  it('data_use_instance tags the .data files with the namespace and the instance, not stats and JSON', () => {
    const global = { dataUseInstance: true, instanceName: 'red', netNamespace: 'blue' };
    expect(paths({ global })).toEqual(['/tmp/keepalived_parent.blue_red.data', '/tmp/keepalived.blue_red.data', '/tmp/keepalived_check.blue_red.data', '/tmp/keepalived.stats', '/tmp/keepalived.json']);
    expect(dumpFilePath('vrrpData', { global: { dataUseInstance: true, instanceName: 'red' } }, '/tmp')).toBe('/tmp/keepalived.red.data');
  });

  it('-s overrides net_namespace in the tag; a namespace alone tags too', () => {
    const global = { dataUseInstance: true, netNamespace: 'blue' };
    expect(dumpFilePath('vrrpData', { global }, '/tmp')).toBe('/tmp/keepalived.blue.data');
    expect(dumpFilePath('vrrpData', { global, namespace: 'green' }, '/tmp')).toBe('/tmp/keepalived.green.data');
  });

  it('no tag without data_use_instance, and nothing to tag leaves the names alone', () => {
    expect(dumpFilePath('vrrpData', { global: { instanceName: 'red', netNamespace: 'blue' } }, '/tmp')).toBe('/tmp/keepalived.data');
    expect(dumpFilePath('checkData', { global: { dataUseInstance: true } }, '/tmp')).toBe('/tmp/keepalived_check.data');
  });

  it('the tag follows a configured location', () => {
    const global = { dataUseInstance: true, instanceName: 'red', stateDumpFile: '/var/ka/state.data', jsonDumpFile: '/srv/' };
    expect(dumpFilePath('parentData', { global }, '/tmp')).toBe('/var/ka/state_parent.red.data');
    expect(dumpFilePath('vrrpData', { global: { ...global, stateDumpFile: '/var/ka/' } }, '/tmp')).toBe('/var/ka/keepalived.red.data');
    expect(dumpFilePath('json', { global }, '/tmp')).toBe('/srv/keepalived.json');
  });
});

describe('pid file paths', () => {
  it('nothing configured: the -p/-r/-c values (or their defaults) unchanged, no directory', () => {
    expect(pidFilePaths({}, DEFAULTS, [])).toEqual({ ...DEFAULTS, dirs: [] });
    expect(pidFilePaths({ global: { dataUseInstance: true } }, DEFAULTS, [])).toEqual({ ...DEFAULTS, dirs: [] });
  });

  it('use_pid_dir: the default names in /run/keepalived', () => {
    expect(pidFilePaths({ global: { usePidDir: true } }, DEFAULTS, [])).toEqual({
      pid: '/run/keepalived/kad.pid', vrrpPid: '/run/keepalived/kad_vrrp.pid', checkersPid: '/run/keepalived/kad_checkers.pid', dirs: ['/run/keepalived'],
    });
  });

  it('instance goes into the names, a namespace into the directory; both imply the pid directory', () => {
    expect(pidFilePaths({ global: { instanceName: 'red' } }, DEFAULTS, [])).toEqual({
      pid: '/run/keepalived/kad_red.pid', vrrpPid: '/run/keepalived/kad_vrrp_red.pid', checkersPid: '/run/keepalived/kad_checkers_red.pid', dirs: ['/run/keepalived'],
    });
    expect(pidFilePaths({ global: { instanceName: 'red', netNamespace: 'blue' } }, DEFAULTS, [])).toEqual({
      pid: '/run/keepalived/blue/kad_red.pid', vrrpPid: '/run/keepalived/blue/kad_vrrp_red.pid', checkersPid: '/run/keepalived/blue/kad_checkers_red.pid',
      dirs: ['/run/keepalived', '/run/keepalived/blue'],
    });
    expect(pidFilePaths({ namespace: 'green' }, DEFAULTS, [])).toMatchObject({ pid: '/run/keepalived/green/kad.pid' });
    expect(pidFilePaths({ global: { netNamespace: 'blue' }, namespace: 'green' }, DEFAULTS, [])).toMatchObject({ vrrpPid: '/run/keepalived/green/kad_vrrp.pid' });
  });

  it('an explicit -p/-r/-c wins', () => {
    const given = { ...DEFAULTS, pid: '/srv/p.pid' };
    const r = pidFilePaths({ global: { instanceName: 'red' } }, given, ['pid']);
    expect(r).toEqual({ pid: '/srv/p.pid', vrrpPid: '/run/keepalived/kad_vrrp_red.pid', checkersPid: '/run/keepalived/kad_checkers_red.pid', dirs: ['/run/keepalived'] });
    expect(pidFilePaths({ global: { instanceName: 'red' } }, given, ['pid', 'vrrpPid', 'checkersPid'])).toEqual({ ...given, dirs: [] });
  });
});
