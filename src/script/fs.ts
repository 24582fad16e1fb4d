/**
 * Seam: the file-system calls of the script runner (stat, realpath, finding the program and the
 * exec helper). Synchronous on purpose: a handful of stat calls per run, and the verdict must
 * be taken right before the spawn.
 */
import { existsSync, realpathSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { programCandidates } from './env.js';
import type { FileInfo, ScriptFs } from './security.js';

/** The real file system. */
export const SYSTEM_FS: ScriptFs = {
  stat(path: string): FileInfo | undefined {
    try {
      const st = statSync(path);
      return { uid: st.uid, gid: st.gid, mode: st.mode };
    } catch {
      return undefined;
    }
  },
  realpath(path: string): string | undefined {
    try {
      return realpathSync.native(path);
    } catch {
      return undefined;
    }
  },
};

/** argv[0] as an absolute path: the first candidate that exists (or the first one, to report). */
export function findProgram(argv0: string): string {
  const candidates = programCandidates(argv0).map((c) => resolve(c));
  return candidates.find((c) => SYSTEM_FS.stat(c) !== undefined) ?? candidates[0] ?? argv0;
}

/** The exec helper built from native/runas ($KAD_RUNAS overrides), or undefined when missing. */
export function runasHelper(): string | undefined {
  const path = process.env.KAD_RUNAS ?? fileURLToPath(new URL('../../native/runas/kad-runas', import.meta.url));
  return existsSync(path) ? path : undefined;
}
