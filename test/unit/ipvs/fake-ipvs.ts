// An in-memory stand-in for the kernel IPVS table (unit-test seam for the port): same identity
// rules and the same coded errors as the kernel through src/ipvs/ffi.ts, plus an operation log.
import { KadError } from '../../../src/core/errors.js';
import type { IpvsOps } from '../../../src/ipvs/execute.js';
import { destKey, serviceKey } from '../../../src/ipvs/model.js';
import type { DumpedDest, DumpedService, IpvsDest, IpvsService, IpvsStats, IpvsTimeouts, SyncDaemonSpec } from '../../../src/ipvs/model.js';

const ZERO = { conns: 0, inPkts: 0, outPkts: 0, inBytes: 0, outBytes: 0, cps: 0, inPps: 0, outPps: 0, inBps: 0, outBps: 0 };

export class FakeIpvs implements IpvsOps {
  readonly table = new Map<string, { service: IpvsService; dests: Map<string, IpvsDest> }>();
  readonly log: string[] = [];
  timeouts: IpvsTimeouts = { tcpS: 900, tcpFinS: 120, udpS: 300 };
  running: SyncDaemonSpec[] = [];
  closed = false;
  /** Counters the dumps report, keyed `serviceKey` or `serviceKey destKey`; zero when unset. */
  readonly counters = new Map<string, Partial<IpvsStats>>();
  dumps = 0;

  private svc(s: IpvsService): { service: IpvsService; dests: Map<string, IpvsDest> } {
    const e = this.table.get(serviceKey(s));
    if (!e) throw new KadError('KAD_ERR_IPVS_NOT_FOUND', 'no service');
    return e;
  }

  services(): DumpedService[] {
    this.dumps++;
    return [...this.table.values()].map((e) => ({ ...e.service, flags: e.service.flags | 2, stats: { ...ZERO, ...this.counters.get(serviceKey(e.service)) } }));
  }

  dests(s: IpvsService): DumpedDest[] {
    return [...this.svc(s).dests.values()].map((d) => ({ ...d, activeConns: 0, inactConns: 0, persistConns: 0, stats: { ...ZERO, ...this.counters.get(`${serviceKey(s)} ${destKey(d)}`) } }));
  }

  addService(s: IpvsService): void {
    if (this.table.has(serviceKey(s))) throw new KadError('KAD_ERR_IPVS_EXISTS', 'exists');
    this.table.set(serviceKey(s), { service: s, dests: new Map() });
    this.log.push(`addService ${serviceKey(s)}`);
  }

  editService(s: IpvsService): void {
    this.svc(s).service = s;
    this.log.push(`editService ${serviceKey(s)}`);
  }

  delService(s: IpvsService): void {
    this.svc(s);
    this.table.delete(serviceKey(s));
    this.log.push(`delService ${serviceKey(s)}`);
  }

  addDest(s: IpvsService, d: IpvsDest): void {
    const e = this.svc(s);
    if (e.dests.has(destKey(d))) throw new KadError('KAD_ERR_IPVS_EXISTS', 'exists');
    e.dests.set(destKey(d), d);
    this.log.push(`addDest ${serviceKey(s)} ${destKey(d)} w${d.weight}`);
  }

  editDest(s: IpvsService, d: IpvsDest): void {
    const e = this.svc(s);
    if (!e.dests.has(destKey(d))) throw new KadError('KAD_ERR_IPVS_NOT_FOUND', 'no dest');
    e.dests.set(destKey(d), d);
    this.log.push(`editDest ${serviceKey(s)} ${destKey(d)} w${d.weight}`);
  }

  delDest(s: IpvsService, d: IpvsDest): void {
    const e = this.svc(s);
    if (!e.dests.delete(destKey(d))) throw new KadError('KAD_ERR_IPVS_NOT_FOUND', 'no dest');
    this.log.push(`delDest ${serviceKey(s)} ${destKey(d)}`);
  }

  flush(): void {
    this.table.clear();
    this.log.push('flush');
  }

  setTimeouts(t: Partial<IpvsTimeouts>): void {
    this.timeouts = {
      tcpS: t.tcpS || this.timeouts.tcpS,
      tcpFinS: t.tcpFinS || this.timeouts.tcpFinS,
      udpS: t.udpS || this.timeouts.udpS,
    };
    this.log.push('setTimeouts');
  }

  startDaemon(d: SyncDaemonSpec): void {
    if (this.running.some((r) => r.state === d.state)) throw new KadError('KAD_ERR_IPVS_EXISTS', 'running');
    this.running.push(d);
    this.log.push(`startDaemon ${d.state} ${d.interface} ${d.syncId}`);
  }

  stopDaemon(state: SyncDaemonSpec['state']): void {
    this.running = this.running.filter((r) => r.state !== state);
    this.log.push(`stopDaemon ${state}`);
  }

  daemons(): SyncDaemonSpec[] {
    return [...this.running];
  }

  close(): void {
    this.closed = true;
  }

  /** `key → {dest → weight}` view for assertions. */
  view(): Record<string, Record<string, number>> {
    return Object.fromEntries([...this.table].map(([k, e]) => [k, Object.fromEntries([...e.dests].map(([dk, d]) => [dk, d.weight]))]));
  }
}
