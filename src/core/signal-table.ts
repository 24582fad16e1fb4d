/**
 * keepalived's signal functions and their numbers (Linux glibc numbering: SIGRTMIN is 34,
 * SIGRTMAX is 64): what `--signum=NAME` prints and what the supervisor listens to.
 */
import { constants } from 'node:os';

export const SIGRTMIN = 34;
export const SIGRTMAX = 64;

export const SIGNAL_FUNCTIONS: Readonly<Record<string, number>> = Object.freeze({
  STOP: constants.signals.SIGTERM,
  RELOAD: constants.signals.SIGHUP,
  DATA: constants.signals.SIGUSR1,
  STATS: constants.signals.SIGUSR2,
  STATS_CLEAR: SIGRTMAX - 1,
  JSON: SIGRTMIN + 2,
  TDATA: SIGRTMAX,
  TDUMP: SIGRTMAX,
});

/** Number for NAME (case-insensitive), or undefined. */
export function signumFor(name: string): number | undefined {
  return SIGNAL_FUNCTIONS[name.toUpperCase()];
}
