// Pure script-security rules (src/script/security.ts) and the user choice (identity.ts) on an
// in-memory file system: which entries make a root script unsafe, what is refused with and
// without enable_script_security, and who a script runs as.
import { describe, expect, it } from 'vitest';
import { scriptUser } from '../../../src/script/identity.js';
import { insecureEntry, isExecutableBy, pathPrefixes, unsafeEntry, vetScript, type FileInfo, type ScriptFs } from '../../../src/script/security.js';

const DIR = 0o040000;
const REG = 0o100000;
const root = { uid: 0, gid: 0, groups: [0] };
const user = { uid: 1000, gid: 1000, groups: [1000, 27] };

function memFs(entries: Record<string, FileInfo>, links: Record<string, string> = {}): ScriptFs {
  return {
    stat: (p) => entries[links[p] ?? p],
    realpath: (p) => links[p] ?? (entries[p] ? p : undefined),
  };
}
const safeTree = (file: Partial<FileInfo> = {}, dir: Partial<FileInfo> = {}): Record<string, FileInfo> => ({
  '/': { uid: 0, gid: 0, mode: DIR | 0o755 },
  '/etc': { uid: 0, gid: 0, mode: DIR | 0o755 },
  '/etc/k': { uid: 0, gid: 0, mode: DIR | 0o755, ...dir },
  '/etc/k/s.sh': { uid: 0, gid: 0, mode: REG | 0o755, ...file },
});

describe('script security', () => {
  it('lists every directory on the path, then the file', () => {
    expect(pathPrefixes('/etc//k/s.sh')).toEqual(['/', '/etc', '/etc/k', '/etc/k/s.sh']);
  });

  it('an entry is unsafe when not owned by root, or writable by a non-root group or everyone; sticky dirs are safe', () => {
    expect(unsafeEntry({ uid: 0, gid: 0, mode: REG | 0o775 })).toBeUndefined();
    expect(unsafeEntry({ uid: 0, gid: 5, mode: REG | 0o775 })).toBe('writable by group 5');
    expect(unsafeEntry({ uid: 0, gid: 0, mode: REG | 0o757 })).toBe('writable by everyone');
    expect(unsafeEntry({ uid: 7, gid: 0, mode: REG | 0o755 })).toBe('owned by uid 7');
    expect(unsafeEntry({ uid: 0, gid: 0, mode: DIR | 0o1777 })).toBeUndefined();
    expect(unsafeEntry({ uid: 0, gid: 0, mode: REG | 0o1777 })).toBe('writable by everyone');
  });

  it('refuses an unsafe root script only with enable_script_security, and names the entry', () => {
    const fs = memFs(safeTree({}, { gid: 9, mode: DIR | 0o775 }));
    expect(vetScript('/etc/k/s.sh', root, true, fs)).toEqual({ ok: false, reason: 'insecure', detail: '/etc/k/s.sh runs as root but /etc/k/ is writable by group 9' });
    expect(vetScript('/etc/k/s.sh', root, false, fs)).toEqual({ ok: true, warning: '/etc/k/s.sh runs as root but /etc/k/ is writable by group 9' });
    expect(vetScript('/etc/k/s.sh', user, true, fs)).toEqual({ ok: true });
    expect(vetScript('/etc/k/s.sh', root, true, memFs(safeTree()))).toEqual({ ok: true });
  });

  it('follows a symlink: the target path must be safe too', () => {
    const entries = { ...safeTree(), '/home': { uid: 0, gid: 0, mode: DIR | 0o755 }, '/home/u': { uid: 1000, gid: 1000, mode: DIR | 0o755 }, '/home/u/x.sh': { uid: 0, gid: 0, mode: REG | 0o755 } };
    const fs = memFs(entries, { '/etc/k/s.sh': '/home/u/x.sh' });
    expect(insecureEntry('/etc/k/s.sh', fs)).toEqual({ path: '/home/u/', why: 'owned by uid 1000' });
  });

  it('a set-uid root file run by a user counts as root', () => {
    const fs = memFs(safeTree({ mode: REG | 0o4755 }, { uid: 1000 }));
    expect(vetScript('/etc/k/s.sh', user, true, fs)).toMatchObject({ ok: false, reason: 'insecure' });
  });

  it('missing and non-executable programs are refused', () => {
    expect(vetScript('/etc/k/none', root, false, memFs(safeTree()))).toMatchObject({ ok: false, reason: 'not-found' });
    expect(vetScript('/etc/k', root, false, memFs(safeTree()))).toMatchObject({ ok: false, reason: 'not-executable' });
    expect(vetScript('/etc/k/s.sh', user, false, memFs(safeTree({ mode: REG | 0o750 })))).toMatchObject({ ok: false, reason: 'not-executable' });
    expect(isExecutableBy({ uid: 0, gid: 27, mode: REG | 0o750 }, user)).toBe(true);
  });
});

describe('script user', () => {
  const none = (): boolean => false;
  it('script user, else script_user, else keepalived_script when it exists, else root', () => {
    expect(scriptUser({ text: 'x', argv: ['x'], user: 'a', group: 'g' }, { scriptUser: 'b' }, none)).toEqual({ user: 'a', group: 'g', from: 'script' });
    expect(scriptUser({ text: 'x', argv: ['x'] }, { scriptUser: 'b', scriptGroup: 'h' }, none)).toEqual({ user: 'b', group: 'h', from: 'script_user' });
    expect(scriptUser({ text: 'x', argv: ['x'] }, {}, (n) => n === 'keepalived_script')).toEqual({ user: 'keepalived_script', from: 'default' });
    expect(scriptUser({ text: 'x', argv: ['x'] }, {}, none)).toEqual({ user: 'root', from: 'root' });
  });
});
