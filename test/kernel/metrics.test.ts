// IPVS traffic counters in /metrics, on a real kernel (user-mode Linux, one boot): LVS-NAT with
// two real servers, the real daemon (`kad -C -n --metrics`) scraped before any client traffic,
// after 20 HTTP requests and after 20 more (guest/metrics.ts). The keepalived_lvs_vip_* and
// keepalived_lvs_rs_* counters, read by a real exposition parser, are those `ipvsadm --stats
// --exact` prints at the same moment, are non-zero once traffic flowed and grow with it; the
// status document carries the same numbers.
import { beforeAll, describe, expect, it } from 'vitest';
import type { LvsServiceTraffic } from '../../src/status/types.js';
import { parseExposition, sample, type PromFamily } from '../helpers/prom.js';
import { requirement } from '../helpers/requirement.js';
import { PROJECT_DIR, bundleGuest, ensureBuilt, guestNode, runInUml, umlUnavailableReason } from './uml.js';

const skip = requirement('kernel/metrics', umlUnavailableReason());

interface Round {
  label: string;
  metrics: string;
  lvs?: LvsServiceTraffic[];
  ipvsadm: string;
}

const COUNTERS = ['conn', 'in_packets', 'out_packets', 'in_bytes', 'out_bytes'] as const;
const VIP = { addr: '10.10.1.100:80', proto: '6' };
const RS = ['10.10.2.11:80', '10.10.2.12:80'];

/** `ipvsadm -Ln --stats --exact` → addr (service, or `service -> dest`) → the five counters in COUNTERS order. */
function ipvsadmStats(text: string): Map<string, number[]> {
  const out = new Map<string, number[]>();
  let service = '';
  for (const line of text.split('\n')) {
    const svc = /^(?:TCP|UDP|SCTP)\s+(\S+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)/.exec(line);
    const dest = /^\s+->\s+(\S+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)/.exec(line);
    if (svc) {
      service = svc[1]!;
      out.set(service, svc.slice(2, 7).map(Number));
    } else if (dest) out.set(`${service} -> ${dest[1]!}`, dest.slice(2, 7).map(Number));
  }
  return out;
}

describe.skipIf(skip !== undefined)('IPVS traffic counters in /metrics (kernel)', () => {
  let out: { rounds: Round[]; split1: unknown; split2: unknown; kadExit: number; kadLogTail: string };
  let scraped: Map<string, PromFamily>[];
  const log = (): string => out.kadLogTail;
  const vip = (r: number): number[] => COUNTERS.map((c) => sample(scraped[r]!, `keepalived_lvs_vip_${c}`, VIP));
  const rs = (r: number, addr: string): number[] => COUNTERS.map((c) => sample(scraped[r]!, `keepalived_lvs_rs_${c}`, { addr, proto: '6', vip: VIP.addr }));

  beforeAll(async () => {
    ensureBuilt();
    const js = await bundleGuest(`${PROJECT_DIR}/test/kernel/guest/metrics.ts`);
    const r = await runInUml(guestNode('metrics.mjs', [PROJECT_DIR, '$KAD_SCRATCH']), { files: { 'metrics.mjs': js }, timeoutMs: 200_000 });
    if (r.code !== 0) throw new Error(`guest failed (${r.code}): ${r.stderr}\n${r.console.slice(-1500)}`);
    out = JSON.parse(r.stdout) as typeof out;
    scraped = out.rounds.map((x) => parseExposition(x.metrics));
  }, 240_000);

  it('sent the client traffic: 20 requests split 10/10 by rr, twice', () => {
    expect(out.rounds.map((r) => r.label), log()).toEqual(['before', 'after 20', 'after 40']);
    expect(out.split1).toEqual({ RS1: 10, RS2: 10 });
    expect(out.split2).toEqual({ RS1: 10, RS2: 10 });
  });

  it('exports the counters ipvsadm --stats --exact shows at each scrape', () => {
    for (const [r, round] of out.rounds.entries()) {
      const kernel = ipvsadmStats(round.ipvsadm);
      expect(vip(r), round.label).toEqual(kernel.get(VIP.addr));
      for (const a of RS) expect(rs(r, a), `${round.label} ${a}`).toEqual(kernel.get(`${VIP.addr} -> ${a}`));
    }
  });

  it('counts nothing before traffic, is non-zero after it, and grows with more', () => {
    expect(vip(0)).toEqual([0, 0, 0, 0, 0]);
    expect(vip(1)[0]).toBe(20); // one connection per request
    expect(vip(2)[0]).toBe(40);
    for (const [i, c] of COUNTERS.entries()) {
      expect(vip(1)[i], c).toBeGreaterThan(0);
      expect(vip(2)[i], c).toBeGreaterThan(vip(1)[i]!);
      for (const a of RS) {
        expect(rs(1, a)[i], `${a} ${c}`).toBeGreaterThan(0);
        expect(rs(2, a)[i], `${a} ${c}`).toBeGreaterThan(rs(1, a)[i]!);
      }
    }
    expect(RS.map((a) => rs(2, a)[0])).toEqual([20, 20]);
    expect(scraped[2]!.get('keepalived_lvs_vip_in_bytes')?.type).toBe('COUNTER');
  });

  it('puts the same numbers in the status document', () => {
    const last = out.rounds[2]!.lvs?.[0];
    expect(last).toMatchObject({ addr: VIP.addr, proto: 6 });
    expect([last?.counters.conns, last?.counters.inPkts, last?.counters.outPkts, last?.counters.inBytes, last?.counters.outBytes]).toEqual(vip(2));
    expect(last?.dests.map((d) => d.addr).sort()).toEqual(RS);
  });

  it('stops cleanly', () => {
    expect(out.kadExit, log()).toBe(0);
  });
});
