/**
 * MISC_CHECK: run misc_path; exit 0 is up. With misc_dynamic, exit 1 is down and 2–255 is up
 * with weight exit−2. misc_timeout kills the script's process group and counts as a failure.
 */
import type { MiscChecker } from '../config/model.js';
import { runScript, type ScriptExit } from './script.js';
import type { CheckEnv, CheckResult, CheckTarget } from './types.js';

/** Map a script exit to a check result (pure). */
export function miscVerdict(exit: ScriptExit, dynamic: boolean): CheckResult {
  switch (exit.kind) {
    case 'timeout':
      return { ok: false, reason: 'timeout', detail: 'timed out' };
    case 'signal':
      return { ok: false, reason: 'signal', detail: `killed by ${exit.signal}` };
    case 'spawn-error':
      return { ok: false, reason: 'error', detail: exit.detail };
    case 'exit':
      if (exit.code === 0) return { ok: true };
      if (dynamic && exit.code >= 2) return { ok: true, weight: exit.code - 2 };
      return { ok: false, reason: 'exit', detail: `exited with status ${exit.code}` };
  }
}

export async function runMiscCheck(checker: MiscChecker, target: CheckTarget, env: CheckEnv): Promise<CheckResult> {
  const spec = checker.script.user === undefined && env.config.global.scriptUser !== undefined
    ? { ...checker.script, user: env.config.global.scriptUser }
    : checker.script;
  void target;
  return miscVerdict(await runScript(spec, env.clock, checker.miscTimeoutMs), checker.dynamic);
}
