/**
 * Runs reconcile operations against an IPVS handle and reads the actual table. Recovers from
 * races with other writers the way a reconcile loop should: an add that finds the entry already
 * there becomes an edit, an edit that finds it gone becomes an add, a delete of something already
 * gone is done. Any other failure is returned, not thrown, so one bad entry does not stop the rest.
 */
import { KadError } from '../core/errors.js';
import type { DumpedDest, DumpedEntry, DumpedService, IpvsDest, IpvsService, IpvsTimeouts, SyncDaemonSpec } from './model.js';
import type { IpvsOp } from './reconcile.js';

/** What the port needs from an IPVS handle (src/ipvs/ffi.ts `Ipvs`; a fake in unit tests). */
export interface IpvsOps {
  services(): DumpedService[];
  dests(s: IpvsService): DumpedDest[];
  addService(s: IpvsService): void;
  editService(s: IpvsService): void;
  delService(s: IpvsService): void;
  addDest(s: IpvsService, d: IpvsDest): void;
  editDest(s: IpvsService, d: IpvsDest): void;
  delDest(s: IpvsService, d: IpvsDest): void;
  flush(): void;
  setTimeouts(t: Partial<IpvsTimeouts>): void;
  startDaemon(d: SyncDaemonSpec): void;
  stopDaemon(state: SyncDaemonSpec['state']): void;
  daemons(): SyncDaemonSpec[];
  close(): void;
}

export interface OpFailure {
  op: IpvsOp;
  error: KadError;
}

function codeOf(e: unknown): string {
  return e instanceof KadError ? e.code : 'KAD_ERR_IPVS_KERNEL';
}

/**
 * Read the whole actual table (one dump for services, one per service for its dests), with the
 * kernel's counters. A service deleted by someone else between the two dumps is left out: it is
 * gone.
 */
export function readTable(ipvs: IpvsOps): DumpedEntry[] {
  const table: DumpedEntry[] = [];
  for (const service of ipvs.services()) {
    try {
      table.push({ service, dests: ipvs.dests(service) });
    } catch (e) {
      if (codeOf(e) !== 'KAD_ERR_IPVS_NOT_FOUND') throw e;
    }
  }
  return table;
}

function runOne(ipvs: IpvsOps, o: IpvsOp): void {
  switch (o.op) {
    case 'addService':
      return ipvs.addService(o.service);
    case 'editService':
      return ipvs.editService(o.service);
    case 'delService':
      return ipvs.delService(o.service);
    case 'addDest':
      return ipvs.addDest(o.service, o.dest);
    case 'editDest':
      return ipvs.editDest(o.service, o.dest);
    case 'delDest':
      return ipvs.delDest(o.service, o.dest);
  }
}

/** The operation to retry with after `code`, or undefined when the failure stands. */
function fallback(o: IpvsOp, code: string): IpvsOp | 'done' | undefined {
  if (code === 'KAD_ERR_IPVS_NOT_FOUND' && (o.op === 'delService' || o.op === 'delDest')) return 'done';
  if (code === 'KAD_ERR_IPVS_EXISTS' && o.op === 'addService') return { ...o, op: 'editService' };
  if (code === 'KAD_ERR_IPVS_EXISTS' && o.op === 'addDest') return { ...o, op: 'editDest' };
  if (code === 'KAD_ERR_IPVS_NOT_FOUND' && o.op === 'editDest') return { ...o, op: 'addDest' };
  return undefined;
}

/** Execute `ops` in order; returns the failures (after one recovery attempt each). */
export function execute(ipvs: IpvsOps, ops: readonly IpvsOp[]): OpFailure[] {
  const failures: OpFailure[] = [];
  for (const o of ops) {
    try {
      runOne(ipvs, o);
    } catch (e) {
      const next = fallback(o, codeOf(e));
      if (next === 'done') continue;
      if (!next) {
        failures.push({ op: o, error: asKadError(e) });
        continue;
      }
      try {
        runOne(ipvs, next);
      } catch (e2) {
        failures.push({ op: next, error: asKadError(e2) });
      }
    }
  }
  return failures;
}

function asKadError(e: unknown): KadError {
  return e instanceof KadError ? e : new KadError('KAD_ERR_IPVS_KERNEL', String(e));
}
