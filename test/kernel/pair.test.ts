// The seed's LVS-NAT director pair in a real kernel (user-mode Linux, one boot), VRRP and IPVS
// together: two kad daemons run the seed's master and backup configurations in two director
// namespaces; VRRP puts the VIP and the gateway VIP on the master, the checkers program each
// director's IPVS table, the client's requests are split 2:1; when the master stops, the backup
// takes both VIPs and serves the client from its own table. See guest/pair.ts.
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
    const r = await runInUml(guestNode('pair.mjs', [PROJECT_DIR, '$KAD_SCRATCH']), { files: { 'pair.mjs': js }, timeoutMs: 170_000, memMb: 1024 });
    if (r.code !== 0) throw new Error(`guest failed (${r.code}): ${r.stderr}\n${r.stdout.slice(-2000)}\n${r.console.slice(-1500)}`);
    out = JSON.parse(r.stdout) as Record<string, unknown>;
  }, 200_000);

  it('the master holds both VIPs (one sync group), both directors program the seed table, requests split 2:1', () => {
    expect(out.vipsBefore, log()).toEqual({ dir1: [true, true], dir2: [false, false] });
    expect(out.splitBefore, log()).toEqual({ RS1: 20, RS2: 10 });
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
