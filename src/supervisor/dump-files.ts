/**
 * Where and how dump files are written: `$TMPDIR` when it is an absolute path to an existing
 * directory, else /tmp (keepalived's set_tmp_dir()). Files are written to a temporary name and
 * renamed, so a reader (keepalived-exporter) never sees a partial file; mode 0600 like keepalived.
 * Used by the parent (keepalived_parent.data) and by the children for their own dumps.
 */
import { statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { writeFileAtomic } from './atomic-file.js';

/** The dump directory for this environment. */
export function dumpDir(env: NodeJS.ProcessEnv = process.env): string {
  const t = env.TMPDIR;
  if (t && isAbsolute(t)) {
    try {
      if (statSync(t).isDirectory()) return t;
    } catch {
      // not there: fall back like keepalived
    }
  }
  return '/tmp';
}

/** Write `content` to `name` in the dump directory atomically; returns the path written. */
export function writeDumpFile(name: string, content: string, env: NodeJS.ProcessEnv = process.env): string {
  const path = join(dumpDir(env), name);
  writeFileAtomic(path, content, 0o600);
  return path;
}

/** keepalived's dump file names. */
export const DUMP_FILES = Object.freeze({
  parentData: 'keepalived_parent.data',
  vrrpData: 'keepalived.data',
  checkData: 'keepalived_check.data',
  stats: 'keepalived.stats',
  json: 'keepalived.json',
});
