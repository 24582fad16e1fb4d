// The seed LVS-NAT scenario end to end in a real kernel (user-mode Linux, one boot): client
// namespace → VIP on the director → two real-server namespaces with HTTP servers, wrr 2:1,
// HTTP_GET checks by the real daemon (`kad -C -n`: the checker child driving KernelIpvsPort).
// Also a weight reload under a held connection. See guest/e2e.ts for how the seed is adapted.
import { beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_DIR, bundleGuest, ensureBuilt, guestNode, runInUml, umlUnavailableReason } from './uml.js';
import { requirement } from '../helpers/requirement.js';

const skip = requirement('kernel/e2e', umlUnavailableReason());

// delay_loop 1 s × (retry 1 + 1) + connect_timeout 1 s, plus slack for the slow guest.
const DETECT_LIMIT_MS = 1000 * (1 + 1) + 1000 + 3000;

describe.skipIf(skip !== undefined)('LVS-NAT seed end to end', () => {
  let out: Record<string, unknown>;
  /** The daemon's own log tail, shown with a failing assertion. */
  const log = (): string => String(out.kadLogTail);

  beforeAll(async () => {
    ensureBuilt();
    const js = await bundleGuest(`${PROJECT_DIR}/test/kernel/guest/e2e.ts`);
    const r = await runInUml(guestNode('e2e.mjs', [PROJECT_DIR, '$KAD_SCRATCH']), { files: { 'e2e.mjs': js }, timeoutMs: 150_000 });
    if (r.code !== 0) throw new Error(`guest failed (${r.code}): ${r.stderr}\n${r.console.slice(-1500)}`);
    out = JSON.parse(r.stdout) as Record<string, unknown>;
  }, 180_000);

  it('installs both real servers with weights 2:1 and splits requests 2:1', () => {
    expect(out.tableBoth, log()).toMatch(/-> 10\.10\.2\.11:80\s+Masq\s+2\s/);
    expect(out.tableBoth).toMatch(/-> 10\.10\.2\.12:80\s+Masq\s+1\s/);
    expect(out.splitBoth).toEqual({ RS1: 20, RS2: 10 });
  });

  it('removes a stopped real server within delay_loop × (retry + 1) + slack; all requests reach RS2', () => {
    expect(out.rs1DownMs, log()).toBeLessThan(DETECT_LIMIT_MS);
    expect(out.tableRs1Down).not.toContain('10.10.2.11');
    expect(out.splitRs1Down).toEqual({ RS2: 10 });
  });

  it('puts a restarted real server back, and the 2:1 split resumes', () => {
    expect(out.rs1UpMs, log()).toBeLessThan(DETECT_LIMIT_MS);
    expect(out.splitRs1Back).toEqual({ RS1: 20, RS2: 10 });
  });

  it('reloads a changed weight (SIGHUP) in place: the held keep-alive connection survives', () => {
    expect(out.reloadMs, log()).toBeLessThan(10_000);
    expect(out.reloadTable).toMatch(/-> 10\.10\.2\.11:80\s+Masq\s+4\s/);
    const entry = (t: unknown): string => String(t).replace(/^(\w+\s+)\d+:\d\d\s/gm, '$1').trim();
    expect(entry(out.reloadConnBefore)).toMatch(/ESTABLISHED 10\.10\.1\.2:\d+\s+10\.10\.1\.100:80\s+10\.10\.2\.11:80/);
    expect(entry(out.reloadConnAfter)).toBe(entry(out.reloadConnBefore));
    expect(out.reloadClient).toEqual({ first: 'RS1', second: 'RS1', sameSocket: true });
  });

  it('answers from the sorry_server when both real servers are down', () => {
    expect(out.bothDownMs, log()).toBeLessThan(DETECT_LIMIT_MS);
    expect(out.tableSorry).toMatch(/-> 10\.10\.2\.1:80\s+Masq\s+1\s/);
    expect(out.splitSorry).toEqual({ SORRY: 5 });
  });

  it('removes the table when kad stops (SIGTERM, no -I)', () => {
    expect(out.kadExit, log()).toBe(0);
    expect(String(out.tableCleared).trim().split('\n')).toHaveLength(3);
  });
});
