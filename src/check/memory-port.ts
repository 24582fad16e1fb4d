/**
 * An in-memory IpvsPort: keeps the destinations the kernel would hold, for tests and for running
 * the checker where the kernel has no IPVS (KAD_CHECK_DRY_RUN). The rules are the kernel port's
 * own (src/ipvs/desired.ts destsFor): alive real servers with their weight, weight 0 under
 * inhibit_on_failure, the sorry server when quorum is lost.
 */
import type { Config } from '../config/model.js';
import { destsFor } from '../ipvs/desired.js';
import { rsKey, type CheckerSnapshot, type IpvsPort } from '../ipvs/port.js';
import type { SyncRole } from '../ipvs/sync-daemon.js';

/** VS name → (rs key → weight). */
export type MemoryTable = Map<string, Map<string, number>>;

export class MemoryPort implements IpvsPort {
  readonly table: MemoryTable = new Map();
  applies = 0;
  cleared = 0;
  syncRole: SyncRole = 'none';
  last?: CheckerSnapshot;

  apply(config: Config, snapshot: CheckerSnapshot): Promise<void> {
    this.applies++;
    this.last = snapshot;
    this.table.clear();
    for (const vs of config.virtualServers) {
      const dests = destsFor(vs, snapshot.get(vs.name));
      this.table.set(vs.name, new Map(dests.map((d) => [rsKey(d.address, d.port), d.weight] as const)));
    }
    return Promise.resolve();
  }

  clear(config: Config): Promise<void> {
    this.cleared++;
    for (const vs of config.virtualServers) this.table.delete(vs.name);
    return Promise.resolve();
  }

  setSyncDaemon(_config: Config, role: SyncRole): Promise<void> {
    this.syncRole = role;
    return Promise.resolve();
  }

  close(): void {
    this.table.clear();
  }

  /** Weights of the servers currently installed for `vs` (tests). */
  rows(vs: string): Record<string, number> {
    return Object.fromEntries(this.table.get(vs) ?? []);
  }
}
