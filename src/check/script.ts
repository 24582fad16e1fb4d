/**
 * Runs checker scripts (MISC_CHECK, notify_up/down, quorum_up/down) in their own process group
 * so a timeout kills the script and everything it started. The user is resolved from
 * /etc/passwd (keepalived's `user`/script_user).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { ScriptSpec } from '../config/model.js';
import type { Clock, TimerHandle } from '../core/clock.js';

export type ScriptExit =
  | { kind: 'exit'; code: number }
  | { kind: 'signal'; signal: string }
  | { kind: 'timeout' }
  | { kind: 'spawn-error'; detail: string };

/** Look up uid/gid of a user name (or numeric id) in /etc/passwd; undefined when unknown. */
export function lookupUser(name: string): { uid: number; gid: number } | undefined {
  let text: string;
  try {
    text = readFileSync('/etc/passwd', 'utf8');
  } catch {
    return undefined;
  }
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f.length >= 4 && (f[0] === name || f[2] === name)) return { uid: Number(f[2]), gid: Number(f[3]) };
  }
  return undefined;
}

/** Live script processes, for leak accounting in tests. */
export const liveScripts = new Set<number>();

/**
 * Run `spec` and resolve with how it ended. With `timeoutMs`, the whole process group gets
 * SIGKILL when the time is up (keepalived's misc_timeout).
 */
export function runScript(spec: ScriptSpec, clock: Clock, timeoutMs?: number, extraArgs: readonly string[] = []): Promise<ScriptExit> {
  return new Promise((resolve) => {
    const ids = spec.user !== undefined ? lookupUser(spec.user) : undefined;
    if (spec.user !== undefined && !ids) {
      resolve({ kind: 'spawn-error', detail: `unknown user ${spec.user}` });
      return;
    }
    const [prog, ...args] = spec.argv;
    const child = spawn(prog ?? '', [...args, ...extraArgs], {
      detached: true,
      stdio: 'ignore',
      ...(ids ? { uid: ids.uid, gid: ids.gid } : {}),
    });
    let timer: TimerHandle | undefined;
    let timedOut = false;
    const pid = child.pid;
    if (pid !== undefined) liveScripts.add(pid);
    if (timeoutMs !== undefined && pid !== undefined) {
      timer = clock.setTimer(timeoutMs, () => {
        timedOut = true;
        killGroup(pid);
      });
    }
    child.once('error', (err) => {
      clock.clearTimer(timer);
      if (pid !== undefined) liveScripts.delete(pid);
      resolve({ kind: 'spawn-error', detail: err.message });
    });
    child.once('exit', (code, signal) => {
      clock.clearTimer(timer);
      if (pid !== undefined) {
        liveScripts.delete(pid);
        // Whatever the script left behind in its group goes with it.
        killGroup(pid);
      }
      if (timedOut) resolve({ kind: 'timeout' });
      else if (code !== null) resolve({ kind: 'exit', code });
      else resolve({ kind: 'signal', signal: signal ?? 'unknown' });
    });
  });
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // group already gone
  }
}
