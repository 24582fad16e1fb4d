/**
 * Reload validation: the new configuration is checked by `kad -t --json` in a separate process
 * before a running kad touches it.
 *
 * The verdict (reloadVerdict, pure) follows what an operator needs from a HUP:
 * - a configuration that cannot run (exit 4, or a checker that crashed) is never applied;
 * - with `reload_check_config` in global_defs only a clean exit 0 is applied, like keepalived;
 * - otherwise a reload goes ahead unless it brings an error the running configuration did not
 *   already have. A long-standing deprecation or typo that kad started with does not block
 *   every future reload, but a new mistake (a misspelt `priority`, a bad address) is refused and
 *   kad keeps the configuration it runs. The diagnostics are logged either way.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface ValidationResult {
  exitCode: number | null;
  /** Human-readable diagnostics, one per line (`file:line:col: severity: text [CODE]`). */
  diagnostics: string;
  /** Error-severity diagnostics as `CODE message` keys (line numbers left out on purpose). */
  errors: readonly string[];
}

export interface ReloadVerdict {
  ok: boolean;
  /** Why a reload is refused, or which tolerated errors it carries. */
  reason: string;
  /** Errors the new configuration brings that the running one did not have. */
  newErrors: readonly string[];
}

/** argv (program first) of the process that validates a configuration file. */
export type ValidatorCommand = (configFile: string) => readonly string[];

const KAD_BIN = fileURLToPath(new URL('../../bin/kad.js', import.meta.url));

/** `node bin/kad.js -t --json -f FILE [-i ID] [-e]`: the same flags that shape how kad reads the file. */
export function kadConfigTestCommand(configId?: string, allConfig = false): ValidatorCommand {
  return (file) => [process.execPath, KAD_BIN, '-t', '--json', '-f', file, ...(configId ? ['-i', configId] : []), ...(allConfig ? ['-e'] : [])];
}

interface JsonDiagnostic {
  file: string;
  line: number;
  col: number;
  severity: string;
  code: string;
  message: string;
}

/** Key identifying an error independently of where it sits in the file. */
export function errorKey(d: { code: string; message: string }): string {
  return `${d.code} ${d.message}`;
}

/** Read `kad -t --json` output; any other output is kept as text with no structured errors. */
export function parseValidatorOutput(exitCode: number | null, out: string): ValidationResult {
  const text = out.trim();
  if (text.startsWith('{')) {
    try {
      const doc = JSON.parse(text) as { diagnostics?: JsonDiagnostic[] };
      const diags = doc.diagnostics ?? [];
      return {
        exitCode,
        diagnostics: diags.map((d) => `${d.file}:${d.line}:${d.col}: ${d.severity}: ${d.message} [${d.code}]`).join('\n'),
        errors: diags.filter((d) => d.severity === 'error').map(errorKey),
      };
    } catch {
      // fall through: not the JSON document after all
    }
  }
  return { exitCode, diagnostics: text, errors: [] };
}

/** Decide whether a validated configuration may replace the running one (pure). */
export function reloadVerdict(v: ValidationResult, runningErrors: ReadonlySet<string>, requireClean: boolean): ReloadVerdict {
  if (v.exitCode === 0) return { ok: true, reason: 'configuration OK', newErrors: [] };
  if (v.exitCode !== 5 && v.exitCode !== 6) {
    return { ok: false, reason: `the configuration cannot run (config test exit ${String(v.exitCode)})`, newErrors: [] };
  }
  if (requireClean) {
    return { ok: false, reason: `reload_check_config requires a clean config test (exit ${v.exitCode})`, newErrors: [] };
  }
  const newErrors = v.errors.filter((e) => !runningErrors.has(e));
  if (newErrors.length > 0) {
    return { ok: false, reason: `the new configuration brings ${newErrors.length} new error(s) (config test exit ${v.exitCode})`, newErrors };
  }
  return { ok: true, reason: `applied with the errors the running configuration already had (config test exit ${v.exitCode})`, newErrors: [] };
}

/** Run the validator; never rejects. A validator killed after `timeoutMs` counts as unable to run. */
export function validateConfig(cmd: ValidatorCommand, file: string, timeoutMs = 30_000): Promise<ValidationResult> {
  const [prog, ...args] = cmd(file);
  return new Promise((resolvePromise) => {
    let out = '';
    const child = spawn(prog as string, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const collect = (d: Buffer): void => {
      if (out.length < 1_000_000) out += d.toString();
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      resolvePromise({ exitCode: null, diagnostics: `cannot run config test: ${err.message}`, errors: [] });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise(parseValidatorOutput(code, out));
    });
  });
}
