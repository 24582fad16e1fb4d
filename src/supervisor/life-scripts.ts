/**
 * `startup_script` and `shutdown_script`: the parent runs the first before it starts the children
 * and the second after they have exited, each waited for up to its timeout (then SIGTERM, and
 * SIGKILL 2 s later, as for every script). A failure is logged and kad goes on, as keepalived
 * 2.2.7 does; a script whose user kad -t rejects is never run.
 */
import type { GlobalDefs } from '../config/model.js';
import { lifeScriptProblem } from '../config/security.js';
import type { Logger } from '../core/log.js';
import { userExists } from '../script/passwd.js';
import { describeOutcome, succeeded, type ScriptRunner } from '../script/types.js';

export type LifeScript = 'startup' | 'shutdown';

/** Run the `which` script of `g`, if any; resolves when it has ended (never rejects). */
export async function runLifeScript(which: LifeScript, g: GlobalDefs, runner: ScriptRunner, log: Logger): Promise<void> {
  const spec = which === 'startup' ? g.startupScript : g.shutdownScript;
  if (!spec) return;
  const problem = lifeScriptProblem(spec, g, userExists);
  if (problem) {
    log.error({ code: 'KAD_ERR_SCRIPT_LIFE_REFUSED', script: spec.text }, `${which}_script ${spec.text} is not run: ${problem}`);
    return;
  }
  log.info(`Running ${which} script ${spec.argv[0] ?? ''}`);
  const timeoutMs = which === 'startup' ? g.startupScriptTimeoutMs : g.shutdownScriptTimeoutMs;
  const outcome = await runner.run(spec, { what: `${which}_script`, timeoutMs });
  if (succeeded(outcome)) log.info(`${which} script succeeded`);
  else if (outcome.kind === 'timeout') log.warn({ code: 'KAD_WARN_SCRIPT_LIFE_FAILED' }, `${which} script timed out after ${timeoutMs / 1000} s`);
  else log.warn({ code: 'KAD_WARN_SCRIPT_LIFE_FAILED' }, `${which} script failed: ${describeOutcome(outcome)}`);
}
