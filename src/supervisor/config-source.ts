/**
 * The parent's only view of the configuration: which children to start. It uses the config
 * loader (src/config/loader.ts, `loadConfig`) when that module is present; until then, and if the
 * loader throws, it falls back to a keyword scan of the main file and its includes, which is enough
 * to tell whether vrrp_instance and virtual_server blocks exist. Validation proper happens in
 * `kad -t`, in a separate process (reload.ts).
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { GlobalDefs } from '../config/model.js';
import type { ConfigSummary } from './plan.js';
import { KadError } from '../core/errors.js';

interface LoaderModule {
  loadConfig: (file: string, opts?: Record<string, unknown>) => unknown;
}

interface ModelLike {
  vrrpInstances?: readonly { name: string }[];
  virtualServers?: readonly unknown[];
  global?: GlobalDefs;
}

function summaryOf(model: ModelLike): ConfigSummary | undefined {
  if (!Array.isArray(model.vrrpInstances) || !Array.isArray(model.virtualServers)) return undefined;
  return {
    vrrpInstances: model.vrrpInstances.map((i) => i.name),
    virtualServers: model.virtualServers.length,
    ...(model.global ? { global: model.global } : {}),
  };
}

async function viaLoader(file: string, configId: string | undefined): Promise<ConfigSummary | undefined> {
  // A computed specifier: the loader module is optional at build time.
  const spec = '../config/loader.js';
  let mod: LoaderModule;
  try {
    mod = (await import(spec)) as LoaderModule;
  } catch {
    return undefined;
  }
  if (typeof mod.loadConfig !== 'function') return undefined;
  try {
    const out = (await mod.loadConfig(file, { configId })) as ModelLike & { config?: ModelLike };
    return summaryOf(out.config ?? out);
  } catch {
    return undefined;
  }
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

/** Summarise the configuration at `file` for the child plan. */
export async function summariseConfig(file: string, configId?: string): Promise<ConfigSummary> {
  return (await viaLoader(file, configId)) ?? scanConfigText(file, (p) => readFileSync(p, 'utf8'));
}
