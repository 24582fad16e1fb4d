/**
 * The start-of-day script report of a child: each script it will run as root while
 * `enable_script_security` is off is logged once, with the sentence `kad -t` prints for it.
 */
import type { Config } from '../config/model.js';
import type { Logger } from '../core/log.js';
import { rootScriptWarning, usedScripts } from '../config/security.js';
import { findProgram, SYSTEM_FS } from '../script/fs.js';
import { userExists } from '../script/passwd.js';

/** Log the root-without-security warning for the scripts of `child`; returns how many. */
export function warnRootScripts(config: Config, child: 'vrrp' | 'check', log: Logger): number {
  let n = 0;
  for (const u of usedScripts(config)) {
    if (u.child !== child) continue;
    const prog = findProgram(u.spec.argv[0] ?? '');
    if (!SYSTEM_FS.stat(prog)) continue;
    const warning = rootScriptWarning(u, prog, config.global, userExists);
    if (!warning) continue;
    n++;
    log.warn({ code: 'KAD_WARN_SCRIPT_SECURITY', script: u.spec.text }, `SECURITY VIOLATION - ${warning}`);
  }
  return n;
}
