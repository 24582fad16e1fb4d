// The Node flags a child is forked with: single-threaded GC only where the child may run
// SCHED_RR (its *_rt_priority, or max_auto_priority for both children).
import { describe, expect, it } from 'vitest';
import { childNodeFlags } from '../../../src/supervisor/child.js';
import { parseText } from '../config/mem-io.js';

const conf = (globals: string) => parseText(`global_defs {\n${globals}}\n`).config!;

describe('child Node flags', () => {
  it('none by default; --single-threaded-gc for a real-time child only', () => {
    expect(childNodeFlags('vrrp', conf(''))).toEqual([]);
    const rt = conf(' vrrp_rt_priority 10\n');
    expect(childNodeFlags('vrrp', rt)).toEqual(['--single-threaded-gc']);
    expect(childNodeFlags('checker', rt)).toEqual([]);
    expect(childNodeFlags('checker', conf(' checker_rt_priority 5\n'))).toEqual(['--single-threaded-gc']);
    const auto = conf(' max_auto_priority 20\n');
    expect([childNodeFlags('vrrp', auto), childNodeFlags('checker', auto)]).toEqual([['--single-threaded-gc'], ['--single-threaded-gc']]);
  });
});
