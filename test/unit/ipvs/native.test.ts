// The C library's own unit test (netlink framing and IPVS attribute codecs) under AddressSanitizer
// and UBSan, plus the structure layouts the FFI declares against the compiler's.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const dir = fileURLToPath(new URL('../../../native/ipvs', import.meta.url));

describe('native/ipvs', () => {
  it('passes its codec test under ASan/UBSan', () => {
    const out = execFileSync('make', ['-s', '-C', dir, 'test'], { encoding: 'utf8' });
    expect(out).toContain('test_codec: all passed');
  });

  it('builds the shared library the FFI loads, with matching structure layouts', async () => {
    execFileSync('make', ['-s', '-C', dir]);
    // Ipvs.open() checks each struct size against the library before it touches the kernel;
    // on this host (no IPVS) it then fails with a coded error, not a crash.
    const { Ipvs } = await import('../../../src/ipvs/ffi.js');
    let code = 'opened';
    try {
      Ipvs.open().close();
    } catch (e) {
      code = (e as { code: string }).code;
    }
    expect(['opened', 'KAD_ERR_IPVS_UNAVAILABLE', 'KAD_ERR_IPVS_PERMISSION', 'KAD_ERR_IPVS_OPEN']).toContain(code);
    expect(code).not.toBe('KAD_ERR_IPVS_LIBRARY');
  });
});
