// KernelIpvsPort over an in-memory IPVS and a manual clock: apply, periodic repair of
// out-of-band changes, in-place weight changes, ownership, clear, timeouts and sync daemon roles.
import { describe, expect, it } from 'vitest';
import type { Config } from '../../../src/config/model.js';
import { ManualClock } from '../../../src/core/clock.js';
import { KadError } from '../../../src/core/errors.js';
import { memoryLogger } from '../../../src/core/log.js';
import { KernelIpvsPort } from '../../../src/ipvs/kernel-port.js';
import { rsKey, type CheckerSnapshot } from '../../../src/ipvs/port.js';
import { config, globalDefs, rs, tcp, vs } from '../../fixtures/check/model.js';
import { FakeIpvs } from './fake-ipvs.js';
import { parseText } from '../config/mem-io.js';

const web = vs('10.0.0.1', 80, [rs('192.168.1.1', 80, [tcp()], { weight: 2 }), rs('192.168.1.2', 80, [tcp()])], { scheduler: 'wrr' });
const snap = (w1: number, alive2 = true): CheckerSnapshot =>
  new Map([[web.name, { quorumUp: true, realServers: new Map([
    [rsKey('192.168.1.1', 80), { alive: true, weight: w1 }],
    [rsKey('192.168.1.2', 80), { alive: alive2, weight: 1 }],
  ]) }]]);

function setup(repairPeriodMs = 1000) {
  const fake = new FakeIpvs();
  const clock = new ManualClock();
  const { log, records } = memoryLogger();
  const port = new KernelIpvsPort({ clock, log, open: () => fake, repairPeriodMs });
  return { fake, clock, port, records };
}

describe('KernelIpvsPort', () => {
  it('programs the table and removes a dead server on the next apply', async () => {
    const { fake, port } = setup();
    await port.apply(config([web]), snap(2));
    expect(fake.view()).toEqual({ 'TCP 10.0.0.1:80': { '192.168.1.1:80': 2, '192.168.1.2:80': 1 } });
    await port.apply(config([web]), snap(2, false));
    expect(fake.view()).toEqual({ 'TCP 10.0.0.1:80': { '192.168.1.1:80': 2 } });
    port.close();
    expect(fake.closed).toBe(true);
  });

  it('repairs an out-of-band service delete (ipvsadm -D) within one period', async () => {
    const { fake, port, clock, records } = setup(1000);
    const cfg = config([web]);
    await port.apply(cfg, snap(2));
    fake.table.delete('TCP 10.0.0.1:80');
    clock.advance(999);
    expect(fake.view()).toEqual({});
    clock.advance(1);
    expect(fake.view()).toEqual({ 'TCP 10.0.0.1:80': { '192.168.1.1:80': 2, '192.168.1.2:80': 1 } });
    expect(port.stats.repairs).toBe(3);
    expect(records.some((r) => r.msg.includes('changed outside kad'))).toBe(true);
    port.close();
  });

  it('repairs an out-of-band dest delete (ipvsadm -d) and leaves foreign services alone', async () => {
    const { fake, port, clock } = setup(500);
    await port.apply(config([web]), snap(2));
    fake.table.get('TCP 10.0.0.1:80')!.dests.delete('192.168.1.2:80');
    fake.table.set('UDP 10.9.9.9:53', { service: { ...fake.table.get('TCP 10.0.0.1:80')!.service, protocol: 'UDP', address: '10.9.9.9', port: 53 }, dests: new Map() });
    clock.advance(500);
    expect(fake.view()).toEqual({ 'TCP 10.0.0.1:80': { '192.168.1.1:80': 2, '192.168.1.2:80': 1 }, 'UDP 10.9.9.9:53': {} });
    port.close();
  });

  it('changes a weight in place on reload (SET_DEST, no delete)', async () => {
    const { fake, port } = setup();
    await port.apply(config([web]), snap(2));
    fake.log.length = 0;
    await port.apply(config([web]), snap(5));
    expect(fake.log).toEqual(['editDest TCP 10.0.0.1:80 192.168.1.1:80 w5']);
    port.close();
  });

  it('deletes services it installed once they leave the config, but not others', async () => {
    const { fake, port } = setup();
    const other = vs('10.0.0.2', 80, [rs('192.168.1.3', 80, [])]);
    await port.apply(config([web, other]), snap(2));
    await port.apply(config([web]), snap(2));
    expect(Object.keys(fake.view())).toEqual(['TCP 10.0.0.1:80']);
    port.close();
  });

  it('recovers from races: add of an existing dest becomes an edit', async () => {
    const { fake, port } = setup();
    await port.apply(config([web]), snap(2));
    // Another writer changes a weight between our dump and our add: simulated by a stale dump.
    const realDests = fake.dests.bind(fake);
    fake.dests = (s) => realDests(s).filter((d) => d.address !== '192.168.1.1');
    await port.apply(config([web]), snap(4));
    expect(fake.view()['TCP 10.0.0.1:80']).toEqual({ '192.168.1.1:80': 4, '192.168.1.2:80': 1 });
    expect(port.stats.failures).toBe(0);
    port.close();
  });

  it('clears its services on stop, or flushes with lvs_flush_onstop; sets timeouts and lvs_flush', async () => {
    const { fake, port } = setup();
    const cfg = config([web], { global: globalDefs({ lvsTimeouts: { tcpS: 7200 }, lvsFlush: true }) });
    fake.table.set('x', { service: { family: 4, protocol: 'UDP', address: '1.1.1.1', port: 1, fwmark: 0, scheduler: 'rr', flags: 0, persistenceTimeoutS: 0, netmaskPrefixLen: 32, peName: '' }, dests: new Map() });
    await port.apply(cfg, snap(2));
    expect(fake.log[0]).toBe('flush');
    expect(fake.timeouts.tcpS).toBe(7200);
    expect(Object.keys(fake.view())).toEqual(['TCP 10.0.0.1:80']);
    await port.clear(cfg);
    expect(fake.view()).toEqual({});
    port.close();
  });

  it('runs the sync daemon as master or backup (never both) and stops it', async () => {
    const { fake, port } = setup();
    const cfg = config([web], {
      global: globalDefs({ lvsSyncDaemon: { interface: 'eth1', instance: 'VI_1', port: 8848 } }),
      vrrpInstances: [{ name: 'VI_1', vrid: 51 } as never],
    });
    await port.setSyncDaemon(cfg, 'master');
    expect(fake.running).toEqual([expect.objectContaining({ state: 'master', interface: 'eth1', syncId: 51, port: 0 })]);
    await port.setSyncDaemon(cfg, 'master');
    await port.setSyncDaemon(cfg, 'backup');
    expect(fake.running.map((d) => d.state)).toEqual(['backup']);
    await port.setSyncDaemon(cfg, 'none');
    expect(fake.running).toEqual([]);
    expect(fake.log).toEqual(['startDaemon master eth1 51', 'stopDaemon master', 'startDaemon backup eth1 51', 'stopDaemon backup']);
    port.close();
  });

  it('without an instance runs master and backup together; a changed syncid restarts both', async () => {
    const { fake, port } = setup();
    const cfg = (syncId?: number): Config => config([web], { global: globalDefs({ lvsSyncDaemon: { interface: 'eth1', port: 8848, ...(syncId === undefined ? {} : { syncId }) } }) });
    await port.setSyncDaemon(cfg(), 'both');
    await port.setSyncDaemon(cfg(), 'both');
    expect(fake.running.map((d) => [d.state, d.syncId])).toEqual([['master', 0], ['backup', 0]]);
    await port.setSyncDaemon(cfg(4), 'both');
    expect(fake.running.map((d) => [d.state, d.syncId])).toEqual([['master', 4], ['backup', 4]]);
    expect(fake.log).toEqual(['startDaemon master eth1 0', 'startDaemon backup eth1 0', 'stopDaemon master', 'stopDaemon backup', 'startDaemon master eth1 4', 'startDaemon backup eth1 4']);
    port.close();
  });

  it('reads past a service deleted between the service dump and its destination dump', async () => {
    const { fake, port } = setup();
    await port.apply(config([web]), snap(2));
    const realDests = fake.dests.bind(fake);
    let first = true;
    fake.dests = (s) => {
      if (first) {
        first = false;
        fake.table.delete('TCP 10.0.0.1:80');
      }
      return realDests(s);
    };
    await port.apply(config([web]), snap(2));
    expect(fake.view()).toEqual({ 'TCP 10.0.0.1:80': { '192.168.1.1:80': 2, '192.168.1.2:80': 1 } });
    port.close();
  });

  it('counts a persistently failing operation as a failure, not as a repair, and logs it rate-limited', async () => {
    const { fake, port, clock, records } = setup(1000);
    fake.addDest = () => {
      throw new KadError('KAD_ERR_IPVS_INVALID', 'IPVS IPVS_CMD_NEW_DEST: EINVAL');
    };
    await port.apply(config([web]), snap(2));
    for (let i = 0; i < 20; i++) clock.advance(1000);
    expect(port.stats.repairs).toBe(0);
    expect(port.stats.failures).toBe(42);
    const errors = records.filter((r) => r.code === 'KAD_ERR_IPVS_INVALID');
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.length).toBeLessThan(42);
    expect(records.some((r) => r.msg.includes('changed outside kad'))).toBe(false);
    port.close();
  });

  it('reports the kernel counters per virtual server from a dump at most 500 ms old', async () => {
    const { fake, port, clock } = setup(0);
    expect(port.traffic()).toBeUndefined(); // nothing applied yet: no table of kad's
    await port.apply(config([web]), snap(2));
    fake.counters.set('TCP 10.0.0.1:80', { conns: 3, inPkts: 30, outPkts: 20, inBytes: 3000, outBytes: 9000 });
    fake.counters.set('TCP 10.0.0.1:80 192.168.1.2:80', { conns: 1, inPkts: 10 });
    const dumps = fake.dumps;
    const t = port.traffic()?.get(web.name);
    expect(t?.map((e) => [e.service.address, e.service.port, e.service.stats.inBytes])).toEqual([['10.0.0.1', 80, 3000]]);
    expect(t?.[0]?.dests.map((d) => [d.address, d.stats.conns, d.stats.inPkts])).toEqual([['192.168.1.1', 0, 0], ['192.168.1.2', 1, 10]]);
    fake.counters.set('TCP 10.0.0.1:80', { inBytes: 4000 });
    clock.advance(499);
    expect(port.traffic()?.get(web.name)?.[0]?.service.stats.inBytes).toBe(3000);
    expect(fake.dumps).toBe(dumps + 1);
    clock.advance(1);
    expect(port.traffic()?.get(web.name)?.[0]?.service.stats.inBytes).toBe(4000);
    // A service removed behind kad's back is simply absent until the repair pass puts it back.
    fake.table.delete('TCP 10.0.0.1:80');
    clock.advance(500);
    expect(port.traffic()?.get(web.name)).toEqual([]);
    port.close();
  });
});

describe('KernelIpvsPort keywords from config text', () => {
  const VS = 'virtual_server 10.0.0.1 80 {\n lb_algo rr\n lb_kind NAT\n protocol TCP\n real_server 192.168.1.1 80 {\n }\n}\n';
  const cfg = (globals: string) => parseText(`global_defs {\n${globals}}\n${VS}`).config!;

  it('lvs_timeouts sets the IPVS timeouts; lvs_flush flushes at start', async () => {
    const { fake, port } = setup();
    await port.apply(cfg(' lvs_timeouts tcp 7200 tcpfin 60 udp 30\n lvs_flush\n'), new Map());
    expect(fake.log[0]).toBe('flush');
    expect(fake.timeouts).toEqual({ tcpS: 7200, tcpFinS: 60, udpS: 30 });
    port.close();
  });

  it('lvs_flush_on_stop (and lvs_flush_onstop) flushes the whole table at stop, foreign services included', async () => {
    for (const kw of ['lvs_flush_on_stop', 'lvs_flush_onstop', '']) {
      const { fake, port } = setup();
      const c = cfg(kw ? ` ${kw}\n` : '');
      fake.table.set('x', { service: { family: 4, protocol: 'UDP', address: '1.1.1.1', port: 1, fwmark: 0, scheduler: 'rr', flags: 0, persistenceTimeoutS: 0, netmaskPrefixLen: 32, peName: '' }, dests: new Map() });
      await port.apply(c, new Map());
      await port.clear(c);
      expect([kw, Object.keys(fake.view())]).toEqual([kw, kw ? [] : ['x']]);
      port.close();
    }
  });
});
