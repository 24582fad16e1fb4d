// Lint and type-check the whole tree as part of the suite, so CI counts them as tests.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

async function exitOf(cmd: string, args: string[]): Promise<{ code: number; out: string }> {
  try {
    const r = await run(cmd, args, { maxBuffer: 32 * 1024 * 1024 });
    return { code: 0, out: r.stdout + r.stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

describe('code quality', () => {
  it('eslint reports no problems', async () => {
    const r = await exitOf('node_modules/.bin/eslint', ['--max-warnings=0', 'src', 'test', 'scripts']);
    expect(r.out).toBe('');
    expect(r.code).toBe(0);
  }, 180_000);

  it('tsc type-checks src, test and scripts (strict)', async () => {
    const r = await exitOf('node_modules/.bin/tsc', ['-p', 'tsconfig.test.json']);
    expect(r.out).toBe('');
    expect(r.code).toBe(0);
  }, 180_000);
});
