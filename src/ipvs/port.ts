/**
 * The seam between the checker child and IPVS. The checker decides which real servers are alive
 * (and their effective weights); an IpvsPort makes the kernel table match the configuration plus
 * that snapshot. The kernel implementation reconciles desired against actual (src/ipvs/
 * reconcile.ts) through the native library (src/ipvs/ffi.ts); tests without IPVS use an
 * in-memory port.
 */
import type { Config } from '../config/model.js';
import type { DumpedEntry } from './model.js';
import type { SyncRole } from './sync-daemon.js';

/** Checker verdict for one real server. Keys: VirtualServer.name, then `address:port`. */
export interface RsStatus {
  alive: boolean;
  /** Effective weight (config weight, or misc_dynamic / FILE_CHECK result). */
  weight: number;
}

export interface VsStatus {
  /** false when the live weight sum fell below quorum (sorry_server takes over). */
  quorumUp: boolean;
  realServers: ReadonlyMap<string, RsStatus>;
}

export type CheckerSnapshot = ReadonlyMap<string, VsStatus>;

/** Key of a real server inside its virtual server. */
export function rsKey(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

export interface IpvsPort {
  /** Make the kernel table match config + snapshot (idempotent; repairs out-of-band changes). */
  apply(config: Config, snapshot: CheckerSnapshot): Promise<void>;
  /** Remove what kad installed for this config (stop without -I). */
  clear(config: Config): Promise<void>;
  /** Connection sync daemons to run (lvs_sync_daemon): the role follows the VRRP state. */
  setSyncDaemon(config: Config, role: SyncRole): Promise<void>;
  /**
   * The kernel's services of each virtual server with their counters (a fresh dump, at most
   * TRAFFIC_MAX_AGE_MS old); undefined when there is no kernel table (in-memory ports).
   */
  traffic?(): ReadonlyMap<string, readonly DumpedEntry[]> | undefined;
  close(): void;
}

/** A traffic dump younger than this is reused (a /status and a /metrics request back to back). */
export const TRAFFIC_MAX_AGE_MS = 500;
