// Guest program: IPVS traffic counters in /metrics on a real kernel. Client namespace → VIP on
// the director → two real-server namespaces with HTTP servers (LVS-NAT, rr), TCP_CHECKs by the
// real daemon (`kad -C -n --metrics`). Scrapes /metrics and reads /status (unix socket) before
// any client traffic, after 20 requests and after 20 more, each time once the kernel's counters
// settled (which also puts the scrape past the checker's 500 ms dump reuse), next to `ipvsadm
// -Ln --stats --exact`. Prints one JSON object; test/kernel/metrics.test.ts parses and asserts.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';

const [project, scratch] = [process.argv[2]!, process.argv[3]!];
const guest = `${project}/test/kernel/guest`;
const sh = (cmd: string): string => execFileSync('/bin/sh', ['-c', cmd], { encoding: 'utf8' });
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const out: Record<string, unknown> = { rounds: [] };

const rs = (addr: string): string => `  real_server ${addr} 80 {
    TCP_CHECK {
      connect_timeout 1
    }
  }`;
const CONFIG = `virtual_server 10.10.1.100 80 {
  delay_loop 1
  lb_algo rr
  lb_kind NAT
  protocol TCP
${rs('10.10.2.11')}
${rs('10.10.2.12')}
}
`;

function httpServer(ns: string, name: string): ChildProcess {
  const dir = `${scratch}/www-${name}`;
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}/index.html`, `${name}\n`);
  return spawn('ip', ['netns', 'exec', ns, 'python3', '-m', 'http.server', '80', '--bind', '0.0.0.0', '--directory', dir], { stdio: 'ignore' });
}

function get(opts: { port?: number; socketPath?: string; path: string }): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', ...opts, method: 'GET', timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * Wait until the kernel's counters stop moving: they can trail the traffic (seen under load: a
 * dump showing 0 right after 20 connections, and 20 in `ipvsadm` a moment later), so two reads
 * 2.5 s apart must agree before a scrape is compared with `ipvsadm`.
 */
async function settle(): Promise<void> {
  let last = sh('ipvsadm -Ln --stats --exact');
  for (let i = 0; i < 8; i++) {
    await sleep(2500);
    const now = sh('ipvsadm -Ln --stats --exact');
    if (now === last) return;
    last = now;
  }
}

async function round(label: string): Promise<void> {
  await settle();
  const metrics = await get({ port: 9650, path: '/metrics' });
  const status = JSON.parse(await get({ socketPath: `${scratch}/status.sock`, path: '/status' })) as { virtualServers: { lvs?: unknown }[] };
  (out.rounds as unknown[]).push({ label, metrics, lvs: status.virtualServers[0]?.lvs, ipvsadm: sh('ipvsadm -Ln --stats --exact') });
}

const main = async (): Promise<void> => {
  sh(`sh ${guest}/lan.sh 2`);
  const file = `${scratch}/keepalived.conf`;
  writeFileSync(file, CONFIG);
  const servers = [httpServer('kadrs1', 'RS1'), httpServer('kadrs2', 'RS2')];
  const logFd = openSync(`${scratch}/kad.log`, 'w');
  const kad = spawn('/usr/bin/node', [`${project}/bin/kad.js`, '-C', '-n', '-l', '-D', '-f', file, '-p', `${scratch}/kad.pid`, '-c', `${scratch}/kad_checkers.pid`,
    '--metrics', '127.0.0.1:9650', '--status-socket', `${scratch}/status.sock`], { cwd: project, stdio: ['ignore', logFd, logFd] });
  const kadExit = new Promise<number | null>((r) => kad.on('exit', r));
  const t0 = Date.now();
  const both = (t: string): boolean => t.includes('10.10.2.11:80') && t.includes('10.10.2.12:80');
  while (!both(sh('ipvsadm -Ln')) && Date.now() - t0 < 60_000) await sleep(100);
  out.startMs = Date.now() - t0;
  await sleep(1500); // the python servers need a moment in the slow guest
  await round('before');
  const requests = (): unknown => JSON.parse(sh(`ip netns exec kadcl python3 ${guest}/http_count.py 10.10.1.100 80 20`));
  out.split1 = requests();
  await round('after 20');
  out.split2 = requests();
  await round('after 40');
  kad.kill('SIGTERM');
  out.kadExit = await kadExit;
  for (const s of servers) s.kill();
  out.kadLogTail = readFileSync(`${scratch}/kad.log`, 'utf8').split('\n').slice(-40).join('\n');
  console.log(JSON.stringify(out));
};
main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
