/**
 * Which connection-sync daemon kad wants for a configuration and VRRP role. Pure.
 *
 * `lvs_sync_daemon IFACE [INSTANCE] [id N] [maxlen N] [port N] [ttl N] [group ADDR]` in
 * global_defs, or the legacy per-instance `lvs_sync_daemon_interface`. The syncid defaults to
 * the VRID of the named instance (keepalived's rule). The daemon runs as master while that
 * instance is MASTER and as backup otherwise, so a director pair keeps connections on failover.
 */
import type { Config } from '../config/model.js';
import type { VrrpStateName } from '../core/vrrp-state.js';
import type { SyncDaemonSpec } from './model.js';

export type SyncRole = 'master' | 'backup' | 'none';

/** The daemon to run for `role`, or undefined when the config asks for none (or role is none). */
export function syncDaemonSpec(config: Config, role: SyncRole): SyncDaemonSpec | undefined {
  if (role === 'none') return undefined;
  const g = config.global.lvsSyncDaemon;
  if (g) {
    const inst = g.instance === undefined ? undefined : config.vrrpInstances.find((i) => i.name === g.instance);
    return {
      state: role,
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
  return { state: role, interface: legacy.lvsSyncDaemonInterface!, syncId: legacy.vrid, maxlen: 0, port: 0, ttl: 0 };
}

/** The VRRP instance whose state drives the daemon role, if the config names one. */
export function syncDaemonInstance(config: Config): string | undefined {
  const g = config.global.lvsSyncDaemon;
  if (g) return g.instance;
  return config.vrrpInstances.find((i) => i.lvsSyncDaemonInterface !== undefined)?.name;
}

/**
 * The role for the current VRRP states: master while the driving instance is MASTER, backup
 * otherwise; master always when `lvs_sync_daemon` names no instance; none without a daemon.
 */
export function syncRole(config: Config, states: ReadonlyMap<string, VrrpStateName>): SyncRole {
  if (!syncDaemonSpec(config, 'master')) return 'none';
  const inst = syncDaemonInstance(config);
  if (inst === undefined) return 'master';
  return states.get(inst) === 'MASTER' ? 'master' : 'backup';
}
