/**
 * What every script kind shares: how one run ended and the runner interface the trackers,
 * notifiers and checkers are given (injected, so they are tested without processes).
 */
/** A script with its argv already split (keepalived quoting rules) and the user to run it as. */
export interface ScriptSpec {
  /** The command as written (for logs). */
  text: string;
  /** argv[0] is the program path. */
  argv: readonly string[];
  user?: string;
  group?: string;
}

/** The global_defs that decide who runs a script and whether it must be safe. */
export interface ScriptPolicy {
  scriptUser?: string;
  scriptGroup?: string;
  enableScriptSecurity: boolean;
}

/** Why a script was not started at all. Never means "ran as root instead". */
export type RefusalReason = 'unknown-user' | 'unknown-group' | 'not-found' | 'not-executable' | 'insecure' | 'no-helper';

/** How one run ended. */
export type ScriptOutcome =
  | { kind: 'exit'; code: number }
  | { kind: 'signal'; signal: string }
  | { kind: 'timeout' }
  | { kind: 'refused'; reason: RefusalReason; detail: string }
  | { kind: 'spawn-error'; detail: string };

/** One run: extra arguments appended to the script's argv, a kill timeout, and what it is for (logs). */
export interface RunRequest {
  args?: readonly string[];
  /** Kill the script's process group after this many milliseconds. */
  timeoutMs?: number;
  /** The script's role in logs, e.g. `vrrp_script chk`, `VI_1 notify_master`, `MISC_CHECK [10.0.0.2]:80`. */
  what: string;
  /** Told when the timeout sends the group SIGTERM ('term'), then SIGKILL after the grace ('kill'). */
  onKill?: (step: 'term' | 'kill') => void;
}

/** Starts scripts. `run` never rejects. */
export interface ScriptRunner {
  run(spec: ScriptSpec, req: RunRequest): Promise<ScriptOutcome>;
}

/** True when the run counts as a success (exit status 0). */
export function succeeded(o: ScriptOutcome): boolean {
  return o.kind === 'exit' && o.code === 0;
}

/** One line for logs: `exited with status 3`, `refused (insecure): ...`. */
export function describeOutcome(o: ScriptOutcome): string {
  switch (o.kind) {
    case 'exit':
      return `exited with status ${o.code}`;
    case 'signal':
      return `killed by ${o.signal}`;
    case 'timeout':
      return 'timed out';
    case 'refused':
      return `not run (${o.reason}): ${o.detail}`;
    case 'spawn-error':
      return `could not start: ${o.detail}`;
  }
}
