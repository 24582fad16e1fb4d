/**
 * The parent's only view of the configuration: which children to start, and global_defs for
 * its data dump. It uses the config loader; when the loader rejects the file, a keyword scan of
 * the main file and its includes tells whether vrrp_instance and virtual_server blocks exist.
 * Reload validation proper happens in `kad -t`, in a separate process (reload.ts).
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { loadConfig, type Diagnostic } from '../config/loader.js';
import { errorKey } from './reload.js';
import type { Config } from '../config/model.js';
import type { ConfigSummary } from './plan.js';
import { KadError } from '../core/errors.js';

function summaryOf(model: Config, diagnostics: readonly Diagnostic[]): ConfigSummary {
  return {
    vrrpInstances: model.vrrpInstances.map((i) => i.name),
    virtualServers: model.virtualServers.length,
    global: model.global,
    errors: diagnostics.filter((d) => d.severity === 'error').map(errorKey),
  };
}

const INCLUDE = /^\s*include\s+(\S+)/;

/** Keyword scan (no globbing of includes beyond plain paths). */
export function scanConfigText(file: string, read: (p: string) => string, depth = 0): ConfigSummary {
  let text: string;
  try {
    text = read(file);
  } catch (err) {
    if (depth > 0) return { vrrpInstances: [], virtualServers: 0 };
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new KadError('KAD_ERR_SUPERVISOR_CONFIG_READ', `Configuration file '${file}' cannot be read (${code})`);
  }
  const out = { vrrpInstances: [] as string[], virtualServers: 0 };
  for (const raw of text.split('\n')) {
    const line = raw.replace(/[#!].*$/, '');
    const inst = /^\s*vrrp_instance\s+(\S+)/.exec(line);
    if (inst) out.vrrpInstances.push(inst[1] as string);
    if (/^\s*virtual_server\s+/.test(line)) out.virtualServers++;
    const inc = INCLUDE.exec(line);
    if (inc && depth < 8) {
      const sub = scanConfigText(resolve(dirname(file), inc[1] as string), read, depth + 1);
      out.vrrpInstances.push(...sub.vrrpInstances);
      out.virtualServers += sub.virtualServers;
    }
  }
  return out;
}

export interface SummaryOptions {
  configId?: string;
  allConfig?: boolean;
}

/**
 * Summarise the configuration at `file` for the child plan. A configuration the loader rejects
 * is still scanned: the children then fail on it with a permanent error, as keepalived's do.
 */
export async function summariseConfig(file: string, opts: SummaryOptions = {}): Promise<ConfigSummary> {
  const r = loadConfig(file, {
    allConfig: opts.allConfig ?? false,
    ...(opts.configId !== undefined ? { configId: opts.configId } : {}),
  });
  return r.config ? summaryOf(r.config, r.diagnostics) : scanConfigText(file, (p) => readFileSync(p, 'utf8'));
}
