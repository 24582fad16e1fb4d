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
// Prints one JSON object; test/kernel/pair.test.ts asserts on it. The lab: lvs-lab.ts.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { GATEWAY_VIP, VIP, fullTable, has, httpServer, requests, seed, setUpLab, sh, sleep, startKad, table, until } from './lvs-lab.js';

const [project, scratch] = [process.argv[2]!, process.argv[3]!];
const guest = `${project}/test/kernel/guest`;
const out: Record<string, unknown> = {};

/** The backup's variant: the global `lvs_sync_daemon IFACE INSTANCE` instead of the legacy lines. */
function withGlobalSyncDaemon(conf: string): string {
  return conf
    .replace(/^\s*lvs_sync_daemon_interface .*$/gm, '')
    .replace('global_defs {', 'global_defs {\n   lvs_sync_daemon eth0 VI_1');
}

const daemons = (ns: string): string => sh(`ip netns exec ${ns} ipvsadm -L --daemon`);
/** "STATE client virtual real" of each entry in the namespace's IPVS connection table. */
const conns = (ns: string): string[] => sh(`ip netns exec ${ns} ipvsadm -Lnc`).split('\n').slice(2)
  .filter((l) => l.trim() !== '').map((l) => l.trim().split(/\s+/).slice(2, 6).join(' '));
/** "client virtual real" of each ESTABLISHED entry. */
const established = (ns: string): string[] => conns(ns).filter((c) => c.startsWith('ESTABLISHED ')).map((c) => c.slice(12));
const syncRoles = (ns: string): string[] => [...readFileSync(`${scratch}/${ns}.log`, 'utf8').matchAll(/IPVS sync daemon: (\w+)/g)].map((m) => m[1]!);

/** Both VIPs in each director namespace. */
const vips = async (): Promise<Record<string, boolean[]>> => ({
  dir1: [await has('kaddir1', VIP), await has('kaddir1', GATEWAY_VIP)],
  dir2: [await has('kaddir2', VIP), await has('kaddir2', GATEWAY_VIP)],
});

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
  const before = syncRoles('kaddir1');
  const masters = before.filter((r) => r === 'master').length;
  process.kill(Number(old), 'SIGKILL');
  const t0 = Date.now();
  await until(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() !== old && syncRoles('kaddir1').filter((r) => r === 'master').length > masters, 40_000);
  await until(() => /master sync daemon/.test(daemons('kaddir1')), 5_000);
  out.checkerRespawnMs = Date.now() - t0;
  out.daemonsDir1Respawned = daemons('kaddir1');
  out.syncRolesDir1 = syncRoles('kaddir1');
  out.syncRolesAfterRespawn = syncRoles('kaddir1').slice(before.length);
}

async function start(): Promise<ChildProcess[]> {
  setUpLab(project);
  const servers = [httpServer(scratch, 'kadrs1', 'RS1'), httpServer(scratch, 'kadrs2', 'RS2')];
  const backup = startKad(project, scratch, 'kaddir2', withGlobalSyncDaemon(seed(project, 'backup')));
  const master = startKad(project, scratch, 'kaddir1', seed(project, 'master'));
  out.masterVipMs = await until(async () => (await has('kaddir1', VIP)) && (await has('kaddir1', GATEWAY_VIP)), 60_000);
  out.masterTableMs = await until(async () => fullTable(await table('kaddir1')), 60_000);
  out.backupTableMs = await until(async () => fullTable(await table('kaddir2')), 60_000);
  await until(() => /master sync daemon/.test(daemons('kaddir1')) && /backup sync daemon/.test(daemons('kaddir2')), 20_000);
  out.daemonsBefore = { dir1: daemons('kaddir1'), dir2: daemons('kaddir2') };
  await sleep(1500); // the python servers need a moment in the slow guest
  out.vipsBefore = await vips();
  out.splitBefore = requests(project, 30);
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
  out.takeoverMs = await until(async () => (await has('kaddir2', VIP)) && (await has('kaddir2', GATEWAY_VIP)), 20_000);
  out.masterExit = await masterExit;
  const answers = (): boolean => {
    const r = requests(project, 1);
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
  out.vipsAfter = await vips();
  out.tableDir1After = await table('kaddir1');
  out.tableDir2After = await table('kaddir2');
  out.splitAfter = requests(project, 30);

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
