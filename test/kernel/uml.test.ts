// The user-mode Linux runner itself: a command runs in the guest, its output and exit code come
// back, and the guest kernel has IPVS (which the host kernel lacks).
import { describe, expect, it } from 'vitest';
import { runInUml, umlUnavailableReason } from './uml.js';
import { requirement } from '../helpers/requirement.js';

const skip = requirement('kernel/uml', umlUnavailableReason());

describe.skipIf(skip !== undefined)('user-mode Linux runner', () => {
  it('runs a script in the guest and returns stdout, stderr and the exit code', async () => {
    const r = await runInUml('uname -r; echo to-stderr >&2; ipvsadm -Ln; exit 3');
    expect(r.code, r.console).toBe(3);
    expect(r.stdout).toMatch(/^6\.\d+\.\d+/);
    expect(r.stdout).toContain('IP Virtual Server version 1.2.1');
    expect(r.stderr.trim()).toBe('to-stderr');
  });
});
