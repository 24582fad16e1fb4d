/**
 * An in-memory IpvsPort: keeps the table the kernel would hold, for tests and for running the
 * checker where the kernel has no IPVS (`-P`-like dry runs). A real server is in the table while
 * alive, or with weight 0 when inhibit_on_failure keeps it; when a VS loses quorum its sorry
 * server is added and the live real servers leave the pool (weight 0 with inhibit_on_failure).
 * With sorry_server_inhibit the sorry server stays installed at weight 0 while quorum holds.
 */
import type { Config } from '../config/model.js';
import { rsKey, type CheckerSnapshot, type IpvsPort } from '../ipvs/port.js';

/** VS name → (rs key → weight). */
export type MemoryTable = Map<string, Map<string, number>>;

export class MemoryPort implements IpvsPort {
  readonly table: MemoryTable = new Map();
  applies = 0;
  cleared = 0;
  syncRole: 'master' | 'backup' | 'none' = 'none';
  last?: CheckerSnapshot;

  apply(config: Config, snapshot: CheckerSnapshot): Promise<void> {
    this.applies++;
    this.last = snapshot;
    this.table.clear();
    for (const vs of config.virtualServers) {
      const st = snapshot.get(vs.name);
      const rows = new Map<string, number>();
      for (const rs of vs.realServers) {
        const s = st?.realServers.get(rsKey(rs.address, rs.port));
        if (!s) continue;
        const sorryActive = st !== undefined && !st.quorumUp && vs.sorryServer !== undefined;
        const inhibit = rs.inhibitOnFailure || vs.inhibitOnFailure;
        if (s.alive && !sorryActive) rows.set(rsKey(rs.address, rs.port), s.weight);
        else if (inhibit) rows.set(rsKey(rs.address, rs.port), 0);
      }
      const sorry = vs.sorryServer;
      if (sorry && st) {
        if (!st.quorumUp) rows.set(rsKey(sorry.address, sorry.port), 1);
        else if (sorry.inhibit) rows.set(rsKey(sorry.address, sorry.port), 0);
      }
      this.table.set(vs.name, rows);
    }
    return Promise.resolve();
  }

  clear(config: Config): Promise<void> {
    this.cleared++;
    for (const vs of config.virtualServers) this.table.delete(vs.name);
    return Promise.resolve();
  }

  setSyncDaemon(_config: Config, role: 'master' | 'backup' | 'none'): Promise<void> {
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
