// Reload orchestration with a ManualClock and an injected configuration reader: READY/RELOADING
// around a valid reload, nothing sent for an invalid one, queued HUPs, and the timeout when a
// child never confirms.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/core/clock.js';
import { memoryLogger } from '../../../src/core/log.js';
import type { ChildKind } from '../../../src/supervisor/ipc.js';
import type { ConfigRead } from '../../../src/supervisor/config-source.js';
import { ReloadCoordinator, type ReloadOutcome } from '../../../src/supervisor/reload-coordinator.js';
import type { Notifier } from '../../../src/supervisor/sd-notify.js';

const VALID = 'valid';
const BROKEN = 'broken';
/** A reader: the valid file yields a model, the broken one cannot be used (config test exit 4). */
const reader = (kind: string) => (): ConfigRead =>
  kind === VALID
    ? { config: { global: {} } as ConfigRead['config'], diagnostics: [], exitCode: 0, errors: [] }
    : {
      diagnostics: [{ file: '/etc/kad.conf', line: 0, col: 0, severity: 'error', code: 'KAD_ERR_CONFIG_FILE_UNREADABLE', message: 'cannot read' }],
      exitCode: 4, errors: ['KAD_ERR_CONFIG_FILE_UNREADABLE cannot read'],
    };

function setup(file: string, children: ChildKind[], refuse?: () => string | undefined) {
  const clock = new ManualClock();
  const { log, records } = memoryLogger();
  const sent: string[] = [];
  const notifier: Notifier = {
    ready: () => sent.push('READY'), reloading: () => sent.push('RELOADING'), stopping: () => sent.push('STOPPING'),
    errno: () => sent.push('ERRNO'), close: () => undefined,
  };
  let applied = 0;
  const rc = new ReloadCoordinator({
    clock, log, notifier, read: reader(file), configFile: '/etc/kad.conf', timeoutMs: 5_000, pid: 1,
    apply: () => {
      applied++;
      return Promise.resolve([...children]);
    },
    ...(refuse ? { refuse } : {}),
  });
  return { clock, records, sent, rc, applied: () => applied };
}

async function until(pred: () => boolean): Promise<void> {
  const end = Date.now() + 5_000;
  while (!pred()) {
    if (Date.now() > end) throw new Error('timeout');
    await new Promise((r) => setTimeout(r, 5));
  }
}

const last = (h: readonly ReloadOutcome[]): ReloadOutcome | undefined => h[h.length - 1];

describe('reload coordinator', () => {
  it('valid: RELOADING, forward, wait for every child, then READY', async () => {
    const s = setup(VALID, ['vrrp', 'checker']);
    s.rc.request();
    await until(() => s.applied() === 1);
    await until(() => s.sent.length === 1);
    expect(s.sent).toEqual(['RELOADING']);
    s.rc.childReloaded('vrrp', true);
    expect(s.rc.inProgress).toBe(true);
    s.rc.childReloaded('checker', true);
    expect(s.sent).toEqual(['RELOADING', 'READY']);
    expect(last(s.rc.history)).toBe('complete');
    expect(s.records.map((r) => r.msg)).toContain('Reload complete');
  });

  it('invalid: nothing forwarded, nothing told to systemd, the error is logged with its code', async () => {
    const s = setup(BROKEN, ['vrrp']);
    s.rc.request();
    await until(() => s.rc.history.length === 1);
    expect(last(s.rc.history)).toBe('invalid');
    expect(s.applied()).toBe(0);
    expect(s.sent).toEqual([]);
    expect(s.records.some((r) => r.code === 'KAD_ERR_SUPERVISOR_RELOAD_INVALID')).toBe(true);
    expect(s.records.map((r) => r.msg)).toContain('/etc/kad.conf:0:0: error: cannot read [KAD_ERR_CONFIG_FILE_UNREADABLE]');
  });

  it('a valid file the running one cannot become (another instance name) is not applied', async () => {
    const s = setup(VALID, ['vrrp'], () => 'Cannot change instance name at a reload - please restart kad');
    s.rc.request();
    await until(() => s.rc.history.length === 1);
    expect(last(s.rc.history)).toBe('invalid');
    expect(s.applied()).toBe(0);
    expect(s.sent).toEqual([]);
    expect(s.records.find((r) => r.code === 'KAD_ERR_SUPERVISOR_RELOAD_INVALID')?.msg).toContain('Cannot change instance name at a reload');
  });

  it('a request during a reload is queued and run after it', async () => {
    const s = setup(VALID, ['vrrp']);
    s.rc.request();
    s.rc.request();
    expect(s.records.map((r) => r.msg)).toContain('Reload already in progress, request queued');
    await until(() => s.applied() === 1);
    s.rc.childReloaded('vrrp', true);
    await until(() => s.applied() === 2);
    s.rc.childReloaded('vrrp', true);
    expect(s.rc.history).toEqual(['complete', 'complete']);
  });

  it('a child that never confirms: timeout warning, READY anyway; a child that dies is not waited for', async () => {
    const s = setup(VALID, ['vrrp', 'checker']);
    s.rc.request();
    await until(() => s.applied() === 1 && s.clock.pendingCount === 1);
    s.rc.childGone('checker');
    s.clock.advance(5_000);
    expect(last(s.rc.history)).toBe('timeout');
    expect(s.sent).toEqual(['RELOADING', 'READY']);
    expect(s.records.some((r) => r.code === 'KAD_WARN_SUPERVISOR_RELOAD_TIMEOUT')).toBe(true);
  });
});
