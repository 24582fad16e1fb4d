import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../../src/core/clock.js';
import { memoryLogger, type LogRecord } from '../../../../src/core/log.js';
import type { LinkDelay } from '../../../../src/config/model.js';
import { LinkDebounce } from '../../../../src/vrrp/runtime/link-debounce.js';

const QUIET = { appeared: false, deleted: false };

function setup(delay: LinkDelay | undefined): { clock: ManualClock; d: LinkDebounce; seen: string[]; records: LogRecord[] } {
  const clock = new ManualClock();
  const seen: string[] = [];
  const { log, records } = memoryLogger();
  const d = new LinkDebounce(clock, log, (name) => (name === delay?.name ? delay : undefined), (name, running) => seen.push(`${clock.nowMs()} ${name} ${running ? 'up' : 'down'}`));
  return { clock, d, seen, records };
}

describe('LinkDebounce (interface_up_down_delays)', () => {
  it('no delay for the interface: passed on at once', () => {
    const { d, seen } = setup(undefined);
    d.onLink('eth0', false, QUIET);
    expect(seen).toEqual(['0 eth0 down']);
  });

  it('a down shorter than the down delay is never seen, nor logged (keepalived 2.2.7, measured)', () => {
    const { clock, d, seen, records } = setup({ name: 'eth0', downMs: 1000, upMs: 1000 });
    d.onLink('eth0', false, QUIET);
    clock.advance(300);
    d.onLink('eth0', true, QUIET);
    clock.advance(5000);
    expect(seen).toEqual([]);
    expect(records.map((r) => r.msg)).toEqual([]);
  });

  it('a down that lasts is passed on after the down delay; the up after the up delay', () => {
    const { clock, d, seen, records } = setup({ name: 'eth0', downMs: 1000, upMs: 2000 });
    d.onLink('eth0', false, QUIET);
    clock.advance(999);
    expect(seen).toEqual([]);
    clock.advance(1);
    expect(seen).toEqual(['1000 eth0 down']);
    d.onLink('eth0', true, QUIET);
    clock.advance(1999);
    expect(seen).toEqual(['1000 eth0 down']);
    clock.advance(1);
    expect(seen).toEqual(['1000 eth0 down', '3000 eth0 up']);
    expect(records.map((r) => r.msg)).toEqual(['Netlink reports eth0 down', 'Netlink reports eth0 up']);
  });

  it('an up shorter than the up delay leaves the instances down', () => {
    const { clock, d, seen } = setup({ name: 'eth0', downMs: 0, upMs: 1000 });
    d.onLink('eth0', false, QUIET);
    d.onLink('eth0', true, QUIET);
    clock.advance(500);
    d.onLink('eth0', false, QUIET);
    clock.advance(5000);
    expect(seen).toEqual(['0 eth0 down']);
  });

  it('appearing or being deleted is passed on at once and ends a pending change', () => {
    const { clock, d, seen } = setup({ name: 'eth0', downMs: 1000, upMs: 1000 });
    d.onLink('eth0', false, QUIET);
    d.onLink('eth0', false, { appeared: false, deleted: true });
    clock.advance(5000);
    expect(seen).toEqual(['0 eth0 down']);
  });

  it('close() drops what is pending', () => {
    const { clock, d, seen } = setup({ name: 'eth0', downMs: 1000, upMs: 1000 });
    d.onLink('eth0', false, QUIET);
    d.close();
    clock.advance(5000);
    expect(seen).toEqual([]);
  });
});
