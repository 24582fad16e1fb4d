// interface_up_down_delays as keepalived 2.2.7's -t reads it (measured): IF DOWN [UP], UP
// defaulting to DOWN, 0-255 s; a bad number ("invalid number", "outside range") or an unknown
// interface ("unknown interface X specified for up/down delay") is an error (exit 5), line dropped.
import { describe, expect, it } from 'vitest';
import { codes, parseText, TEST_ENV as env } from './mem-io.js';

describe('interface_up_down_delays', () => {
  it('reads DOWN [UP] in seconds; UP defaults to DOWN', () => {
    const r = parseText('interface_up_down_delays {\n  eth0 1.5 2\n  eth1 0.3\n}\n', {}, {}, env);
    expect(r.exitCode).toBe(0);
    expect(r.config!.linkDelays).toEqual([{ name: 'eth0', downMs: 1500, upMs: 2000 }, { name: 'eth1', downMs: 300, upMs: 300 }]);
  });
  it('bad numbers and unknown interfaces are errors at their line; the lines are dropped', () => {
    const r = parseText('interface_up_down_delays {\n  eth0 abc\n  eth0 300\n  nosuch 1\n  eth1 1 x\n}\n', {}, {}, env);
    expect(r.exitCode).toBe(5);
    expect(r.diagnostics.map((d) => [d.line, d.code])).toEqual([
      [2, 'KAD_ERR_CONFIG_INVALID_NUMBER'], [3, 'KAD_ERR_CONFIG_INVALID_NUMBER'], [5, 'KAD_ERR_CONFIG_INVALID_NUMBER'],
      [4, 'KAD_ERR_CONFIG_INTERFACE_MISSING'],
    ]);
    expect(r.config!.linkDelays).toBeUndefined();
  });
  it('dynamic_interfaces: an interface not there yet is kept', () => {
    const r = parseText('global_defs {\n  dynamic_interfaces\n}\ninterface_up_down_delays {\n  later0 1\n}\n', {}, {}, env);
    expect(codes(r)).toEqual([]);
    expect(r.config!.linkDelays).toEqual([{ name: 'later0', downMs: 1000, upMs: 1000 }]);
  });
});
