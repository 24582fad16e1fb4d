import { describe, expect, it } from 'vitest';
import type { SyncGroup, TrackFile, VrrpScript } from '../../../../../src/config/model.js';
import { defaultSpec } from '../../../../helpers/vrrp/spec-defaults.js';
import { bindingEffect, bindingsFor, fileEffect } from '../../../../../src/vrrp/runtime/track/effect.js';
import { parseText } from '../../../config/mem-io.js';

const script = (name: string, weight: number, weightReverse = false): VrrpScript => ({
  name, script: { text: '/bin/true', argv: ['/bin/true'] }, intervalMs: 1000, timeoutMs: 1000, weight, weightReverse, rise: 1, fall: 1, initFail: false,
});
const tfile = (name: string, weight: number): TrackFile => ({ name, file: `/tmp/${name}`, weight, weightReverse: false });

describe('track bindings', () => {
  it('takes the tracked object weight when the reference has none, and the reference weight otherwise', () => {
    const inst = {
      ...defaultSpec(),
      trackScripts: [{ name: 'a', reverse: false }, { name: 'b', weight: 7, reverse: false }],
      trackInterfaces: [{ name: 'eth1', weight: -20, reverse: false }],
      trackFiles: [{ name: 'f', reverse: false }],
    };
    const b = bindingsFor(inst, { vrrpScripts: [script('a', -30), script('b', 0)], trackFiles: [tfile('f', 2)], trackProcesses: [], syncGroups: [] });
    expect(b.map((x) => [x.id, x.weight])).toEqual([['interface:eth1', -20], ['script:a', -30], ['script:b', 7], ['file:f', 2]]);
  });

  it('adds the sync group trackers as weight-0 faults', () => {
    const inst = { ...defaultSpec(), name: 'VI_1', syncGroup: 'G' };
    const g: SyncGroup = {
      name: 'G', members: ['VI_1'], trackInterfaces: [{ name: 'eth9', weight: 50, reverse: false }], trackScripts: [], trackFiles: [],
      trackProcesses: [], notify: {}, source: { file: 'x', line: 1 },
    };
    const b = bindingsFor(inst, { vrrpScripts: [], trackFiles: [], trackProcesses: [], syncGroups: [g] });
    expect(b).toEqual([{ id: 'interface:eth9', kind: 'interface', name: 'eth9', weight: 0, reverse: false }]);
  });
});

describe('track effects', () => {
  it('interfaces and scripts follow the weight rules', () => {
    const b = { id: 'script:a', kind: 'script' as const, name: 'a', weight: -30, reverse: false };
    expect(bindingEffect(b, false)).toEqual({ faulted: false, priorityDelta: -30 });
    expect(bindingEffect(b, true)).toEqual({ faulted: false, priorityDelta: 0 });
    expect(bindingEffect({ ...b, weight: 0 }, false).faulted).toBe(true);
  });

  it('track_file: value × weight, weight 0 faults on non-zero, -254 or below faults', () => {
    expect(fileEffect(-5, 2, false)).toEqual({ faulted: false, priorityDelta: -10 });
    expect(fileEffect(5, 2, true)).toEqual({ faulted: false, priorityDelta: -10 });
    expect(fileEffect(1, 0, false).faulted).toBe(true);
    expect(fileEffect(0, 0, false).faulted).toBe(false);
    expect(fileEffect(-127, 2, false).faulted).toBe(true);
  });
});

describe('track keywords from config text', () => {
  it('instance and sync-group track_interface, track_script, track_file, track_process and top-level vrrp_track_file bind', () => {
    const r = parseText([
      'vrrp_script chk {\n script /bin/true\n weight -10\n}',
      'vrrp_track_file tf {\n file /tmp/kad-tf\n weight 3\n}',
      'vrrp_track_process tp {\n process sshd\n}',
      // sync_group_tracking_weight: the member keeps its own trackers' weights (see sync-weights.test.ts).
      'vrrp_sync_group G {\n group {\n VI_1\n VI_2\n }\n sync_group_tracking_weight\n track_interface {\n eth2 weight 5\n }\n track_script {\n chk\n }\n}',
      'vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 1\n priority 100\n virtual_ipaddress {\n 10.0.0.1/24\n }\n' +
        ' track_interface {\n eth1 weight -20\n }\n track_file {\n tf\n }\n track_process {\n tp weight 4\n }\n}',
      'vrrp_instance VI_2 {\n interface eth0\n virtual_router_id 2\n priority 100\n virtual_ipaddress {\n 10.0.0.2/24\n }\n}',
    ].join('\n') + '\n');
    const c = r.config!;
    const b = bindingsFor(c.vrrpInstances[0]!, c);
    expect(b.map((x) => [x.id, x.weight])).toEqual([
      ['interface:eth1', -20], ['file:tf', 3], ['process:tp', 4], ['interface:eth2', 0], ['script:chk', 0],
    ]);
    expect(bindingEffect(b[0]!, false)).toEqual({ faulted: false, priorityDelta: -20 });
    expect(bindingEffect(b[3]!, false).faulted).toBe(true);
  });
});
