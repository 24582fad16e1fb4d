// Real signals to this process: named ones through process.on, the realtime ones (36, 63) through
// libuv's signal wrapper. Without a handler, a realtime signal would terminate the test worker.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { installSignalHandlers, SIGNAL_ACTIONS, type SignalAction } from '../../../src/supervisor/signals.js';

describe('signal intake', () => {
  it('maps keepalived signal numbers to actions', () => {
    expect(SIGNAL_ACTIONS.get(36)).toBe('json');
    expect(SIGNAL_ACTIONS.get(63)).toBe('stats-clear');
    expect(SIGNAL_ACTIONS.get(1)).toBe('reload');
    expect(SIGNAL_ACTIONS.get(12)).toBe('stats');
  });

  it('catches SIGRTMIN+2, SIGRTMAX-1, USR2 and HUP', async () => {
    const got: [SignalAction, number][] = [];
    const intake = installSignalHandlers((a, n) => got.push([a, n]));
    try {
      expect(intake.unhooked).toEqual([]);
      for (const s of [36, 63, 'SIGUSR2', 'SIGHUP'] as const) process.kill(process.pid, s);
      const until = Date.now() + 5_000;
      while (got.length < 4 && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
      expect(got.map(([a]) => a).sort()).toEqual(['json', 'reload', 'stats', 'stats-clear']);
      expect(got.find(([a]) => a === 'json')?.[1]).toBe(36);
    } finally {
      intake.dispose();
    }
  });
});

describe('ignore fallback', () => {
  it('a process that ignored 36 and 63 survives them (their default action terminates)', () => {
    const code = [
      `const { ignoreSignal } = await import(${JSON.stringify(new URL('../../../src/net/libc.ts', import.meta.url).href)});`,
      'ignoreSignal(36); ignoreSignal(63);',
      'process.kill(process.pid, 36); process.kill(process.pid, 63);',
      'setTimeout(() => { process.stdout.write("alive"); }, 50);',
    ].join('\n');
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { encoding: 'utf8', timeout: 30_000 });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('alive');
    // Control: without the fallback the same signal kills the process.
    const ctl = spawnSync(process.execPath, ['-e', 'process.kill(process.pid, 36); setTimeout(() => process.stdout.write("alive"), 200)'], { encoding: 'utf8' });
    // Node has no name for signal 36: killed by it, the child has no exit status and printed nothing.
    expect(ctl.status).toBeNull();
    expect(ctl.stdout).toBe('');
  });
});
