/**
 * Script execution seam for the VRRP child: vrrp_script checks and notify scripts are started
 * here and nowhere else. A script is exec'd directly from its argv (no shell), in its own process
 * group so a timeout kills the whole tree, with stdio detached so a chatty script never blocks
 * the event loop. User and group names are resolved from /etc/passwd and /etc/group.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { ScriptSpec } from '../../config/model.js';
import type { Clock, TimerHandle } from '../../core/clock.js';

/** How one script run ended. `exitCode` is null when the script died from a signal. */
export interface ScriptResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  /** Set when the script could not be started at all (ENOENT, EACCES...). */
  spawnError?: string;
}

/** Starts scripts; injected so tests of the trackers and notifier need no processes. */
export interface ScriptRunner {
  /**
   * Start `spec` with `extraArgs` appended. Resolves when it exits (or is killed after
   * `timeoutMs`, when given). Never rejects.
   */
  run(spec: ScriptSpec, extraArgs: readonly string[], timeoutMs?: number): Promise<ScriptResult>;
}

interface Ids {
  uid?: number;
  gid?: number;
}

/** Look up `name` (or a numeric id) in a passwd/group style file; field 2 is the id. */
function lookupId(file: string, name: string): number | undefined {
  if (/^\d+$/.test(name)) return Number(name);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f[0] === name && f[2] !== undefined) return Number(f[2]);
  }
  return undefined;
}

function idsFor(spec: ScriptSpec): Ids {
  const ids: Ids = {};
  if (spec.user !== undefined) ids.uid = lookupId('/etc/passwd', spec.user);
  if (spec.group !== undefined) ids.gid = lookupId('/etc/group', spec.group);
  return ids;
}

/** The real runner: child_process.spawn with a kill timer on the script's process group. */
export class ProcessScriptRunner implements ScriptRunner {
  constructor(private readonly clock: Clock) {}

  run(spec: ScriptSpec, extraArgs: readonly string[], timeoutMs?: number): Promise<ScriptResult> {
    return new Promise((resolve) => {
      const [prog, ...args] = spec.argv;
      if (prog === undefined) {
        resolve({ exitCode: null, signal: null, timedOut: false, spawnError: 'empty command' });
        return;
      }
      const child = spawn(prog, [...args, ...extraArgs], {
        stdio: 'ignore',
        detached: true,
        ...idsFor(spec),
      });
      let timedOut = false;
      let done = false;
      const finish = (r: ScriptResult): void => {
        if (done) return;
        done = true;
        this.clock.clearTimer(timer);
        resolve(r);
      };
      const timer: TimerHandle | undefined = timeoutMs === undefined ? undefined : this.clock.setTimer(timeoutMs, () => {
        timedOut = true;
        if (child.pid !== undefined) {
          try {
            process.kill(-child.pid, 'SIGKILL');
          } catch {
            // already gone
          }
        }
      });
      child.on('error', (err: NodeJS.ErrnoException) =>
        finish({ exitCode: null, signal: null, timedOut: false, spawnError: err.code ?? err.message }),
      );
      child.on('exit', (code, signal) => finish({ exitCode: code, signal, timedOut }));
    });
  }
}
