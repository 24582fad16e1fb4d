/**
 * Realtime signals kad cannot watch when this Node.js does not expose libuv's signal wrapper:
 * their disposition is set to "ignore" through libc's signal(2) (the libc seam), so such a
 * signal is discarded instead of terminating the process (the default action).
 */
import type { Logger } from '../core/log.js';
import { ignoreSignal } from '../net/libc.js';

/**
 * Children: the parent handles JSON (SIGRTMIN+2) and STATS_CLEAR (SIGRTMAX-1) and forwards them
 * over IPC; sent straight to a child's pid they must not kill it (their default action).
 */
export function ignoreRealtimeSignals(log: Logger): void {
  for (const signum of [36, 63]) {
    try {
      ignoreSignal(signum);
    } catch (err) {
      log.warn({ code: 'KAD_ERR_SUPERVISOR_SIGNAL' }, (err as Error).message);
    }
  }
}
