// Respawn, backoff, permanent child errors and -R, with real forked processes (fixture children,
// test/fixtures/processes/child.mjs) under kad's real parent code (dist/supervisor/run.js).
import { existsSync, readFileSync } from 'node:fs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, latestStart, startParent, type FixtureEvent, type ParentRun } from '../fixtures/processes/harness.js';
import { isProcessAlive } from '../../src/supervisor/pidfile.js';

let run: ParentRun | undefined;
beforeAll(() => ensureBuilt(), 120_000);
afterEach(() => {
  run?.cleanup();
  run = undefined;
});

describe('supervisor respawn', () => {
  it('respawns a crashed child, rewrites its pid file and logs keepalived\'s wording', async () => {
    run = startParent({ spec: { vrrp: { crashAfterMs: 100, crashGenerations: 1 } } });
    const r = run;
    const second = await r.waitFor(() => r.events().find((e) => e.kind === 'vrrp' && e.ev === 'start' && e.generation === 1), 10_000, 'respawn');
    expect(r.events().some((e) => e.ev === 'crash' && e.kind === 'vrrp')).toBe(true);
    await r.waitFor(() => existsSync(r.vrrpPid) && readFileSync(r.vrrpPid, 'utf8') === `${second.pid}\n`, 5_000, 'vrrp pid file');
    expect(r.output()).toMatch(/VRRP child process\(\d+\) died: Respawning/);
    // The checker child was not disturbed.
    expect(r.events().filter((e) => e.kind === 'checker' && e.ev === 'start')).toHaveLength(1);
    r.kill('SIGTERM');
    expect((await r.exited).code).toBe(0);
  });

  it('SIGKILL of the VRRP child 20 times: each respawn resumes the MASTER instances at once', async () => {
    run = startParent({ spec: { vrrp: { states: [{ instance: 'VI_1', state: 'MASTER' }] } } });
    const r = run;
    const gaps: number[] = [];
    for (let i = 0; i < 20; i++) {
      const cur = await r.waitFor(() => {
        const s = latestStart(r.events(), 'vrrp');
        return s && s.generation === i ? s : undefined;
      }, 10_000, `vrrp generation ${i}`);
      // Let the child report its states before it is killed.
      await r.waitFor(() => r.events().some((e) => e.kind === 'checker' && e.ev === 'msg' && e.msg?.type === 'vrrp-state' && e.t >= cur.t), 5_000, 'state forwarded');
      const killedAt = Date.now();
      process.kill(cur.pid, 'SIGKILL');
      const next = await r.waitFor(() => {
        const s = latestStart(r.events(), 'vrrp');
        return s && s.generation === i + 1 ? s : undefined;
      }, 10_000, `vrrp generation ${i + 1}`);
      gaps.push(next.t - killedAt);
      expect(next.resumeMaster).toEqual(['VI_1']);
    }
    console.log(`respawn after SIGKILL (kill -> child running): max ${Math.max(...gaps)} ms, median ${gaps.sort((a, b) => a - b)[10]} ms`);
    // One VRRP advert interval (1 s) is the budget; the master-down interval of a backup is 3.6 s.
    expect(Math.max(...gaps)).toBeLessThan(1_000);
    r.kill('SIGTERM');
    expect((await r.exited).code).toBe(0);
  }, 120_000);

  it('a respawned checker learns the VRRP states reached before it started', async () => {
    run = startParent({ spec: { vrrp: { states: [{ instance: 'VI_1', state: 'MASTER' }] }, checker: { readyAfterMs: 0 } } });
    const r = run;
    await r.waitFor(() => r.events().some((e) => e.kind === 'checker' && e.ev === 'msg' && e.msg?.type === 'vrrp-state'), 5_000, 'state forwarded');
    const first = latestStart(r.events(), 'checker')!;
    process.kill(first.pid, 'SIGKILL');
    const next = await r.waitFor(() => {
      const st = latestStart(r.events(), 'checker');
      return st && st.generation === 1 ? st : undefined;
    }, 10_000, 'checker respawn');
    // Nothing new happened in VRRP: the new checker hears VI_1 MASTER from the parent's memory.
    const replay = await r.waitFor(() => r.events().find((e) => e.pid === next.pid && e.ev === 'msg' && e.msg?.type === 'vrrp-state'), 5_000, 'replayed state');
    expect(replay.msg).toMatchObject({ type: 'vrrp-state', instance: 'VI_1', state: 'MASTER' });
    // It came after the configuration, which the child asked for.
    const order = r.events().filter((e) => e.pid === next.pid && e.ev === 'msg').map((e) => e.msg?.type);
    expect(order.slice(0, 2)).toEqual(['config', 'vrrp-state']);
    r.kill('SIGTERM');
    expect((await r.exited).code).toBe(0);
  });

  it('a checker slow to start learns the VRRP state reached before it asked for its configuration', async () => {
    run = startParent({ spec: { vrrp: { states: [{ instance: 'VI_1', state: 'MASTER' }] }, checker: { helloAfterMs: 1500 } } });
    const r = run;
    const checker = await r.waitFor(() => latestStart(r.events(), 'checker'), 5_000, 'checker start');
    const got = (): FixtureEvent[] => r.events().filter((e) => e.pid === checker.pid && e.ev === 'msg');
    const afterConfig = (): string[] => got().map((e) => `${e.msg?.type} ${e.msg?.state ?? ''}`.trim()).slice(got().findIndex((e) => e.msg?.type === 'config'));
    await r.waitFor(() => (got().some((e) => e.msg?.type === 'config') && afterConfig().length >= 2 ? true : undefined), 10_000, 'config and the replayed state');
    // VI_1 was MASTER (reported as the VRRP child started) long before the checker asked.
    const vrrpStart = r.events().find((e) => e.kind === 'vrrp' && e.ev === 'start')!;
    expect(got().find((e) => e.msg?.type === 'config')!.t - vrrpStart.t).toBeGreaterThan(1000);
    expect(afterConfig().slice(0, 2)).toEqual(['config', 'vrrp-state MASTER']);
    r.kill('SIGTERM');
    expect((await r.exited).code).toBe(0);
  });

  it.each([
    [1, 'FATAL'],
    [2, 'CONFIG'],
    [4, 'missing permission'],
  ])('a child exit code %i is permanent: kad stops with it (%s)', async (code, name) => {
    run = startParent({ spec: { checker: { crashAfterMs: 300, exitCode: code } } });
    const r = run;
    const done = await r.exited;
    expect(done.code).toBe(code);
    expect(r.output()).toContain(`exited with permanent error ${name}. Terminating`);
    expect(r.events().filter((e) => e.kind === 'checker' && e.ev === 'start')).toHaveLength(1);
    // The VRRP child was stopped with it (under load it may not have reached its handler yet).
    const vrrp = r.events().find((e) => e.kind === 'vrrp' && e.ev === 'start');
    expect(vrrp).toBeDefined();
    expect(isProcessAlive(vrrp?.pid ?? -1)).toBe(false);
    for (const f of [r.pidFile, r.vrrpPid, r.checkersPid]) expect(existsSync(f)).toBe(false);
  });

  it('a missing child program: that subsystem is not started, the other runs and kad is ready', async () => {
    run = startParent({ env: { KAD_FIXTURE_MISSING: 'checker' } });
    const r = run;
    await r.waitFor(() => r.output().includes('Startup complete'), 10_000, 'startup');
    expect(r.output()).toMatch(/Healthcheck child program .*not-installed\.mjs is missing; not started/);
    expect(r.events().filter((e) => e.ev === 'start').map((e) => e.kind)).toEqual(['vrrp']);
    r.kill('SIGTERM');
    expect((await r.exited).code).toBe(0);
  });

  it('-R: a dead child is not respawned, kad stops', async () => {
    run = startParent({ args: ['-R'], spec: { vrrp: { crashAfterMs: 50, exitCode: 3 } } });
    const r = run;
    const done = await r.exited;
    expect(done.code).toBe(0);
    expect(r.output()).toMatch(/VRRP child process\(\d+\) died: Exiting/);
    expect(r.events().filter((e) => e.kind === 'vrrp' && e.ev === 'start')).toHaveLength(1);
    expect(existsSync(r.pidFile)).toBe(false);
  });

  it('a child crashing at start backs off instead of spinning', async () => {
    run = startParent({ spec: { checker: { crashAfterMs: 0, readyAfterMs: 60_000, exitCode: 3 } } });
    const r = run;
    await r.waitFor(() => r.output().includes('delayed 200 ms to limit respawn rate'), 10_000, 'backoff to 200 ms');
    const starts = r.events().filter((e) => e.kind === 'checker' && e.ev === 'start');
    // 0 ms, 100 ms, 200 ms: about three or four starts, not hundreds.
    expect(starts.length).toBeLessThanOrEqual(5);
    r.kill('SIGTERM');
    expect((await r.exited).code).toBe(0);
  });
});
