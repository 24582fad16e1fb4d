/**
 * The one script runner of kad: vrrp_script checks, VRRP instance and sync-group notify scripts,
 * MISC_CHECK, notify_up/notify_down and quorum_up/quorum_down all start here.
 *
 * Each run: pick the user (src/script/identity.ts), resolve it in the user database (uid,
 * primary gid, supplementary groups; an unknown user or group refuses the run, never falls back
 * to root), find the program, vet it (src/script/security.ts), then exec it directly from its
 * argv (no shell) in a process group of its own with a fixed environment and stdio on
 * /dev/null, through kad-runas (native/runas), which sets the groups, gid and uid and the
 * parent-death signal (without the helper, only scripts run as kad's own uid:gid can start). On timeout the group gets SIGTERM, then
 * SIGKILL 2 s later (keepalived's sequence); after the script exits, whatever it left in its
 * group is killed.
 */
import { spawn } from 'node:child_process';
import type { Clock, TimerHandle } from '../core/clock.js';
import type { Logger } from '../core/log.js';
import { scriptEnv } from './env.js';
import { findProgram, runasHelper, SYSTEM_FS } from './fs.js';
import { scriptUser } from './identity.js';
import { resolveIdentity, userExists, type Identity } from './passwd.js';
import { vetScript, type ScriptFs } from './security.js';
import type { RunRequest, ScriptOutcome, ScriptPolicy, ScriptRunner, ScriptSpec } from './types.js';
import { describeOutcome } from './types.js';

/** Grace between SIGTERM and SIGKILL on timeout (keepalived: 2 s). */
const KILL_GRACE_MS = 2000;

/** The global settings the runner follows. */
export type { ScriptPolicy };

/** Counters (for stats and tests). */
export interface RunnerStats {
  started: number;
  refused: number;
  timedOut: number;
  spawnErrors: number;
}

export interface RunnerOptions {
  clock: Clock;
  log: Logger;
  policy: ScriptPolicy;
  fs?: ScriptFs;
  /** Path of kad-runas; default native/runas/kad-runas when built. */
  helper?: string;
  /**
   * A command every script runs behind (`ip netns exec NAME` for the parent's scripts with
   * net_namespace); it must exec the script in place, so the pid and process group stay the
   * script's.
   */
  wrapper?: readonly string[];
}

type Prepared = { ok: true; cmd: string; args: string[]; env: Record<string, string> } | { ok: false; outcome: ScriptOutcome };

export class ProcessScriptRunner implements ScriptRunner {
  readonly stats: RunnerStats = { started: 0, refused: 0, timedOut: 0, spawnErrors: 0 };
  /** Pids of scripts still running. */
  readonly live = new Set<number>();
  /** Last logged problem per script role: a problem is logged when it changes, not every run. */
  private readonly lastProblem = new Map<string, string>();
  /** Unsafe-permission warnings already logged (once per script role and finding). */
  private readonly warned = new Set<string>();
  private readonly fs: ScriptFs;
  private readonly helper: string | undefined;

  private policy: ScriptPolicy;

  constructor(private readonly o: RunnerOptions) {
    this.fs = o.fs ?? SYSTEM_FS;
    this.helper = o.helper ?? runasHelper();
    this.policy = o.policy;
  }

  /** Follow new global settings (reload). */
  setPolicy(policy: ScriptPolicy): void {
    this.policy = policy;
  }

  run(spec: ScriptSpec, req: RunRequest): Promise<ScriptOutcome> {
    const p = this.prepare(spec, req);
    if (!p.ok) return Promise.resolve(this.report(spec, req, p.outcome));
    return this.spawnScript(p, req).then((o) => this.report(spec, req, o));
  }

  /** Identity, program and vetting; a refusal when the script must not run. */
  private prepare(spec: ScriptSpec, req: RunRequest): Prepared {
    const names = scriptUser(spec, this.policy, userExists);
    const id = resolveIdentity(names.user, names.group);
    if ('error' in id) {
      const what = id.error === 'unknown-user' ? 'user' : 'group';
      return { ok: false, outcome: { kind: 'refused', reason: id.error, detail: `${what} '${id.name}' does not exist` } };
    }
    const program = findProgram(spec.argv[0] ?? '');
    const v = vetScript(program, id, this.policy.enableScriptSecurity, this.fs);
    if (!v.ok) return { ok: false, outcome: { kind: 'refused', reason: v.reason, detail: v.detail } };
    if (v.warning && !this.warned.has(`${req.what}\n${v.warning}`)) {
      this.warned.add(`${req.what}\n${v.warning}`);
      this.o.log.warn({ code: 'KAD_WARN_SCRIPT_UNSAFE', script: spec.text, what: req.what }, `${req.what}: unsafe permissions: ${v.warning}`);
    }
    const argv = [program, ...spec.argv.slice(1), ...(req.args ?? [])];
    const env = scriptEnv(id.user, id.home);
    // Through the helper whenever it is built, also as root: it sets the parent-death signal, so
    // no script outlives the child that started it. Without it only kad's own identity can run.
    if (this.helper) return { ok: true, cmd: this.helper, args: [String(id.uid), String(id.gid), id.groups.length ? id.groups.join(',') : '-', ...argv], env };
    if (this.isSelf(id)) return { ok: true, cmd: program, args: argv.slice(1), env };
    return { ok: false, outcome: { kind: 'refused', reason: 'no-helper', detail: 'kad-runas is not built (make -C native/runas)' } };
  }

  /** True when the script runs as kad's own uid and gid (and kad is root or the user itself). */
  private isSelf(id: Identity): boolean {
    return id.uid === process.getuid?.() && id.gid === process.getgid?.() && (id.uid !== 0 || id.groups.every((g) => g === 0));
  }

  private spawnScript(p: Extract<Prepared, { ok: true }>, req: RunRequest): Promise<ScriptOutcome> {
    return new Promise((resolve) => {
      const { clock } = this.o;
      const [cmd, ...args] = [...(this.o.wrapper ?? []), p.cmd, ...p.args];
      const child = spawn(cmd ?? p.cmd, args, { env: p.env, detached: true, stdio: 'ignore', cwd: '/' });
      const pid = child.pid;
      let term: TimerHandle | undefined;
      let kill: TimerHandle | undefined;
      let timedOut = false;
      let done = false;
      const finish = (o: ScriptOutcome): void => {
        if (done) return;
        done = true;
        clock.clearTimer(term);
        clock.clearTimer(kill);
        if (pid !== undefined) {
          this.live.delete(pid);
          killGroup(pid, 'SIGKILL'); // whatever the script left behind in its group goes with it
        }
        resolve(o);
      };
      this.stats.started++;
      if (pid !== undefined) this.live.add(pid);
      if (req.timeoutMs !== undefined && pid !== undefined) {
        term = clock.setTimer(req.timeoutMs, () => {
          timedOut = true;
          killGroup(pid, 'SIGTERM');
          req.onKill?.('term');
          kill = clock.setTimer(KILL_GRACE_MS, () => {
            killGroup(pid, 'SIGKILL');
            req.onKill?.('kill');
          });
        });
      }
      child.once('error', (err: NodeJS.ErrnoException) => finish({ kind: 'spawn-error', detail: err.code ?? err.message }));
      child.once('exit', (code, signal) => {
        if (timedOut) finish({ kind: 'timeout' });
        else if (code !== null) finish({ kind: 'exit', code });
        else finish({ kind: 'signal', signal: signal ?? 'unknown' });
      });
    });
  }

  /** Count and log (once per change of problem) a run that could not do its job. */
  private report(spec: ScriptSpec, req: RunRequest, o: ScriptOutcome): ScriptOutcome {
    if (o.kind === 'refused') this.stats.refused++;
    if (o.kind === 'timeout') this.stats.timedOut++;
    if (o.kind === 'spawn-error') this.stats.spawnErrors++;
    if (o.kind !== 'refused' && o.kind !== 'spawn-error') {
      this.lastProblem.delete(req.what);
      return o;
    }
    const text = describeOutcome(o);
    if (this.lastProblem.get(req.what) === text) return o;
    this.lastProblem.set(req.what, text);
    const code = o.kind === 'refused' ? 'KAD_WARN_SCRIPT_REFUSED' : 'KAD_WARN_SCRIPT_SPAWN';
    this.o.log.warn({ code, script: spec.text, what: req.what, ...(o.kind === 'refused' ? { reason: o.reason } : {}) }, `${req.what}: script ${spec.text} ${text}`);
    return o;
  }
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is gone
  }
}
