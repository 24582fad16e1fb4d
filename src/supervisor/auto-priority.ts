/**
 * Pure decisions of a real-time child. `max_auto_priority` (keepalived.conf(5)): a child
 * scheduled later than `min_auto_priority_delay` after a timer expired switches to SCHED_RR
 * (priority 1), and at each further delay raises its real-time priority by one, never above the
 * maximum. RLIMIT_RTTIME overruns: see {@link overrunResponse}.
 */

/** The real-time priority to run at after a wake-up `lateUs` late (0: normal scheduling). */
export function nextAutoPriority(current: number, lateUs: number, max: number, minDelayUs: number): number {
  if (max <= 0 || lateUs < minDelayUs || current >= max) return current;
  return current + 1;
}

/**
 * What a real-time thread does on SIGXCPU (its soft RLIMIT_RTTIME reached), from its count of
 * voluntary context switches (times it blocked) now and at the previous SIGXCPU. The kernel
 * counts the run time since the thread last woke up. A thread that blocked in between had one
 * long run (a garbage collection) that is already over: 'warn' and stay real-time. One that has
 * not blocked since is still in the same run (it cannot keep up) and would reach the hard limit,
 * SIGKILL: 'rest' at normal scheduling for a while.
 */
export function overrunResponse(previousSwitches: number | undefined, switches: number): 'warn' | 'rest' {
  return previousSwitches !== undefined && switches === previousSwitches ? 'rest' : 'warn';
}
