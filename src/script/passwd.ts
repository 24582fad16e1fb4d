/**
 * Seam: the system user database. Resolves a user (and optional group) name to the uid, primary
 * gid and supplementary groups a script runs with, through glibc's getpwnam_r / getpwuid_r /
 * getgrnam_r / getgrgid_r / getgrouplist (so NSS sources such as LDAP count, not only
 * /etc/passwd). Declared on the libc handle src/net/libc.ts loaded.
 */
import koffi from 'koffi';
import { libc } from '../net/libc.js';

/** Who a script runs as. */
export interface Identity {
  user: string;
  uid: number;
  gid: number;
  /** Supplementary groups (initgroups semantics: every group listing the user, plus `gid`). */
  groups: readonly number[];
  home: string;
}

/** Why a name did not resolve. */
export type LookupFailure = { error: 'unknown-user' | 'unknown-group'; name: string };

// The struct names are what the prototypes below refer to.
koffi.struct('kad_passwd', {
  pw_name: 'const char *', pw_passwd: 'const char *', pw_uid: 'uint32_t', pw_gid: 'uint32_t',
  pw_gecos: 'const char *', pw_dir: 'const char *', pw_shell: 'const char *',
});
koffi.struct('kad_group', { gr_name: 'const char *', gr_passwd: 'const char *', gr_gid: 'uint32_t', gr_mem: 'void *' });
interface PasswdRow { pw_name: string; pw_uid: number; pw_gid: number; pw_dir: string | null }
interface GroupRow { gr_gid: number }

type Out<T> = [T | null];
const cGetpwnam: (name: string, pwd: Out<PasswdRow>, buf: Buffer, len: number, res: Out<unknown>) => number = libc.func(
  'int getpwnam_r(const char *name, _Out_ kad_passwd *pwd, uint8_t *buf, size_t len, _Out_ void **res)',
);
const cGetpwuid: (uid: number, pwd: Out<PasswdRow>, buf: Buffer, len: number, res: Out<unknown>) => number = libc.func(
  'int getpwuid_r(uint32_t uid, _Out_ kad_passwd *pwd, uint8_t *buf, size_t len, _Out_ void **res)',
);
const cGetgrnam: (name: string, grp: Out<GroupRow>, buf: Buffer, len: number, res: Out<unknown>) => number = libc.func(
  'int getgrnam_r(const char *name, _Out_ kad_group *grp, uint8_t *buf, size_t len, _Out_ void **res)',
);
const cGetgrgid: (gid: number, grp: Out<GroupRow>, buf: Buffer, len: number, res: Out<unknown>) => number = libc.func(
  'int getgrgid_r(uint32_t gid, _Out_ kad_group *grp, uint8_t *buf, size_t len, _Out_ void **res)',
);
const cGetgrouplist: (user: string, gid: number, groups: Uint32Array, n: [number]) => number = libc.func(
  'int getgrouplist(const char *user, uint32_t gid, _Out_ uint32_t *groups, _Inout_ int *ngroups)',
);

const ERANGE = 34;
const NUMERIC = /^\d+$/;

/** Calls a *_r lookup, growing the buffer on ERANGE; undefined when there is no such entry. */
function lookup<T>(call: (out: Out<T>, buf: Buffer, res: Out<unknown>) => number): T | undefined {
  for (let len = 4096; len <= 1 << 20; len *= 4) {
    const out: Out<T> = [null];
    const res: Out<unknown> = [null];
    const rc = call(out, Buffer.alloc(len), res);
    if (rc === ERANGE) continue;
    return rc === 0 && res[0] !== null && out[0] !== null ? out[0] : undefined;
  }
  return undefined;
}

function passwdOf(name: string): PasswdRow | undefined {
  const byName = lookup<PasswdRow>((o, b, r) => cGetpwnam(name, o, b, b.length, r));
  if (byName || !NUMERIC.test(name)) return byName;
  return lookup<PasswdRow>((o, b, r) => cGetpwuid(Number(name), o, b, b.length, r));
}

function groupOf(name: string): number | undefined {
  const byName = lookup<GroupRow>((o, b, r) => cGetgrnam(name, o, b, b.length, r));
  if (byName) return byName.gr_gid;
  if (!NUMERIC.test(name)) return undefined;
  return lookup<GroupRow>((o, b, r) => cGetgrgid(Number(name), o, b, b.length, r))?.gr_gid;
}

function groupList(user: string, gid: number): number[] {
  let n: [number] = [64];
  for (let i = 0; i < 4; i++) {
    const list = new Uint32Array(n[0]);
    const want: [number] = [n[0]];
    if (cGetgrouplist(user, gid, list, want) >= 0) return [...list.subarray(0, want[0])];
    n = [Math.max(want[0], n[0] * 2)];
  }
  return [gid];
}

/** True if the user database knows `name`. */
export function userExists(name: string): boolean {
  return passwdOf(name) !== undefined;
}

/**
 * The identity for `user` and optional `group`: the group given (else the user's primary group),
 * and the supplementary groups getgrouplist(3) gives for the user and that group.
 */
export function resolveIdentity(user: string, group?: string): Identity | LookupFailure {
  const pw = passwdOf(user);
  if (!pw) return { error: 'unknown-user', name: user };
  let gid = pw.pw_gid;
  if (group !== undefined) {
    const g = groupOf(group);
    if (g === undefined) return { error: 'unknown-group', name: group };
    gid = g;
  }
  return { user: pw.pw_name, uid: pw.pw_uid, gid, groups: groupList(pw.pw_name, gid), home: pw.pw_dir ?? '/' };
}
