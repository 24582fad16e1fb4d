/**
 * `kad -t[=FILE]` (check the configuration, diagnostics to stderr or FILE, exit 0/4/5/6 like
 * keepalived 2.2.7), `--json` (diagnostics as JSON on stdout) and `-d` (the parsed model as JSON
 * on stdout). The config code is loaded lazily so this path starts fast.
 */
import { writeFileSync } from 'node:fs';
import type { CliOptions } from './options.js';

export async function runConfigTest(opts: CliOptions): Promise<number> {
  const { loadConfig, formatDiagnostic } = await import('../config/loader.js');
  const r = loadConfig(opts.useFile, {
    allConfig: opts.allConfig,
    freeze: false,
    ...(opts.configId !== undefined ? { configId: opts.configId } : {}),
  });
  if (opts.json) {
    process.stdout.write(JSON.stringify({ file: opts.useFile, exitCode: r.exitCode, diagnostics: r.diagnostics }, null, 2) + '\n');
  } else {
    const errors = r.diagnostics.filter((d) => d.severity === 'error').length;
    const warnings = r.diagnostics.length - errors;
    const summary = r.exitCode === 0
      ? `kad: configuration ${opts.useFile} OK${warnings ? ` (${warnings} warning${warnings > 1 ? 's' : ''})` : ''}`
      : `kad: configuration ${opts.useFile}: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'} (exit ${r.exitCode})`;
    const text = [...r.diagnostics.map(formatDiagnostic), summary].join('\n') + '\n';
    if (typeof opts.configTest === 'string') {
      try {
        writeFileSync(opts.configTest, text);
      } catch (err) {
        process.stderr.write(`kad: cannot write ${opts.configTest}: ${(err as Error).message}\n` + text);
      }
    } else if (opts.configTest !== undefined || r.exitCode !== 0) {
      process.stderr.write(text);
    }
  }
  if (opts.dumpConf && r.config) process.stdout.write(JSON.stringify(r.config, null, 2) + '\n');
  return r.exitCode;
}
