import { describe, expect, it } from 'vitest';
import { planChildren, plannedKinds } from '../../../src/supervisor/plan.js';

const both = { vrrpInstances: ['VI_1'], virtualServers: 1 };

describe('child plan', () => {
  it('starts what the config has, minus -P / -C', () => {
    expect(plannedKinds(planChildren({ vrrpOnly: false, checkOnly: false }, both))).toEqual(['vrrp', 'checker']);
    expect(plannedKinds(planChildren({ vrrpOnly: true, checkOnly: false }, both))).toEqual(['vrrp']);
    expect(plannedKinds(planChildren({ vrrpOnly: false, checkOnly: true }, both))).toEqual(['checker']);
    expect(plannedKinds(planChildren({ vrrpOnly: false, checkOnly: false }, { vrrpInstances: [], virtualServers: 0 }))).toEqual([]);
  });
});
