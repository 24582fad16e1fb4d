// max_auto_priority as keepalived.conf(5) describes it (pure rule) and the scheduling keywords
// as the config reads them.
import { describe, expect, it } from 'vitest';
import { nextAutoPriority } from '../../../src/supervisor/auto-priority.js';
import { parseText } from '../config/mem-io.js';

describe('max_auto_priority', () => {
  it('a late wake-up switches to SCHED_RR 1, each further one adds 1, up to the maximum', () => {
    expect(nextAutoPriority(0, 999_999, 5, 1_000_000)).toBe(0);
    expect(nextAutoPriority(0, 1_000_000, 5, 1_000_000)).toBe(1);
    expect(nextAutoPriority(4, 2_000_000, 5, 1_000_000)).toBe(5);
    expect(nextAutoPriority(5, 2_000_000, 5, 1_000_000)).toBe(5);
    // 0 (the default) and -1 never raise.
    expect(nextAutoPriority(0, 9e9, 0, 1)).toBe(0);
    expect(nextAutoPriority(0, 9e9, -1, 1)).toBe(0);
  });
});

describe('process scheduling keywords', () => {
  const VI = 'vrrp_instance V {\n interface eth0\n virtual_router_id 1\n priority 100\n virtual_ipaddress {\n  10.0.0.1\n }\n}\n';
  it('reads vrrp_ and checker_ priority, no_swap, rt_priority, rlimit_rttime, cpu_affinity and the auto priority', () => {
    const r = parseText(`global_defs {\n vrrp_priority -5\n vrrp_no_swap\n vrrp_rt_priority 10\n vrrp_rlimit_rttime 20000\n vrrp_cpu_affinity 0 1\n checker_priority 3\n checker_rlimit_rtime 500\n max_auto_priority\n min_auto_priority_delay 200000\n}\n${VI}`);
    expect(r.diagnostics).toEqual([]);
    expect(r.config?.global.processTuning).toEqual({
      vrrp: { nice: -5, noSwap: true, rtPriority: 10, rlimitRttimeUs: 20000, cpuAffinity: [0, 1] },
      checker: { nice: 3, noSwap: false, rlimitRttimeUs: 500 },
    });
    expect(r.config?.global.maxAutoPriority).toBe(99);
    expect(r.config?.global.minAutoPriorityDelayUs).toBe(200000);
  });

  it('reads checker_rt_priority, checker_rlimit_rttime, checker_cpu_affinity, checker_no_swap and the old vrrp_rlimit_rtime spelling', () => {
    const r = parseText(`global_defs {\n checker_rt_priority 20\n checker_rlimit_rttime 30000\n checker_cpu_affinity 1\n checker_no_swap\n vrrp_rlimit_rtime 40000\n}\n${VI}`);
    expect(r.diagnostics).toEqual([]);
    expect(r.config?.global.processTuning).toEqual({
      vrrp: { noSwap: false, rlimitRttimeUs: 40000 },
      checker: { noSwap: true, rtPriority: 20, rlimitRttimeUs: 30000, cpuAffinity: [1] },
    });
  });

  it('refuses values out of keepalived range', () => {
    const r = parseText(`global_defs {\n vrrp_priority -21\n vrrp_rt_priority 100\n}\n${VI}`);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['KAD_ERR_CONFIG_INVALID_NUMBER', 'KAD_ERR_CONFIG_INVALID_NUMBER']);
    expect(r.config?.global.processTuning.vrrp).toEqual({ noSwap: false, rlimitRttimeUs: 10000 });
  });
});
