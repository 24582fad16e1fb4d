/**
 * Script security, as keepalived 2.2.7's `-t` judges it (measured, test/fixtures/config/cases/
 * script-*.conf): a script that will really run (its program exists) as root while
 * `enable_script_security` is off gives exit class 6; a `vrrp_script` whose program does not
 * exist is disabled and is a config error (5), other scripts only a warning; a user that does
 * not exist (`script_user`, a script's `user`, or the `keepalived_script` default that
 * `enable_script_security` wants) is an error (5). The user a script runs as comes from
 * src/script/identity.ts, the same rule the runner applies, and the daemon logs the same
 * sentence once at start (src/supervisor/script-warnings.ts).
 */
import { isRootName, scriptUser } from '../script/identity.js';
import { vetScript } from '../script/security.js';
import type { Cx } from './context.js';
import type { ConfigEnv } from './env.js';
import type { Config, GlobalDefs, ScriptSpec, SourceRef } from './model.js';

/** One script the configuration will run, with the child that runs it. */
export interface UsedScript {
  spec: ScriptSpec;
  where: string;
  source: SourceRef;
  /** The process that runs it: startup_script and shutdown_script run in the parent. */
  child: 'vrrp' | 'check' | 'parent';
}

/** Every script `c` runs (vrrp_script, notify, MISC_CHECK, notify_up/down, quorum_up/down). */
export function usedScripts(c: Omit<Config, 'file' | 'files'>): UsedScript[] {
  const out: UsedScript[] = [];
  const add = (spec: ScriptSpec | undefined, where: string, source: SourceRef, child: UsedScript['child'] = 'check'): void => {
    if (spec) out.push({ spec, where, source, child });
  };
  add(c.global.startupScript, 'startup_script', { file: '', line: 0 }, 'parent');
  add(c.global.shutdownScript, 'shutdown_script', { file: '', line: 0 }, 'parent');
  // keepalived's VRRP process vets every vrrp_script, tracked or not, once it has an instance.
  if (c.vrrpInstances.length > 0) for (const s of c.vrrpScripts) add(s.script, `vrrp_script ${s.name}`, { file: '', line: 0 }, 'vrrp');
  for (const v of c.vrrpInstances) for (const [k, s] of Object.entries(v.notify)) add(s, `${v.name} notify ${k}`, v.source, 'vrrp');
  for (const g of c.syncGroups) for (const [k, s] of Object.entries(g.notify)) add(s, `${g.name} notify ${k}`, g.source, 'vrrp');
  for (const vs of c.virtualServers) {
    add(vs.quorumUp, `${vs.name} quorum_up`, vs.source);
    add(vs.quorumDown, `${vs.name} quorum_down`, vs.source);
    for (const rs of vs.realServers) {
      add(rs.notifyUp, `${rs.address} notify_up`, rs.source);
      add(rs.notifyDown, `${rs.address} notify_down`, rs.source);
      for (const ch of rs.checkers) if (ch.type === 'MISC_CHECK') add(ch.script, `${rs.address} MISC_CHECK`, ch.source);
    }
  }
  return out;
}

/**
 * The warning for a script that runs as root without script security, or undefined when it does
 * not (`prog` is the program found for it).
 */
export function rootScriptWarning(u: UsedScript, prog: string, g: GlobalDefs, userExists: (name: string) => boolean): string | undefined {
  if (g.enableScriptSecurity || !isRootName(scriptUser(u.spec, g, userExists))) return undefined;
  return `${u.where}: ${prog} would run as root but enable_script_security is not set (set it, or script_user to an unprivileged user)`;
}

/**
 * Why keepalived 2.2.7 refuses a startup_script or shutdown_script (it is then never run), or
 * undefined: its user does not exist, or script security is on and no user is given at all.
 */
export function lifeScriptProblem(spec: ScriptSpec, g: Pick<GlobalDefs, 'scriptUser' | 'scriptGroup' | 'enableScriptSecurity'>, userExists: (name: string) => boolean): string | undefined {
  const who = scriptUser(spec, g, userExists);
  if (who.from === 'script' && !isRootName(who) && !userExists(who.user)) return `user '${who.user}' does not exist`;
  if (who.from === 'root' && g.enableScriptSecurity) return 'enable_script_security is set but no user is given (no script_user, no keepalived_script user)';
  return undefined;
}

/** Reports scripts that would run as root without script security, and scripts not found. */
export function checkScriptSecurity(
  cx: Cx, c: Omit<Config, 'file' | 'files'>, env: ConfigEnv, scriptSources: ReadonlyMap<string, SourceRef>,
  // keepalived 2.2.7 reads a config with net_namespace without vetting its vrrp_scripts (exit 0).
  opts: { strictScripts: boolean } = { strictScripts: true },
): void {
  const g = c.global;
  const known = new Map<string, boolean>();
  const userExists = (name: string): boolean => known.get(name) ?? known.set(name, env.userExists(name)).get(name) === true;
  const globalUserAt = scriptSources.get('script_user');
  if (g.scriptUser !== undefined && globalUserAt && !isRootName({ user: g.scriptUser, from: 'script_user' }) && !userExists(g.scriptUser)) {
    cx.report({ ...globalUserAt, col: 1 }, 'KAD_ERR_CONFIG_SCRIPT_USER',
      `script_user '${g.scriptUser}' does not exist: kad runs no script as it (never as root instead); keepalived 2.2.7 reports "Error setting global script uid/gid"`);
  }
  for (const u of usedScripts(c)) {
    const source = u.source.line ? u.source : scriptSources.get(u.where) ?? u.source;
    const at = { file: source.file, line: source.line, col: 1 };
    const lifeProblem = u.child === 'parent' ? lifeScriptProblem(u.spec, g, userExists) : undefined;
    if (lifeProblem) {
      cx.report(at, 'KAD_ERR_CONFIG_SCRIPT_USER', `${u.where}: ${lifeProblem}: the script is not run (keepalived 2.2.7: "Invalid ${u.where.replace('_', ' ')}")`);
      continue;
    }
    const prog = env.findProgram(u.spec.argv[0] ?? '');
    if (prog === undefined) {
      const missing = `${u.where}: '${u.spec.argv[0] ?? ''}' is not an executable file; the script is disabled`;
      if (u.where.startsWith('vrrp_script ') && opts.strictScripts) cx.report(at, 'KAD_ERR_CONFIG_SCRIPT_NOT_FOUND', `${missing} and the instances tracking it do not see it (keepalived 2.2.7: "Disabling track script")`);
      else cx.report(at, 'KAD_WARN_CONFIG_SCRIPT_NOT_FOUND', missing);
      continue;
    }
    const who = scriptUser(u.spec, g, userExists);
    // keepalived 2.2.7 removes a vrrp_script it cannot give a user (exit 5); a notify or checker
    // script with an unknown user passes its -t.
    const tracked = u.where.startsWith('vrrp_script ') && opts.strictScripts;
    if (tracked && who.from === 'script' && !isRootName(who) && !userExists(who.user)) {
      cx.report(at, 'KAD_ERR_CONFIG_SCRIPT_USER', `${u.where}: user '${who.user}' does not exist: kad refuses to run the script (never as root instead); keepalived 2.2.7 removes it`);
      continue;
    }
    if (tracked && who.from === 'root' && g.enableScriptSecurity && g.scriptUser === undefined) {
      cx.report(at, 'KAD_ERR_CONFIG_SCRIPT_USER',
        `${u.where}: enable_script_security without script_user and no keepalived_script user: keepalived 2.2.7 removes the script; kad runs it as root only when no non-root user can change it`);
    }
    const warning = rootScriptWarning(u, prog, g, userExists);
    if (warning) cx.report(at, 'KAD_ERR_CONFIG_SCRIPT_SECURITY', warning);
    // With script security the daemon refuses an unsafe root script (src/script/runner.ts);
    // keepalived's -t disables it and exits 5.
    else if (g.enableScriptSecurity && env.scriptFs && isRootName(scriptUser(u.spec, g, userExists))) {
      const v = vetScript(prog, { uid: 0, gid: 0, groups: [0] }, true, env.scriptFs);
      if (!v.ok && v.reason === 'insecure') cx.report(at, 'KAD_ERR_CONFIG_SCRIPT_INSECURE', `${u.where}: ${v.detail}; the script is disabled`);
    }
  }
}
