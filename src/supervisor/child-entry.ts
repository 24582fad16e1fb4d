/**
 * What both children share as processes: reading KAD_CHILD_OPTIONS, the logger, getting the
 * configuration, messages to the parent, and the signal/IPC wiring (SIGTERM, SIGINT, a `stop`
 * message or the parent going away all mean a graceful stop).
 *
 * A child does not parse the configuration: it says 'hello' and applies the validated model the
 * parent sends ('config', and 'reload' later). Only a child started without a parent (no IPC
 * channel: a debugging aid and some tests) reads the file itself, logging the diagnostics.
 */
import type { Config } from '../config/model.js';
import { deepFreeze } from '../config/freeze.js';
import { CHILD_OPTIONS_ENV, isParentMessage, type ChildMessage, type ChildOptions, type ParentMessage } from './ipc.js';
import type { Logger } from '../core/log.js';
import { ignoreRealtimeSignals } from './libc-signal.js';
import { applyProcessTuning, startAutoPriority } from './process-tuning.js';
import { createChildLogger } from './log-io.js';
import { startLoopStats } from './loop-stats.js';

export const EXIT_FATAL = 1;
export const EXIT_CONFIG = 2;

/** A message to the parent; dropped when the child runs without one. */
export function sendToParent(msg: ChildMessage): void {
  if (process.send && process.connected) process.send(msg);
}

/**
 * Standalone start: read the file, logging every diagnostic (errors with `errorCode`). The
 * parser is loaded only here: a child with a parent never needs it.
 */
async function readOwnConfig(opts: ChildOptions, log: Logger, errorCode: string): Promise<Config | undefined> {
  const { formatDiagnostic, loadConfig } = await import('../config/loader.js');
  const r = loadConfig(opts.cli.useFile, { configId: opts.cli.configId, allConfig: opts.cli.allConfig });
  for (const d of r.diagnostics) {
    if (d.severity === 'error') log.error({ code: errorCode }, formatDiagnostic(d));
    else log.warn(formatDiagnostic(d));
  }
  return r.config;
}

/** A child's body: started once with a configuration, told about parent messages, stopped gracefully. */
export interface ChildBody {
  /** Resolves undefined when running, or an exit code to stop with. */
  start(config: Config): Promise<number | undefined>;
  /** Any parent message but 'config' ('reload' carries the new validated model). */
  handle(m: ParentMessage): void;
  /**
   * Called once after start, when the messages that arrived meanwhile (the VRRP states the
   * parent replays right after the configuration) have been handled.
   */
  started?(): void;
  stop(code?: number): Promise<never>;
}

/** The parent's model (after 'hello'), or the file read here when there is no parent. */
function configFromParent(): { config: Promise<Config>; deliver: (m: ParentMessage) => boolean } {
  let resolveConfig: (c: Config) => void = () => undefined;
  const config = new Promise<Config>((r) => (resolveConfig = r));
  let got = false;
  const deliver = (m: ParentMessage): boolean => {
    if (m.type !== 'config') return false;
    if (!got) resolveConfig(deepFreeze(m.config));
    got = true;
    return true;
  };
  return { config, deliver };
}

/** Run a child process: options from the environment, logger, wiring, fatal errors reported. */
export function runChild(proc: 'vrrp' | 'checker', make: (opts: ChildOptions, log: Logger) => ChildBody): void {
  const name = proc === 'vrrp' ? 'kad_vrrp' : 'kad_checkers';
  const main = async (): Promise<void> => {
    const raw = process.env[CHILD_OPTIONS_ENV];
    if (!raw) throw new Error(`${CHILD_OPTIONS_ENV} is not set`);
    const opts = JSON.parse(raw) as ChildOptions;
    const log = createChildLogger(proc, opts.cli);
    process.on('exit', startLoopStats(proc));
    ignoreRealtimeSignals(log);
    const child = make(opts, log);
    const stop = (): void => void child.stop();
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
    process.on('disconnect', stop);
    const fromParent = configFromParent();
    // Messages that arrive before the body runs (VRRP states the parent replays right after the
    // configuration) wait for it; a stop never waits.
    let early: ParentMessage[] | undefined = [];
    process.on('message', (m: unknown) => {
      if (!isParentMessage(m) || fromParent.deliver(m)) return;
      if (early && m.type !== 'stop') early.push(m);
      else child.handle(m);
    });
    let config: Config | undefined;
    if (process.send) {
      sendToParent({ type: 'hello' });
      config = await fromParent.config;
    } else {
      config = await readOwnConfig(opts, log, proc === 'vrrp' ? 'KAD_ERR_VRRP_CONFIG' : 'KAD_ERR_CHECK_CONFIG');
      if (!config) {
        await child.stop(EXIT_CONFIG);
        return;
      }
    }
    const code = await child.start(config);
    if (code !== undefined) await child.stop(code);
    // Tuned once started: the start-up work (instances, sockets, first adverts) runs longer
    // without blocking than RLIMIT_RTTIME allows a real-time thread, which would cost the child
    // its first second of SCHED_RR; the threads Node has started by now all get nice and affinity.
    const tuning = config.global.processTuning[proc];
    applyProcessTuning(tuning, log);
    startAutoPriority(config.global, tuning, log);
    const waiting = early;
    early = undefined;
    for (const m of waiting) child.handle(m);
    child.started?.();
  };
  main().catch((err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`${name}: ${message}\n`);
    sendToParent({ type: 'fatal', exitCode: EXIT_FATAL, message });
    process.exit(EXIT_FATAL);
  });
}
