/**
 * Reload validation: the new configuration is checked by `kad -t` in a separate process before a
 * running kad touches it, like keepalived's reload_check_config. Only exit code 0 lets the reload
 * proceed; otherwise the diagnostics the checker printed are returned for the log and kad keeps
 * the configuration it runs.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface ValidationResult {
  ok: boolean;
  exitCode: number | null;
  /** The checker's stderr and stdout, trimmed. */
  diagnostics: string;
}

/** argv (program first) of the process that validates a configuration file. */
export type ValidatorCommand = (configFile: string) => readonly string[];

const KAD_BIN = fileURLToPath(new URL('../../bin/kad.js', import.meta.url));

/** `node bin/kad.js -t -f FILE [-i ID] [-e]`: the same flags that shape how kad reads the file. */
export function kadConfigTestCommand(configId?: string, allConfig = false): ValidatorCommand {
  return (file) => [process.execPath, KAD_BIN, '-t', '-f', file, ...(configId ? ['-i', configId] : []), ...(allConfig ? ['-e'] : [])];
}

/** Run the validator; never rejects. A validator killed after `timeoutMs` counts as invalid. */
export function validateConfig(cmd: ValidatorCommand, file: string, timeoutMs = 30_000): Promise<ValidationResult> {
  const [prog, ...args] = cmd(file);
  return new Promise((resolvePromise) => {
    let out = '';
    const child = spawn(prog as string, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const collect = (d: Buffer): void => {
      if (out.length < 64_000) out += d.toString();
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      resolvePromise({ ok: false, exitCode: null, diagnostics: `cannot run config test: ${err.message}` });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ ok: code === 0, exitCode: code, diagnostics: out.trim() });
    });
  });
}
