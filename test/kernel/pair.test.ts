// The seed's LVS-NAT director pair in a real kernel (user-mode Linux, one boot), VRRP and IPVS
// together: two kad daemons run the seed's master and backup configurations in two director
// namespaces; VRRP puts the VIP and the gateway VIP on the master, the checkers program each
// director's IPVS table, the client's requests are split 2:1; when the master stops, the backup
// takes both VIPs and serves the client from its own table. Both directors run the IPVS
// connection-sync daemon (the seed's legacy lvs_sync_daemon_interface on one, the global
// lvs_sync_daemon on the other): a keep-alive connection made through the master is in the
// backup's table before the failover and keeps working through the backup after it, also after
// the master's checker was killed and respawned. See guest/pair.ts.
import { beforeAll, describe, expect, it } from 'vitest';
import { skewTimeMs } from '../../src/vrrp/protocol/timers.js';
import { PROJECT_DIR, bundleGuest, ensureBuilt, guestNode, runInUml, umlUnavailableReason } from './uml.js';
import { requirement } from '../helpers/requirement.js';

const skip = requirement('kernel/pair', umlUnavailableReason());

describe.skipIf(skip !== undefined)('LVS-NAT director pair: VRRP moves the VIPs, IPVS follows', () => {
  let out: Record<string, unknown>;
  const log = (): string => String(out.logTail);

  beforeAll(async () => {
    ensureBuilt();
    const js = await bundleGuest(`${PROJECT_DIR}/test/kernel/guest/pair.ts`);
    const r = await runInUml(guestNode('pair.mjs', [PROJECT_DIR, '$KAD_SCRATCH']), { files: { 'pair.mjs': js }, timeoutMs: 230_000, memMb: 1024 });
    if (r.code !== 0) throw new Error(`guest failed (${r.code}): ${r.stderr}\n${r.stdout.slice(-2000)}\n${r.console.slice(-1500)}`);
    out = JSON.parse(r.stdout) as Record<string, unknown>;
  }, 260_000);

  it('the master holds both VIPs (one sync group), both directors program the seed table, requests split 2:1', () => {
    expect(out.vipsBefore, log()).toEqual({ dir1: [true, true], dir2: [false, false] });
    expect(out.splitBefore, log()).toEqual({ RS1: 20, RS2: 10 });
  });

  it('both directors run the sync daemon on eth0, syncid 51 (VI_1): master on the master, backup on the backup', () => {
    const d = out.daemonsBefore as { dir1: string; dir2: string };
    // The master's seed line `lvs_sync_daemon_interface eth0` (VI_1, the first of two).
    expect(d.dir1, log()).toMatch(/master sync daemon \(mcast=eth0, syncid=51\b/);
    expect(d.dir1).not.toContain('backup');
    // The backup's `lvs_sync_daemon eth0 VI_1` in global_defs.
    expect(d.dir2, log()).toMatch(/backup sync daemon \(mcast=eth0, syncid=51\b/);
    expect(d.dir2).not.toContain('master');
  });

  it("a respawned checker hears from the parent that VI_1 is MASTER: the master's daemon runs again", () => {
    console.log(`pair: checker SIGKILL -> master sync daemon again ${String(out.checkerRespawnMs)} ms`);
    expect(out.daemonsDir1Respawned, log()).toMatch(/master sync daemon \(mcast=eth0, syncid=51\b/);
    expect(out.daemonsDir1Respawned).not.toContain('backup');
    const roles = out.syncRolesDir1 as string[];
    console.log(`pair: sync daemon roles the master's checkers applied: ${roles.join(', ')}`);
    expect(roles.filter((r) => r === 'master').length, log()).toBeGreaterThanOrEqual(2);
    expect(roles.at(-1)).toBe('master');
    // The new checker heard both instances' states replayed and went straight to master (a
    // backup on the way would have stopped the running master daemon).
    expect(out.syncRolesAfterRespawn, log()).toEqual(['master']);
  });

  it("before the failover the backup's table holds the connection made through the master, not the control", () => {
    console.log(`pair: connection in the backup's table ${String(out.syncMs)} ms after it was made`);
    expect(out.syncedEntry, log()).toMatch(/^10\.10\.1\.2:\d+ 10\.10\.1\.100:80 10\.10\.2\.1[12]:80$/);
    expect(out.controlEntry).toMatch(/^10\.10\.1\.2:\d+ 10\.10\.1\.100:80 10\.10\.2\.1[12]:80$/);
    expect(out.connsDir2Before, log()).toContain(out.syncedEntry);
    // The control was made while the master's sync daemon was stopped.
    expect(out.connsDir2Before).not.toContain(out.controlEntry);
  });

  it('after the failover the synced connection keeps exchanging data through the backup; the control is reset', () => {
    const rs = String(out.syncedEntry).endsWith('10.10.2.11:80') ? 'RS1' : 'RS2';
    expect(out.syncedWaitingAtGo, log()).toBe(true);
    expect(out.controlWaitingAtGo).toBe(true);
    expect(out.synced, log()).toEqual({ first: rs, second: rs, sameSocket: true });
    expect((out.control as { second: string }).second).toMatch(/^error/);
    // The backup carried the connection to its close (the client closed it after the second GET).
    const after = (out.connsDir2After as string[]).filter((c) => c.endsWith(` ${String(out.syncedEntry)}`));
    console.log(`pair: after the failover, synced ${JSON.stringify(out.synced)} (on the backup: ${after.join(', ')}); control ${JSON.stringify(out.control)}`);
    expect(after, log()).toHaveLength(1);
    expect(after[0]).not.toMatch(/^ESTABLISHED /);
    // The backup is MASTER now, and so is its daemon.
    expect(out.daemonsDir2After, log()).toMatch(/master sync daemon \(mcast=eth0, syncid=51\b/);
    expect(out.daemonsDir2After).not.toContain('backup');
  });

  it('kad stops its sync daemon when it stops', () => {
    expect(String(out.daemonsDir2Stopped).trim(), log()).toBe('');
  });

  it('the master stops: the backup takes both VIPs within Skew_Time plus slack, and serves from its own table', () => {
    console.log(`pair: takeover ${String(out.takeoverMs)} ms, service back ${String(out.serviceBackMs)} ms after the master's SIGTERM`);
    expect(out.masterExit, log()).toBe(0);
    expect(out.vipsAfter, log()).toEqual({ dir1: [false, false], dir2: [true, true] });
    // Skew_Time of the backup (priority 90) plus the slow guest's start of the stop.
    expect(out.takeoverMs as number, log()).toBeLessThan(skewTimeMs(90, 1000) + 3000);
    expect(String(out.tableDir1After).trim().split('\n'), log()).toHaveLength(3);
    expect(out.tableDir2After, log()).toMatch(/-> 10\.10\.2\.11:80\s+Masq\s+2\s/);
    expect(out.splitAfter, log()).toEqual({ RS1: 20, RS2: 10 });
  });
});
