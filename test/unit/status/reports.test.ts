// The children's parts of the status document, built from a real configuration: the VRRP
// report from instance views (spec, snapshot, tracker effects), with vrrp_script status as the
// tracking instances see it; the checker report from a real Farm.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/loader.js';
import { silentLogger } from '../../../src/core/log.js';
import { Farm } from '../../../src/check/farm.js';
import { buildCheckReport } from '../../../src/check/status.js';
import { TransitionLog } from '../../../src/status/transitions.js';
import { buildVrrpReport, type EffectView, type SnapshotView } from '../../../src/status/vrrp-report.js';

const CONF = `vrrp_script chk_up {
  script "/bin/true"
  weight 10
}
vrrp_script chk_down {
  script "/bin/false"
  weight 0
}
vrrp_instance VI_1 {
  state BACKUP
  interface eth0
  virtual_router_id 51
  priority 100
  track_script {
    chk_up
    chk_down
  }
  virtual_ipaddress {
    10.0.0.100/24
  }
}
virtual_server 10.0.0.200 80 {
  delay_loop 5
  lb_algo rr
  lb_kind NAT
  protocol TCP
  quorum 2
  real_server 10.0.0.11 80 {
    weight 3
    TCP_CHECK {
      connect_timeout 1
    }
  }
}
`;

function config() {
  const dir = mkdtempSync(join(tmpdir(), 'kad-status-'));
  writeFileSync(join(dir, 'k.conf'), CONF);
  const r = loadConfig(join(dir, 'k.conf'), { interfaceExists: () => true });
  if (!r.config) throw new Error('config did not load');
  return r.config;
}

describe('status reports', () => {
  const cfg = config();

  it('VRRP: instance fields, last transition, tracked objects and script status', () => {
    const spec = cfg.vrrpInstances[0]!;
    const snap: SnapshotView = {
      name: 'VI_1', vrid: 51, state: 'FAULT', basePriority: 100, effectivePriority: 110, advertIntMs: 1000, masterAdverIntMs: 1000,
      masterAddress: '10.0.0.1', masterPriority: 120, faults: ['script:chk_down'], stats: { advert_rcvd: 4 }, drops: { ttl: 1 },
    };
    const effects = new Map<string, EffectView>([['script:chk_up', { faulted: false, priorityDelta: 10 }], ['script:chk_down', { faulted: true, priorityDelta: 0 }]]);
    const log = new TransitionLog();
    log.record('VI_1', 'FAULT', 'interfaceOrTrackerFault', 5000);
    const r = buildVrrpReport([{ spec, snapshot: () => snap, effects }], cfg, log, (name) => (name === 'chk_up' ? 'running' : undefined));
    expect(r.instances[0]).toMatchObject({
      name: 'VI_1', vrid: 51, interface: 'eth0', state: 'FAULT', effectivePriority: 110, vips: ['10.0.0.100/24'], masterAddress: '10.0.0.1',
      counters: { advert_rcvd: 4 }, drops: { ttl: 1 }, transitions: { interfaceOrTrackerFault: 1 },
      lastTransition: { from: 'INIT', to: 'FAULT', reason: 'interfaceOrTrackerFault', at: '1970-01-01T00:00:05.000Z' },
    });
    expect(r.instances[0]?.tracked).toEqual([
      { kind: 'script', name: 'chk_up', weight: 10, faulted: false, priorityDelta: 10 },
      { kind: 'script', name: 'chk_down', weight: 0, faulted: true, priorityDelta: 0 },
    ]);
    expect(r.scripts).toEqual([{ name: 'chk_up', status: 'GOOD', state: 'running' }, { name: 'chk_down', status: 'BAD', state: 'idle' }]);
  });

  it('checker: virtual server quorum and each real server with its checker', () => {
    const farm = new Farm(cfg.virtualServers, silentLogger(), () => undefined, () => undefined);
    const r = buildCheckReport(farm);
    expect(r.virtualServers).toHaveLength(1);
    const vs = r.virtualServers[0]!;
    expect(vs).toMatchObject({ name: '[10.0.0.200]:tcp:80', protocol: 'TCP', scheduler: 'rr', quorum: 2, quorumUp: true, liveWeight: 3 });
    expect(vs.realServers[0]).toMatchObject({ address: '10.0.0.11', port: 80, alive: true, weight: 3, configuredWeight: 3 });
    expect(vs.realServers[0]?.checkers[0]).toMatchObject({ type: 'TCP_CHECK', up: true, attempts: 0, failures: 0, durationTotalMs: 0 });
    expect(vs.realServers[0]?.checkers[0]?.last).toBeUndefined();
  });

  it('checker: the kernel counters of each virtual server\'s services, labelled as keepalived-exporter does', () => {
    const farm = new Farm(cfg.virtualServers, silentLogger(), () => undefined, () => undefined);
    const st = (conns: number) => ({ conns, inPkts: 2 * conns, outPkts: 3 * conns, inBytes: 4 * conns, outBytes: 5 * conns, cps: 0, inPps: 0, outPps: 0, inBps: 0, outBps: 0 });
    const svc = { family: 4 as const, protocol: 'TCP' as const, address: '10.0.0.200', port: 80, fwmark: 0, scheduler: 'rr', flags: 0, persistenceTimeoutS: 0, netmaskPrefixLen: 32, peName: '' };
    const dest = { family: 4 as const, address: '10.0.0.11', port: 80, method: 'NAT' as const, weight: 3, upperThreshold: 0, lowerThreshold: 0, tunnelType: 'ipip' as const, tunnelPort: 0, tunnelFlags: 'nocsum' as const, activeConns: 0, inactConns: 0, persistConns: 0, stats: st(1) };
    const fwm = { ...svc, protocol: 'UDP' as const, address: '', port: 0, fwmark: 7, stats: st(2) };
    const v6 = { ...svc, family: 6 as const, address: '2001:db8::1', stats: st(3) };
    const traffic = new Map([[cfg.virtualServers[0]!.name, [{ service: { ...svc, stats: st(4) }, dests: [dest] }, { service: fwm, dests: [] }, { service: v6, dests: [] }]]]);
    const lvs = buildCheckReport(farm, traffic).virtualServers[0]?.lvs;
    expect(lvs?.map((l) => [l.addr, l.proto, l.counters.conns])).toEqual([['10.0.0.200:80', 6, 4], ['fwmark:7', 0, 2], ['[2001:db8::1]:80', 6, 3]]);
    expect(lvs?.[0]?.counters).toEqual({ conns: 4, inPkts: 8, outPkts: 12, inBytes: 16, outBytes: 20 });
    expect(lvs?.[0]?.dests).toEqual([{ addr: '10.0.0.11:80', counters: { conns: 1, inPkts: 2, outPkts: 3, inBytes: 4, outBytes: 5 } }]);
    expect(buildCheckReport(farm).virtualServers[0]).not.toHaveProperty('lvs'); // no kernel table
  });
});
