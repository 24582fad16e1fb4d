import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ScriptSpec } from '../../../../src/config/model.js';
import { SystemClock } from '../../../../src/core/clock.js';
import { memoryLogger } from '../../../../src/core/log.js';
import { Notifier } from '../../../../src/vrrp/runtime/notify.js';
import { ProcessScriptRunner } from '../../../../src/script/runner.js';

const dir = mkdtempSync(join(tmpdir(), 'kad-notify-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const sh = (body: string): ScriptSpec => ({ text: body, argv: ['/bin/sh', '-c', body, 'notify'] });

describe('Notifier', () => {
  it('runs the state script and the generic notify with INSTANCE NAME STATE PRIORITY', async () => {
    const out = join(dir, 'out');
    const { log } = memoryLogger();
    const n = new Notifier(new ProcessScriptRunner({ clock: new SystemClock(), log, policy: { enableScriptSecurity: false } }), log);
    n.notify('INSTANCE', 'VI_1', { master: sh(`echo master >> ${out}`), any: sh(`echo "$@" >> ${out}`) }, 'MASTER', 100);
    await n.settle();
    expect(readFileSync(out, 'utf8').split('\n').filter(Boolean).sort()).toEqual(['INSTANCE VI_1 MASTER 100', 'master']);
  });

  it('returns before a hanging script ends and logs a failing one', async () => {
    const { log, records } = memoryLogger();
    const n = new Notifier(new ProcessScriptRunner({ clock: new SystemClock(), log, policy: { enableScriptSecurity: false } }), log);
    const t0 = performance.now();
    n.notify('GROUP', 'G1', { backup: sh('sleep 0.3; exit 3') }, 'BACKUP', 0);
    expect(performance.now() - t0).toBeLessThan(100);
    await n.settle();
    expect(records.some((r) => r.code === 'KAD_WARN_VRRP_NOTIFY' && String(r.msg).includes('exited with status 3'))).toBe(true);
    expect(n.failed).toBe(1);
  });

  it('a missing notify script is counted on every transition and logged once', async () => {
    const { log, records } = memoryLogger();
    const n = new Notifier(new ProcessScriptRunner({ clock: new SystemClock(), log, policy: { enableScriptSecurity: false } }), log);
    const missing: ScriptSpec = { text: join(dir, 'missing.sh'), argv: [join(dir, 'missing.sh')] };
    for (const state of ['MASTER', 'BACKUP', 'MASTER'] as const) {
      n.notify('INSTANCE', 'VI_1', { master: missing, backup: missing }, state, 100);
      await n.settle();
    }
    expect(n.failed).toBe(3);
    expect(records.filter((r) => r.code === 'KAD_WARN_SCRIPT_REFUSED' && r.what === '(VI_1) notify_master')).toHaveLength(1);
    expect(records.filter((r) => r.code === 'KAD_WARN_VRRP_NOTIFY')).toHaveLength(0);
  });
});
