// vrrp_no_swap / checker_no_swap: which mappings a child locks (pure; the effect on a real child
// is in test/integration/process-tuning.test.ts).
import { describe, expect, it } from 'vitest';
import { lockableMappings } from '../../../src/supervisor/memory-lock.js';

const MAPS = [
  '00400000-00c00000 r--p 00000000 fe:01 1311001                            /usr/bin/node',
  '00c00000-03600000 r-xp 00800000 fe:01 1311001                            /usr/bin/node',
  '05e15000-06272000 rw-p 00000000 00:00 0                                  [heap]',
  '1f1c00000-1f1c40000 rw-p 00000000 00:00 0 ',
  '7f1a2c000000-7f1a2c021000 rw-p 00000000 00:00 0 ',
  '7f1a30a00000-7f1a30b00000 r-xp 00000000 fe:01 1054324                    /work/kad/node_modules/koffi/build/koffi/linux_x64/koffi.node',
  '7f1a31000000-7f1a31001000 rw-s 00000000 00:05 1024                       /dev/zero (deleted)',
  '7f1a31100000-7f1a31101000 rw-s 00000000 00:01 2048                       /memfd:doublemapper (deleted)',
  '7f1a31200000-7f1a31228000 r--p 00000000 fe:01 1050630                    /usr/lib/x86_64-linux-gnu/libc.so.6',
  '7ffd1c3e0000-7ffd1c401000 rw-p 00000000 00:00 0                          [stack]',
  '7ffd1c5f0000-7ffd1c5f4000 r--p 00000000 00:00 0                          [vvar]',
  '7ffd1c5f4000-7ffd1c5f6000 r-xp 00000000 00:00 0                          [vdso]',
  '',
].join('\n');

describe('lockableMappings', () => {
  it('takes the file-backed mappings (binary, native modules, libraries) and leaves heap, anonymous, device, memfd and kernel mappings', () => {
    const got = lockableMappings(MAPS);
    expect(got.map((m) => m.path)).toEqual([
      '/usr/bin/node',
      '/usr/bin/node',
      '/work/kad/node_modules/koffi/build/koffi/linux_x64/koffi.node',
      '/usr/lib/x86_64-linux-gnu/libc.so.6',
    ]);
    expect(got[1]).toEqual({ start: 0xc00000n, end: 0x3600000n, path: '/usr/bin/node' });
    expect(lockableMappings('')).toEqual([]);
    expect(lockableMappings('garbage line\n')).toEqual([]);
  });
});
