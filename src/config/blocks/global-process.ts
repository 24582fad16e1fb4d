/**
 * global_defs keywords that set how the VRRP and checker children are scheduled (keepalived.conf(5):
 * `vrrp_priority`, `vrrp_no_swap`, `vrrp_rt_priority`, `vrrp_rlimit_rttime`, `vrrp_cpu_affinity`,
 * the same for `checker_`, and `max_auto_priority` / `min_auto_priority_delay`). The children
 * apply them at start (src/supervisor/process-tuning.ts).
 */
import type { Cx, Table } from '../context.js';
import type { ProcessTuning } from '../model.js';
import type { Node } from '../tree.js';
import type { GlobalDraft } from './global.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** keepalived's defaults: normal scheduling, RLIMIT_RTTIME 10000 µs once real-time. */
export function defaultTuning(): ProcessTuning {
  return { noSwap: false, rlimitRttimeUs: 10_000 };
}

type H = (n: Node, g: GlobalDraft, cx: Cx) => void;

function tune(child: 'vrrp' | 'checker', set: (t: Mutable<ProcessTuning>, n: Node, cx: Cx) => void): H {
  return (n, g, cx) => {
    const t: Mutable<ProcessTuning> = { ...g.processTuning[child] };
    set(t, n, cx);
    g.processTuning = { ...g.processTuning, [child]: t };
  };
}

function forChild(child: 'vrrp' | 'checker'): Table<GlobalDraft> {
  const rttime = tune(child, (t, n, cx) => { t.rlimitRttimeUs = cx.int(n, 0, 2, 2_147_483_647) ?? t.rlimitRttimeUs; });
  return {
    [`${child}_priority`]: tune(child, (t, n, cx) => {
      const v = cx.int(n, 0, -20, 19);
      if (v !== undefined) t.nice = v;
    }),
    // Node cannot run under mlockall(2); the child locks its file-backed mappings instead
    // (src/supervisor/memory-lock.ts).
    [`${child}_no_swap`]: tune(child, (t) => { t.noSwap = true; }),
    [`${child}_rt_priority`]: tune(child, (t, n, cx) => {
      const v = cx.int(n, 0, 1, 99);
      if (v !== undefined) t.rtPriority = v;
    }),
    [`${child}_rlimit_rttime`]: rttime,
    // keepalived's older spelling.
    [`${child}_rlimit_rtime`]: rttime,
    [`${child}_cpu_affinity`]: tune(child, (t, n, cx) => {
      const cpus = n.args.map((_, i) => cx.int(n, i, 0, 4095)).filter((c): c is number => c !== undefined);
      if (cpus.length > 0) t.cpuAffinity = cpus;
    }),
  };
}

export const PROCESS_TUNING: Table<GlobalDraft> = {
  ...forChild('vrrp'),
  ...forChild('checker'),
  // Without a value: the highest SCHED_RR priority (sched_get_priority_max, 99 on Linux).
  max_auto_priority: (n, g, cx) => { g.maxAutoPriority = n.args.length === 0 ? 99 : cx.int(n, 0, -1, 99) ?? g.maxAutoPriority; },
  min_auto_priority_delay: (n, g, cx) => { g.minAutoPriorityDelayUs = cx.int(n, 0, 1, 10_000_000) ?? g.minAutoPriorityDelayUs; },
};
