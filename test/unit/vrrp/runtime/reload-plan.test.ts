// The reload diff (pure): which instances a reload keeps, rebuilds, removes and adds.
import { describe, expect, it } from 'vitest';
import type { Config, SourceRef } from '../../../../src/config/model.js';
import { planReload, sameModel } from '../../../../src/vrrp/runtime/reload-plan.js';
import { defaultSpec, vip } from '../../../helpers/vrrp/spec-defaults.js';

function config(instances: Config['vrrpInstances'], syncGroups: unknown[] = [], defaultInterface = 'eth0'): Config {
  return {
    global: { defaultInterface, vrrpMcastGroup4: '224.0.0.18', vrrpMcastGroup6: 'ff02::12' },
    vrrpInstances: instances, syncGroups,
  } as unknown as Config;
}

describe('planReload', () => {
  const a = defaultSpec({ name: 'A', vrid: 1 });
  const b = defaultSpec({ name: 'B', vrid: 2 });
  const c = defaultSpec({ name: 'C', vrid: 3 });

  it('keeps the unchanged, rebuilds the changed, removes the gone, adds the new', () => {
    const next = config([a, { ...b, priority: 110 }, defaultSpec({ name: 'D', vrid: 4 })]);
    expect(planReload(config([a, b, c]), next)).toEqual({ keep: ['A'], rebuild: ['B'], remove: ['C'], add: ['D'] });
  });

  it('a block that only moved in the file is unchanged', () => {
    const moved = (s: SourceRef | undefined): SourceRef => ({ ...(s ?? { file: 'k.conf', line: 1, col: 1 }), line: 99 } as SourceRef);
    const a2 = { ...a, source: moved((a as { source?: SourceRef }).source), vips: a.vips.map((v) => ({ ...v, source: moved(v.source) })) };
    expect(sameModel(a, a2)).toBe(true);
    expect(planReload(config([a]), config([a2])).keep).toEqual(['A']);
  });

  it('what an instance reads from the rest of the file counts: default interface, sync group', () => {
    expect(planReload(config([a]), config([a], [], 'eth1')).rebuild).toEqual(['A']);
    expect(planReload(config([a, b]), config([a, b], [{ name: 'G', members: ['A', 'B'] }])).rebuild).toEqual(['A', 'B']);
  });

  it('VIP lists compare by value', () => {
    expect(planReload(config([a]), config([{ ...a, vips: [...a.vips, vip('10.0.0.99/24')] }])).rebuild).toEqual(['A']);
  });
});
