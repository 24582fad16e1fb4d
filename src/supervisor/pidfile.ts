/**
 * Pid files (-p parent, -r VRRP child, -c checker child). Written atomically (temporary file in
 * the same directory, then rename), so a reader never sees a partial number. A pid file whose
 * process is gone is stale and ignored; a live one means another kad runs and we refuse to start.
 */
import { readFileSync, unlinkSync } from 'node:fs';
import { writeFileAtomic } from './atomic-file.js';
import { KadError } from '../core/errors.js';

export type PidFileState =
  | { kind: 'absent' }
  | { kind: 'stale'; pid: number | undefined }
  | { kind: 'live'; pid: number };

/** True when a process with this pid exists (EPERM still means it exists). */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Parse a pid file's content: one decimal number, optional newline. */
export function parsePid(text: string): number | undefined {
  const m = /^\s*(\d+)\s*$/.exec(text);
  if (!m) return undefined;
  const pid = Number(m[1]);
  return pid > 0 ? pid : undefined;
}

export function readPidFile(path: string): number | undefined {
  try {
    return parsePid(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Classify a pid file; `selfPid` is never reported live (a re-exec'd daemon owns its file). */
export function checkPidFile(path: string, selfPid = process.pid): PidFileState {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return { kind: 'absent' };
  }
  const pid = parsePid(text);
  if (pid === undefined || pid === selfPid || !isProcessAlive(pid)) return { kind: 'stale', pid };
  return { kind: 'live', pid };
}

/** Write `pid` to `path` atomically (tmp + rename). */
export function writePidFile(path: string, pid: number): void {
  try {
    writeFileAtomic(path, `${pid}\n`, 0o644);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new KadError('KAD_ERR_SUPERVISOR_PIDFILE', `cannot write pid file ${path}: ${e.code ?? e.message}`);
  }
}

/** Remove `path` if it still holds `pid` (never delete another process's file). */
export function removePidFile(path: string, pid: number): void {
  if (readPidFile(path) !== pid) return;
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}
