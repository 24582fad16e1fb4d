// A throw-away user for script tests: a primary group, an alternate group (for `user X G`) and a
// supplementary group the user is a member of, all with names unique to this run, removed on
// exit (also when the test fails). Needs root and useradd/groupadd (Debian's passwd package).
import { execFileSync } from 'node:child_process';

export interface TestUser {
  user: string;
  uid: number;
  /** Primary group. */
  group: string;
  gid: number;
  /** A group the user is not a member of, for `user X G`. */
  alt: string;
  altGid: number;
  /** A supplementary group the user is a member of. */
  supp: string;
  suppGid: number;
  remove(): void;
}

let seq = 0;

/** Why test users cannot be made here, or undefined. Under CI a reason is an error. */
export function testUserUnavailableReason(): string | undefined {
  let why: string | undefined;
  if (process.getuid?.() !== 0) why = 'not root: cannot create test users';
  else {
    try {
      execFileSync('sh', ['-c', 'command -v useradd && command -v groupadd'], { stdio: 'ignore' });
    } catch {
      why = 'useradd/groupadd are not installed (package passwd)';
    }
  }
  if (why && process.env.CI === 'true') throw new Error(why);
  return why;
}

const idOf = (db: 'passwd' | 'group', name: string): number => Number(execFileSync('getent', [db, name], { encoding: 'utf8' }).split(':')[2]);

/** Create the user and its three groups; `remove()` deletes them (idempotent). */
export function createTestUser(): TestUser {
  const tag = `${process.pid % 100000}${seq++}`;
  const names = { user: `kadu${tag}`, group: `kadp${tag}`, alt: `kada${tag}`, supp: `kads${tag}` };
  const run = (cmd: string, ...args: string[]): void => void execFileSync(cmd, args, { stdio: 'ignore' });
  let removed = false;
  const remove = (): void => {
    if (removed) return;
    removed = true;
    for (const [cmd, name] of [['userdel', names.user], ['groupdel', names.group], ['groupdel', names.alt], ['groupdel', names.supp]] as const) {
      try {
        run(cmd, name);
      } catch {
        // not created
      }
    }
  };
  process.once('exit', remove);
  try {
    run('groupadd', names.group);
    run('groupadd', names.alt);
    run('groupadd', names.supp);
    run('useradd', '-M', '-N', '-d', '/nonexistent', '-s', '/usr/sbin/nologin', '-g', names.group, '-G', names.supp, names.user);
  } catch (err) {
    remove();
    throw err;
  }
  return {
    ...names, uid: idOf('passwd', names.user), gid: idOf('group', names.group), altGid: idOf('group', names.alt),
    suppGid: idOf('group', names.supp), remove,
  };
}
