// SIGHUP through the real binary: the parent reads and validates the file as `kad -t` would; a
// valid file reloads ("Reload complete"), an invalid one is refused with its diagnostics while
// kad keeps running, and a HUP arriving during a reload is queued.
import { writeFileSync } from 'node:fs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, ensureBuilt, startParent, type ParentRun } from '../fixtures/processes/harness.js';

const GOOD = 'global_defs {\n  router_id reload1\n}\n';

let run: ParentRun | undefined;
beforeAll(() => ensureBuilt(), 120_000);
afterEach(() => {
  run?.cleanup();
  run = undefined;
});

const count = (text: string, needle: string): number => text.split(needle).length - 1;

describe('reload validated as kad -t judges it', () => {
  it('valid → Reload complete; invalid → old config kept, diagnostics logged with file:line', async () => {
    run = startParent({ config: GOOD, command: () => [`${ROOT}bin/kad.js`] });
    const r = run;
    await r.waitFor(() => r.output().includes('Startup complete'), 10_000, 'startup');
    r.kill('SIGHUP');
    await r.waitFor(() => r.output().includes('Reload complete'), 15_000, 'reload');

    writeFileSync(r.config, GOOD.replace('}', '  bogus_kw 1\n}'));
    r.kill('SIGHUP');
    await r.waitFor(() => r.output().includes('keeping the running configuration'), 15_000, 'refusal');
    expect(r.output()).toMatch(/kad\.conf:3:3: error: unknown keyword 'bogus_kw' in global_defs \[KAD_ERR_CONFIG_UNKNOWN_KEYWORD\]/);
    expect(r.output()).toContain('brings 1 new error(s) (config test exit 5)');
    expect(count(r.output(), 'Reload complete')).toBe(1);
    expect(r.proc.exitCode).toBeNull();
    r.kill('SIGTERM');
    expect((await r.exited).code).toBe(0);
  });

  it('errors the running config already had do not block a reload; a new one does; reload_check_config wants exit 0', async () => {
    const OLD_ERR = 'global_defs {\n  router_id reload2\n  legacy_kw 1\n}\n';
    run = startParent({ config: OLD_ERR, command: () => [`${ROOT}bin/kad.js`] });
    const r = run;
    await r.waitFor(() => r.output().includes('Startup complete'), 10_000, 'startup');
    // The same error, now on another line: applied, with the diagnostics logged as warnings.
    writeFileSync(r.config, `! moved down a line\n${OLD_ERR}`);
    r.kill('SIGHUP');
    await r.waitFor(() => r.output().includes('Reload complete'), 15_000, 'reload with a known error');
    expect(r.output()).toContain('applied with the errors the running configuration already had');
    // A new mistake is refused.
    writeFileSync(r.config, OLD_ERR.replace('}', '  priorty 150\n}'));
    r.kill('SIGHUP');
    await r.waitFor(() => r.output().includes('keeping the running configuration'), 15_000, 'refusal');
    expect(r.output()).toMatch(/unknown keyword 'priorty' in global_defs/);
    expect(count(r.output(), 'Reload complete')).toBe(1);
    // reload_check_config: the known error now blocks the reload too.
    writeFileSync(r.config, OLD_ERR.replace('}', '  reload_check_config\n}'));
    r.kill('SIGHUP');
    await r.waitFor(() => r.output().includes('Reload complete') && count(r.output(), 'Reload complete') === 2, 15_000, 'reload enabling reload_check_config');
    writeFileSync(r.config, `!\n${OLD_ERR.replace('}', '  reload_check_config\n}')}`);
    r.kill('SIGHUP');
    await r.waitFor(() => r.output().includes('reload_check_config requires a clean config test'), 15_000, 'strict refusal');
    expect(count(r.output(), 'Reload complete')).toBe(2);
    r.kill('SIGTERM');
    expect((await r.exited).code).toBe(0);
  });

  it('a HUP during a reload is queued, not lost', async () => {
    // Fixture children that take 1 s to confirm a reload keep it in progress.
    run = startParent({ spec: { vrrp: { reloadDelayMs: 1000 }, checker: { reloadDelayMs: 1000 } } });
    const r = run;
    await r.waitFor(() => r.output().includes('Startup complete'), 10_000, 'startup');
    r.kill('SIGHUP');
    await r.waitFor(() => r.output().includes('Reloading ...'), 10_000, 'first reload');
    r.kill('SIGHUP');
    await r.waitFor(() => count(r.output(), 'Reload complete') === 2, 20_000, 'two reloads');
    expect(r.output()).toContain('Reload already in progress, request queued');
    r.kill('SIGTERM');
    expect((await r.exited).code).toBe(0);
  });
});
