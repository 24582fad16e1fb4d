/**
 * Signal intake for the parent. Maps keepalived's signals to actions:
 * TERM/INT stop, HUP reload, USR1 data dump, USR2 stats, SIGRTMAX-1 (63) stats-clear,
 * SIGRTMIN+2 (36) JSON. PIPE is ignored.
 *
 * Node's `process.on()` accepts only the names in `os.constants.signals`, which has no realtime
 * signals, and the default action of an uncaught realtime signal is to terminate the process.
 * libuv itself handles any signal number, and Node exposes its signal wrapper (the one behind
 * `process.on`) as `process.binding('signal_wrap')`; kad uses it for 36 and 63. If a future Node
 * removes it, kad sets those signals to "ignore" (libc-signal.ts) so that they cannot kill it, and
 * logs KAD_WARN_SUPERVISOR_RT_SIGNALS; stats stay reachable with `kill -USR2`.
 */
import { constants } from 'node:os';
import { SIGNAL_FUNCTIONS } from '../core/signal-table.js';
import { ignoreSignal } from '../net/libc.js';

export type SignalAction = 'stop' | 'reload' | 'data' | 'stats' | 'stats-clear' | 'json';

/** Signal number → action, as keepalived's signal_init() sets them up. */
export const SIGNAL_ACTIONS: ReadonlyMap<number, SignalAction> = new Map<number, SignalAction>([
  [constants.signals.SIGTERM, 'stop'],
  [constants.signals.SIGINT, 'stop'],
  [constants.signals.SIGHUP, 'reload'],
  [constants.signals.SIGUSR1, 'data'],
  [constants.signals.SIGUSR2, 'stats'],
  [SIGNAL_FUNCTIONS.STATS_CLEAR as number, 'stats-clear'],
  [SIGNAL_FUNCTIONS.JSON as number, 'json'],
]);

interface SignalWrap {
  onsignal: ((signum: number) => void) | undefined;
  start(signum: number): number;
  close(): void;
  unref(): void;
}

type SignalWrapCtor = new () => SignalWrap;

/** libuv's signal wrapper, or undefined when this Node does not expose it. */
function signalWrapCtor(): SignalWrapCtor | undefined {
  const legacy = process as unknown as { binding?: (name: string) => { Signal?: SignalWrapCtor } };
  if (typeof legacy.binding !== 'function') return undefined;
  // process.binding is documentation-deprecated (DEP0111); silence its warning for this one call.
  const saved = process.noDeprecation;
  process.noDeprecation = true;
  try {
    return legacy.binding('signal_wrap').Signal;
  } catch {
    return undefined;
  } finally {
    process.noDeprecation = saved;
  }
}

/** Ignore a signal that cannot be watched; a failure here leaves the default action. */
function ignoreFallback(signum: number): void {
  try {
    ignoreSignal(signum);
  } catch {
    // reported through `unhooked`
  }
}

export interface SignalIntake {
  /** Signal numbers that could not be hooked (reported by the caller). */
  unhooked: readonly number[];
  dispose(): void;
}

/** Route every signal in SIGNAL_ACTIONS to `onAction`; returns a handle to undo it. */
export function installSignalHandlers(onAction: (action: SignalAction, signum: number) => void): SignalIntake {
  const names = new Map<number, NodeJS.Signals>();
  for (const [name, num] of Object.entries(constants.signals)) names.set(num, name as NodeJS.Signals);
  const disposers: (() => void)[] = [];
  const unhooked: number[] = [];
  const Ctor = signalWrapCtor();
  for (const [signum, action] of SIGNAL_ACTIONS) {
    const name = names.get(signum);
    if (name) {
      const fn = (): void => onAction(action, signum);
      process.on(name, fn);
      disposers.push(() => process.off(name, fn));
      continue;
    }
    const wrap = Ctor ? new Ctor() : undefined;
    if (wrap) wrap.onsignal = (n) => onAction(action, n);
    if (!wrap || wrap.start(signum) !== 0) {
      wrap?.close();
      unhooked.push(signum);
      ignoreFallback(signum);
      continue;
    }
    // Like process.on for named signals: a signal watcher alone does not keep kad alive.
    wrap.unref();
    disposers.push(() => wrap.close());
  }
  const pipe = (): void => undefined;
  process.on('SIGPIPE', pipe);
  disposers.push(() => process.off('SIGPIPE', pipe));
  return { unhooked, dispose: () => disposers.forEach((d) => d()) };
}
