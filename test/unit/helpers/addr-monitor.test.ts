// The `ip -ts monitor address` line parser the VIP tests rely on, on real output
// (test/fixtures/net/ip-monitor-address.txt).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAddrMonitorLine } from '../../helpers/lab.js';

const lines = readFileSync(new URL('../../fixtures/net/ip-monitor-address.txt', import.meta.url), 'utf8')
  .split('\n').filter((l) => l !== '' && !l.startsWith('#'));

describe('ip -ts monitor address parser', () => {
  it('reads every add and delete of the real capture, and nothing from continuation lines', () => {
    expect(lines.length).toBe(12);
    const events = lines.map(parseAddrMonitorLine).filter((e) => e !== undefined);
    expect(events.map((e) => [e.op, e.address, e.dev])).toEqual([
      ['add', '10.9.9.9', 'd0'], ['add', 'fd00::9', 'd0'], ['add', '10.9.9.10', 'd0'],
      ['del', '10.9.9.10', 'd0'], ['del', '10.9.9.9', 'd0'], ['del', 'fd00::9', 'd0'],
    ]);
  });

  it('keeps the microseconds of the timestamp, in order', () => {
    const t = lines.map(parseAddrMonitorLine).filter((e) => e !== undefined).map((e) => e.tMs);
    expect(t[1]! - t[0]!).toBeCloseTo(4.48, 1);
    expect([...t].sort((a, b) => a - b)).toEqual(t);
  });
});
