/**
 * MISC_CHECK: run misc_path; exit 0 is up. With misc_dynamic, exit 1 is down and 2–255 is up
 * with weight exit−2. misc_timeout (default: the checker's delay_loop, as keepalived) kills the
 * script's process group and counts as a failure; so does a script the runner refuses to start.
 */
import type { MiscChecker } from '../config/model.js';
import { describeOutcome, type ScriptOutcome } from '../script/types.js';
import type { CheckEnv, CheckResult, CheckTarget } from './types.js';

/** Map a script outcome to a check result (pure). */
export function miscVerdict(exit: ScriptOutcome, dynamic: boolean): CheckResult {
  switch (exit.kind) {
    case 'timeout':
      return { ok: false, reason: 'timeout', detail: 'timed out' };
    case 'signal':
      return { ok: false, reason: 'signal', detail: `killed by ${exit.signal}` };
    case 'refused':
    case 'spawn-error':
      return { ok: false, reason: 'error', detail: describeOutcome(exit) };
    case 'exit':
      if (exit.code === 0) return { ok: true };
      if (dynamic && exit.code >= 2) return { ok: true, weight: exit.code - 2 };
      return { ok: false, reason: 'exit', detail: `exited with status ${exit.code}` };
  }
}

export async function runMiscCheck(checker: MiscChecker, target: CheckTarget, env: CheckEnv): Promise<CheckResult> {
  if (!env.scripts) return { ok: false, reason: 'error', detail: 'no script runner' };
  const outcome = await env.scripts.run(checker.script, { timeoutMs: checker.miscTimeoutMs, what: `MISC_CHECK ${target.name}` });
  return miscVerdict(outcome, checker.dynamic);
}
