// Pure conversions at the FFI boundary: addresses, ports, families, methods, tunnel and sync
// daemon fields, both directions; and the sync daemon spec a configuration asks for.
import { describe, expect, it } from 'vitest';
import { canonicalAddress } from '../../../src/core/addr.js';
import { addressRange, netmaskPrefixLen } from '../../../src/ipvs/addr.js';
import { fromNativeDaemon, fromNativeDest, fromNativeService, toNativeDaemon, toNativeDest, toNativeService } from '../../../src/ipvs/convert.js';
import type { IpvsDest, IpvsService } from '../../../src/ipvs/model.js';
import { syncDaemonInstance, syncDaemonSpecs, syncRole } from '../../../src/ipvs/sync-daemon.js';
import { config, globalDefs } from '../../fixtures/check/model.js';

const svc: IpvsService = {
  family: 6, protocol: 'SCTP', address: '2001:db8::1', port: 8443, fwmark: 0, scheduler: 'mh', flags: 0x18,
  persistenceTimeoutS: 60, netmaskPrefixLen: 64, peName: '',
};
const dest: IpvsDest = {
  family: 4, address: '192.0.2.7', port: 80, method: 'TUN', weight: 3, upperThreshold: 9, lowerThreshold: 1,
  tunnelType: 'gre', tunnelPort: 0, tunnelFlags: 'remcsum',
};

describe('addresses', () => {
  it('canonicalises, expands ranges and converts netmasks', () => {
    expect(canonicalAddress('2001:0DB8:0:0:0:0:0:1', 6)).toBe('2001:db8::1');
    expect(canonicalAddress('::ffff:10.0.0.1', 6)).toBe('::ffff:a00:1');
    expect(addressRange('10.0.0.254', '10.0.1.1', 4)).toEqual(['10.0.0.254', '10.0.0.255', '10.0.1.0', '10.0.1.1']);
    expect(addressRange('10.0.0.1', '3', 4)).toEqual(['10.0.0.1', '10.0.0.2', '10.0.0.3']);
    expect(addressRange('2001:db8::fe', '101', 6)).toEqual(['2001:db8::fe', '2001:db8::ff', '2001:db8::100', '2001:db8::101']);
    expect(addressRange('10.0.0.5', '4', 4)).toEqual([]);
    expect(addressRange('10.0.0.0', '10.255.255.255', 4, 10)).toHaveLength(10);
    expect(netmaskPrefixLen('255.255.240.0')).toBe(20);
    expect(netmaskPrefixLen('255.0.255.0')).toBeUndefined();
    expect(canonicalAddress('10.0.0.300', 4)).toBeUndefined();
  });
});

describe('native records', () => {
  it('round-trips a service (protocol number, AF, 16-byte address)', () => {
    const n = toNativeService(svc);
    expect(n).toMatchObject({ af: 10, protocol: 132, port: 8443, sched_name: 'mh', netmask: 64 });
    expect(Array.from(n.addr).slice(0, 4)).toEqual([0x20, 0x01, 0x0d, 0xb8]);
    expect(fromNativeService({ ...n, addr: Array.from(n.addr) })).toMatchObject({ ...svc });
  });

  it('sends a fwmark service without address or port', () => {
    const n = toNativeService({ ...svc, family: 4, fwmark: 5, address: '', port: 0 });
    expect(Array.from(n.addr).every((b) => b === 0)).toBe(true);
    expect(fromNativeService(n)).toMatchObject({ fwmark: 5, address: '', port: 0 });
  });

  it('round-trips a TUN destination with GRE and remote checksum offload', () => {
    const n = toNativeDest(dest);
    expect(n).toMatchObject({ af: 2, fwd_method: 2, tun_type: 2, tun_flags: 2, weight: 3, u_thresh: 9, l_thresh: 1 });
    expect(fromNativeDest(n)).toMatchObject({ ...dest, localNode: false, activeConns: 0 });
    expect(fromNativeDest({ ...n, fwd_method: 1 }).localNode).toBe(true);
  });

  it('round-trips a sync daemon, with and without an explicit group', () => {
    const d = { state: 'backup' as const, interface: 'eth1', syncId: 9, maxlen: 1400, group: 'ff02::81', port: 8850, ttl: 3 };
    expect(fromNativeDaemon(toNativeDaemon(d))).toEqual(d);
    const plain = { ...d, group: undefined, port: 0, ttl: 0, maxlen: 0 };
    expect(toNativeDaemon(plain).mcast_af).toBe(0);
    expect(fromNativeDaemon(toNativeDaemon(plain))).toEqual(plain);
  });
});

describe('syncDaemonSpecs', () => {
  const inst = { name: 'VI_1', vrid: 51, lvsSyncDaemonInterface: undefined } as never;

  it('takes lvs_sync_daemon from global_defs, syncid from the named instance', () => {
    const cfg = config([], { global: globalDefs({ lvsSyncDaemon: { interface: 'eth1', instance: 'VI_1', port: 9000 } }), vrrpInstances: [inst] });
    expect(syncDaemonSpecs(cfg, 'master')).toEqual([{ state: 'master', interface: 'eth1', syncId: 51, maxlen: 0, group: undefined, port: 9000, ttl: 0 }]);
    expect(syncDaemonSpecs(cfg, 'none')).toEqual([]);
    expect(syncDaemonInstance(cfg)).toBe('VI_1');
  });

  it('honours the legacy per-instance lvs_sync_daemon_interface', () => {
    const legacy = { name: 'VI_2', vrid: 7, lvsSyncDaemonInterface: 'eth2' } as never;
    const cfg = config([], { vrrpInstances: [legacy] });
    expect(syncDaemonSpecs(cfg, 'backup')).toEqual([{ state: 'backup', interface: 'eth2', syncId: 7, maxlen: 0, port: 0, ttl: 0 }]);
    expect(syncDaemonInstance(cfg)).toBe('VI_2');
    expect(syncDaemonSpecs(config([]), 'master')).toEqual([]);
  });

  it('without an instance: master and backup together, syncid 0 unless given', () => {
    const cfg = config([], { global: globalDefs({ lvsSyncDaemon: { interface: 'eth1', port: 8848 } }) });
    expect(syncDaemonSpecs(cfg, 'both').map((d) => [d.state, d.syncId, d.port])).toEqual([['master', 0, 0], ['backup', 0, 0]]);
    const withId = config([], { global: globalDefs({ lvsSyncDaemon: { interface: 'eth1', port: 8848, syncId: 9 } }) });
    expect(syncDaemonSpecs(withId, 'both').map((d) => d.syncId)).toEqual([9, 9]);
  });

  it('an instance the configuration does not hold: no daemon (keepalived clears lvs_syncd)', () => {
    const cfg = config([], { global: globalDefs({ lvsSyncDaemon: { interface: 'eth1', instance: 'VI_9', port: 8848 } }), vrrpInstances: [inst] });
    expect(syncDaemonSpecs(cfg, 'master')).toEqual([]);
    expect(syncRole(cfg, new Map([['VI_9', 'MASTER']]))).toBe('none');
  });

  it('follows the driving instance: master on MASTER, backup otherwise, both without instance', () => {
    const cfg = config([], { global: globalDefs({ lvsSyncDaemon: { interface: 'eth1', instance: 'VI_1', port: 8848 } }), vrrpInstances: [inst] });
    expect(syncRole(cfg, new Map([['VI_1', 'MASTER']]))).toBe('master');
    expect(syncRole(cfg, new Map([['VI_1', 'FAULT']]))).toBe('backup');
    expect(syncRole(cfg, new Map())).toBe('backup');
    // No VRRP process (-C): nothing reports the instance, and keepalived's VRRP process would run it.
    expect(syncRole(cfg, new Map([['VI_1', 'MASTER']]), false)).toBe('none');
    const noInst = config([], { global: globalDefs({ lvsSyncDaemon: { interface: 'eth1', port: 8848 } }) });
    expect(syncRole(noInst, new Map())).toBe('both');
    expect(syncRole(noInst, new Map(), false)).toBe('both');
    expect(syncRole(config([]), new Map([['VI_1', 'MASTER']]))).toBe('none');
  });
});
