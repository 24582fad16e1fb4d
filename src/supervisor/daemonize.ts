/**
 * Without -n kad detaches: it re-spawns itself (same argv plus --dont-fork) in a new session
 * with stdio closed, waits until the new process has written its pid file, and exits 0. If the
 * daemon dies before that, its exit code is returned instead.
 */
import { spawn } from 'node:child_process';
import { readPidFile } from './pidfile.js';

export const DAEMONIZED_ENV = 'KAD_DAEMONIZED';

export interface DaemonizeOptions {
  pidFile: string;
  timeoutMs?: number;
  pollMs?: number;
}

/** Start the detached daemon; resolves with the code the launching process should exit with. */
export function daemonize(opts: DaemonizeOptions): Promise<number> {
  const script = process.argv[1] as string;
  const child = spawn(process.execPath, [...process.execArgv, script, '--dont-fork', ...process.argv.slice(2)], {
    detached: true,
    stdio: 'ignore',
    env: { ...process.env, [DAEMONIZED_ENV]: '1' },
  });
  return new Promise((resolve) => {
    const started = Date.now();
    let settled = false;
    const finish = (code: number): void => {
      if (settled) return;
      settled = true;
      clearInterval(poll);
      child.unref();
      resolve(code);
    };
    const poll = setInterval(() => {
      if (child.pid !== undefined && readPidFile(opts.pidFile) === child.pid) finish(0);
      else if (Date.now() - started > (opts.timeoutMs ?? 30_000)) finish(1);
    }, opts.pollMs ?? 20);
    child.on('exit', (code) => finish(code ?? 1));
    child.on('error', () => finish(1));
  });
}
