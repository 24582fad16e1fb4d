import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkPidFile, isProcessAlive, parsePid, removePidFile, writePidFile } from '../../../src/supervisor/pidfile.js';
import { KadError } from '../../../src/core/errors.js';

const dirs: string[] = [];
const dir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'kad-pid-'));
  dirs.push(d);
  return d;
};
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A pid that certainly is dead: a child that already exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(r.stdout.toString());
}

describe('pid files', () => {
  it('writes atomically (no temporary file left) and reads back', () => {
    const d = dir();
    const f = join(d, 'kad.pid');
    writePidFile(f, 4242);
    expect(readFileSync(f, 'utf8')).toBe('4242\n');
    expect(readdirSync(d)).toEqual(['kad.pid']);
  });

  it('classifies absent, stale (dead pid or garbage) and live', () => {
    const d = dir();
    const f = join(d, 'p.pid');
    expect(checkPidFile(f).kind).toBe('absent');
    writeFileSync(f, `${deadPid()}\n`);
    expect(checkPidFile(f).kind).toBe('stale');
    writeFileSync(f, 'not a pid');
    expect(checkPidFile(f)).toEqual({ kind: 'stale', pid: undefined });
    writeFileSync(f, `${process.ppid}\n`);
    expect(checkPidFile(f)).toEqual({ kind: 'live', pid: process.ppid });
    // Our own pid (a re-exec'd daemon) is never "another kad".
    writeFileSync(f, `${process.pid}\n`);
    expect(checkPidFile(f).kind).toBe('stale');
  });

  it('removes the file only when it still holds our pid', () => {
    const d = dir();
    const f = join(d, 'p.pid');
    writePidFile(f, 77);
    removePidFile(f, 78);
    expect(existsSync(f)).toBe(true);
    removePidFile(f, 77);
    expect(existsSync(f)).toBe(false);
  });

  it('fails with a coded error when the directory does not exist', () => {
    expect(() => writePidFile('/nonexistent-kad-dir/x.pid', 1)).toThrowError(KadError);
  });

  it('parses and checks liveness', () => {
    expect(parsePid(' 12\n')).toBe(12);
    expect(parsePid('0')).toBeUndefined();
    expect(parsePid('12x')).toBeUndefined();
    expect(isProcessAlive(process.pid)).toBe(true);
    expect(isProcessAlive(deadPid())).toBe(false);
    expect(isProcessAlive(-1)).toBe(false);
  });
});
