// Guest program: KernelIpvsPort on the real kernel. (1) The DR seed and a TUN variant programmed
// as configured; (2) out-of-band `ipvsadm -D` / `-d` repaired by the periodic pass; (3) a
// weight change applied in place while a client holds a connection through the director;
// (4) the connection sync daemon following the VRRP role, or master and backup together
// without an instance (lvs_sync_daemon); (5) a
// virtual_server_group with a range and a fwmark, parsed from config text.
// Prints one JSON object; test/kernel/port.test.ts asserts on it.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { loadConfig } from '../../../src/config/loader.js';
import type { Config } from '../../../src/config/model.js';
import { SystemClock } from '../../../src/core/clock.js';
import { silentLogger } from '../../../src/core/log.js';
import { KernelIpvsPort } from '../../../src/ipvs/kernel-port.js';
import { rsKey, type CheckerSnapshot } from '../../../src/ipvs/port.js';
import { config, rs, vs } from '../../fixtures/check/model.js';

const [project, scratch] = [process.argv[2]!, process.argv[3]!];
const sh = (cmd: string): string => execFileSync('/bin/sh', ['-c', cmd], { encoding: 'utf8' });
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const out: Record<string, unknown> = {};

function load(text: string): Config {
  const file = `${scratch}/seed.conf`;
  writeFileSync(file, text);
  const r = loadConfig(file, { interfaceExists: () => true });
  if (!r.config) throw new Error(JSON.stringify(r.diagnostics));
  return r.config;
}

async function seeds(port: KernelIpvsPort): Promise<void> {
  const dr = readFileSync(`${project}/test/fixtures/seeds/lvs-dr-master.conf`, 'utf8');
  const cfg = load(dr);
  await port.apply(cfg, new Map());
  out.drUp = sh('ipvsadm -Ln');
  const vsName = cfg.virtualServers[0]!.name;
  const down: CheckerSnapshot = new Map([[vsName, { quorumUp: false, realServers: new Map([
    [rsKey('172.16.1.135', 80), { alive: false, weight: 2 }], [rsKey('172.16.1.136', 80), { alive: false, weight: 1 }],
  ]) }]]);
  await port.apply(cfg, down);
  out.drSorry = sh('ipvsadm -Ln');
  out.drSorryPassOps = { ...port.stats.ops };
  await port.clear(cfg);
  const tun = load(dr.replace('lb_kind DR', 'lb_kind TUN type gue port 6080 csum'));
  await port.apply(tun, new Map());
  out.tun = sh('ipvsadm -Ln --tun-info');
  await port.clear(tun);
  out.afterClear = sh('ipvsadm -Ln');
}

async function repair(): Promise<void> {
  const port = new KernelIpvsPort({ clock: new SystemClock(), log: silentLogger(), repairPeriodMs: 1000 });
  const cfg = config([vs('10.20.0.1', 80, [rs('10.20.1.1', 80, [], { weight: 3 }), rs('10.20.1.2', 80, [])])]);
  await port.apply(cfg, new Map());
  const before = sh('ipvsadm -Ln');
  sh('ipvsadm -D -t 10.20.0.1:80');
  out.repairDeleted = sh('ipvsadm -Ln');
  const t0 = Date.now();
  while (!sh('ipvsadm -Ln').includes('10.20.1.2:80') && Date.now() - t0 < 5000) await sleep(50);
  out.repairServiceMs = Date.now() - t0;
  out.repairServiceSame = sh('ipvsadm -Ln') === before;
  sh('ipvsadm -d -t 10.20.0.1:80 -r 10.20.1.1:80');
  const t1 = Date.now();
  while (!sh('ipvsadm -Ln').includes('10.20.1.1:80') && Date.now() - t1 < 5000) await sleep(50);
  out.repairDestMs = Date.now() - t1;
  out.repairDestSame = sh('ipvsadm -Ln') === before;
  out.repairStats = { ...port.stats };
  await port.clear(cfg);
  port.close();
}

async function weightInPlace(): Promise<void> {
  sh(`sh ${project}/test/kernel/guest/lan.sh 1`);
  const server = spawn('ip', ['netns', 'exec', 'kadrs1', 'python3', `${project}/test/kernel/guest/echo_server.py`, 'rs1', '8080'], { stdio: 'ignore' });
  const port = new KernelIpvsPort({ clock: new SystemClock(), log: silentLogger(), repairPeriodMs: 0 });
  const web = vs('10.10.1.100', 80, [rs('10.10.2.11', 8080, [], { weight: 1 })], { scheduler: 'wrr' });
  const snap = (w: number): CheckerSnapshot => new Map([[web.name, { quorumUp: true, realServers: new Map([[rsKey('10.10.2.11', 8080), { alive: true, weight: w }]]) }]]);
  await port.apply(config([web]), snap(1));
  for (let i = 0; i < 50 && !sh('ip netns exec kadrs1 ss -ltn').includes(':8080'); i++) await sleep(100);
  const [ready, go] = [`${scratch}/ready`, `${scratch}/go`];
  let clientOut = '';
  const client = spawn('ip', ['netns', 'exec', 'kadcl', 'python3', `${project}/test/kernel/guest/hold_client.py`, '10.10.1.100', '80', ready, go]);
  client.stdout.on('data', (d: Buffer) => (clientOut += d.toString()));
  const done = new Promise<number | null>((r) => client.on('exit', r));
  for (let i = 0; i < 200 && !existsSync(ready); i++) await sleep(50);
  out.connBefore = sh('ipvsadm -Lnc');
  await port.apply(config([web]), snap(5));
  out.weightAfter = sh('ipvsadm -Ln');
  out.connAfter = sh('ipvsadm -Lnc');
  out.weightOps = { ...port.stats.ops };
  writeFileSync(go, '');
  out.clientExit = await done;
  out.client = clientOut;
  server.kill();
  await port.clear(config([web]));
  port.close();
}

async function group(): Promise<void> {
  const cfg = load(`virtual_server_group G {
  10.40.0.1-3 80
  fwmark 9
}
virtual_server group G {
  lb_algo rr
  lb_kind DR
  protocol TCP
  persistence_timeout 120
  persistence_granularity 255.255.255.0
  real_server 10.40.1.1 80 {
    weight 3
  }
}
`);
  const port = new KernelIpvsPort({ clock: new SystemClock(), log: silentLogger(), repairPeriodMs: 0 });
  await port.apply(cfg, new Map());
  out.group = sh('ipvsadm -Ln');
  await port.clear(cfg);
  port.close();
}

async function syncDaemon(): Promise<void> {
  sh('ip link add kadsync0 type veth peer name kadsync1 && ip link set kadsync0 up && ip link set kadsync1 up');
  const cfg = load(`global_defs {
  lvs_sync_daemon kadsync0 VI_1 maxlen 1400 ttl 2
}
vrrp_instance VI_1 {
  interface kadsync0
  virtual_router_id 61
  priority 100
  virtual_ipaddress {
    10.30.0.1
  }
}
`);
  const port = new KernelIpvsPort({ clock: new SystemClock(), log: silentLogger(), repairPeriodMs: 0 });
  await port.setSyncDaemon(cfg, 'master');
  out.syncMaster = sh('ipvsadm -L --daemon');
  await port.setSyncDaemon(cfg, 'backup');
  out.syncBackup = sh('ipvsadm -L --daemon');
  await port.setSyncDaemon(cfg, 'none');
  out.syncNone = sh('ipvsadm -L --daemon');
  // lvs_sync_daemon naming no instance: master and backup together (keepalived 2.2.7's checker).
  const both = load('global_defs {\n  lvs_sync_daemon kadsync0 id 7\n}\n');
  await port.setSyncDaemon(both, 'both');
  out.syncBoth = sh('ipvsadm -L --daemon');
  await port.setSyncDaemon(both, 'none');
  port.close();
}

const main = async (): Promise<void> => {
  const port = new KernelIpvsPort({ clock: new SystemClock(), log: silentLogger(), repairPeriodMs: 0 });
  await seeds(port);
  port.close();
  await repair();
  await weightInPlace();
  await syncDaemon();
  await group();
  console.log(JSON.stringify(out));
};
main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
