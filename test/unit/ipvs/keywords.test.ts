// virtual_server and real_server keywords from config text to the IPVS services and
// destinations kad asks the kernel for (the pure desired table).
import { describe, expect, it } from 'vitest';
import { desiredTable } from '../../../src/ipvs/desired.js';
import { SVC_F } from '../../../src/ipvs/model.js';
import type { CheckerSnapshot } from '../../../src/ipvs/port.js';
import { parseText } from '../config/mem-io.js';

const NONE: CheckerSnapshot = new Map();

/** The desired table of one virtual server `head { body }` with real server 10.0.0.2 80 `{ rs }`. */
function table(head: string, body: string, rs = '') {
  const r = parseText(`virtual_server ${head} {\n protocol TCP\n${body} real_server 10.0.0.2 80 {\n${rs} }\n}\n`);
  expect(r.config, JSON.stringify(r.diagnostics)).toBeDefined();
  return desiredTable(r.config!, NONE);
}

describe('virtual_server keywords in the IPVS table', () => {
  it('lvs_sched (and lb_algo) set the scheduler', () => {
    expect(table('10.0.0.1 80', ' lvs_sched sh\n lvs_method DR\n')[0]!.service.scheduler).toBe('sh');
    expect(table('10.0.0.1 80', ' lb_algo lc\n lb_kind DR\n')[0]!.service.scheduler).toBe('lc');
  });

  it('lvs_method on the virtual server is the forwarding of its real servers; on a real server it wins', () => {
    expect(table('10.0.0.1 80', ' lvs_sched rr\n lvs_method DR\n')[0]!.dests[0]!.method).toBe('DR');
    const t = table('10.0.0.1 80', ' lvs_sched rr\n lvs_method DR\n', '  lvs_method TUN type gue port 6080\n');
    expect(t[0]!.dests[0]).toMatchObject({ method: 'TUN', tunnelType: 'gue', tunnelPort: 6080 });
  });

  it('flag-1..3 and mh-port / mh-fallback set the scheduler flags', () => {
    const flags = (f: string, sched = 'rr'): number => table('10.0.0.1 80', ` lvs_sched ${sched}\n lvs_method NAT\n ${f}\n`)[0]!.service.flags;
    expect([flags('flag-1'), flags('flag-2'), flags('flag-3')]).toEqual([SVC_F.SCHED1, SVC_F.SCHED2, SVC_F.SCHED3]);
    expect([flags('mh-fallback', 'mh'), flags('mh-port', 'mh')]).toEqual([SVC_F.SCHED1, SVC_F.SCHED2]);
  });

  it('persistence_timeout, persistence_granularity and persistence_engine make the service persistent', () => {
    const s = table('10.0.0.1 80', ' lvs_sched rr\n lvs_method NAT\n persistence_timeout 600\n persistence_granularity 255.255.255.0\n persistence_engine sip\n')[0]!.service;
    expect(s).toMatchObject({ persistenceTimeoutS: 600, netmaskPrefixLen: 24, peName: 'sip' });
    expect(s.flags & SVC_F.PERSISTENT).toBe(SVC_F.PERSISTENT);
    expect(table('10.0.0.1 80', ' lvs_sched rr\n lvs_method NAT\n')[0]!.service).toMatchObject({ persistenceTimeoutS: 0, netmaskPrefixLen: 32, peName: '' });
  });

  it('ip_family sets the family of a fwmark service', () => {
    const r = parseText('virtual_server fwmark 7 {\n lvs_sched rr\n lvs_method DR\n ip_family inet6\n real_server fd00::2 {\n }\n}\n');
    expect(desiredTable(r.config!, NONE)[0]!.service).toMatchObject({ fwmark: 7, family: 6 });
  });

  it('sorry_server_lvs_method sets how the sorry server is reached', () => {
    const r = parseText('virtual_server 10.0.0.1 80 {\n protocol TCP\n lvs_sched rr\n lvs_method NAT\n sorry_server 10.0.0.99 80\n sorry_server_lvs_method DR\n real_server 10.0.0.2 80 {\n }\n}\n');
    const vs = r.config!.virtualServers[0]!;
    const down: CheckerSnapshot = new Map([[vs.name, { quorumUp: false, realServers: new Map() }]]);
    expect(desiredTable(r.config!, down)[0]!.dests).toMatchObject([{ address: '10.0.0.99', method: 'DR' }]);
  });
});
