/**
 * What both children share as processes: reading KAD_CHILD_OPTIONS, the logger, the config load
 * with its diagnostics logged, messages to the parent, and the signal/IPC wiring (SIGTERM,
 * SIGINT, a `stop` message or the parent going away all mean a graceful stop).
 */
import type { Config } from '../config/model.js';
import { formatDiagnostic, loadConfig } from '../config/loader.js';
import { CHILD_OPTIONS_ENV, isParentMessage, type ChildMessage, type ChildOptions, type ParentMessage } from '../core/ipc.js';
import type { Logger } from '../core/log.js';
import { ignoreRealtimeSignals } from './libc-signal.js';
import { createChildLogger } from './log-io.js';

export const EXIT_FATAL = 1;
export const EXIT_CONFIG = 2;

/** A message to the parent; dropped when the child runs without one. */
export function sendToParent(msg: ChildMessage): void {
  if (process.send && process.connected) process.send(msg);
}

/** Load the configuration, logging every diagnostic (errors with `errorCode`). */
export function loadChildConfig(opts: ChildOptions, log: Logger, errorCode: string): Config | undefined {
  const r = loadConfig(opts.cli.useFile, { configId: opts.cli.configId, allConfig: opts.cli.allConfig });
  for (const d of r.diagnostics) {
    if (d.severity === 'error') log.error({ code: errorCode }, formatDiagnostic(d));
    else log.warn(formatDiagnostic(d));
  }
  return r.config;
}

/** A child's body: started once, told about parent messages, stopped gracefully. */
export interface ChildBody {
  /** Resolves undefined when running, or an exit code to stop with. */
  start(): Promise<number | undefined>;
  handle(m: ParentMessage): void;
  stop(code?: number): Promise<never>;
}

/** Run a child process: options from the environment, logger, wiring, fatal errors reported. */
export function runChild(proc: 'vrrp' | 'checker', make: (opts: ChildOptions, log: Logger) => ChildBody): void {
  const name = proc === 'vrrp' ? 'kad_vrrp' : 'kad_checkers';
  const main = async (): Promise<void> => {
    const raw = process.env[CHILD_OPTIONS_ENV];
    if (!raw) throw new Error(`${CHILD_OPTIONS_ENV} is not set`);
    const opts = JSON.parse(raw) as ChildOptions;
    const log = createChildLogger(proc, opts.cli);
    ignoreRealtimeSignals(log);
    const child = make(opts, log);
    const stop = (): void => void child.stop();
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
    process.on('disconnect', stop);
    process.on('message', (m: unknown) => {
      if (isParentMessage(m)) child.handle(m);
    });
    const code = await child.start();
    if (code !== undefined) await child.stop(code);
  };
  main().catch((err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`${name}: ${message}\n`);
    sendToParent({ type: 'fatal', exitCode: EXIT_FATAL, message });
    process.exit(EXIT_FATAL);
  });
}
