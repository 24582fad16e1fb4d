// The Node flags a child is forked with: single-threaded GC for the VRRP child always, for the
// checker where it may run SCHED_RR (checker_rt_priority, or max_auto_priority for both
// children); with net_namespace the same Node command behind `ip netns exec NAME`.
import { describe, expect, it } from 'vitest';
import { childLaunch, childNodeFlags } from '../../../src/supervisor/child.js';
import { parseText } from '../config/mem-io.js';

const conf = (globals: string) => parseText(`global_defs {\n${globals}}\n`).config!;

describe('child Node flags', () => {
  it('--single-threaded-gc for the VRRP child and a real-time checker; none for a checker by default', () => {
    expect(childNodeFlags('vrrp', conf(''))).toEqual(['--single-threaded-gc']);
    expect(childNodeFlags('checker', conf(''))).toEqual([]);
    const rt = conf(' vrrp_rt_priority 10\n');
    expect(childNodeFlags('vrrp', rt)).toEqual(['--single-threaded-gc']);
    expect(childNodeFlags('checker', rt)).toEqual([]);
    expect(childNodeFlags('checker', conf(' checker_rt_priority 5\n'))).toEqual(['--single-threaded-gc']);
    const auto = conf(' max_auto_priority 20\n');
    expect([childNodeFlags('vrrp', auto), childNodeFlags('checker', auto)]).toEqual([['--single-threaded-gc'], ['--single-threaded-gc']]);
  });
});

describe('child launch', () => {
  it('Node itself without net_namespace; behind `ip netns exec NAME` with it, flags kept', () => {
    expect(childLaunch('checker', conf(''))).toEqual({ execPath: process.execPath, execArgv: process.execArgv });
    const ns = parseText('net_namespace blue\nglobal_defs {\n vrrp_rt_priority 10\n}\n').config!;
    const l = childLaunch('vrrp', ns);
    expect(l.execPath).toMatch(/(^|\/)ip$/);
    expect(l.execArgv).toEqual(['netns', 'exec', 'blue', process.execPath, ...process.execArgv, '--single-threaded-gc']);
  });
});
