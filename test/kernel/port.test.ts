// KernelIpvsPort on a real kernel (user-mode Linux, one boot): the seed DR configuration and a
// TUN variant programmed as configured, out-of-band deletes repaired within one period, and a
// weight change applied in place while a client keeps a connection open through the director.
import { execFileSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_DIR, bundleGuest, guestNode, runInUml, umlUnavailableReason } from './uml.js';
import { requirement } from '../helpers/requirement.js';

const skip = requirement('kernel/port', umlUnavailableReason());

describe.skipIf(skip !== undefined)('KernelIpvsPort in a real kernel', () => {
  let out: Record<string, string | number | boolean | Record<string, number>>;

  beforeAll(async () => {
    execFileSync('make', ['-s', '-C', `${PROJECT_DIR}/native/ipvs`]);
    const js = await bundleGuest(`${PROJECT_DIR}/test/kernel/guest/port.ts`);
    const r = await runInUml(guestNode('port.mjs', [PROJECT_DIR, '$KAD_SCRATCH']), { files: { 'port.mjs': js }, timeoutMs: 120_000 });
    if (r.code !== 0) throw new Error(`guest failed (${r.code}): ${r.stderr}\n${r.console.slice(-1500)}`);
    out = JSON.parse(r.stdout) as typeof out;
  }, 150_000);

  it('programs the seed LVS-DR config: wrr, DR destinations weighted 2:1', () => {
    expect(out.drUp).toContain('TCP  172.16.1.99:80 wrr');
    expect(out.drUp).toMatch(/-> 172\.16\.1\.135:80\s+Route\s+2\s/);
    expect(out.drUp).toMatch(/-> 172\.16\.1\.136:80\s+Route\s+1\s/);
    expect(out.drUp).not.toContain('127.0.0.1');
  });

  it('replaces the real servers by the sorry_server when quorum is lost', () => {
    expect(out.drSorry).toMatch(/-> 127\.0\.0\.1:80\s+Route\s+1\s/);
    expect(out.drSorry).not.toContain('172.16.1.135');
    expect(out.drSorryPassOps).toEqual({ addService: 1, addDest: 3, delDest: 2 });
  });

  it('programs TUN destinations with the configured tunnel type, port and checksum', () => {
    expect(out.tun).toMatch(/-> 172\.16\.1\.135:80\s+Tunnel\s+gue:6080:\+c\s+2\s/);
    expect(out.tun).toMatch(/-> 172\.16\.1\.136:80\s+Tunnel\s+gue:6080:\+c\s+1\s/);
    expect((out.afterClear as string).trim().split('\n')).toHaveLength(3);
  });

  it('repairs `ipvsadm -D` and `ipvsadm -d` within one reconcile period (1 s)', () => {
    expect(out.repairDeleted).not.toContain('10.20.0.1');
    expect(out.repairServiceSame).toBe(true);
    expect(out.repairDestSame).toBe(true);
    // One period plus the guest's slow ipvsadm polling.
    expect(out.repairServiceMs).toBeLessThan(2500);
    expect(out.repairDestMs).toBeLessThan(2500);
    expect(out.repairStats).toMatchObject({ repairs: 4, failures: 0 });
  });

  it('changes a weight in place: same connection entry, and the open connection keeps working', () => {
    expect(out.connBefore).toMatch(/ESTABLISHED 10\.10\.1\.2:\d+\s+10\.10\.1\.100:80\s+10\.10\.2\.11:8080/);
    expect(out.weightAfter).toMatch(/-> 10\.10\.2\.11:8080\s+Masq\s+5\s+1\s/);
    // Same entry (same client port), expiry column aside.
    const entry = (t: unknown): string => String(t).replace(/^(\w+\s+)\d+:\d\d\s/gm, '$1');
    expect(entry(out.connAfter)).toBe(entry(out.connBefore));
    expect(out.weightOps).toEqual({ addService: 1, addDest: 1, editDest: 1 });
    expect(out.clientExit).toBe(0);
    expect(out.client).toBe('rs1:first\nrs1:second\n');
  });

  it('runs the sync daemon (lvs_sync_daemon) as master, then backup (syncid = the instance VRID), then none; both without an instance', () => {
    expect(out.syncMaster).toContain('master sync daemon (mcast=kadsync0, syncid=61, maxlen=1400');
    expect(out.syncMaster).not.toContain('backup');
    expect(out.syncBackup).toContain('backup sync daemon (mcast=kadsync0, syncid=61');
    expect(out.syncBackup).not.toContain('master');
    expect(String(out.syncNone).trim()).toBe('');
    expect(out.syncBoth).toContain('master sync daemon (mcast=kadsync0, syncid=7');
    expect(out.syncBoth).toContain('backup sync daemon (mcast=kadsync0, syncid=7');
  });

  it('expands a virtual_server_group (range + fwmark) into persistent services sharing the dests', () => {
    const t = String(out.group);
    for (const a of ['10.40.0.1', '10.40.0.2', '10.40.0.3']) {
      expect(t).toContain(`TCP  ${a}:80 rr persistent 120 mask 255.255.255.0`);
    }
    expect(t).toContain('FWM  9 rr persistent 120 mask 255.255.255.0');
    expect(t.match(/-> 10\.40\.1\.1:80\s+Route\s+3\s/g)).toHaveLength(4);
  });
});
