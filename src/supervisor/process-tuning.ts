/**
 * A child applies its global_defs scheduling keywords at start, as keepalived's children do:
 * nice value and CPU affinity for every thread of the process, and SCHED_RR with
 * RLIMIT_RTTIME for the main thread (where kad's timers and sockets run). With
 * `max_auto_priority`, a watchdog notices when the event loop ran late by more than
 * `min_auto_priority_delay`, switches to SCHED_RR and raises the priority by one at each new
 * delay, up to the maximum (keepalived.conf(5)). Failures are logged, never fatal.
 */
import { readdirSync } from 'node:fs';
import type { GlobalDefs, ProcessTuning } from '../config/model.js';
import type { Logger } from '../core/log.js';
import { SCHED_OTHER, SCHED_RR, setCpuAffinity, setNice, setRealtimeLimit, setScheduler } from '../net/libc.js';
import { SystemClock } from '../core/clock.js';
import { nextAutoPriority } from './auto-priority.js';

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
 * RLIMIT_RTTIME's soft limit sends SIGXCPU, whose default action would kill the child (the hard
 * limit, SIGKILL, is set ten times higher). A garbage collection can keep Node busy longer than
 * a C daemon's 10 ms, so the child answers SIGXCPU by leaving real-time scheduling for a second
 * (logged), then takes it back: a runaway loop still cannot hog a core.
 */
/** The SCHED_RR priority this process runs at (0: normal scheduling), for the SIGXCPU rest. */
let rtPriority = 0;
let watchingOverrun = false;
function watchOverrun(log: Logger): void {
  if (watchingOverrun) return;
  watchingOverrun = true;
  let resting = false;
  process.on('SIGXCPU', () => {
    if (resting) return;
    resting = true;
    attempt(log, 'Used up RLIMIT_RTTIME: normal scheduling for 1 s', () => setScheduler(SCHED_OTHER, 0));
    setTimeout(() => {
      resting = false;
      attempt(log, `Set realtime priority ${rtPriority} again`, () => setScheduler(SCHED_RR, rtPriority));
    }, 1000).unref();
  });
}

/** Apply `t` to this process; `name` is the child as keepalived names it in logs. */
export function applyProcessTuning(t: ProcessTuning, log: Logger): void {
  if (t.nice !== undefined) attempt(log, `Set process priority to ${t.nice}`, () => { for (const tid of threads()) setNice(t.nice!, tid); });
  if (t.cpuAffinity) attempt(log, `Set CPU affinity to ${t.cpuAffinity.join(' ')}`, () => { for (const tid of threads()) setCpuAffinity(t.cpuAffinity!, tid); });
  if (t.rtPriority !== undefined) {
    watchOverrun(log);
    attempt(log, `Set realtime priority ${t.rtPriority} (RLIMIT_RTTIME ${t.rlimitRttimeUs} usecs)`, () => {
      setRealtimeLimit(t.rlimitRttimeUs);
      setScheduler(SCHED_RR, t.rtPriority!);
      rtPriority = t.rtPriority!;
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
    if (next === current) return;
    watchOverrun(log);
    attempt(log, `Scheduled ${Math.round(lateUs)} usecs late: set realtime priority ${next}`, () => {
      if (current === 0) setRealtimeLimit(t.rlimitRttimeUs);
      setScheduler(SCHED_RR, next);
      rtPriority = next;
    });
    current = next;
  }, periodMs);
  timer.unref();
  return () => clearInterval(timer);
}
