/**
 * Who runs a script, by name (keepalived.conf(5) SCRIPTS): the script's own `user [group]`,
 * else global `script_user [group]`, else `keepalived_script` when that user exists, else root.
 * Shared by `kad -t` and the runner so the two always agree.
 */
import type { ScriptPolicy, ScriptSpec } from './types.js';

/** keepalived's default script user. */
export const DEFAULT_SCRIPT_USER = 'keepalived_script';

/** The names a script runs under; `group` undefined means the user's primary group. */
export interface ScriptUser {
  user: string;
  group?: string;
  from: 'script' | 'script_user' | 'default' | 'root';
}

/** The user and group `spec` runs as under `g`; `userExists` answers for `keepalived_script`. */
export function scriptUser(spec: ScriptSpec, g: Pick<ScriptPolicy, 'scriptUser' | 'scriptGroup'>, userExists: (name: string) => boolean): ScriptUser {
  if (spec.user !== undefined) return { user: spec.user, ...(spec.group !== undefined ? { group: spec.group } : {}), from: 'script' };
  if (g.scriptUser !== undefined) return { user: g.scriptUser, ...(g.scriptGroup !== undefined ? { group: g.scriptGroup } : {}), from: 'script_user' };
  if (userExists(DEFAULT_SCRIPT_USER)) return { user: DEFAULT_SCRIPT_USER, from: 'default' };
  return { user: 'root', from: 'root' };
}

/** True when the names mean root (before any lookup): `root` or uid 0. */
export function isRootName(u: ScriptUser): boolean {
  return u.user === 'root' || u.user === '0';
}
