// Where a live kad writes its dump and pid files when the configuration says so, laid out as
// keepalived 2.2.7 lays out its own (measured: /run/keepalived/NS/keepalived_NAME.pid,
// /tmp/keepalived.NS_NAME.data). kad runs in a director namespace without -p/-r/-c:
// - `net_namespace NS` and `instance NAME` (top level) give /run/keepalived/NS/kad_NAME.pid,
//   kad_vrrp_NAME.pid, kad_checkers_NAME.pid; with use_pid_dir, -s and an explicit -p, the -p file
//   is kept and -s places the rest; a reload naming another instance is refused;
// - state_dump_file / state_file_location (a directory, then a file), stats_file_location (the
//   field stats_dump_file also sets) and json_file_location / json_dump_file move the USR1, USR2
//   and JSON dumps; the parent's and the checker's .data follow the state file;
// - data_use_instance tags the .data files with `.NS_NAME`;
// - json_version 2 writes {"vrrp": [...], "track_process": [...]}, whose instances have the
//   same keys as keepalived 2.2.7's JSON dump (compared live) plus their track_process names.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Daemon, ensureBuilt, Lab, vrrpInstance, waitForHolder, waitUntil } from '../helpers/lab.js';
import { keepalivedUnavailableReason } from '../helpers/keepalived.js';
import { cleanupAll, netnsUnavailableReason } from '../helpers/netns.js';
import { requirement } from '../helpers/requirement.js';
import { PID_DIR } from '../../src/supervisor/file-names.js';

const why = requirement('supervisor-dump-locations', netnsUnavailableReason());
const kaWhy = why ?? requirement('supervisor-dump-locations (keepalived JSON)', keepalivedUnavailableReason());

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const VIP = '10.231.7.100';
const INST = `dl${process.pid}`;
const SIGJSON = 36; // SIGRTMIN+2 (kad --signum=JSON)

const VI = vrrpInstance({ name: 'VI_1', vrid: 57, priority: 100, vips: [`${VIP}/24`], lines: 'track_process {\n    tp_sleep\n  }' });
const TRACK = 'vrrp_track_process tp_sleep {\n  process sleep\n  quorum 1\n}\n';
const VS = 'virtual_server 10.231.8.1 80 {\n  lb_algo rr\n  lb_kind NAT\n  protocol TCP\n  real_server 10.231.8.2 80 {\n  }\n}\n';

type JsonV2 = { vrrp: { data: Record<string, unknown>; stats: Record<string, unknown> }[]; track_process?: Record<string, unknown>[] };

/** Start bin/kad.js in the lab's director with `args` (no pid flags unless given), dumps in the lab dir. */
function startKad(lab: Lab, name: string, conf: string, args: string[], env: NodeJS.ProcessEnv = {}): Daemon {
  const ns = lab.directors[0];
  if (!ns) throw new Error('no director');
  const file = lab.writeFile(name, conf);
  const proc = ns.spawn(process.execPath, [join(ROOT, 'bin/kad.js'), '-n', '-l', '-D', '--no-status-socket', '-f', file, ...args], {
    detached: true, env: { ...process.env, TMPDIR: lab.dir, ...env },
  });
  return new Daemon(name, proc, file);
}

/** Send `signal` to `d` and wait until every file in `paths` exists and is not empty. */
async function dumpTo(d: Daemon, signal: NodeJS.Signals | number, paths: readonly string[]): Promise<void> {
  spawnSync('kill', [typeof signal === 'number' ? `-${signal}` : `-${signal.replace('SIG', '')}`, String(d.pid)]);
  await waitUntil(() => paths.every((p) => existsSync(p) && readFileSync(p, 'utf8').length > 0), 5000, paths.join(', ')).catch((e: Error) => {
    throw new Error(`${e.message}\n${d.output.split('\n').slice(-10).join('\n')}`);
  });
}

const pidIn = (path: string): number => Number(readFileSync(path, 'utf8').trim());
const childrenOf = (pid: number): number[] => readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);

describe.skipIf(why !== undefined)('dump and pid file locations of a live kad', () => {
  let lab: Lab;
  let sleeper: ChildProcess;
  let ns: string;
  const dir = (...p: string[]): string => join(lab.dir, ...p);

  beforeAll(() => {
    ensureBuilt();
    lab = Lab.create({ directors: 1, segments: [{ ifName: 'eth0', ipv4Prefix: '10.231.7' }] });
    ns = lab.directors[0]?.name ?? '';
    for (const d of ['state', 'stats', 'json', 'b']) mkdirSync(dir(d));
    // The tracked process (pids are shared between network namespaces).
    sleeper = spawn('sleep', ['600'], { stdio: 'ignore' });
  });
  afterAll(() => {
    sleeper?.kill('SIGKILL');
    cleanupAll();
  });

  it('net_namespace + instance name the pid files; the three locations, data_use_instance and json_version 2 shape the dumps', async () => {
    const conf = `net_namespace ${ns}\ninstance ${INST}\nglobal_defs {\n  router_id dumploc\n  state_dump_file ${dir('state')}/\n` +
      `  stats_file_location ${dir('stats', 'counters.txt')}\n  json_file_location ${dir('json')}/\n  json_version 2\n  data_use_instance\n}\n` +
      `${TRACK}${VI}${VS}`;
    const kad = startKad(lab, 'a.conf', conf, [], { KAD_CHECK_DRY_RUN: '1' });
    const tag = `${ns}_${INST}`;
    const pidDir = join(PID_DIR, ns);
    const pids = { parent: join(pidDir, `kad_${INST}.pid`), vrrp: join(pidDir, `kad_vrrp_${INST}.pid`), check: join(pidDir, `kad_checkers_${INST}.pid`) };
    try {
      await waitForHolder(lab, VIP, 0, 15_000);
      await waitUntil(() => Object.values(pids).every((p) => existsSync(p)), 5000, 'pid files');
      expect(pidIn(pids.parent)).toBe(kad.pid);
      expect(childrenOf(kad.pid).sort()).toEqual([pidIn(pids.vrrp), pidIn(pids.check)].sort());

      const data = { vrrp: dir('state', `keepalived.${tag}.data`), parent: dir('state', `keepalived_parent.${tag}.data`), check: dir('state', `keepalived_check.${tag}.data`) };
      await dumpTo(kad, 'SIGUSR1', Object.values(data));
      expect(readFileSync(data.parent, 'utf8')).toMatch(/^------< Global definitions >------\n(.*\n)* Router ID = dumploc\n/);
      expect(readFileSync(data.vrrp, 'utf8')).toContain('------< VRRP Topology >------\n VRRP Instance = VI_1\n');
      expect(readFileSync(data.check, 'utf8')).toContain('10.231.8.2');

      const stats = dir('stats', 'counters.txt');
      await dumpTo(kad, 'SIGUSR2', [stats]);
      expect(readFileSync(stats, 'utf8')).toMatch(/^VRRP Instance: VI_1\n {2}Advertisements:\n/);

      const json = dir('json', 'keepalived.json');
      await dumpTo(kad, SIGJSON, [json]);
      const doc = JSON.parse(readFileSync(json, 'utf8')) as JsonV2;
      expect(Object.keys(doc)).toEqual(['vrrp', 'track_process']);
      expect(doc.vrrp.map((i) => [i.data.iname, i.data.state, i.data.track_process])).toEqual([['VI_1', 2, ['tp_sleep']]]);
      expect(doc.track_process?.[0]).toMatchObject({ process: 'sleep', param_match: 'none', min_processes: 1, have_quorum: true, weight: 0 });
      expect(doc.track_process?.[0]?.current_processes).toBeGreaterThanOrEqual(1);

      // Nothing went to the default places.
      expect(readdirSync(lab.dir).filter((f) => f.startsWith('keepalived'))).toEqual([]);
    } finally {
      await kad.stop();
    }
    expect(Object.values(pids).filter((p) => existsSync(p))).toEqual([]);
    expect(existsSync(pidDir)).toBe(false);
  }, 40_000);

  it('-s names the pid and dump files, an explicit -p wins, a state file takes the parent data beside it, json_version 1 is the bare array', async () => {
    const inst = `${INST}b`;
    const conf = `instance ${inst}\nuse_pid_dir\nglobal_defs {\n  router_id dumploc2\n  state_file_location ${dir('b', 'state.data')}\n` +
      `  json_dump_file ${dir('b', 'ka.json')}\n  data_use_instance yes\n}\n${VI.replace(/ {2}track_process \{\n {4}tp_sleep\n {2}\}\n/, '')}`;
    const given = dir('given.pid');
    const kad = startKad(lab, 'b.conf', conf, ['-P', '-s', ns, '-p', given]);
    const tag = `${ns}_${inst}`;
    const vrrpPid = join(PID_DIR, ns, `kad_vrrp_${inst}.pid`);
    try {
      await waitUntil(() => existsSync(given) && existsSync(vrrpPid), 10_000, 'pid files');
      expect(pidIn(given)).toBe(kad.pid);
      expect(existsSync(join(PID_DIR, ns, `kad_${inst}.pid`))).toBe(false);
      expect(childrenOf(kad.pid)).toEqual([pidIn(vrrpPid)]);

      const files = [dir('b', `state.${tag}.data`), dir('b', `state_parent.${tag}.data`)];
      await dumpTo(kad, 'SIGUSR1', files);
      expect(readFileSync(files[1] ?? '', 'utf8')).toContain(' Router ID = dumploc2\n');
      const json = dir('b', 'ka.json');
      await dumpTo(kad, SIGJSON, [json]);
      expect(Array.isArray(JSON.parse(readFileSync(json, 'utf8')))).toBe(true);

      // Another instance name is refused at a reload, as keepalived refuses it: the files keep their names.
      writeFileSync(kad.confFile, conf.replace(`instance ${inst}`, `instance ${inst}x`));
      kad.proc.kill('SIGHUP');
      await waitUntil(() => kad.output.includes('Cannot change instance name at a reload - please restart kad'), 5000, 'reload refused');
      for (const f of files) rmSync(f);
      await dumpTo(kad, 'SIGUSR1', files);
      expect(existsSync(vrrpPid)).toBe(true);
    } finally {
      await kad.stop();
    }
    expect(existsSync(given) || existsSync(vrrpPid)).toBe(false);
  }, 30_000);

  it.skipIf(kaWhy !== undefined)("json_version 2's instances have keepalived 2.2.7's JSON keys", async () => {
    const kaLab = Lab.create({ directors: 1, segments: [{ ifName: 'eth0', ipv4Prefix: '10.231.7' }] });
    const plain = vrrpInstance({ name: 'VI_1', vrid: 57, priority: 100, vips: [`${VIP}/24`] });
    const ka = kaLab.startKeepalived(0, `global_defs {\n  router_id dumploc\n}\n${plain}`);
    const kad = startKad(lab, 'c.conf', `global_defs {\n  router_id dumploc\n  json_version 2\n}\n${plain}`, ['-P', '-p', dir('c.pid'), '-r', dir('c_vrrp.pid')]);
    try {
      await Promise.all([waitForHolder(kaLab, VIP, 0, 15_000), waitForHolder(lab, VIP, 0, 15_000)]);
      await dumpTo(ka, SIGJSON, [join(kaLab.dir, 'keepalived.json')]);
      await dumpTo(kad, SIGJSON, [dir('keepalived.json')]);
      const theirs = JSON.parse(readFileSync(join(kaLab.dir, 'keepalived.json'), 'utf8')) as JsonV2['vrrp'];
      const mine = JSON.parse(readFileSync(dir('keepalived.json'), 'utf8')) as JsonV2;
      expect(Object.keys(mine)).toEqual(['vrrp']);
      const shape = (i: JsonV2['vrrp'][number]): string[][] => [Object.keys(i), Object.keys(i.data), Object.keys(i.stats)];
      expect(mine.vrrp.map(shape)).toEqual(theirs.map(shape));
    } finally {
      await Promise.all([ka.stop(), kad.stop()]);
    }
  }, 40_000);
});
