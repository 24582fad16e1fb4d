// The load run's verdict from a capture: backup adverts in the window are false takeovers, counted
// once per run of them; the master's adverts against instances × window / interval.
import { describe, expect, it } from 'vitest';
import type { LabPacket } from '../../helpers/lab.js';
import { analyseLoad } from '../../helpers/load.js';

const M = '10.0.0.1';
const B = '10.0.0.2';
const advert = (tMs: number, vrid: number, src: string, priority = src === M ? 100 : 90): LabPacket =>
  ({ kind: 'vrrp', tMs, family: 4, src, dst: '224.0.0.18', ttl: 255, ah: false, version: 3, vrid, priority, bytes: Buffer.alloc(8), srcMac: '02:00:00:00:00:01' });

describe('analyseLoad', () => {
  const window = { master: M, backup: B, vrids: [1, 2], intervalMs: 10, fromMs: 1000, toMs: 1100 };

  it('a steady master: no false takeover, every advert counted, the longest gap per instance', () => {
    const ps: LabPacket[] = [];
    for (let t = 990; t <= 1100; t += 10) ps.push(advert(t, 1, M), advert(t + 1, 2, M));
    ps.push(advert(1200, 1, M)); // after the window
    const r = analyseLoad(ps.filter((p) => !(p.tMs === 1050 && p.kind === 'vrrp' && p.vrid === 1)), window);
    expect(r).toEqual({ falseTransitions: 0, instancesAffected: 0, masterAdverts: 20, backupAdverts: 0, expected: 20, maxGapMs: 20 });
  });

  it('a backup that advertises twice on one instance counts two takeovers; priority 0 and other VRIDs are ignored', () => {
    const ps = [
      advert(995, 1, B), // before the window: the state it starts from
      advert(1001, 1, B), advert(1005, 1, M), advert(1010, 1, B), advert(1011, 1, B), advert(1020, 1, M),
      advert(1030, 2, B, 0), advert(1040, 3, B),
    ];
    const r = analyseLoad(ps, window);
    expect(r.falseTransitions).toBe(1); // 1001 continues the run begun before the window; 1010 starts one
    expect(r.backupAdverts).toBe(3);
    expect(r.instancesAffected).toBe(1);
    expect(r.masterAdverts).toBe(2);
  });
});
