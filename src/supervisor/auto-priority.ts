/**
 * `max_auto_priority` (keepalived.conf(5)), pure: a child scheduled later than
 * `min_auto_priority_delay` after a timer expired switches to SCHED_RR (priority 1), and at each
 * further delay raises its real-time priority by one, never above the maximum.
 */

/** The real-time priority to run at after a wake-up `lateUs` late (0: normal scheduling). */
export function nextAutoPriority(current: number, lateUs: number, max: number, minDelayUs: number): number {
  if (max <= 0 || lateUs < minDelayUs || current >= max) return current;
  return current + 1;
}
