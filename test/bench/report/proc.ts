// What the VRRP benchmarks read of a running daemon: its VRRP child's pid from the lab's pid
// files, a process's CPU seconds from /proc, and the many-instance configuration they load.
import { readdirSync, readFileSync } from 'node:fs';
import { vrrpInstance, type Lab } from '../../helpers/lab.js';
import { loadVip } from '../../helpers/load.js';

/** `m` VRRP instances, VRIDs 1..m, priority 100, one VIP each (every one MASTER on its own). */
export function manyConf(m: number): string {
  let out = '';
  for (let i = 1; i <= m; i++) out += vrrpInstance({ vrid: i, priority: 100, vips: [`${loadVip(i)}/16`] });
  return out;
}

/** The VRRP child of director 0's daemon (`kad` or keepalived's `ka` pid files in the lab). */
export function vrrpChildPid(lab: Lab, prefix: 'kad' | 'ka'): number {
  const pattern = new RegExp(`^${prefix}0-\\d+_vrrp\\.pid$`);
  const f = readdirSync(lab.dir).find((n) => pattern.test(n));
  if (!f) throw new Error(`no VRRP pid file for ${prefix} in ${lab.dir}`);
  return Number(readFileSync(`${lab.dir}/${f}`, 'utf8').trim());
}

/** utime + stime of `pid`, seconds (/proc/PID/stat, clock ticks of 10 ms). */
export function cpuSeconds(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(f[11]) + Number(f[12])) / 100;
}
