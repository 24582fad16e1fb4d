/**
 * Kernel seam: set a signal's disposition to "ignore" through libc's signal(2) (koffi), for the
 * realtime signals kad cannot watch when this Node.js does not expose libuv's signal wrapper.
 * An ignored signal is discarded instead of terminating the process (the default action).
 */
import koffi from 'koffi';
import { errnoInfo, KadError } from '../core/errors.js';
import type { Logger } from '../core/log.js';

const SIG_IGN = 1;
const SIG_ERR = -1;

let signalFn: ((signum: number, handler: number) => number) | undefined;

/** Ignore `signum` for this process (and children it forks keep the disposition). */
export function ignoreSignal(signum: number): void {
  if (!signalFn) {
    const f = koffi.load('libc.so.6').func('intptr_t signal(int, intptr_t)');
    signalFn = (n, h) => Number(f(n, h));
  }
  if (signalFn(signum, SIG_IGN) === SIG_ERR) {
    const info = errnoInfo(koffi.errno(), 'signal');
    throw new KadError('KAD_ERR_SUPERVISOR_SIGNAL', `cannot ignore signal ${signum}: ${info.code}`, info);
  }
}

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
