/**
 * Which connection-sync daemons kad wants for a configuration and VRRP role. Pure.
 *
 * `lvs_sync_daemon IFACE [[inst] INSTANCE] [id N] [maxlen N] [port N] [ttl N] [group ADDR]` in
 * global_defs, or the legacy per-instance `lvs_sync_daemon_interface` (the instance it stands in).
 * With an instance the daemon runs as master while that instance is MASTER and as backup
 * otherwise, so a director pair keeps its connections on failover; the syncid defaults to the
 * instance's VRID. Without an instance master and backup run together from the start, syncid 0
 * (keepalived 2.2.7: the checker process runs both). An instance the configuration does not hold
 * means no daemon (keepalived: "Unable to find vrrp instance ... clearing lvs_syncd config").
 */
import type { Config } from '../config/model.js';
import type { VrrpStateName } from '../core/vrrp-state.js';
import type { SyncDaemonSpec } from './model.js';

/** 'both': the master and the backup daemon at once (lvs_sync_daemon naming no instance). */
export type SyncRole = 'master' | 'backup' | 'both' | 'none';

const STATES: Readonly<Record<SyncRole, readonly SyncDaemonSpec['state'][]>> = {
  master: ['master'], backup: ['backup'], both: ['master', 'backup'], none: [],
};

/** The configured daemon (state aside), or undefined when the config asks for none. */
function configured(config: Config): Omit<SyncDaemonSpec, 'state'> | undefined {
  const g = config.global.lvsSyncDaemon;
  if (g) {
    const inst = g.instance === undefined ? undefined : config.vrrpInstances.find((i) => i.name === g.instance);
    if (g.instance !== undefined && !inst) return undefined;
    return {
      interface: g.interface,
      syncId: g.syncId ?? inst?.vrid ?? 0,
      maxlen: g.maxlen ?? 0,
      group: g.group,
      port: g.port === 8848 ? 0 : g.port,
      ttl: g.ttl ?? 0,
    };
  }
  const legacy = config.vrrpInstances.find((i) => i.lvsSyncDaemonInterface !== undefined);
  if (!legacy) return undefined;
  return { interface: legacy.lvsSyncDaemonInterface!, syncId: legacy.vrid, maxlen: 0, port: 0, ttl: 0 };
}

/** The daemons to run for `role`: none for 'none' or when the config asks for none. */
export function syncDaemonSpecs(config: Config, role: SyncRole): SyncDaemonSpec[] {
  const d = configured(config);
  return d ? STATES[role].map((state) => ({ state, ...d })) : [];
}

/** The VRRP instance whose state drives the daemon role, if the config names one. */
export function syncDaemonInstance(config: Config): string | undefined {
  const g = config.global.lvsSyncDaemon;
  if (g) return g.instance;
  return config.vrrpInstances.find((i) => i.lvsSyncDaemonInterface !== undefined)?.name;
}

/**
 * The role for the current VRRP states: master while the driving instance is MASTER, backup
 * otherwise; both when `lvs_sync_daemon` names no instance; none without a daemon, and none for
 * an instance-driven daemon when no VRRP process runs (`vrrpRuns` false: -C, or no instances).
 */
export function syncRole(config: Config, states: ReadonlyMap<string, VrrpStateName>, vrrpRuns = true): SyncRole {
  if (!configured(config)) return 'none';
  const inst = syncDaemonInstance(config);
  if (inst === undefined) return 'both';
  if (!vrrpRuns) return 'none';
  return states.get(inst) === 'MASTER' ? 'master' : 'backup';
}
