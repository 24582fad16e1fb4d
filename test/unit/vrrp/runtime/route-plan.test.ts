// What routes and rules should be in the kernel for a set of MASTER instances, and the changes
// that get there: statics always, virtual ones while MASTER, shared entries kept until the last
// owner lets go, rules out before routes and routes in before rules. Pure: no sockets.
import { describe, expect, it } from 'vitest';
import { planRoutes, wantedEntries, type RouteEntry } from '../../../../src/vrrp/runtime/route-plan.js';
import type { Config } from '../../../../src/config/model.js';
import { parseText, TEST_ENV } from '../../config/mem-io.js';

const text = (a: string, b: string, statics = '10.9.0.0/24 dev eth0'): Config => parseText(`
static_routes {
  ${statics}
}
static_rules {
  from 10.9.0.0/24 table 100 priority 9
}
vrrp_instance A {
  interface eth0
  virtual_router_id 1
  virtual_ipaddress {
    10.0.0.1
  }
  virtual_routes {
    ${a}
  }
  virtual_rules {
    from 10.1.0.0/24 table 100 priority 10
  }
}
vrrp_instance B {
  interface eth0
  virtual_router_id 2
  virtual_ipaddress {
    10.0.0.2
  }
  virtual_routes {
    ${b}
  }
}`, {}, {}, TEST_ENV).config!;

const cfg = text('10.1.0.0/24 dev eth0', '10.1.0.0/24 dev eth0\n    blackhole 10.2.0.0/24 no_track');
const inst = (c: Config, n: string) => c.vrrpInstances.find((i) => i.name === n)!;
const statics = (c: Config) => ({ routes: c.staticRoutes, rules: c.staticRules });
const installedOf = (es: RouteEntry[]): Map<string, RouteEntry> => new Map(es.map((e) => [e.key, e]));
const names = (es: RouteEntry[]): string[] => es.map((e) => `${e.owner}:${e.kind}:${e.spec.words.join(' ')}`);

describe('route plan', () => {
  it('wants the statics in every state and a MASTER\'s virtual entries; adds routes before rules', () => {
    expect(names(planRoutes(new Map(), wantedEntries(statics(cfg), [])).add)).toEqual(['static:route:10.9.0.0/24 dev eth0', 'static:rule:from 10.9.0.0/24 table 100 priority 9']);
    const p = planRoutes(installedOf(wantedEntries(statics(cfg), [])), wantedEntries(statics(cfg), [inst(cfg, 'A')]));
    expect(p.remove).toEqual([]);
    expect(names(p.add)).toEqual(['A:route:10.1.0.0/24 dev eth0', 'A:rule:from 10.1.0.0/24 table 100 priority 10']);
  });

  it('removes rules before routes when an instance leaves MASTER, and everything at stop', () => {
    const on = installedOf(wantedEntries(statics(cfg), [inst(cfg, 'A')]));
    expect(names(planRoutes(on, wantedEntries(statics(cfg), [])).remove)).toEqual(['A:rule:from 10.1.0.0/24 table 100 priority 10', 'A:route:10.1.0.0/24 dev eth0']);
    const stop = planRoutes(on, wantedEntries(undefined, []));
    expect(stop.remove.map((e) => e.kind)).toEqual(['rule', 'rule', 'route', 'route']);
    expect(stop.add).toEqual([]);
  });

  it('keeps a route two MASTERs share until the last one leaves', () => {
    const both = installedOf(wantedEntries(undefined, [inst(cfg, 'A'), inst(cfg, 'B')]));
    expect(both.size).toBe(3);
    const onlyB = planRoutes(both, wantedEntries(undefined, [inst(cfg, 'B')]));
    expect(names(onlyB.remove)).toEqual(['A:rule:from 10.1.0.0/24 table 100 priority 10']);
    expect(names(planRoutes(both, []).remove)).toHaveLength(3);
  });

  it('on reload changes only what changed: a moved line is the same entry, a changed one is replaced', () => {
    const next = text('10.1.0.0/24   dev eth0', '10.1.0.0/24 dev eth0\n    blackhole 10.3.0.0/24 no_track', '10.9.0.0/24 dev eth0 metric 5');
    const before = installedOf(wantedEntries(statics(cfg), [inst(cfg, 'A'), inst(cfg, 'B')]));
    const p = planRoutes(before, wantedEntries(statics(next), [inst(next, 'A'), inst(next, 'B')]));
    expect(names(p.remove)).toEqual(['static:route:10.9.0.0/24 dev eth0', 'B:route:blackhole 10.2.0.0/24 no_track']);
    expect(names(p.add)).toEqual(['static:route:10.9.0.0/24 dev eth0 metric 5', 'B:route:blackhole 10.3.0.0/24 no_track']);
  });
});
