// Guest program for test/bench/ipvs.bench.ts: programs 1000 services × 10 destinations through
// kad (KernelIpvsPort, and raw Ipvs calls), through `ipvsadm --restore`, and through keepalived's
// checker; measures a periodic reconcile pass over the resulting 10,000 destinations.
// Prints one JSON object of timings in ms.
import { execFileSync, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { SystemClock } from '../../../src/core/clock.js';
import { silentLogger } from '../../../src/core/log.js';
import { desiredTable } from '../../../src/ipvs/desired.js';
import { readTable } from '../../../src/ipvs/execute.js';
import { Ipvs } from '../../../src/ipvs/ffi.js';
import { KernelIpvsPort } from '../../../src/ipvs/kernel-port.js';
import { reconcile } from '../../../src/ipvs/reconcile.js';
import { config, rs, vs } from '../../fixtures/check/model.js';

const [scratch] = [process.argv[2]!];
const N_SVC = 1000;
const N_DEST = 10;
const sh = (cmd: string): string => execFileSync('/bin/sh', ['-c', cmd], { encoding: 'utf8', maxBuffer: 64 << 20 });
const vip = (s: number): string => `10.${100 + (s >> 8)}.${s & 255}.1`;
const rip = (s: number, d: number): string => `10.200.${s & 255}.${d + 1 + 10 * (s >> 8)}`;
const countDests = (): number => Number(sh('ipvsadm -Ln | grep -c -- "->" || true').trim()) - 1;
const out: Record<string, number> = {};
const time = async (name: string, fn: () => unknown): Promise<void> => {
  const t0 = performance.now();
  await fn();
  out[name] = Math.round(performance.now() - t0);
};

const cfg = config(Array.from({ length: N_SVC }, (_, s) =>
  vs(vip(s), 80, Array.from({ length: N_DEST }, (_, d) => rs(rip(s, d), 80, [])), { scheduler: 'wrr' })));

async function viaKad(): Promise<void> {
  const port = new KernelIpvsPort({ clock: new SystemClock(), log: silentLogger(), repairPeriodMs: 0 });
  await time('kadApplyMs', () => port.apply(cfg, new Map()));
  out.kadDests = countDests();
  const ipvs = Ipvs.open();
  await time('kadNoopPassMs', () => port.apply(cfg, new Map()));
  await time('kadRepairPassMs', () => port.repairNow());
  await time('dumpMs', () => readTable(ipvs));
  const actual = readTable(ipvs);
  const desired = desiredTable(cfg, new Map());
  await time('desiredMs', () => desiredTable(cfg, new Map()));
  await time('reconcileMs', () => reconcile(desired, actual));
  ipvs.flush();
  const table = desiredTable(cfg, new Map());
  await time('rawFfiMs', () => {
    for (const e of table) {
      ipvs.addService(e.service);
      for (const d of e.dests) ipvs.addDest(e.service, d);
    }
  });
  ipvs.flush();
  ipvs.close();
  port.close();
}

async function viaIpvsadm(): Promise<void> {
  const lines: string[] = [];
  for (let s = 0; s < N_SVC; s++) {
    lines.push(`-A -t ${vip(s)}:80 -s wrr`);
    for (let d = 0; d < N_DEST; d++) lines.push(`-a -t ${vip(s)}:80 -r ${rip(s, d)}:80 -m -w 1`);
  }
  writeFileSync(`${scratch}/restore.txt`, lines.join('\n') + '\n');
  await time('ipvsadmRestoreMs', () => sh(`ipvsadm -R < ${scratch}/restore.txt`));
  out.ipvsadmDests = countDests();
  sh('ipvsadm -C');
}

async function viaKeepalived(): Promise<void> {
  const conf = Array.from({ length: N_SVC }, (_, s) =>
    `virtual_server ${vip(s)} 80 {\n lb_algo wrr\n lb_kind NAT\n protocol TCP\n` +
    Array.from({ length: N_DEST }, (_, d) => ` real_server ${rip(s, d)} 80 {\n  weight 1\n }\n`).join('') + '}\n').join('');
  writeFileSync(`${scratch}/keepalived.conf`, `global_defs {\n router_id bench\n}\n${conf}`);
  const t0 = performance.now();
  const ka = spawn('keepalived', ['-n', '-C', '-f', `${scratch}/keepalived.conf`, '-p', `${scratch}/k.pid`, '-c', `${scratch}/c.pid`], { stdio: 'ignore' });
  let n = 0;
  while (n < N_SVC * N_DEST && performance.now() - t0 < 120_000) {
    await new Promise((r) => setTimeout(r, 20));
    n = countDests();
  }
  out.keepalivedMs = Math.round(performance.now() - t0);
  out.keepalivedDests = n;
  ka.kill('SIGTERM');
  await new Promise((r) => ka.on('exit', r));
  sh('ipvsadm -C');
}

const main = async (): Promise<void> => {
  await viaKad();
  await viaIpvsadm();
  await viaKeepalived();
  console.log(JSON.stringify(out));
};
main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
