// Guest program (runs inside user-mode Linux): drives every native IPVS operation through
// src/ipvs/ffi.ts and records, after each step, what `ipvsadm` prints and what our own dump
// returns. Prints one JSON object; test/kernel/ops.test.ts asserts on it.
import { execFileSync } from 'node:child_process';
import { Ipvs } from '../../../src/ipvs/ffi.js';
import { KadError } from '../../../src/core/errors.js';
import type { IpvsDest, IpvsService } from '../../../src/ipvs/model.js';
import { SVC_F } from '../../../src/ipvs/model.js';

const ipvsadm = (...args: string[]): string => execFileSync('ipvsadm', args, { encoding: 'utf8' });
const out: Record<string, unknown> = {};

function svc(p: Partial<IpvsService>): IpvsService {
  return {
    family: 4, protocol: 'TCP', address: '', port: 0, fwmark: 0, scheduler: 'wlc', flags: 0,
    persistenceTimeoutS: 0, netmaskPrefixLen: 32, peName: '', ...p,
  };
}

function dst(p: Partial<IpvsDest>): IpvsDest {
  return {
    family: 4, address: '', port: 0, method: 'NAT', weight: 1, upperThreshold: 0, lowerThreshold: 0,
    tunnelType: 'ipip', tunnelPort: 0, tunnelFlags: 'nocsum', ...p,
  };
}

function code(fn: () => void): string {
  try {
    fn();
    return 'ok';
  } catch (e) {
    return e instanceof KadError ? `${e.code}/${e.errnoInfo?.code ?? ''}` : `other: ${String(e)}`;
  }
}

const ipvs = Ipvs.open();
out.info = ipvs.info();
ipvs.flush();

const web = svc({ address: '10.0.0.1', port: 80, scheduler: 'wrr' });
const dns = svc({ protocol: 'UDP', address: '10.0.0.1', port: 53, scheduler: 'rr', flags: SVC_F.PERSISTENT, persistenceTimeoutS: 300, netmaskPrefixLen: 24 });
const v6 = svc({ family: 6, protocol: 'SCTP', address: '2001:db8::1', port: 80, scheduler: 'sh', flags: SVC_F.SCHED1 | SVC_F.SCHED2, netmaskPrefixLen: 128 });
const fwm = svc({ fwmark: 7, scheduler: 'wlc', flags: SVC_F.ONEPACKET });
const fwm6 = svc({ family: 6, fwmark: 8, scheduler: 'lc', netmaskPrefixLen: 128 });
const sip = svc({ protocol: 'UDP', address: '10.0.0.2', port: 5060, flags: SVC_F.PERSISTENT, persistenceTimeoutS: 60, peName: 'sip' });
for (const s of [web, dns, v6, fwm, fwm6]) ipvs.addService(s);
out.sipAdd = code(() => ipvs.addService(sip));

ipvs.addDest(web, dst({ address: '192.168.1.1', port: 8080, weight: 2 }));
ipvs.addDest(web, dst({ address: '192.168.1.2', port: 80, method: 'DR', upperThreshold: 100, lowerThreshold: 10 }));
ipvs.addDest(web, dst({ address: '192.168.1.3', port: 80, method: 'TUN', tunnelType: 'gue', tunnelPort: 6080, tunnelFlags: 'csum' }));
ipvs.addDest(v6, dst({ family: 6, address: '2001:db8::10', port: 80, weight: 3 }));
ipvs.addDest(fwm, dst({ address: '192.168.1.4', port: 0, method: 'DR' }));
out.afterAdd = ipvsadm('-Ln');
out.afterAddThresholds = ipvsadm('-Ln', '--thresholds');
out.afterAddTun = ipvsadm('-Ln', '--tun-info');
out.afterAddPersistent = ipvsadm('-Ln', '--persistent-conn');
out.services = ipvs.services().map(({ stats: _s, ...rest }) => rest);
out.webDests = ipvs.dests(web).map(({ stats: _s, ...rest }) => rest);

ipvs.editDest(web, dst({ address: '192.168.1.1', port: 8080, weight: 5 }));
ipvs.editService({ ...web, scheduler: 'rr' });
out.afterEdit = ipvsadm('-Ln');

ipvs.delDest(web, dst({ address: '192.168.1.2', port: 80 }));
ipvs.delService(dns);
out.afterDel = ipvsadm('-Ln');

out.errors = {
  addExisting: code(() => ipvs.addService(web)),
  delMissingService: code(() => ipvs.delService(dns)),
  delMissingDest: code(() => ipvs.delDest(web, dst({ address: '192.168.9.9', port: 1 }))),
  badScheduler: code(() => ipvs.addService(svc({ address: '10.0.0.9', port: 1, scheduler: 'nosuch' }))),
};

ipvs.setTimeouts({ tcpS: 900, tcpFinS: 120, udpS: 300 });
out.timeoutsOurs = ipvs.timeouts();
out.timeoutsIpvsadm = ipvsadm('-L', '--timeout');
ipvs.setTimeouts({ udpS: 60 });
out.timeoutsPartial = ipvs.timeouts();

ipvs.startDaemon({ state: 'master', interface: 'kadsync0', syncId: 5, maxlen: 1400, group: '224.0.0.82', port: 8850, ttl: 2 });
ipvs.startDaemon({ state: 'backup', interface: 'kadsync0', syncId: 6, maxlen: 0, port: 0, ttl: 0 });
out.daemonsOurs = ipvs.daemons();
out.daemonsIpvsadm = ipvsadm('-L', '--daemon');
ipvs.stopDaemon('master');
out.daemonsAfterStop = ipvsadm('-L', '--daemon');
ipvs.stopDaemon('backup');

ipvs.zero();
ipvs.flush();
out.afterFlush = ipvsadm('-Ln');
ipvs.close();
out.closedUse = code(() => ipvs.flush());
console.log(JSON.stringify(out));
