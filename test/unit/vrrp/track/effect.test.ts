import { describe, expect, it } from 'vitest';
import type { TrackRef } from '../../../../src/config/model.js';
import { effectivePriority, trackEffect, type TrackStatus, type TrackWeights } from '../../../../src/vrrp/track/effect.js';

const ref = (name: string, weight?: number, reverse = false): TrackRef => ({ name, weight, reverse });
const noWeights: TrackWeights = { scripts: new Map(), files: new Map() };

function status(p: Partial<{ i: [string, boolean][]; s: [string, boolean][]; f: [string, number][] }>): TrackStatus {
  return { interfaces: new Map(p.i ?? []), scripts: new Map(p.s ?? []), files: new Map(p.f ?? []) };
}

describe('trackEffect', () => {
  it('an unweighted interface or script that is down means FAULT', () => {
    const e = trackEffect(
      { interfaces: [ref('eth1')], scripts: [ref('chk')], files: [] },
      status({ i: [['eth1', false]], s: [['chk', false]] }),
      noWeights,
    );
    expect(e.faultBy).toEqual(['eth1', 'chk']);
  });

  it('positive weight adds while good, negative subtracts while bad, reverse flips', () => {
    const refs = { interfaces: [ref('eth1', -20)], scripts: [ref('up', 10), ref('rev', 5, true)], files: [] };
    expect(trackEffect(refs, status({ i: [['eth1', true]], s: [['up', true], ['rev', true]] }), noWeights).priorityDelta).toBe(5);
    expect(trackEffect(refs, status({ i: [['eth1', false]], s: [['up', false], ['rev', false]] }), noWeights).priorityDelta).toBe(-20);
  });

  it('a script ref without weight takes the vrrp_script weight', () => {
    const weights: TrackWeights = { scripts: new Map([['chk', { weight: -30, reverse: false }]]), files: new Map() };
    const e = trackEffect({ interfaces: [], scripts: [ref('chk')], files: [] }, status({ s: [['chk', false]] }), weights);
    expect(e).toEqual({ faultBy: [], priorityDelta: -30 });
  });

  it('track_file: value × weight, weight 0 faults on non-zero, -254 or below faults', () => {
    const w: TrackWeights = { scripts: new Map(), files: new Map([['f', { weight: 2, reverse: false }]]) };
    expect(trackEffect({ interfaces: [], scripts: [], files: [ref('f')] }, status({ f: [['f', -5]] }), w).priorityDelta).toBe(-10);
    expect(trackEffect({ interfaces: [], scripts: [], files: [ref('f', 0)] }, status({ f: [['f', 1]] }), w).faultBy).toEqual(['f']);
    expect(trackEffect({ interfaces: [], scripts: [], files: [ref('f')] }, status({ f: [['f', -127]] }), w).faultBy).toEqual(['f']);
  });

  it('clamps the effective priority and never moves an owner', () => {
    expect(effectivePriority(100, -200)).toBe(1);
    expect(effectivePriority(250, 50)).toBe(254);
    expect(effectivePriority(255, -50)).toBe(255);
  });
});
