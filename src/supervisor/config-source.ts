/**
 * The one place a running kad reads its configuration: the parent parses and validates the file
 * once (at start and on every HUP) and sends the frozen model to the children, which only apply
 * it. The verdict is the one `kad -t` gives, since both come from the same loader.
 */
import { formatDiagnostic, loadConfig, type Diagnostic } from '../config/loader.js';
import type { Config } from '../config/model.js';
import type { CliOptions } from '../core/options.js';

/** A configuration file as read for running. */
export interface ConfigRead {
  /** The frozen model; undefined when the file cannot be used at all (config test exit 4). */
  config?: Config;
  diagnostics: readonly Diagnostic[];
  /** What `kad -t` would exit with for this file. */
  exitCode: number;
  /** Error diagnostics as reload keys (errorKey). */
  errors: readonly string[];
}

export interface ReadOptions {
  configId?: string;
  allConfig?: boolean;
  /** `-s NAME`: overrides `net_namespace`. */
  netNamespace?: string | undefined;
}

/** Reads a configuration file for running; the test seam of the parent. */
export type ConfigReader = (file: string) => ConfigRead;

/** How kad reads its file with these command-line flags (-i, -e, -s). */
export function readOptions(cli: Pick<CliOptions, 'configId' | 'allConfig' | 'namespace'>): ReadOptions {
  return { configId: cli.configId, allConfig: cli.allConfig, netNamespace: cli.namespace };
}

/** Key identifying an error independently of where it sits in the file. */
export function errorKey(d: { code: string; message: string }): string {
  return `${d.code} ${d.message}`;
}

/** Read, parse and validate `file` with the flags that shape how kad reads it (-i, -e). */
export function readConfig(file: string, opts: ReadOptions = {}): ConfigRead {
  const r = loadConfig(file, {
    allConfig: opts.allConfig ?? false,
    ...(opts.configId !== undefined ? { configId: opts.configId } : {}),
    ...(opts.netNamespace !== undefined ? { netNamespace: opts.netNamespace } : {}),
  });
  return {
    ...(r.config ? { config: r.config } : {}),
    diagnostics: r.diagnostics,
    exitCode: r.exitCode,
    errors: r.diagnostics.filter((d) => d.severity === 'error').map(errorKey),
  };
}

/** The diagnostics as `file:line:col: severity: text [CODE]` lines. */
export function diagnosticLines(read: ConfigRead): string[] {
  return read.diagnostics.map(formatDiagnostic);
}
