// Guest program: the seed LVS-NAT scenario end to end on a real kernel. Client namespace →
// VIP on the director → two real-server namespaces with HTTP servers (wrr 2:1), HTTP_GET
// checks run by the real daemon (`kad -C -n`, the checker child driving KernelIpvsPort).
// Stops and restarts real servers and records the table, the request split and detection
// times; reloads a changed weight (SIGHUP) under a held keep-alive connection; stops kad and
// records that the table is gone.
// Prints one JSON object; test/kernel/e2e.test.ts asserts on it.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';

const [project, scratch] = [process.argv[2]!, process.argv[3]!];
const guest = `${project}/test/kernel/guest`;
const sh = (cmd: string): string => execFileSync('/bin/sh', ['-c', cmd], { encoding: 'utf8' });
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const out: Record<string, unknown> = {};

/**
 * The seed, re-addressed into the lab; retries shortened so CI waits seconds, not tens. The
 * seed's `sorry_server 127.0.0.1 80` moves to the director's own 10.10.2.1: Linux refuses to
 * DNAT forwarded traffic to a loopback address (ip_vs_nat_xmit: "stopping DNAT to loopback
 * address"), so with that literal line no outside client ever reaches the sorry server, under
 * keepalived or kad alike. The table programming of the literal line is checked separately.
 * The seed's misspelt `lvs_sync_daemon_inteface` is corrected and its deprecated `nb_get_retry`
 * becomes `retry`: kad (like `keepalived -t`) counts both as config errors, and a reload of a
 * configuration with errors is refused.
 */
function seedConfig(): string {
  return readFileSync(`${project}/test/fixtures/seeds/lvs-nat-master.conf`, 'utf8')
    .replaceAll('sorry_server 127.0.0.1 80', 'sorry_server 10.10.2.1 80')
    .replaceAll('lvs_sync_daemon_inteface', 'lvs_sync_daemon_interface')
    .replaceAll('ens33', 'kadc0')
    .replaceAll('ens37', 'kadbr0')
    .replaceAll('172.16.1.99', '10.10.1.100')
    .replaceAll('192.168.1.130', '10.10.2.11')
    .replaceAll('192.168.1.129', '10.10.2.12')
    .replaceAll('nb_get_retry 3', 'retry 1')
    .replaceAll('delay_before_retry 2', 'delay_before_retry 1')
    .replaceAll('connect_timeout 4', 'connect_timeout 1');
}

function httpServer(ns: string | undefined, name: string): ChildProcess {
  const dir = `${scratch}/www-${name}`;
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}/index.html`, `${name}\n`);
  const argv = ['python3', '-m', 'http.server', '80', '--bind', '0.0.0.0', '--protocol', 'HTTP/1.1', '--directory', dir];
  return spawn(ns ? 'ip' : argv[0]!, ns ? ['netns', 'exec', ns, ...argv] : argv.slice(1), { stdio: 'ignore' });
}

const requests = (n: number): Record<string, number> =>
  JSON.parse(sh(`ip netns exec kadcl python3 ${guest}/http_count.py 10.10.1.100 80 ${n}`)) as Record<string, number>;

/** Until a server listens on port 80 in namespace `ns` (at most 20 s). */
async function waitListening(ns: string): Promise<void> {
  const t0 = Date.now();
  while (sh(`ip netns exec ${ns} ss -Hltn 'sport = :80'`).trim() === '' && Date.now() - t0 < 20_000) await sleep(50);
}

async function waitTable(pred: (t: string) => boolean, limitMs = 20_000): Promise<number> {
  const t0 = Date.now();
  while (!pred(sh('ipvsadm -Ln')) && Date.now() - t0 < limitMs) await sleep(100);
  return Date.now() - t0;
}

/** Hold a keep-alive connection, change RS1's weight in the file, SIGHUP kad, then reuse it. */
async function reloadWeight(file: string, kad: ChildProcess): Promise<void> {
  const [ready, go] = [`${scratch}/ready`, `${scratch}/go`];
  let clientOut = '';
  const client = spawn('ip', ['netns', 'exec', 'kadcl', 'python3', `${guest}/keepalive_client.py`, '10.10.1.100', '80', ready, go]);
  client.stdout.on('data', (d: Buffer) => (clientOut += d.toString()));
  const done = new Promise((r) => client.on('exit', r));
  for (let i = 0; i < 200 && !existsSync(ready); i++) await sleep(50);
  out.reloadConnBefore = sh('ipvsadm -Lnc | grep ESTABLISHED || true');
  writeFileSync(file, readFileSync(file, 'utf8').replace(/(real_server 10\.10\.2\.11 80 \{[^]*?weight )2/, '$14'));
  kad.kill('SIGHUP');
  out.reloadMs = await waitTable((t) => /10\.10\.2\.11:80\s+Masq\s+4/.test(t));
  out.reloadTable = sh('ipvsadm -Ln');
  out.reloadConnAfter = sh('ipvsadm -Lnc | grep ESTABLISHED || true');
  writeFileSync(go, '');
  await done;
  out.reloadClient = JSON.parse(clientOut || '{}') as unknown;
}

const main = async (): Promise<void> => {
  sh(`sh ${guest}/lan.sh 2`);
  const file = `${scratch}/keepalived.conf`;
  writeFileSync(file, seedConfig());
  const servers: Record<string, ChildProcess> = { rs1: httpServer('kadrs1', 'RS1'), rs2: httpServer('kadrs2', 'RS2') };
  const sorry = httpServer(undefined, 'SORRY');
  const logFd = openSync(`${scratch}/kad.log`, 'w');
  const kad = spawn('/usr/bin/node', [`${project}/bin/kad.js`, '-C', '-n', '-l', '-D', '-f', file, '-p', `${scratch}/kad.pid`, '-c', `${scratch}/kad_checkers.pid`], {
    cwd: project, stdio: ['ignore', logFd, logFd],
  });
  const kadExit = new Promise<number | null>((r) => kad.on('exit', r));
  const both = (t: string): boolean => /10\.10\.2\.11:80\s+Masq\s+2/.test(t) && /10\.10\.2\.12:80\s+Masq\s+1/.test(t);
  out.startMs = await waitTable(both, 60_000);
  await sleep(1500); // the python servers need a moment in the slow guest
  out.tableBoth = sh('ipvsadm -Ln');
  out.splitBoth = requests(30);

  servers.rs1!.kill();
  out.rs1DownMs = await waitTable((t) => !t.includes('10.10.2.11'));
  out.tableRs1Down = sh('ipvsadm -Ln');
  out.splitRs1Down = requests(10);

  servers.rs1 = httpServer('kadrs1', 'RS1');
  // kad's detection is timed from when RS1 listens again, not from the slow guest's Python start.
  await waitListening('kadrs1');
  out.rs1UpMs = await waitTable(both);
  out.splitRs1Back = requests(30);

  await reloadWeight(file, kad);

  servers.rs1.kill();
  servers.rs2!.kill();
  out.bothDownMs = await waitTable((t) => t.includes('10.10.2.1:80') && !t.includes('10.10.2.11') && !t.includes('10.10.2.12'));
  out.tableSorry = sh('ipvsadm -Ln');
  out.splitSorry = requests(5);

  kad.kill('SIGTERM');
  out.kadExit = await kadExit;
  out.tableCleared = sh('ipvsadm -Ln');
  sorry.kill();
  out.kadLogTail = readFileSync(`${scratch}/kad.log`, 'utf8').split('\n').slice(-40).join('\n');
  console.log(JSON.stringify(out));
};
main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
