// global_defs scheduling keywords on a real kernel: the VRRP child of a real kad applies
// vrrp_priority (nice), vrrp_cpu_affinity, vrrp_no_swap, vrrp_rt_priority with
// vrrp_rlimit_rttime (SCHED_RR, RLIMIT_RTTIME), read back from /proc; a real-time thread that
// overruns RLIMIT_RTTIME (test/fixtures/processes/rt-overrun.mjs); and max_auto_priority raises
// a child that was held off the CPU (SIGSTOP) to SCHED_RR.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../fixtures/processes/harness.js';
import { procStatField } from '../helpers/proc.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, Lab, sleep, vrrpInstance, waitForHolder, waitUntil, type Daemon } from '../helpers/lab.js';
import { cleanupAll, netnsUnavailableReason } from '../helpers/netns.js';
import { requirement } from '../helpers/requirement.js';

const why = requirement('process-tuning', netnsUnavailableReason());

const VI = vrrpInstance({ vrid: 71, priority: 100, vips: ['10.231.0.171/24'] });

const field = procStatField;
const status = (pid: number, key: string): string =>
  (readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith(`${key}:`)) ?? '').slice(key.length + 1).trim();

/**
 * Rss and Locked (kB, smaps shares both among the processes mapping the page) of the largest
 * mapping of `pid` with `path` and permissions `perms` (/proc/PID/smaps).
 */
function lockedOf(pid: number, path: string, perms: string): { rss: number; locked: number } {
  const blocks = readFileSync(`/proc/${pid}/smaps`, 'utf8').split(/\n(?=[0-9a-f]+-[0-9a-f]+ )/);
  const kb = (b: string, k: string): number => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(b)?.[1] ?? 0);
  const matching = blocks.filter((b) => {
    const head = b.split('\n')[0]?.split(/\s+/) ?? [];
    return head[1] === perms && head[5] === path;
  });
  const best = matching.sort((a, b) => kb(b, 'Rss') - kb(a, 'Rss'))[0] ?? '';
  return { rss: kb(best, 'Rss'), locked: kb(best, 'Locked') };
}

describe.skipIf(why !== undefined)('process tuning keywords', () => {
  let lab: Lab;
  const daemons: Daemon[] = [];
  beforeAll(() => {
    ensureBuilt();
    lab = Lab.create({ directors: 2 });
  });
  afterAll(async () => {
    await Promise.all(daemons.map((d) => d.stop()));
    cleanupAll();
  });

  it('nice, CPU affinity, SCHED_RR and RLIMIT_RTTIME of the VRRP child, normal scheduling while it reloads; vrrp_no_swap locks its mapped files', async () => {
    const conf = `global_defs {\n  vrrp_priority -5\n  vrrp_cpu_affinity 0\n  vrrp_no_swap\n  vrrp_rt_priority 10\n  vrrp_rlimit_rttime 20000\n}\n${VI}`;
    const d = lab.startKad(0, conf);
    daemons.push(d);
    await waitForHolder(lab, '10.231.0.171', 0, 10_000);
    const pid = d.vrrpChildPid;
    // The child is the first one: it was not killed by SIGXCPU and respawned.
    expect(d.output).not.toMatch(/died: Respawning/);
    // RLIMIT_RTTIME 20000 µs, hard limit ten times it. The kernel raises the soft limit by 1 s
    // at each SIGXCPU (an overrun, e.g. a long garbage collection); the child sets it back at
    // once and stays real-time, so a read may just catch the raised value.
    const rt = /Max realtime timeout\s+(\d+)\s+(\d+)\s+us/.exec(readFileSync(`/proc/${pid}/limits`, 'utf8'));
    expect(Number(rt?.[2]), 'hard limit').toBe(200_000);
    const overruns = (Number(rt?.[1]) - 20_000) / 1_000_000;
    expect(Number.isInteger(overruns) && overruns >= 0, `soft limit ${rt?.[1]}`).toBe(true);
    expect(field(pid, 19), 'nice').toBe(-5);
    expect(field(pid, 41), 'policy SCHED_RR').toBe(2);
    expect(field(pid, 40), 'rt_priority').toBe(10);
    expect(status(pid, 'Cpus_allowed_list')).toBe('0');
    // Every thread runs on CPU 0 at nice -5; only the main thread is real-time.
    const tids = readdirSync(`/proc/${pid}/task`).map(Number).filter((t) => t !== pid);
    expect(tids.length).toBeGreaterThan(2);
    for (const tid of tids) {
      expect(procStatField(pid, 19, tid), `nice of thread ${tid}`).toBe(-5);
      expect(readFileSync(`/proc/${pid}/task/${tid}/status`, 'utf8')).toMatch(/Cpus_allowed_list:\s+0\n/);
    }
    expect(d.output).toMatch(/Set realtime priority 10 \(RLIMIT_RTTIME 20000 usecs\)/);
    // vrrp_no_swap: the child's file-backed mappings are locked (mlock2 MLOCK_ONFAULT), among
    // them the node binary's code, resident and locked; the heap is not.
    expect(d.output).toMatch(/Locked \d+ mapped files \(\d+ MB of mappings\) in memory; the heap is not locked/);
    expect(d.output).not.toMatch(/vrrp_no_swap/);
    expect(Number.parseInt(status(pid, 'VmLck'), 10)).toBeGreaterThan(0);
    const code = lockedOf(pid, process.execPath, 'r-xp');
    expect(code.rss, 'resident node code (kB)').toBeGreaterThan(1000);
    expect(code.locked, 'node code locked (kB)').toBeGreaterThan(0);
    const heap = lockedOf(pid, '[heap]', 'rw-p');
    expect(heap.rss, 'resident malloc heap (kB)').toBeGreaterThan(0);
    expect(heap.locked, 'malloc heap not locked').toBe(0);
    // A real-time child collects garbage on its (real-time) main thread alone.
    expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')).toContain('--single-threaded-gc');
    // A reload runs at normal scheduling, then the child is real-time again.
    process.kill(d.pid, 'SIGHUP');
    await d.waitForOutput(/Reload: \d+ instances kept/);
    await d.waitForOutput(/Set realtime priority 10 again/);
    expect(d.output.indexOf('Use standard scheduling while reloading')).toBeGreaterThan(-1);
    expect(d.output.indexOf('Use standard scheduling while reloading')).toBeLessThan(d.output.search(/Reload: \d+ instances kept/));
    expect(d.vrrpChildPid, 'the same child').toBe(pid);
    expect(field(pid, 41), 'policy SCHED_RR after the reload').toBe(2);
    expect(field(pid, 40)).toBe(10);
  });

  it('RLIMIT_RTTIME overrun: logged, the thread stays SCHED_RR, and a busy event loop that never sleeps is not killed at the hard limit', () => {
    const r = spawnSync(process.execPath, ['--single-threaded-gc', join(ROOT, 'test/fixtures/processes/rt-overrun.mjs')], { encoding: 'utf8', timeout: 20_000 });
    expect(r.signal, `fixture killed: ${r.stderr}`).toBeNull();
    const steps = new Map(r.stdout.trim().split('\n').map((l) => {
      const s = JSON.parse(l) as { step: string; policy: number; limits: number[]; overruns: number; messages: string[] };
      return [s.step, s] as const;
    }));
    expect([...steps.keys()]).toEqual(['tuned', 'one long run', 'never blocking']);
    expect(steps.get('tuned')).toMatchObject({ policy: 2, limits: [20_000, 200_000], overruns: 0 });
    // One 40 ms run: SIGXCPU once, logged; the soft limit the kernel raised by 1 s is set back.
    const one = steps.get('one long run');
    expect(one?.overruns).toBe(1);
    expect(one?.policy, 'still SCHED_RR').toBe(2);
    expect(one?.limits, 'soft limit set back').toEqual([20_000, 200_000]);
    expect(one?.messages).toContain('Ran over 20000 usecs without blocking (RLIMIT_RTTIME): paused 0.1 ms, staying realtime');
    // 600 ms without a sleep but the handler's: SIGXCPU again and again (each a 0.1 ms pause),
    // never SIGKILL at the 200 ms hard limit, and real-time throughout.
    const busy = steps.get('never blocking');
    expect(busy?.overruns).toBeGreaterThanOrEqual(10);
    expect(busy?.policy).toBe(2);
    expect(busy?.limits).toEqual([20_000, 200_000]);
  });

  it('checker_no_swap: the checker child locks its mapped files too', async () => {
    const conf = `global_defs {\n  checker_no_swap\n}\n${vrrpInstance({ vrid: 73, priority: 100, vips: ['10.231.0.173/24'] })}` +
      'virtual_server 10.231.0.173 80 {\n  delay_loop 5\n  lb_algo rr\n  lb_kind NAT\n  protocol TCP\n' +
      '  real_server 10.231.0.9 80 {\n    TCP_CHECK {\n      connect_timeout 1\n    }\n  }\n}\n';
    const d = lab.startKad(0, conf, { checker: true, env: { KAD_CHECK_DRY_RUN: '1' } });
    daemons.push(d);
    await d.waitForOutput(/Locked \d+ mapped files \(\d+ MB of mappings\) in memory; the heap is not locked/, 15_000);
    const kids = readFileSync(`/proc/${d.pid}/task/${d.pid}/children`, 'utf8').trim().split(/\s+/).map(Number);
    const role = (pid: number): string => (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('check/daemon.js') ? 'checker' : 'vrrp');
    const checker = kids.find((k) => role(k) === 'checker');
    const vrrp = kids.find((k) => role(k) === 'vrrp');
    expect(checker, `children ${kids.join(',')}`).toBeDefined();
    expect(Number.parseInt(status(checker!, 'VmLck'), 10), 'checker locked memory').toBeGreaterThan(0);
    expect(lockedOf(checker!, process.execPath, 'r-xp').locked, 'checker node code locked').toBeGreaterThan(0);
    // checker_ applies to the checker only.
    expect(status(vrrp!, 'VmLck'), 'the VRRP child locks nothing').toBe('0 kB');
    await d.stop();
  });

  it('max_auto_priority: a VRRP child held off the CPU for 500 ms switches itself to SCHED_RR', async () => {
    const conf = `global_defs {\n  max_auto_priority 5\n  min_auto_priority_delay 200000\n}\n${vrrpInstance({ vrid: 72, priority: 100, vips: ['10.231.0.172/24'] })}`;
    const d = lab.startKad(1, conf);
    daemons.push(d);
    await waitForHolder(lab, '10.231.0.172', 1, 10_000);
    const pid = d.vrrpChildPid;
    expect(field(pid, 41), 'normal scheduling at start').toBe(0);
    expect(status(pid, 'VmLck'), 'nothing locked without vrrp_no_swap').toBe('0 kB');
    process.kill(pid, 'SIGSTOP');
    await sleep(500);
    process.kill(pid, 'SIGCONT');
    await waitUntil(() => field(pid, 41) === 2, 3000, 'SCHED_RR after the delay');
    expect(field(pid, 40)).toBe(1);
    await waitUntil(() => /Scheduled \d+ usecs late: set realtime priority 1/.test(d.output), 3000, 'the log line');
  });
});
