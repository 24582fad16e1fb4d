/**
 * A child applies its global_defs scheduling keywords at start, as keepalived's children do:
 * nice value and CPU affinity for every thread of the process, its mapped files locked in
 * memory (`*_no_swap`, ./memory-lock.ts), and SCHED_RR with RLIMIT_RTTIME for the main thread
 * (where kad's timers and sockets run), left while the child reloads. With
 * `max_auto_priority`, a watchdog notices when the event loop ran late by more than
 * `min_auto_priority_delay`, switches to SCHED_RR and raises the priority by one at each new
 * delay, up to the maximum (keepalived.conf(5)). Failures are logged, never fatal.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { GlobalDefs, ProcessTuning } from '../config/model.js';
import type { Logger } from '../core/log.js';
import { lockRange, SCHED_OTHER, SCHED_RR, setCpuAffinity, setNice, setRealtimeLimit, setScheduler } from '../net/libc.js';
import { lockableMappings, type LockableMapping } from './memory-lock.js';
import { SystemClock } from '../core/clock.js';
import { nextAutoPriority } from './auto-priority.js';
import { RateLimiter } from '../core/rate-limit.js';

/** Thread ids of this process (the main thread's id is the pid). */
function threads(): number[] {
  try {
    return readdirSync('/proc/self/task').map(Number).filter((t) => Number.isInteger(t));
  } catch {
    return [process.pid];
  }
}

function attempt(log: Logger, what: string, fn: () => void): void {
  try {
    fn();
    log.info(`${what}`);
  } catch (err) {
    log.warn({ code: 'KAD_WARN_PROCESS_TUNING', err: (err as Error).message }, `cannot ${what.charAt(0).toLowerCase()}${what.slice(1)}: ${(err as Error).message}`);
  }
}

/**
 * What this process runs at: the SCHED_RR priority (0: normal scheduling) and the soft
 * RLIMIT_RTTIME, which the overrun handler sets back and a reload returns to; and whether a
 * reload runs now.
 */
const realtime = { priority: 0, rttimeUs: 0, reloading: false };
let watchingOverrun = false;
const overrunLog = new RateLimiter(1, 0.1);

/** Blocks the calling thread for 0.1 ms: asleep, it makes the kernel start its RLIMIT_RTTIME count again. */
const pauseCell = new Int32Array(new SharedArrayBuffer(4));
function blockBriefly(): void {
  Atomics.wait(pauseCell, 0, 0, 0.1);
}

/**
 * RLIMIT_RTTIME's soft limit sends SIGXCPU when the real-time main thread ran that long without
 * blocking (a long garbage collection, or hundreds of instances keeping the event loop busy);
 * the default action would kill the child. The child stays real-time: leaving SCHED_RR would
 * put it behind every busy task when its adverts matter most. It blocks for 0.1 ms (the kernel
 * counts run time since the thread last slept), sets the soft limit back (the kernel raised it
 * by 1 s) so the next overrun is seen too, and logs it, rate-limited. A loop that never returns
 * to the event loop never runs this handler and still meets the hard limit, ten times the soft
 * one: SIGKILL, and the supervisor respawns the child.
 */
function watchOverrun(log: Logger): void {
  if (watchingOverrun) return;
  watchingOverrun = true;
  const clock = new SystemClock();
  process.on('SIGXCPU', () => {
    if (realtime.priority === 0) return;
    blockBriefly();
    try {
      setRealtimeLimit(realtime.rttimeUs);
    } catch {
      // the soft limit stays where the kernel moved it; the hard limit is unchanged
    }
    const suppressed = overrunLog.take(clock.nowMs());
    if (suppressed >= 0) {
      const more = suppressed > 0 ? ` (${suppressed} more not logged)` : '';
      log.warn({ code: 'KAD_WARN_RLIMIT_RTTIME', suppressed }, `Ran over ${realtime.rttimeUs} usecs without blocking (RLIMIT_RTTIME): paused 0.1 ms, staying realtime${more}`);
    }
  });
}

/**
 * Run `work` at normal scheduling and go back to real-time after, as keepalived does while it
 * reloads: rebuilding instances can run longer without blocking than the hard RLIMIT_RTTIME.
 */
export async function atNormalScheduling<T>(log: Logger, work: () => Promise<T> | T): Promise<T> {
  if (realtime.priority === 0 || realtime.reloading) return work();
  realtime.reloading = true;
  attempt(log, 'Use standard scheduling while reloading', () => setScheduler(SCHED_OTHER, 0));
  try {
    return await work();
  } finally {
    realtime.reloading = false;
    attempt(log, `Set realtime priority ${realtime.priority} again`, () => setScheduler(SCHED_RR, realtime.priority));
  }
}

/** `*_no_swap`: lock the file-backed mappings (./memory-lock.ts says why not all memory). */
function lockFileMappings(log: Logger): void {
  let maps: LockableMapping[] = [];
  try {
    maps = lockableMappings(readFileSync('/proc/self/maps', 'utf8'));
  } catch (err) {
    log.warn({ code: 'KAD_WARN_PROCESS_TUNING', err: (err as Error).message }, `cannot lock memory: ${(err as Error).message}`);
    return;
  }
  let locked = 0n;
  const files = new Set<string>();
  const failed: string[] = [];
  for (const m of maps) {
    try {
      lockRange(m.start, m.end);
      locked += m.end - m.start;
      files.add(m.path);
    } catch (err) {
      failed.push(`${m.path}: ${(err as Error).message}`);
    }
  }
  if (failed.length > 0) log.warn({ code: 'KAD_WARN_PROCESS_TUNING', failed }, `cannot lock ${failed.length} mappings in memory: ${failed[0]}`);
  log.info(`Locked ${files.size} mapped files (${Math.round(Number(locked) / 1048576)} MB of mappings) in memory; the heap is not locked`);
}

/** Apply `t` to this process; `name` is the child as keepalived names it in logs. */
export function applyProcessTuning(t: ProcessTuning, log: Logger): void {
  if (t.nice !== undefined) attempt(log, `Set process priority to ${t.nice}`, () => { for (const tid of threads()) setNice(t.nice!, tid); });
  if (t.cpuAffinity) attempt(log, `Set CPU affinity to ${t.cpuAffinity.join(' ')}`, () => { for (const tid of threads()) setCpuAffinity(t.cpuAffinity!, tid); });
  if (t.noSwap) lockFileMappings(log);
  if (t.rtPriority !== undefined) {
    watchOverrun(log);
    attempt(log, `Set realtime priority ${t.rtPriority} (RLIMIT_RTTIME ${t.rlimitRttimeUs} usecs)`, () => {
      setRealtimeLimit(t.rlimitRttimeUs);
      setScheduler(SCHED_RR, t.rtPriority!);
      realtime.priority = t.rtPriority!;
      realtime.rttimeUs = t.rlimitRttimeUs;
    });
  }
}

/** The auto-priority watchdog; stop it with the returned function. */
export function startAutoPriority(g: GlobalDefs, t: ProcessTuning, log: Logger): () => void {
  if (g.maxAutoPriority <= 0) return () => undefined;
  const periodMs = 100;
  const clock = new SystemClock();
  let current = t.rtPriority ?? 0;
  let expected = clock.nowMs() + periodMs;
  const timer = setInterval(() => {
    const now = clock.nowMs();
    const lateUs = (now - expected) * 1000;
    expected = now + periodMs;
    const next = nextAutoPriority(current, lateUs, g.maxAutoPriority, g.minAutoPriorityDelayUs);
    if (next === current || realtime.reloading) return;
    watchOverrun(log);
    attempt(log, `Scheduled ${Math.round(lateUs)} usecs late: set realtime priority ${next}`, () => {
      if (current === 0) setRealtimeLimit(t.rlimitRttimeUs);
      setScheduler(SCHED_RR, next);
      realtime.priority = next;
      realtime.rttimeUs = t.rlimitRttimeUs;
    });
    current = next;
  }, periodMs);
  timer.unref();
  return () => clearInterval(timer);
}
