/**
 * `kad -t[=FILE]` (check the configuration, diagnostics to stderr or FILE, exit 0/2/4/5/6 like
 * keepalived 2.2.7), `--json` (diagnostics as one JSON document on stdout; with `-d` the model
 * is its `config` member) and `-d` (the parsed model as JSON on stdout). The config code is
 * loaded lazily so this path starts fast.
 */
import { writeFileSync } from 'node:fs';
import type { Diagnostic } from '../config/diagnostics.js';
import type { CliOptions } from '../core/options.js';

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The closing line of a text report. */
export function summaryLine(file: string, exitCode: number, diags: readonly Diagnostic[]): string {
  const errors = diags.filter((d) => d.severity === 'error').length;
  const warnings = diags.length - errors;
  if (exitCode === 0) return `kad: configuration ${file} OK${warnings ? ` (${plural(warnings, 'warning')})` : ''}`;
  return `kad: configuration ${file}: ${plural(errors, 'error')}, ${plural(warnings, 'warning')} (exit ${exitCode})`;
}

function writeReport(opts: CliOptions, text: string, failed: boolean): void {
  if (typeof opts.configTest === 'string') {
    try {
      writeFileSync(opts.configTest, text);
      return;
    } catch (err) {
      process.stderr.write(`kad: cannot write ${opts.configTest}: ${(err as Error).message}\n`);
    }
  }
  // -d alone stays quiet about a clean configuration.
  if (opts.configTest !== undefined || failed) process.stderr.write(text);
}

export async function runConfigTest(opts: CliOptions): Promise<number> {
  const { loadConfig, formatDiagnostic } = await import('../config/loader.js');
  const r = loadConfig(opts.useFile, {
    allConfig: opts.allConfig,
    freeze: false,
    ...(opts.configId !== undefined ? { configId: opts.configId } : {}),
    ...(opts.namespace !== undefined ? { netNamespace: opts.namespace } : {}),
  });
  if (opts.json) {
    const doc = { file: opts.useFile, exitCode: r.exitCode, diagnostics: r.diagnostics, ...(opts.dumpConf ? { config: r.config ?? null } : {}) };
    process.stdout.write(JSON.stringify(doc, null, 2) + '\n');
    return r.exitCode;
  }
  const lines = [...r.diagnostics.map(formatDiagnostic), summaryLine(opts.useFile, r.exitCode, r.diagnostics)];
  writeReport(opts, lines.join('\n') + '\n', r.exitCode !== 0);
  if (opts.dumpConf && r.config) process.stdout.write(JSON.stringify(r.config, null, 2) + '\n');
  return r.exitCode;
}
