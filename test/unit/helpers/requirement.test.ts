// The skip-or-fail rule every root/tool/kernel test goes through (test/helpers/requirement.ts).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { requirement } from '../../helpers/requirement.js';

describe('requirement', () => {
  const ci = process.env.CI;
  afterEach(() => {
    if (ci === undefined) delete process.env.CI;
    else process.env.CI = ci;
    vi.restoreAllMocks();
  });

  it('lets a suite run when nothing is missing, CI or not', () => {
    process.env.CI = 'true';
    expect(requirement('s', undefined)).toBeUndefined();
    delete process.env.CI;
    expect(requirement('s', undefined)).toBeUndefined();
  });

  it('skips loudly outside CI, naming the suite and the reason', () => {
    delete process.env.CI;
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    expect(requirement('vrrp-wire', 'not root')).toBe('not root');
    expect(warn).toHaveBeenCalledWith('SKIPPED vrrp-wire: not root');
  });

  it('fails under CI instead of skipping', () => {
    process.env.CI = 'true';
    expect(() => requirement('vrrp-wire', 'not root')).toThrow(/vrrp-wire: requirement missing under CI.*not root/);
  });
});
