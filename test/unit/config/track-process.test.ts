// vrrp_track_process as keepalived 2.2.7 reads it (its -t messages quoted where kad mirrors them;
// the exit codes of the two case files are recorded in keepalived-exit.json).
import { describe, expect, it } from 'vitest';
import type { TrackProcess } from '../../../src/config/model.js';
import { codes, parseText } from './mem-io.js';

const INSTANCE = `vrrp_instance VI_1 {
  interface eth0
  virtual_router_id 51
  track_process {
    tp
    tp weight 5 reverse
  }
  virtual_ipaddress {
    10.0.0.100/24
  }
}
`;

function one(body: string): { t: TrackProcess | undefined; codes: string[]; messages: string[] } {
  const r = parseText(`vrrp_track_process tp {\n${body}\n}\n${INSTANCE}`);
  return { t: r.config?.trackProcesses[0], codes: codes(r), messages: r.diagnostics.map((d) => d.message) };
}

describe('vrrp_track_process', () => {
  it('defaults: weight 0, quorum 1, no maximum, no delays, the process name compared', () => {
    expect(one('process haproxy')).toEqual({
      t: { name: 'tp', process: 'haproxy', args: [], paramMatch: 'none', weight: 0, weightReverse: false, quorum: 1, forkDelayMs: 0, terminateDelayMs: 0, fullCommand: false },
      codes: [], messages: [],
    });
  });

  it('parameters after the name select the command line, matched exactly unless param_match says otherwise', () => {
    expect(one('process /usr/sbin/nginx -c "/etc/nginx/a b.conf"').t).toMatchObject({
      process: '/usr/sbin/nginx', args: ['-c', '/etc/nginx/a b.conf'], paramMatch: 'exact', fullCommand: true,
    });
    expect(one('param_match partial\nprocess nginx -c').t).toMatchObject({ paramMatch: 'partial', fullCommand: true });
    expect(one('process nginx\nparam_match initial').t).toMatchObject({ paramMatch: 'initial', fullCommand: true, args: [] });
    // Bare param_match: exactly no parameters.
    expect(one('process nginx\nparam_match').t).toMatchObject({ paramMatch: 'exact', fullCommand: true });
    expect(one('process nginx\nfull_command').t).toMatchObject({ paramMatch: 'none', fullCommand: true });
  });

  it("'param_match exact' is not a keepalived value (\"Invalid param_match type exact - ignoring\")", () => {
    const r = one('process nginx\nparam_match exact');
    expect(r.codes).toEqual(['KAD_ERR_CONFIG_INVALID_VALUE']);
    expect(r.t).toMatchObject({ paramMatch: 'none', fullCommand: false });
  });

  it('weight -254..254 [reverse]; an unknown option is reported, the weight kept; the first weight wins', () => {
    expect(one('process a\nweight -254 reverse').t).toMatchObject({ weight: -254, weightReverse: true });
    const foo = one('process a\nweight 10 foo');
    expect([foo.t?.weight, foo.codes]).toEqual([10, ['KAD_ERR_CONFIG_INVALID_VALUE']]);
    expect(one('process a\nweight 255').codes).toEqual(['KAD_ERR_CONFIG_INVALID_NUMBER']);
    const twice = one('process a\nweight 10\nweight 20');
    expect([twice.t?.weight, twice.codes]).toEqual([10, ['KAD_ERR_CONFIG_DUPLICATE']]);
  });

  it('quorum 1..65535 and quorum_max 0..65535 checked against each other; quorum_max 0 means none may run', () => {
    expect(one('process a\nquorum 0').codes).toEqual(['KAD_ERR_CONFIG_INVALID_NUMBER']);
    expect(one('process a\nquorum 2\nquorum_max 3').t).toMatchObject({ quorum: 2, quorumMax: 3 });
    const below = one('process a\nquorum 3\nquorum_max 2');
    expect([below.t?.quorumMax, below.codes]).toEqual([undefined, ['KAD_ERR_CONFIG_INCONSISTENT']]);
    const above = one('process a\nquorum_max 2\nquorum 3');
    expect([above.t?.quorum, above.codes]).toEqual([1, ['KAD_ERR_CONFIG_INCONSISTENT']]);
    expect(one('process a\nquorum_max 0').t).toMatchObject({ quorum: 0, quorumMax: 0 });
    expect(one('process a\nquorum 2\nquorum_max 0').codes).toEqual(['KAD_ERR_CONFIG_INCONSISTENT']);
  });

  it('delays in seconds (µs resolution, 0 refused); delay sets both', () => {
    expect(one('process a\ndelay 1.5').t).toMatchObject({ forkDelayMs: 1500, terminateDelayMs: 1500 });
    expect(one('process a\nfork_delay 0.000001\nterminate_delay 2').t).toMatchObject({ forkDelayMs: 0.001, terminateDelayMs: 2000 });
    expect(one('process a\ndelay 0').codes).toEqual(['KAD_ERR_CONFIG_INVALID_NUMBER']);
    expect(one('process a\nterminate_delay 3601').codes).toEqual(['KAD_ERR_CONFIG_INVALID_NUMBER']);
  });

  it('the first process line wins; without one the tracker is dropped and references to it are errors', () => {
    const r = one('process a\nprocess b');
    expect([r.t?.process, r.codes]).toEqual(['a', ['KAD_ERR_CONFIG_DUPLICATE']]);
    const none = parseText(`vrrp_track_process tp {\n quorum 2\n}\n${INSTANCE}`);
    expect(none.config?.trackProcesses).toEqual([]);
    expect(codes(none)).toEqual(['KAD_ERR_CONFIG_MISSING_REQUIRED', 'KAD_ERR_CONFIG_UNKNOWN_REFERENCE', 'KAD_ERR_CONFIG_UNKNOWN_REFERENCE']);
  });

  it('warns that a name longer than 15 characters never matches a process name', () => {
    expect(one('process averyveryverylongname').codes).toEqual(['KAD_WARN_CONFIG_PROCESS_NAME']);
    expect(one('process averyveryverylongname\nfull_command').codes).toEqual([]);
  });

  it('instances and sync groups reference it with an optional weight', () => {
    const r = parseText(`vrrp_track_process tp {\n process a\n weight -20\n}\n${INSTANCE}vrrp_sync_group G {\n group {\n VI_1\n }\n track_process {\n tp\n }\n}\n`);
    expect(r.config?.vrrpInstances[0]?.trackProcesses).toEqual([{ name: 'tp', reverse: false }, { name: 'tp', weight: 5, reverse: true }]);
    expect(r.config?.syncGroups[0]?.trackProcesses).toEqual([{ name: 'tp', reverse: false }]);
  });
});
