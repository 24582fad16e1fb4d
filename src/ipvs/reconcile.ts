/**
 * Desired vs actual IPVS table → the ordered operations that make the kernel match. Pure.
 *
 * Rules:
 * - A destination present on both sides is never deleted and re-added: a weight, threshold or
 *   forwarding change is an in-place edit (SET_DEST), so established connections survive.
 * - A service present on both sides with different scheduler/flags/persistence is edited
 *   in place (SET_SERVICE), keeping its destinations and connections.
 * - Only services kad owns are ever removed: those in the desired table, plus `owned` (what
 *   kad installed earlier and no longer wants). Services somebody else added are left alone.
 * - Order: add services, edit services, add dests, edit dests, delete dests, delete services.
 *   New destinations go in before old ones leave, so a swap never empties a service.
 */
import { SVC_F_KERNEL_ONLY, destKey, serviceKey } from './model.js';
import type { IpvsDest, IpvsService, IpvsTable, TableEntry } from './model.js';

export type IpvsOp =
  | { op: 'addService'; service: IpvsService }
  | { op: 'editService'; service: IpvsService }
  | { op: 'delService'; service: IpvsService }
  | { op: 'addDest'; service: IpvsService; dest: IpvsDest }
  | { op: 'editDest'; service: IpvsService; dest: IpvsDest }
  | { op: 'delDest'; service: IpvsService; dest: IpvsDest };

export type IpvsOpKind = IpvsOp['op'];

/** True when two services with the same key differ in something SET_SERVICE would change. */
export function serviceDiffers(want: IpvsService, have: IpvsService): boolean {
  return (
    want.scheduler !== have.scheduler ||
    (want.flags & ~SVC_F_KERNEL_ONLY) !== (have.flags & ~SVC_F_KERNEL_ONLY) ||
    want.persistenceTimeoutS !== have.persistenceTimeoutS ||
    (want.persistenceTimeoutS > 0 && want.netmaskPrefixLen !== have.netmaskPrefixLen) ||
    want.peName !== have.peName
  );
}

/** True when two destinations with the same key differ in something SET_DEST would change. */
export function destDiffers(want: IpvsDest, have: IpvsDest): boolean {
  if (
    want.weight !== have.weight ||
    // The kernel reports LOCALNODE for a director-local address whatever method was asked for.
    (want.method !== have.method && !have.localNode) ||
    want.upperThreshold !== have.upperThreshold ||
    want.lowerThreshold !== have.lowerThreshold
  ) {
    return true;
  }
  if (want.method !== 'TUN') return false;
  return want.tunnelType !== have.tunnelType || want.tunnelPort !== have.tunnelPort || want.tunnelFlags !== have.tunnelFlags;
}

function index(table: IpvsTable): Map<string, TableEntry> {
  const m = new Map<string, TableEntry>();
  for (const e of table) m.set(serviceKey(e.service), e);
  return m;
}

function diffDests(want: TableEntry, have: TableEntry | undefined, out: Record<'add' | 'edit' | 'del', IpvsOp[]>): void {
  const svc = want.service;
  const haveByKey = new Map<string, IpvsDest>();
  for (const d of have?.dests ?? []) haveByKey.set(destKey(d), d);
  const wanted = new Set<string>();
  for (const d of want.dests) {
    const k = destKey(d);
    wanted.add(k);
    const cur = haveByKey.get(k);
    if (!cur) out.add.push({ op: 'addDest', service: svc, dest: d });
    else if (destDiffers(d, cur)) out.edit.push({ op: 'editDest', service: svc, dest: d });
  }
  for (const [k, d] of haveByKey) {
    if (!wanted.has(k)) out.del.push({ op: 'delDest', service: svc, dest: d });
  }
}

/**
 * Operations turning `actual` into `desired`.
 * @param owned keys (serviceKey) of services kad installed before; removed when no longer desired.
 */
export function reconcile(desired: IpvsTable, actual: IpvsTable, owned: ReadonlySet<string> = new Set()): IpvsOp[] {
  const have = index(actual);
  const want = index(desired);
  const addSvc: IpvsOp[] = [];
  const editSvc: IpvsOp[] = [];
  const delSvc: IpvsOp[] = [];
  const dests = { add: [] as IpvsOp[], edit: [] as IpvsOp[], del: [] as IpvsOp[] };
  for (const [k, entry] of want) {
    const cur = have.get(k);
    if (!cur) addSvc.push({ op: 'addService', service: entry.service });
    else if (serviceDiffers(entry.service, cur.service)) editSvc.push({ op: 'editService', service: entry.service });
    diffDests(entry, cur, dests);
  }
  for (const k of owned) {
    const cur = have.get(k);
    if (cur && !want.has(k)) delSvc.push({ op: 'delService', service: cur.service });
  }
  return [...addSvc, ...editSvc, ...dests.add, ...dests.edit, ...dests.del, ...delSvc];
}

/** Count of operations per kind (for logs and stats). */
export function summarize(ops: readonly IpvsOp[]): Partial<Record<IpvsOpKind, number>> {
  const out: Partial<Record<IpvsOpKind, number>> = {};
  for (const o of ops) out[o.op] = (out[o.op] ?? 0) + 1;
  return out;
}
