/**
 * The "busy director" run shared by the load benchmark and its shortened test: two directors on
 * one bridge, N VRRPv3 instances at a fast advert_int (master priority 100, backup 90), all VIPs
 * on the master; then busy-loop processes load every core for the window while nothing fails.
 * Every backup advert in the window is a false takeover; adverts sent are counted on the wire.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LOOP_STATS_ENV, loopStatsFile, loopStatsResetFile } from '../../src/supervisor/loop-stats.js';
import { onCleanup } from './netns.js';
import { procStatField } from './proc.js';
import { sleep, vrrpInstance, waitUntil, type Daemon, type Lab, type LabPacket } from './lab.js';

export type LoadImpl = 'keepalived' | 'kad' | 'kad-rt';

export interface LoadRun {
  instances: number;
  /** advert_int in ms (10, 50...). */
  intervalMs: number;
  /** Busy-loop processes during the window. */
  busy: number;
  seconds: number;
}

export interface LoadResult {
  /** Times a backup instance started advertising (became MASTER) in the window. */
  falseTransitions: number;
  /** Instances that had at least one. */
  instancesAffected: number;
  masterAdverts: number;
  backupAdverts: number;
  /** Adverts the master should have sent in the window: instances × window / interval. */
  expected: number;
  /** Longest gap between two adverts of one instance on the wire, ms. */
  maxGapMs: number;
}

/** Pure: count false takeovers and adverts of `vrids` between `fromMs` and `toMs` (capture clock). */
export function analyseLoad(
  packets: readonly LabPacket[],
  o: { master: string; backup: string; vrids: readonly number[]; intervalMs: number; fromMs: number; toMs: number },
): LoadResult {
  const r: LoadResult = { falseTransitions: 0, instancesAffected: 0, masterAdverts: 0, backupAdverts: 0, expected: 0, maxGapMs: 0 };
  const wanted = new Set(o.vrids);
  const last = new Map<number, { src: string; tMs: number }>();
  const affected = new Set<number>();
  for (const p of packets) {
    if (p.kind !== 'vrrp' || !wanted.has(p.vrid) || p.priority === 0) continue;
    if (p.tMs < o.fromMs || p.tMs > o.toMs) {
      if (p.tMs < o.fromMs) last.set(p.vrid, { src: p.src, tMs: p.tMs });
      continue;
    }
    const prev = last.get(p.vrid);
    if (prev && p.src === prev.src) r.maxGapMs = Math.max(r.maxGapMs, p.tMs - prev.tMs);
    if (p.src === o.master) r.masterAdverts++;
    else if (p.src === o.backup) {
      r.backupAdverts++;
      if (prev?.src !== o.backup) {
        r.falseTransitions++;
        affected.add(p.vrid);
      }
    }
    last.set(p.vrid, { src: p.src, tMs: p.tMs });
  }
  r.instancesAffected = affected.size;
  r.expected = Math.round((o.vrids.length * (o.toMs - o.fromMs)) / o.intervalMs);
  return r;
}

/** The configuration of one director: `n` v3 instances at `intervalMs`, kad's RT options with `rt`. */
export function loadConf(n: number, intervalMs: number, priority: number, rt = false): string {
  // vrrp_version in global_defs: keepalived reads advert_int before an instance's own `version 3`
  // line, and a sub-second interval read as VRRPv2 is rounded to 1 s.
  let out = `global_defs {\n  vrrp_version 3\n${rt ? '  vrrp_rt_priority 50\n' : ''}}\n`;
  for (let v = 1; v <= n; v++) {
    out += vrrpInstance({
      vrid: v,
      priority,
      advertInt: String(intervalMs / 1000),
      vips: [`${loadVip(v)}/16`],
    });
  }
  return out;
}

export const loadVip = (v: number): string => `10.240.${Math.floor(v / 250)}.${(v % 250) + 1}`;

/** Busy loops at nice 0 until the returned function is called. */
export function startBusyLoops(n: number): () => void {
  const kids: ChildProcess[] = [];
  for (let i = 0; i < n; i++) kids.push(spawn('sh', ['-c', 'while :; do :; done'], { stdio: 'ignore' }));
  const stop = (): void => {
    for (const k of kids) if (k.exitCode === null) k.kill('SIGKILL');
  };
  const unregister = onCleanup('busy loops', stop);
  return () => {
    stop();
    unregister();
  };
}

/** Addresses of director `i`, one `ip` call. */
function addresses(lab: Lab, i: number): Set<string> {
  const a = lab.directors[i]?.ipJson<{ addr_info: { local: string }[] }[]>('addr', 'show') ?? [];
  return new Set(a.flatMap((x) => x.addr_info.map((y) => y.local)));
}

/** Event-loop lag and GC pauses of a kad VRRP child over the window (written by KAD_LOOP_STATS_DIR). */
export interface ChildLoopStats {
  lagMs: { p50: number; p99: number; max: number };
  gcMs: { count: number; p50: number; p99: number; max: number; total: number };
}

function readLoopStats(dir: string): (ChildLoopStats & { sinceWallMs: number }) | undefined {
  try {
    return JSON.parse(readFileSync(loopStatsFile(dir, 'vrrp'), 'utf8')) as ChildLoopStats & { sinceWallMs: number };
  } catch {
    return undefined;
  }
}

/** Start the VRRP children's figures afresh, so that they cover the window alone (the children see it within a second). */
async function resetLoopStats(dirs: readonly string[]): Promise<void> {
  const at = Date.now();
  for (const dir of dirs) writeFileSync(loopStatsResetFile(dir), String(at));
  await waitUntil(() => dirs.every((dir) => (readLoopStats(dir)?.sinceWallMs ?? 0) >= at), 5000, 'VRRP children reset their loop statistics', 100);
}

/** One run of `impl` on `lab` (directors 0 = master, 1 = backup); the daemons are stopped after. */
export async function runLoad(lab: Lab, impl: LoadImpl, run: LoadRun): Promise<LoadResult & { rtOverruns: number; vrrpPolicies: number[]; loop?: { master: ChildLoopStats; backup: ChildLoopStats } }> {
  const loopDirs = new Map<Daemon, string>();
  const logs: string[] = [];
  const start = (i: number, prio: number): Daemon => {
    const conf = loadConf(run.instances, run.intervalMs, prio, impl === 'kad-rt');
    const dir = join(lab.dir, `load-${impl}-${i}-${Date.now()}`);
    mkdirSync(dir, { recursive: true });
    // Logs to a file: -D logs every discarded lower-priority advert, too much for a pipe under load.
    const logFile = join(dir, 'log');
    logs.push(logFile);
    if (impl === 'keepalived') return lab.startKeepalived(i, conf, { logFile });
    const d = lab.startKad(i, conf, { env: { [LOOP_STATS_ENV]: dir }, logFile });
    loopDirs.set(d, dir);
    return d;
  };
  const backup = start(1, 90);
  await sleep(200);
  const master = start(0, 100);
  const vips = Array.from({ length: run.instances }, (_, k) => loadVip(k + 1));
  try {
    await waitUntil(() => {
      const m = addresses(lab, 0);
      const b = addresses(lab, 1);
      return vips.every((v) => m.has(v) && !b.has(v));
    }, 30_000, `${impl}: every VIP on the master only`, 200);
    await sleep(1000);
    const cap = await lab.startCapture(0, 64);
    await sleep(300);
    await resetLoopStats([...loopDirs.values()]);
    const fromMs = Date.now();
    const stopBusy = startBusyLoops(run.busy);
    await sleep(run.seconds * 1000);
    stopBusy();
    const toMs = Date.now();
    await sleep(300);
    const packets = await cap.stop();
    const res = analyseLoad(packets, {
      master: lab.ipv4(0),
      backup: lab.ipv4(1),
      vrids: vips.map((_, k) => k + 1),
      intervalMs: run.intervalMs,
      fromMs,
      toMs,
    });
    const loop = (d: Daemon): ChildLoopStats | undefined => {
      const dir = loopDirs.get(d);
      return dir ? readLoopStats(dir) : undefined;
    };
    const m = loop(master);
    const b = loop(backup);
    // kad's real-time children pause 0.1 ms at an RLIMIT_RTTIME overrun and stay SCHED_RR (logged
    // at most once in 10 s).
    const rtOverruns = logs.reduce((n, f) => n + (readFileSync(f, 'utf8').match(/without blocking \(RLIMIT_RTTIME\)/g)?.length ?? 0), 0);
    const vrrpPolicies = impl === 'keepalived' ? [] : [master, backup].map((d) => procStatField(d.vrrpChildPid, 41)) // policy: 0 normal, 2 SCHED_RR;
    return { ...res, rtOverruns, vrrpPolicies, ...(m && b ? { loop: { master: m, backup: b } } : {}) };
  } finally {
    await Promise.all([master.stop(), backup.stop()]);
  }
}
