// Guest program: the seed's LVS-NAT director pair, VRRP half and IPVS half together, on a real
// kernel. Two kad daemons (VRRP and checker children each) run the seed's master and backup
// configurations in two director namespaces; VRRP puts the VIP (and the gateway VIP, same sync
// group) on the master, whose checker has programmed its IPVS table; the client's requests are
// split 2:1. Both directors run the IPVS connection-sync daemon on eth0 (the seed's
// `lvs_sync_daemon_interface` on the master, `lvs_sync_daemon eth0 VI_1` on the backup): the
// master's checker is killed and respawned (it must learn that VI_1 is MASTER from the parent),
// then a keep-alive connection made through the master reaches the backup's table. A control
// connection made while the master's daemon is stopped does not. The master is stopped: the
// backup takes both VIPs, the synced connection keeps working through it, the control one is
// reset, and new requests are served from the backup's own table.
// Prints one JSON object; test/kernel/pair.test.ts asserts on it.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';

const [project, scratch] = [process.argv[2]!, process.argv[3]!];
const guest = `${project}/test/kernel/guest`;
const sh = (cmd: string): string => execFileSync('/bin/sh', ['-c', cmd], { encoding: 'utf8' });
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const out: Record<string, unknown> = {};

/** A seed file re-addressed into the guest lab (see guest/e2e.ts for why each change). */
function seed(name: 'master' | 'backup'): string {
  return readFileSync(`${project}/test/fixtures/seeds/lvs-nat-${name}.conf`, 'utf8')
    .replace(/^\s*sorry_server .*$/m, '')
    .replaceAll('lvs_sync_daemon_inteface', 'lvs_sync_daemon_interface')
    .replaceAll('ens33', 'eth0')
    .replaceAll('ens37', 'eth1')
    .replaceAll('172.16.1.99', '10.10.1.100')
    .replaceAll('192.168.1.2\t', '10.10.2.2\t')
    .replaceAll('192.168.1.130', '10.10.2.11')
    .replaceAll('192.168.1.129', '10.10.2.12')
    .replaceAll('nb_get_retry 3', 'retry 1')
    .replaceAll('delay_before_retry 2', 'delay_before_retry 1')
    .replaceAll('connect_timeout 4', 'connect_timeout 1');
}

/** The backup's variant: the global `lvs_sync_daemon IFACE INSTANCE` instead of the legacy lines. */
function withGlobalSyncDaemon(conf: string): string {
  return conf
    .replace(/^\s*lvs_sync_daemon_interface .*$/gm, '')
    .replace('global_defs {', 'global_defs {\n   lvs_sync_daemon eth0 VI_1');
}

function httpServer(ns: string, name: string): ChildProcess {
  const dir = `${scratch}/www-${name}`;
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}/index.html`, `${name}\n`);
  // HTTP/1.1, so a client can hold one keep-alive connection across the failover.
  return spawn('ip', ['netns', 'exec', ns, 'python3', '-m', 'http.server', '80', '--bind', '0.0.0.0', '--protocol', 'HTTP/1.1', '--directory', dir], { stdio: 'ignore' });
}

function startKad(ns: string, conf: string): ChildProcess {
  const file = `${scratch}/${ns}.conf`;
  writeFileSync(file, conf);
  const logFd = openSync(`${scratch}/${ns}.log`, 'w');
  const p = (k: string): string => `${scratch}/${ns}-${k}.pid`;
  return spawn('ip', ['netns', 'exec', ns, '/usr/bin/node', `${project}/bin/kad.js`, '-n', '-l', '-D', '-f', file, '-p', p('kad'), '-r', p('vrrp'), '-c', p('chk')], {
    cwd: project, stdio: ['ignore', logFd, logFd], env: { ...process.env, TMPDIR: scratch },
  });
}

const has = (ns: string, addr: string): boolean => sh(`ip -n ${ns} -o addr show`).includes(` ${addr}/`);
const table = (ns: string): string => sh(`ip netns exec ${ns} ipvsadm -Ln`);
const daemons = (ns: string): string => sh(`ip netns exec ${ns} ipvsadm -L --daemon`);
const requests = (n: number): Record<string, number> =>
  JSON.parse(sh(`ip netns exec kadcl python3 ${guest}/http_count.py 10.10.1.100 80 ${n}`)) as Record<string, number>;
/** "STATE client virtual real" of each entry in the namespace's IPVS connection table. */
const conns = (ns: string): string[] => sh(`ip netns exec ${ns} ipvsadm -Lnc`).split('\n').slice(2)
  .filter((l) => l.trim() !== '').map((l) => l.trim().split(/\s+/).slice(2, 6).join(' '));
/** "client virtual real" of each ESTABLISHED entry. */
const established = (ns: string): string[] => conns(ns).filter((c) => c.startsWith('ESTABLISHED ')).map((c) => c.slice(12));
const syncRoles = (ns: string): string[] => [...readFileSync(`${scratch}/${ns}.log`, 'utf8').matchAll(/IPVS sync daemon: (\w+)/g)].map((m) => m[1]!);

async function until(pred: () => boolean, limitMs: number): Promise<number> {
  const t0 = Date.now();
  while (!pred() && Date.now() - t0 < limitMs) await sleep(50);
  return Date.now() - t0;
}

const both = (t: string): boolean => /10\.10\.2\.11:80\s+Masq\s+2/.test(t) && /10\.10\.2\.12:80\s+Masq\s+1/.test(t);

interface Held {
  /** Its entry ("client virtual real") in the master's connection table. */
  entry: string;
  /** Lets the client send its second request; resolves with what it printed. */
  finish(): Promise<unknown>;
}

/** A keep-alive client through the VIP: one GET now, the second when finished. */
async function hold(name: string): Promise<Held> {
  const [ready, go] = [`${scratch}/${name}-ready`, `${scratch}/${name}-go`];
  const before = new Set(established('kaddir1'));
  let printed = '';
  const client = spawn('ip', ['netns', 'exec', 'kadcl', 'python3', `${guest}/keepalive_client.py`, '10.10.1.100', '80', ready, go]);
  client.stdout.on('data', (d: Buffer) => (printed += d.toString()));
  const exited = new Promise((r) => client.on('exit', r));
  await until(() => existsSync(ready), 20_000);
  const entry = established('kaddir1').find((e) => e.startsWith('10.10.1.2:') && !before.has(e)) ?? 'none';
  return {
    entry,
    finish: async () => {
      // The client gives up waiting after 60 s; a second request sent before the failover would prove nothing.
      out[`${name}WaitingAtGo`] = client.exitCode === null;
      writeFileSync(go, '');
      await exited;
      return JSON.parse(printed || '{}') as unknown;
    },
  };
}

/** SIGKILL the master's checker; its successor must hear from the parent that VI_1 is MASTER. */
async function respawnChecker(): Promise<void> {
  const pidFile = `${scratch}/kaddir1-chk.pid`;
  const old = readFileSync(pidFile, 'utf8').trim();
  const masters = syncRoles('kaddir1').filter((r) => r === 'master').length;
  process.kill(Number(old), 'SIGKILL');
  const t0 = Date.now();
  await until(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() !== old && syncRoles('kaddir1').filter((r) => r === 'master').length > masters, 40_000);
  await until(() => /master sync daemon/.test(daemons('kaddir1')), 5_000);
  out.checkerRespawnMs = Date.now() - t0;
  out.daemonsDir1Respawned = daemons('kaddir1');
  out.syncRolesDir1 = syncRoles('kaddir1');
}

async function start(): Promise<ChildProcess[]> {
  sh(`sh ${guest}/lan-pair.sh`);
  const servers = [httpServer('kadrs1', 'RS1'), httpServer('kadrs2', 'RS2')];
  const backup = startKad('kaddir2', withGlobalSyncDaemon(seed('backup')));
  const master = startKad('kaddir1', seed('master'));
  out.masterVipMs = await until(() => has('kaddir1', '10.10.1.100') && has('kaddir1', '10.10.2.2'), 60_000);
  out.masterTableMs = await until(() => both(table('kaddir1')), 60_000);
  out.backupTableMs = await until(() => both(table('kaddir2')), 60_000);
  await until(() => /master sync daemon/.test(daemons('kaddir1')) && /backup sync daemon/.test(daemons('kaddir2')), 20_000);
  out.daemonsBefore = { dir1: daemons('kaddir1'), dir2: daemons('kaddir2') };
  await sleep(1500); // the python servers need a moment in the slow guest
  out.vipsBefore = { dir1: [has('kaddir1', '10.10.1.100'), has('kaddir1', '10.10.2.2')], dir2: [has('kaddir2', '10.10.1.100'), has('kaddir2', '10.10.2.2')] };
  out.splitBefore = requests(30);
  return [master, backup, ...servers];
}

/** One connection made with the master's sync daemon running, one with it stopped (the control). */
async function connections(): Promise<[Held, Held]> {
  const synced = await hold('synced');
  out.syncedEntry = synced.entry;
  // The master thread sends its buffer when full or about every 2 s.
  out.syncMs = await until(() => established('kaddir2').includes(synced.entry), 15_000);
  // (Fails when no master daemon runs there; the respawn check has said so already.)
  out.stopMasterDaemon = sh('ip netns exec kaddir1 ipvsadm --stop-daemon master 2>&1 || true');
  const control = await hold('control');
  out.controlEntry = control.entry;
  await sleep(4000);
  out.connsDir2Before = established('kaddir2');
  return [synced, control];
}

const main = async (): Promise<void> => {
  const [master, backup, ...servers] = await start();
  const masterExit = new Promise<number | null>((r) => master!.on('exit', r));
  await respawnChecker();
  const [synced, control] = await connections();

  // The master stops (SIGTERM: priority 0 adverts, VIPs and its IPVS table removed).
  const t0 = Date.now();
  master!.kill('SIGTERM');
  out.takeoverMs = await until(() => has('kaddir2', '10.10.1.100') && has('kaddir2', '10.10.2.2'), 20_000);
  out.masterExit = await masterExit;
  const answers = (): boolean => {
    const r = requests(1);
    return (r.RS1 ?? 0) + (r.RS2 ?? 0) > 0;
  };
  await until(answers, 20_000);
  out.serviceBackMs = Date.now() - t0;
  out.synced = await synced.finish();
  out.control = await control.finish();
  // The client has closed it by now: the backup sees the close too (FIN_WAIT, TIME_WAIT, CLOSE...).
  await until(() => !established('kaddir2').includes(synced.entry), 3000);
  out.connsDir2After = conns('kaddir2');
  out.daemonsDir2After = daemons('kaddir2');
  out.vipsAfter = { dir1: [has('kaddir1', '10.10.1.100'), has('kaddir1', '10.10.2.2')], dir2: [has('kaddir2', '10.10.1.100'), has('kaddir2', '10.10.2.2')] };
  out.tableDir1After = table('kaddir1');
  out.tableDir2After = table('kaddir2');
  out.splitAfter = requests(30);

  backup!.kill('SIGTERM');
  await new Promise((r) => backup!.on('exit', r));
  out.daemonsDir2Stopped = daemons('kaddir2');
  for (const s of servers) s.kill();
  out.logTail = ['kaddir1', 'kaddir2'].map((ns) => `--- ${ns}\n${readFileSync(`${scratch}/${ns}.log`, 'utf8').split('\n').slice(-25).join('\n')}`).join('\n');
  console.log(JSON.stringify(out));
};
main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
