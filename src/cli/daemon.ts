/**
 * Daemon mode of `kad`: without -n detach first (the launching process exits 0 once the daemon
 * has written its pid file), then run the parent supervisor until it stops. The pid files are
 * settled first, since `instance`, the namespace and `use_pid_dir` in the configuration move
 * them (supervisor/file-names.ts).
 */
import { mkdirSync, rmdirSync } from 'node:fs';
import type { CliOptions } from '../core/options.js';
import { readConfig, readOptions, type ConfigRead } from '../supervisor/config-source.js';
import { daemonize, DAEMONIZED_ENV } from '../supervisor/daemonize.js';
import { pidFilePaths } from '../supervisor/file-names.js';
import { runParent } from '../supervisor/run.js';

/**
 * The options with the pid files the configuration asks for (unchanged when it cannot be read),
 * the pid directories they need, and the read itself (the supervisor starts from it instead of
 * reading the file again). The launching process only needs the pid file's name to wait for.
 */
function withConfiguredPidFiles(opts: CliOptions): { opts: CliOptions; dirs: string[]; read: ConfigRead } {
  const read = readConfig(opts.useFile, readOptions(opts));
  const { dirs, ...files } = pidFilePaths({ global: read.config?.global, namespace: opts.namespace }, opts, opts.explicitPidFiles ?? []);
  return { opts: { ...opts, ...files }, dirs, read };
}

/** Create the pid directories (the daemon does, and removes them again when it ends). */
function makeDirs(dirs: readonly string[]): void {
  try {
    for (const dir of dirs) mkdirSync(dir, { recursive: true, mode: 0o755 });
  } catch {
    // writing the pid file then fails with the reason
  }
}

/** Remove the pid directories again if nothing else is in them (keepalived's remove_pid_dir). */
function removeEmptyDirs(dirs: readonly string[]): void {
  for (const dir of [...dirs].reverse()) {
    try {
      rmdirSync(dir);
    } catch {
      // another instance's files are there, or it is gone already
    }
  }
}

export async function runDaemon(cliOpts: CliOptions): Promise<number> {
  const { opts, dirs, read } = withConfiguredPidFiles(cliOpts);
  if (!opts.dontFork && process.env[DAEMONIZED_ENV] !== '1') {
    return daemonize({ pidFile: opts.pid });
  }
  // The marker is for this process only; children and scripts must not inherit it.
  delete process.env[DAEMONIZED_ENV];
  makeDirs(dirs);
  const code = await runParent(opts, { firstRead: read });
  removeEmptyDirs(dirs);
  // Exit promptly even if a library left a handle open; normal exits happen before this fires.
  setTimeout(() => process.exit(code), 50).unref();
  return code;
}
