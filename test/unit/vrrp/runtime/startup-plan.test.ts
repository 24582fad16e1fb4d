import { describe, expect, it } from 'vitest';
import { startupDelayMs } from '../../../../src/vrrp/runtime/startup-plan.js';

const base = { startupDelayMs: 0, delayAfterBootMs: 0, uptimeMs: 100_000, resuming: false };

describe('startupDelayMs', () => {
  it('no delay configured: at once', () => {
    expect(startupDelayMs(base)).toBe(0);
  });
  it('vrrp_delay_after_boot: the rest of the time since boot', () => {
    expect(startupDelayMs({ ...base, delayAfterBootMs: 104_000 })).toBe(4000);
  });
  it('vrrp_delay_after_boot already passed: at once', () => {
    expect(startupDelayMs({ ...base, delayAfterBootMs: 60_000 })).toBe(0);
  });
  it('both: the later end wins', () => {
    expect(startupDelayMs({ ...base, startupDelayMs: 3000, delayAfterBootMs: 104_000 })).toBe(4000);
    expect(startupDelayMs({ ...base, startupDelayMs: 5000, delayAfterBootMs: 104_000 })).toBe(5000);
    expect(startupDelayMs({ ...base, startupDelayMs: 3000, delayAfterBootMs: 60_000 })).toBe(3000);
  });
  it('a respawned child resuming MASTER does not wait', () => {
    expect(startupDelayMs({ ...base, startupDelayMs: 3000, delayAfterBootMs: 104_000, resuming: true })).toBe(0);
  });
  it('uptime unknown: vrrp_delay_after_boot holds nothing', () => {
    expect(startupDelayMs({ ...base, delayAfterBootMs: 104_000, uptimeMs: Infinity })).toBe(0);
  });
});
