/**
 * Write a file so that a reader sees the old content or the new, never a part: the content goes
 * to a temporary name beside it and is renamed over it. Pid files and dump files use this.
 */
import { renameSync, unlinkSync, writeFileSync } from 'node:fs';

/** Write `content` to `path` atomically with `mode`; throws the fs error (the temp file removed). */
export function writeFileAtomic(path: string, content: string, mode: number): void {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, content, { mode });
    renameSync(tmp, path);
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      // the temporary file was never created
    }
    throw err;
  }
}
