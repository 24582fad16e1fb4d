// The dump files of a live kad next to those of a live keepalived 2.2.7 on the same config, each
// the master of its own lab: USR1 (keepalived.data), USR2 (keepalived.stats) and the JSON dump
// (SIGRTMIN+2, keepalived.json). Times, pids and counters that depend on timing are masked; every
// other line must be the same.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authBlock, ensureBuilt, Lab, vrrpInstance, waitForHolder, waitUntil, type Daemon } from '../helpers/lab.js';
import { keepalivedUnavailableReason } from '../helpers/keepalived.js';
import { cleanupAll, netnsUnavailableReason } from '../helpers/netns.js';
import { requirement } from '../helpers/requirement.js';

const why = requirement('dump-parity', netnsUnavailableReason() ?? keepalivedUnavailableReason());

const VIP = '10.231.0.100';
const CONF = `global_defs {\n  router_id dumptest\n}\n${vrrpInstance({
  name: 'VI_1', vrid: 51, priority: 100, vips: [`${VIP}/24`], lines: authBlock('PASS', 'secret1'),
})}`;

/** Mask what differs between two runs of the same daemon: times, pids, timing-bound counters. */
export function maskDump(text: string): string {
  return text
    .replace(/\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +\d+ \d\d:\d\d:\d\d(\.\d+)? \d{4}/g, '<time>')
    .replace(/\b\d{9,}\.\d{6}\b/g, '<timeval>')
    .replace(/(process\(|pid[ =:]+)\d+/gi, '$1<pid>')
    // Descriptors are per process like pids; kad has one socket where keepalived has two.
    .replace(/fd_in \d+(,)? fd_out( =)? \d+/g, 'fd_in <fd>$1 fd_out$2 <fd>')
    // keepalived links libnftnl and prints its version; kad drives nftables through libnftables.
    .replace(/^ libnftnl version .*\n/m, '')
    .replace(/(Received|Sent|Became master|Released master): \d+/g, '$1: <n>')
    .replace(/"(advert_rcvd|advert_sent|become_master|release_master|last_transition|read_timeout|master_down_timer)":[\d.]+/g, '"$1":<n>');
}

describe.skipIf(why !== undefined)('dump files: kad and keepalived 2.2.7 side by side', () => {
  let kadLab: Lab;
  let kaLab: Lab;
  let kad: Daemon;
  let ka: Daemon;

  beforeAll(async () => {
    ensureBuilt();
    kadLab = Lab.create({ directors: 1 });
    kaLab = Lab.create({ directors: 1 });
    kad = kadLab.startKad(0, CONF);
    ka = kaLab.startKeepalived(0, CONF);
    await waitForHolder(kadLab, VIP, 0, 10_000);
    await waitForHolder(kaLab, VIP, 0, 10_000);
  });
  afterAll(async () => {
    await Promise.all([kad?.stop(), ka?.stop()]);
    cleanupAll();
  });

  /** Send `signal` to the daemon's parent and read `file` from its lab directory once written. */
  async function dump(lab: Lab, d: Daemon, signal: NodeJS.Signals | number, file: string): Promise<string> {
    const path = join(lab.dir, file);
    rmSync(path, { force: true });
    spawnSync('kill', [`-${signal}`.replace('-SIG', '-'), String(d.proc.pid)]);
    await waitUntil(() => existsSync(path) && readFileSync(path, 'utf8').length > 0, 5000, `${d.name} ${file}`).catch((e: Error) => {
      throw new Error(`${e.message}\n${d.output.split('\n').slice(-8).join('\n')}`);
    });
    await new Promise((r) => setTimeout(r, 200));
    return maskDump(readFileSync(path, 'utf8'));
  }

  for (const [what, signal, file] of [
    ['USR1 data', 'SIGUSR1', 'keepalived.data'],
    ['USR2 stats', 'SIGUSR2', 'keepalived.stats'],
    ['JSON', 36, 'keepalived.json'],
  ] as const) {
    it(`${what}: ${file} is keepalived's, line for line`, async () => {
      const mine = await dump(kadLab, kad, signal, file);
      const theirs = await dump(kaLab, ka, signal, file);
      expect(mine.split('\n')).toEqual(theirs.split('\n'));
    });
  }
});
