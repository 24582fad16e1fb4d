/**
 * How long the VRRP child holds its instances back at start of day: `vrrp_startup_delay` from
 * now, and `vrrp_delay_after_boot` counted from the system's boot. Both hold: the instances start
 * when the later of the two has passed. A child that respawns and resumes its MASTER instances
 * does not wait. Pure: the uptime is read by the caller.
 */

/** The inputs of the start-of-day delay, in milliseconds. */
export interface StartupInputs {
  /** `vrrp_startup_delay`. */
  startupDelayMs: number;
  /** `vrrp_delay_after_boot`. */
  delayAfterBootMs: number;
  /** Time since the system booted (/proc/uptime). */
  uptimeMs: number;
  /** A respawned child resumes MASTER instances: no delay. */
  resuming: boolean;
}

/** The delay before the instances start, in ms (0: at once). */
export function startupDelayMs(i: StartupInputs): number {
  if (i.resuming) return 0;
  const afterBoot = Math.max(0, i.delayAfterBootMs - i.uptimeMs);
  return Math.max(i.startupDelayMs, afterBoot);
}
