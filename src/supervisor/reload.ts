/**
 * Whether a newly read configuration may replace the running one on HUP (pure). The file was
 * read and validated by the parent (config-source.ts), exactly as `kad -t` judges it:
 * - a configuration that cannot run (exit 4) is never applied;
 * - with `reload_check_config` in global_defs only a clean exit 0 is applied, like keepalived;
 * - otherwise a reload goes ahead unless it brings an error the running configuration did not
 *   already have. A long-standing deprecation or typo that kad started with does not block
 *   every future reload, but a new mistake (a misspelt `priority`, a bad address) is refused and
 *   kad keeps the configuration it runs. The diagnostics are logged either way;
 * - a new network namespace or instance name is refused as keepalived refuses it: the pid
 *   files were named after them at start (fixedAtStartChange).
 */
import type { GlobalDefs } from '../config/model.js';

export interface ReloadVerdict {
  ok: boolean;
  /** Why a reload is refused, or which tolerated errors it carries. */
  reason: string;
  /** Errors the new configuration brings that the running one did not have. */
  newErrors: readonly string[];
}

/** Decide whether a validated configuration may replace the running one. */
export function reloadVerdict(
  v: { exitCode: number; errors: readonly string[]; config?: unknown },
  runningErrors: ReadonlySet<string>,
  requireClean: boolean,
): ReloadVerdict {
  if (v.config === undefined || (v.exitCode !== 0 && v.exitCode !== 5 && v.exitCode !== 6)) {
    return { ok: false, reason: `the configuration cannot run (config test exit ${v.exitCode})`, newErrors: [] };
  }
  if (v.exitCode === 0) return { ok: true, reason: 'configuration OK', newErrors: [] };
  if (requireClean) {
    return { ok: false, reason: `reload_check_config requires a clean config test (exit ${v.exitCode})`, newErrors: [] };
  }
  const newErrors = v.errors.filter((e) => !runningErrors.has(e));
  if (newErrors.length > 0) {
    return { ok: false, reason: `the new configuration brings ${newErrors.length} new error(s) (config test exit ${v.exitCode})`, newErrors };
  }
  return { ok: true, reason: `applied with the errors the running configuration already had (config test exit ${v.exitCode})`, newErrors: [] };
}

type FixedAtStart = Pick<GlobalDefs, 'netNamespace' | 'netNamespaceIpvs' | 'instanceName'>;

/**
 * Why `next` cannot replace `running` whatever its diagnostics: it names another network
 * namespace, IPVS namespace or instance (keepalived's reload_config() logs the same and keeps
 * running). `-s` is already in both models (the parser puts it over `net_namespace`).
 */
export function fixedAtStartChange(running: FixedAtStart, next: FixedAtStart): string | undefined {
  const show = (ns: string | undefined): string => (ns === undefined ? 'none' : ns === '' ? 'default' : ns);
  if (running.netNamespace !== next.netNamespace) {
    return `Cannot change network namespace at a reload (${show(running.netNamespace)} to ${show(next.netNamespace)}) - please restart kad`;
  }
  if (running.netNamespaceIpvs !== next.netNamespaceIpvs) {
    return `Cannot change IPVS network namespace at a reload (${show(running.netNamespaceIpvs)} to ${show(next.netNamespaceIpvs)}) - please restart kad`;
  }
  if (running.instanceName !== next.instanceName) return 'Cannot change instance name at a reload - please restart kad';
  return undefined;
}
