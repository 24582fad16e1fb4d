// Every native IPVS operation, run in the user-mode Linux guest through src/ipvs/ffi.ts and
// checked against what ipvsadm prints (ipvsadm reads the kernel through its own code path).
import { execFileSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_DIR, bundleGuest, guestNode, runInUml, umlUnavailableReason } from './uml.js';
import { requirement } from '../helpers/requirement.js';

const skip = requirement('kernel/ops', umlUnavailableReason());

type Out = Record<string, unknown> & { errors: Record<string, string> };

describe.skipIf(skip !== undefined)('IPVS library operations in a real kernel', () => {
  let out: Out;

  beforeAll(async () => {
    execFileSync('make', ['-s', '-C', `${PROJECT_DIR}/native/ipvs`]);
    const js = await bundleGuest(`${PROJECT_DIR}/test/kernel/guest/ops.ts`);
    const setup = 'ip link add kadsync0 type veth peer name kadsync1 && ip link set kadsync0 up && ip link set kadsync1 up';
    const r = await runInUml(`${setup}\n${guestNode('ops.mjs')}`, { files: { 'ops.mjs': js } });
    if (r.code !== 0) throw new Error(`guest failed (${r.code}): ${r.stderr}\n${r.console.slice(-1500)}`);
    out = JSON.parse(r.stdout) as Out;
  });

  it('resolves the family and reads the version', () => {
    expect(out.info).toEqual({ version: '1.2.1', connTabSize: 4096 });
  });

  it('adds TCP/UDP/SCTP, IPv6 and fwmark services with scheduler, persistence, flags and pe', () => {
    const t = out.afterAdd as string;
    expect(t).toContain('TCP  10.0.0.1:80 wrr');
    expect(t).toContain('UDP  10.0.0.1:53 rr persistent 300 mask 255.255.255.0');
    expect(t).toContain('UDP  10.0.0.2:5060 wlc persistent 60 pe sip');
    expect(t).toContain('SCTP [2001:db8::1]:80 sh (sh-fallback,sh-port)');
    expect(t).toContain('FWM  7 wlc ops');
    expect(t).toContain('FWM  8 IPv6 lc');
    expect(out.sipAdd).toBe('ok');
  });

  it('adds NAT, DR and TUN destinations with weights, thresholds and tunnel settings', () => {
    expect(out.afterAdd).toMatch(/-> 192\.168\.1\.1:8080\s+Masq\s+2\s/);
    expect(out.afterAdd).toMatch(/-> 192\.168\.1\.2:80\s+Route\s+1\s/);
    expect(out.afterAdd).toMatch(/-> 192\.168\.1\.3:80\s+Tunnel\s+1\s/);
    expect(out.afterAdd).toMatch(/-> \[2001:db8::10\]:80\s+Masq\s+3\s/);
    expect(out.afterAdd).toMatch(/-> 192\.168\.1\.4:0\s+Route\s+1\s/);
    expect(out.afterAddThresholds).toMatch(/-> 192\.168\.1\.2:80\s+100\s+10\s/);
    expect(out.afterAddTun).toMatch(/-> 192\.168\.1\.3:80\s+Tunnel\s+gue:6080:\+c\s/);
  });

  it('dumps services and destinations back as they were programmed', () => {
    const services = out.services as { address: string; port: number; scheduler: string; netmaskPrefixLen: number; peName: string; fwmark: number; family: number }[];
    expect(services).toHaveLength(6);
    expect(services).toContainEqual(expect.objectContaining({ address: '10.0.0.1', port: 53, netmaskPrefixLen: 24, persistenceTimeoutS: 300 }));
    expect(services).toContainEqual(expect.objectContaining({ address: '2001:db8::1', family: 6, scheduler: 'sh' }));
    expect(services).toContainEqual(expect.objectContaining({ fwmark: 8, family: 6, address: '' }));
    expect(services).toContainEqual(expect.objectContaining({ peName: 'sip', port: 5060 }));
    expect(out.webDests).toContainEqual(expect.objectContaining({ address: '192.168.1.3', method: 'TUN', tunnelType: 'gue', tunnelPort: 6080, tunnelFlags: 'csum' }));
    expect(out.webDests).toContainEqual(expect.objectContaining({ address: '192.168.1.2', method: 'DR', upperThreshold: 100, lowerThreshold: 10 }));
  });

  it('edits a destination weight and a service scheduler in place, deletes dests and services', () => {
    expect(out.afterEdit).toContain('TCP  10.0.0.1:80 rr');
    expect(out.afterEdit).toMatch(/-> 192\.168\.1\.1:8080\s+Masq\s+5\s/);
    expect(out.afterDel).not.toContain('192.168.1.2:80');
    expect(out.afterDel).not.toContain('10.0.0.1:53');
    expect(out.afterDel).toContain('192.168.1.3:80');
  });

  it('maps kernel errno to coded errors', () => {
    expect(out.errors).toEqual({
      addExisting: 'KAD_ERR_IPVS_EXISTS/EEXIST',
      delMissingService: 'KAD_ERR_IPVS_NOT_FOUND/ESRCH',
      delMissingDest: 'KAD_ERR_IPVS_NOT_FOUND/ENOENT',
      badScheduler: 'KAD_ERR_IPVS_NOT_FOUND/ENOENT',
    });
    expect(out.closedUse).toBe('KAD_ERR_IPVS_CLOSED/');
  });

  it('sets and reads timeouts (ipvsadm --timeout agrees; 0 leaves a value unchanged)', () => {
    expect(out.timeoutsOurs).toEqual({ tcpS: 900, tcpFinS: 120, udpS: 300 });
    expect(out.timeoutsIpvsadm).toContain('Timeout (tcp tcpfin udp): 900 120 300');
    expect(out.timeoutsPartial).toEqual({ tcpS: 900, tcpFinS: 120, udpS: 60 });
  });

  it('starts, lists and stops master and backup sync daemons (ipvsadm --daemon agrees)', () => {
    expect(out.daemonsIpvsadm).toContain('master sync daemon (mcast=kadsync0, syncid=5, maxlen=1400, group=224.0.0.82, port=8850, ttl=2)');
    expect(out.daemonsIpvsadm).toContain('backup sync daemon (mcast=kadsync0, syncid=6');
    expect(out.daemonsOurs).toContainEqual({ state: 'master', interface: 'kadsync0', syncId: 5, maxlen: 1400, group: '224.0.0.82', port: 8850, ttl: 2 });
    expect(out.daemonsAfterStop).not.toContain('master');
    expect(out.daemonsAfterStop).toContain('backup sync daemon');
  });

  it('flushes the whole table', () => {
    expect((out.afterFlush as string).trim().split('\n')).toHaveLength(3);
  });
});
