// Pure desired-vs-actual diff: what operations, in which order, and what is never done.
import { describe, expect, it } from 'vitest';
import type { IpvsDest, IpvsService, TableEntry } from '../../../src/ipvs/model.js';
import { reconcile, summarize } from '../../../src/ipvs/reconcile.js';

const svc = (p: Partial<IpvsService> = {}): IpvsService => ({
  family: 4, protocol: 'TCP', address: '10.0.0.1', port: 80, fwmark: 0, scheduler: 'wrr', flags: 0,
  persistenceTimeoutS: 0, netmaskPrefixLen: 32, peName: '', ...p,
});
const dst = (address: string, weight = 1, p: Partial<IpvsDest> = {}): IpvsDest => ({
  family: 4, address, port: 80, method: 'NAT', weight, upperThreshold: 0, lowerThreshold: 0,
  tunnelType: 'ipip', tunnelPort: 0, tunnelFlags: 'nocsum', ...p,
});
const entry = (service: IpvsService, dests: IpvsDest[]): TableEntry => ({ service, dests });
const ops = (o: ReturnType<typeof reconcile>): string[] =>
  o.map((x) => ('dest' in x ? `${x.op} ${x.dest.address} w${x.dest.weight}` : `${x.op} ${x.service.address || x.service.fwmark}`));

describe('reconcile', () => {
  it('adds a missing service before its destinations', () => {
    const want = [entry(svc(), [dst('192.168.1.1', 2), dst('192.168.1.2')])];
    expect(ops(reconcile(want, []))).toEqual(['addService 10.0.0.1', 'addDest 192.168.1.1 w2', 'addDest 192.168.1.2 w1']);
  });

  it('does nothing when the tables match (kernel-only HASHED flag ignored)', () => {
    const want = [entry(svc(), [dst('192.168.1.1')])];
    const have = [entry(svc({ flags: 0x2 }), [dst('192.168.1.1')])];
    expect(reconcile(want, have, new Set(['TCP 10.0.0.1:80']))).toEqual([]);
  });

  it('changes a weight in place: one editDest, never a delete and re-add', () => {
    const want = [entry(svc(), [dst('192.168.1.1', 5), dst('192.168.1.2')])];
    const have = [entry(svc(), [dst('192.168.1.1', 2), dst('192.168.1.2')])];
    const o = reconcile(want, have);
    expect(ops(o)).toEqual(['editDest 192.168.1.1 w5']);
    expect(summarize(o)).toEqual({ editDest: 1 });
  });

  it('edits thresholds, forwarding method and tunnel settings in place', () => {
    const have = [entry(svc(), [dst('192.168.1.1', 1, { method: 'TUN' })])];
    const tun = [entry(svc(), [dst('192.168.1.1', 1, { method: 'TUN', tunnelType: 'gue', tunnelPort: 6080 })])];
    const dr = [entry(svc(), [dst('192.168.1.1', 1, { method: 'DR', upperThreshold: 10 })])];
    expect(ops(reconcile(tun, have))).toEqual(['editDest 192.168.1.1 w1']);
    expect(ops(reconcile(dr, have))).toEqual(['editDest 192.168.1.1 w1']);
    // Tunnel fields are irrelevant (and not compared) for NAT/DR.
    const natHave = [entry(svc(), [dst('192.168.1.1', 1, { tunnelPort: 99 })])];
    expect(reconcile([entry(svc(), [dst('192.168.1.1')])], natHave)).toEqual([]);
  });

  it('edits a service whose scheduler, flags or persistence changed, keeping its dests', () => {
    const have = [entry(svc(), [dst('192.168.1.1')])];
    const want = [entry(svc({ scheduler: 'rr', flags: 1, persistenceTimeoutS: 300, netmaskPrefixLen: 24 }), [dst('192.168.1.1')])];
    expect(ops(reconcile(want, have))).toEqual(['editService 10.0.0.1']);
    // The netmask only matters for persistent services.
    expect(reconcile([entry(svc({ netmaskPrefixLen: 24 }), [])], [entry(svc(), [])])).toEqual([]);
  });

  it('adds new destinations before deleting old ones, and deletes services last', () => {
    const old = svc({ address: '10.0.0.9' });
    const want = [entry(svc(), [dst('192.168.1.3')])];
    const have = [entry(svc(), [dst('192.168.1.1')]), entry(old, [dst('192.168.1.1')])];
    expect(ops(reconcile(want, have, new Set(['TCP 10.0.0.9:80'])))).toEqual([
      'addDest 192.168.1.3 w1', 'delDest 192.168.1.1 w1', 'delService 10.0.0.9',
    ]);
  });

  it('never deletes a service it does not own', () => {
    const foreign = svc({ address: '10.9.9.9' });
    expect(reconcile([], [entry(foreign, [dst('192.168.1.1')])])).toEqual([]);
    expect(reconcile([], [entry(foreign, [])], new Set(['TCP 10.0.0.1:80']))).toEqual([]);
  });

  it('tells fwmark and IPv6 services apart from address services', () => {
    const want = [entry(svc({ fwmark: 7, address: '', port: 0 }), []), entry(svc({ fwmark: 7, family: 6, address: '', port: 0 }), [])];
    expect(ops(reconcile(want, [entry(svc({ fwmark: 7, address: '', port: 0 }), [])]))).toEqual(['addService 7']);
  });

  it('scales: 10,000 destinations diffed in well under a second', () => {
    const want: TableEntry[] = [];
    const have: TableEntry[] = [];
    for (let s = 0; s < 1000; s++) {
      const service = svc({ address: `10.0.${s >> 8}.${s & 255}` });
      const dests = Array.from({ length: 10 }, (_, i) => dst(`192.168.${s & 255}.${i + 1}`, 1));
      want.push(entry(service, dests));
      have.push(entry(service, dests.map((d, i) => (i === 0 ? { ...d, weight: 2 } : d))));
    }
    const t0 = performance.now();
    const o = reconcile(want, have);
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(summarize(o)).toEqual({ editDest: 1000 });
  });
});

describe('reconcile with kernel-chosen forwarding', () => {
  it('does not fight LOCALNODE, which the kernel reports for a director-local destination', () => {
    const want = [entry(svc(), [dst('127.0.0.1', 1, { method: 'DR' })])];
    const have = [entry(svc(), [dst('127.0.0.1', 1, { method: 'NAT', localNode: true })])];
    expect(reconcile(want, have)).toEqual([]);
  });
});
