// Guest program: the seed's LVS-NAT director pair, VRRP half and IPVS half together, on a real
// kernel. Two kad daemons (VRRP and checker children each) run the seed's master and backup
// configurations in two director namespaces; VRRP puts the VIP (and the gateway VIP, same sync
// group) on the master, whose checker has programmed its IPVS table; the client's requests are
// split 2:1. The master is stopped: the backup takes both VIPs and its own IPVS table serves the
// client. Prints one JSON object; test/kernel/pair.test.ts asserts on it.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';

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

function httpServer(ns: string, name: string): ChildProcess {
  const dir = `${scratch}/www-${name}`;
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}/index.html`, `${name}\n`);
  return spawn('ip', ['netns', 'exec', ns, 'python3', '-m', 'http.server', '80', '--bind', '0.0.0.0', '--directory', dir], { stdio: 'ignore' });
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
const requests = (n: number): Record<string, number> =>
  JSON.parse(sh(`ip netns exec kadcl python3 ${guest}/http_count.py 10.10.1.100 80 ${n}`)) as Record<string, number>;

async function until(pred: () => boolean, limitMs: number): Promise<number> {
  const t0 = Date.now();
  while (!pred() && Date.now() - t0 < limitMs) await sleep(50);
  return Date.now() - t0;
}

const both = (t: string): boolean => /10\.10\.2\.11:80\s+Masq\s+2/.test(t) && /10\.10\.2\.12:80\s+Masq\s+1/.test(t);

const main = async (): Promise<void> => {
  sh(`sh ${guest}/lan-pair.sh`);
  const servers = [httpServer('kadrs1', 'RS1'), httpServer('kadrs2', 'RS2')];
  const backup = startKad('kaddir2', seed('backup'));
  const master = startKad('kaddir1', seed('master'));
  const masterExit = new Promise<number | null>((r) => master.on('exit', r));
  out.masterVipMs = await until(() => has('kaddir1', '10.10.1.100') && has('kaddir1', '10.10.2.2'), 60_000);
  out.masterTableMs = await until(() => both(table('kaddir1')), 60_000);
  out.backupTableMs = await until(() => both(table('kaddir2')), 60_000);
  await sleep(1500); // the python servers need a moment in the slow guest
  out.vipsBefore = { dir1: [has('kaddir1', '10.10.1.100'), has('kaddir1', '10.10.2.2')], dir2: [has('kaddir2', '10.10.1.100'), has('kaddir2', '10.10.2.2')] };
  out.splitBefore = requests(30);

  // The master stops (SIGTERM: priority 0 adverts, VIPs and its IPVS table removed).
  const t0 = Date.now();
  master.kill('SIGTERM');
  out.takeoverMs = await until(() => has('kaddir2', '10.10.1.100') && has('kaddir2', '10.10.2.2'), 20_000);
  out.masterExit = await masterExit;
  const answers = (): boolean => {
    const r = requests(1);
    return (r.RS1 ?? 0) + (r.RS2 ?? 0) > 0;
  };
  await until(answers, 20_000);
  out.serviceBackMs = Date.now() - t0;
  out.vipsAfter = { dir1: [has('kaddir1', '10.10.1.100'), has('kaddir1', '10.10.2.2')], dir2: [has('kaddir2', '10.10.1.100'), has('kaddir2', '10.10.2.2')] };
  out.tableDir1After = table('kaddir1');
  out.tableDir2After = table('kaddir2');
  out.splitAfter = requests(30);

  backup.kill('SIGTERM');
  await new Promise((r) => backup.on('exit', r));
  for (const s of servers) s.kill();
  out.logTail = ['kaddir1', 'kaddir2'].map((ns) => `--- ${ns}\n${readFileSync(`${scratch}/${ns}.log`, 'utf8').split('\n').slice(-25).join('\n')}`).join('\n');
  console.log(JSON.stringify(out));
};
main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
