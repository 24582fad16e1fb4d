import { describe, expect, it } from 'vitest';
import { planChildren, plannedKinds } from '../../../src/supervisor/plan.js';
import { scanConfigText } from '../../../src/supervisor/config-source.js';
import { KadError } from '../../../src/core/errors.js';

const both = { vrrpInstances: ['VI_1'], virtualServers: 1 };

describe('child plan', () => {
  it('starts what the config has, minus -P / -C', () => {
    expect(plannedKinds(planChildren({ vrrpOnly: false, checkOnly: false }, both))).toEqual(['vrrp', 'checker']);
    expect(plannedKinds(planChildren({ vrrpOnly: true, checkOnly: false }, both))).toEqual(['vrrp']);
    expect(plannedKinds(planChildren({ vrrpOnly: false, checkOnly: true }, both))).toEqual(['checker']);
    expect(plannedKinds(planChildren({ vrrpOnly: false, checkOnly: false }, { vrrpInstances: [], virtualServers: 0 }))).toEqual([]);
  });
});

describe('config keyword scan (fallback when the loader is absent)', () => {
  const files: Record<string, string> = {
    '/e/main.conf': '# vrrp_instance COMMENTED\nvrrp_instance VI_1 {\n}\ninclude sub.conf\n',
    '/e/sub.conf': 'virtual_server 10.0.0.1 80 {\n}\nvirtual_server 10.0.0.2 80 {\n}\nvrrp_instance VI_2 {\n}\n',
  };
  const read = (p: string): string => {
    const t = files[p];
    if (t === undefined) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
    return t;
  };

  it('finds instances and virtual servers through includes, ignoring comments', () => {
    expect(scanConfigText('/e/main.conf', read)).toEqual({ vrrpInstances: ['VI_1', 'VI_2'], virtualServers: 2 });
  });

  it('a missing main file is a coded error', () => {
    expect(() => scanConfigText('/e/none.conf', read)).toThrowError(KadError);
  });
});
