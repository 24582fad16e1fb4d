/**
 * Script security, pure (keepalived.conf(5) `enable_script_security`, and keepalived's
 * check_script_secure for the facts): a script that runs with root privileges (uid or gid 0,
 * or a set-uid/set-gid root file) is unsafe when a non-root user could change what runs: the
 * file, any directory on its path, or any directory on the path of its symlink target is not
 * owned by root, or is writable by a non-root group or by everyone (a sticky directory such as
 * /tmp counts as safe for the directory itself). The file system is reached only through the
 * injected `stat` and `realpath`.
 */

/** What a stat(2) (following symlinks) reports that matters here. */
export interface FileInfo {
  uid: number;
  gid: number;
  /** st_mode, type bits included. */
  mode: number;
}

/** The file-system answers the checks need. */
export interface ScriptFs {
  /** stat(2), following symlinks; undefined when it fails. */
  stat(path: string): FileInfo | undefined;
  /** realpath(3); undefined when it fails. */
  realpath(path: string): string | undefined;
}

/** The numeric identity a script runs with. */
export interface RunIds {
  uid: number;
  gid: number;
  groups: readonly number[];
}

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_ISUID = 0o4000;
const S_ISGID = 0o2000;
const S_ISVTX = 0o1000;
const S_IWGRP = 0o020;
const S_IWOTH = 0o002;
const S_IXUSR = 0o100;
const S_IXGRP = 0o010;
const S_IXOTH = 0o001;

const isRegular = (f: FileInfo): boolean => (f.mode & S_IFMT) === S_IFREG;

/** execve(2)'s permission rule for `ids` (root needs any execute bit). */
export function isExecutableBy(f: FileInfo, ids: RunIds): boolean {
  if (ids.uid === 0) return (f.mode & (S_IXUSR | S_IXGRP | S_IXOTH)) !== 0;
  if (ids.uid === f.uid) return (f.mode & S_IXUSR) !== 0;
  if (ids.gid === f.gid || ids.groups.includes(f.gid)) return (f.mode & S_IXGRP) !== 0;
  return (f.mode & S_IXOTH) !== 0;
}

/** True when running `f` as `ids` gives root privileges, so its path must be safe. */
export function runsPrivileged(f: FileInfo, ids: RunIds): boolean {
  return ids.uid === 0 || ids.gid === 0 ||
    (f.uid === 0 && (f.mode & S_IXUSR) !== 0 && (f.mode & S_ISUID) !== 0) ||
    (f.gid === 0 && (f.mode & S_IXGRP) !== 0 && (f.mode & S_ISGID) !== 0);
}

/** Why one path entry lets a non-root user change what runs, or undefined when it does not. */
export function unsafeEntry(f: FileInfo): string | undefined {
  if (f.uid !== 0) return `owned by uid ${f.uid}`;
  const stickyDir = (f.mode & S_ISVTX) !== 0 && !isRegular(f);
  if (stickyDir) return undefined;
  if (f.gid !== 0 && (f.mode & S_IWGRP) !== 0) return `writable by group ${f.gid}`;
  if ((f.mode & S_IWOTH) !== 0) return 'writable by everyone';
  return undefined;
}

/** `/`, `/a`, `/a/b`, ... up to `path` itself (absolute path; repeated slashes ignored). */
export function pathPrefixes(path: string): string[] {
  const parts = path.split('/').filter((p) => p !== '');
  const out = ['/'];
  for (let i = 1; i <= parts.length; i++) out.push(`/${parts.slice(0, i).join('/')}`);
  return out;
}

/** The first entry of `program`'s path (and its symlink target's) that is unsafe. */
export function insecureEntry(program: string, fs: ScriptFs): { path: string; why: string } | undefined {
  const real = fs.realpath(program);
  const chains = real !== undefined && real !== program ? [program, real] : [program];
  for (const chain of chains) {
    for (const p of pathPrefixes(chain)) {
      const st = fs.stat(p);
      if (!st) return { path: p, why: 'cannot be checked' };
      const why = unsafeEntry(st);
      if (why) return { path: p === chain ? p : `${p}/`, why };
    }
  }
  return undefined;
}

/** The verdict on one run. `warning` is set for an unsafe root script allowed without security. */
export type Vetting =
  | { ok: true; warning?: string }
  | { ok: false; reason: 'not-found' | 'not-executable' | 'insecure'; detail: string };

/**
 * Decide whether `program` (absolute) may run as `ids`: it must exist, be a regular file
 * executable by `ids`, and, when it runs privileged and `security` is on, have a safe path.
 */
export function vetScript(program: string, ids: RunIds, security: boolean, fs: ScriptFs): Vetting {
  const st = fs.stat(program);
  if (!st) return { ok: false, reason: 'not-found', detail: `${program} does not exist` };
  if (!isRegular(st)) return { ok: false, reason: 'not-executable', detail: `${program} is not a regular file` };
  if (!isExecutableBy(st, ids)) return { ok: false, reason: 'not-executable', detail: `${program} is not executable by uid ${ids.uid} gid ${ids.gid}` };
  if (!runsPrivileged(st, ids)) return { ok: true };
  const bad = insecureEntry(program, fs);
  if (!bad) return { ok: true };
  const detail = `${program} runs as root but ${bad.path} is ${bad.why}`;
  return security ? { ok: false, reason: 'insecure', detail } : { ok: true, warning: detail };
}
