/**
 * Daemon mode of `kad`: without -n detach first (the launching process exits 0 once the daemon
 * has written its pid file), then run the parent supervisor until it stops.
 */
import type { CliOptions } from '../core/options.js';
import { daemonize, DAEMONIZED_ENV } from '../supervisor/daemonize.js';
import { runParent } from '../supervisor/run.js';

export async function runDaemon(opts: CliOptions): Promise<number> {
  if (!opts.dontFork && process.env[DAEMONIZED_ENV] !== '1') {
    return daemonize({ pidFile: opts.pid });
  }
  // The marker is for this process only; children and scripts must not inherit it.
  delete process.env[DAEMONIZED_ENV];
  const code = await runParent(opts);
  // Exit promptly even if a library left a handle open; normal exits happen before this fires.
  setTimeout(() => process.exit(code), 50).unref();
  return code;
}
