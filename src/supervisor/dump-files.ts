/**
 * Where and how dump files are written: the dump directory is `$TMPDIR` when it is an absolute
 * path to an existing directory, else /tmp (keepalived's set_tmp_dir()); file-names.ts decides
 * the names from the configuration. Files are written to a temporary name and renamed, so a
 * reader (keepalived-exporter) never sees a partial file; mode 0600 like keepalived. Used by the
 * parent (keepalived_parent.data) and by the children for their own dumps.
 */
import { statSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { writeFileAtomic } from './atomic-file.js';
import { dumpFilePath, type DumpFile, type NamingInput } from './file-names.js';

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

/** Write `content` to dump `file` (named per `naming`) atomically; returns the path written. */
export function writeDumpFile(file: DumpFile, content: string, naming: NamingInput, env: NodeJS.ProcessEnv = process.env): string {
  const path = dumpFilePath(file, naming, dumpDir(env));
  writeFileAtomic(path, content, 0o600);
  return path;
}
