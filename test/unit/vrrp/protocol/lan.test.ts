// Three routers on an in-memory LAN, same instance code as on real sockets: after every
// perturbation they converge to exactly one master, which holds the VIPs alone and is the
// best-priority live router.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../../src/core/clock.js';
import { silentLogger } from '../../../../src/core/log.js';
import { Instance } from '../../../../src/vrrp/protocol/instance.js';
import { trackerEffect } from '../../../../src/vrrp/protocol/instance-types.js';
import { MemoryLan, recordingPorts, type PortRecord } from '../../../helpers/vrrp/lan.js';
import { defaultSpec } from '../../../helpers/vrrp/spec-defaults.js';

interface Router {
  name: string;
  address: string;
  priority: number;
  inst: Instance;
  records: PortRecord[];
  alive: boolean;
  linked: boolean;
}

function setup(version: 2 | 3, auth: 'none' | 'PASS' | 'AH') {
  const clock = new ManualClock();
  const lan = new MemoryLan(clock);
  const routers: Router[] = [];
  const build = (r: Omit<Router, 'inst'>): Instance => {
    const spec = defaultSpec({
      name: r.name,
      priority: r.priority,
      version,
      auth: auth === 'none' ? { type: 'none' } : { type: auth, password: 'k3y' },
    });
    const ports = recordingPorts(clock, r.records, lan.join(r.name, r.address));
    const inst = new Instance(spec, { clock, log: silentLogger(), ports, primaryAddress: r.address });
    lan.bind(r.name, inst);
    return inst;
  };
  for (const [name, address, priority] of [['r1', '10.0.0.1', 150], ['r2', '10.0.0.2', 120], ['r3', '10.0.0.3', 100]] as const) {
    const base = { name, address, priority, records: [] as PortRecord[], alive: true, linked: true };
    routers.push({ ...base, inst: build(base) });
  }
  const holdsVips = (r: Router): boolean => {
    const last = [...r.records].reverse().find((x) => x.kind === 'addVips' || x.kind === 'removeVips');
    return last?.kind === 'addVips';
  };
  const ops = {
    crash(r: Router) {
      lan.setLinked(r.name, false);
      r.inst.shutdown();
      lan.bind(r.name, undefined);
      r.alive = false;
      r.records.push({ atMs: clock.nowMs(), kind: 'removeVips' }); // a dead box holds nothing we count
    },
    restart(r: Router) {
      r.inst = build(r);
      r.alive = true;
      r.linked = true;
      r.inst.start();
    },
    stop(r: Router) {
      r.inst.shutdown();
      r.alive = false;
    },
    unplug(r: Router, on: boolean) {
      lan.setLinked(r.name, !on);
      r.linked = !on;
    },
  };
  return { clock, routers, holdsVips, ops };
}

describe.each([
  [2, 'none'],
  [2, 'PASS'],
  [2, 'AH'],
  [3, 'none'],
] as const)('in-memory LAN, VRRPv%i auth %s', (version, auth) => {
  it('converges to exactly one master after each perturbation', () => {
    const { clock, routers, holdsVips, ops } = setup(version, auth);
    const [r1, r2, r3] = routers as [Router, Router, Router];
    const settle = (): void => clock.advance(12_000);
    const check = (label: string, expected: Router): void => {
      const live = routers.filter((r) => r.alive && r.linked);
      const masters = live.filter((r) => r.inst.state === 'MASTER').map((r) => r.name);
      expect(masters, label).toEqual([expected.name]);
      expect(live.filter(holdsVips).map((r) => r.name), `${label}: VIP holders`).toEqual([expected.name]);
      for (const r of live) if (r !== expected) expect(r.inst.state, `${label}: ${r.name}`).toBe('BACKUP');
    };

    for (const r of routers) r.inst.start();
    settle();
    check('cold start', r1);

    ops.crash(r1);
    settle();
    check('master crashed', r2);

    ops.restart(r1);
    settle();
    check('best router back, preempts', r1);

    ops.stop(r1);
    clock.advance(700); // priority 0 → Skew_Time takeover, well under Master_Down_Interval
    check('graceful stop', r2);

    ops.restart(r1);
    settle();
    check('restart after stop', r1);

    r1.inst.setTracker('script:web', trackerEffect(false, -60));
    settle();
    check('tracker lowered r1 to 90', r2);

    r1.inst.setTracker('script:web', trackerEffect(true, -60));
    settle();
    check('tracker recovered', r1);

    r1.inst.linkChanged(false);
    settle();
    expect(r1.inst.state).toBe('FAULT');
    expect(holdsVips(r1)).toBe(false);
    r1.linked = false; // a faulted router is out of the election
    check('r1 interface down', r2);
    r1.inst.linkChanged(true);
    r1.linked = true;
    settle();
    check('r1 interface up', r1);

    ops.unplug(r3, true);
    settle();
    check('r3 cut off (it elects itself alone)', r1);
    expect(r3.inst.state).toBe('MASTER');
    ops.unplug(r3, false);
    settle();
    check('partition healed', r1);

    r2.inst.setBasePriority(200);
    settle();
    check('reload raised r2 above r1', r2);

    const snap = r2.inst.snapshot();
    expect(snap.stats.become_master).toBeGreaterThanOrEqual(3);
    expect(Object.keys(snap.drops)).toEqual([]);
  });
});

describe('in-memory LAN, random perturbations (seeded)', () => {
  it.each([1, 2, 3, 4, 5])('seed %i: VIPs held exactly while MASTER, one master after settling', (seed) => {
    const { clock, routers, holdsVips, ops } = setup(seed % 2 ? 2 : 3, seed === 3 ? 'AH' : 'none');
    let x = seed * 7919;
    const rnd = (n: number): number => ((x = (x * 1103515245 + 12345) >>> 0) >>> 8) % n;
    for (const r of routers) r.inst.start();
    for (let round = 0; round < 40; round++) {
      const r = routers[rnd(3)]!;
      switch (rnd(6)) {
        case 0:
          if (r.alive) ops.crash(r);
          else ops.restart(r);
          break;
        case 1:
          if (r.alive) ops.stop(r);
          break;
        case 2:
          if (r.alive) ops.unplug(r, r.linked);
          break;
        case 3:
          if (r.alive) r.inst.setTracker('t', trackerEffect(rnd(2) === 0, -80));
          break;
        case 4:
          if (r.alive) r.inst.linkChanged(rnd(3) !== 0);
          break;
        default:
          if (r.alive) r.inst.setBasePriority(50 + rnd(150));
      }
      clock.advance(rnd(5000));
      for (const q of routers) if (q.alive) expect(holdsVips(q), `${q.name} round ${round}`).toBe(q.inst.state === 'MASTER');
    }
    // Heal everything, then exactly one master among the live routers.
    for (const r of routers) {
      if (!r.alive) ops.restart(r);
      ops.unplug(r, false);
      r.inst.linkChanged(true);
    }
    clock.advance(15_000);
    const masters = routers.filter((r) => r.inst.state === 'MASTER');
    expect(masters).toHaveLength(1);
    const best = Math.max(...routers.map((r) => r.inst.effectivePriority));
    expect(masters[0]!.inst.effectivePriority).toBe(best);
  });
});
