// systemd/kad.service: the directives operators rely on, and `systemd-analyze verify` when the
// tool is installed (the unit is checked with ExecStart pointing at this checkout's bin/kad.js,
// and the man pages of Documentation= found in packaging/, where the package takes them from).
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { requirement } from '../../helpers/requirement.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const unit = readFileSync(join(ROOT, 'systemd/kad.service'), 'utf8');
const directives = new Map<string, string[]>();
for (const line of unit.split('\n')) {
  const m = /^([A-Za-z]+)=(.*)$/.exec(line);
  if (m) directives.set(m[1] as string, [...(directives.get(m[1] as string) ?? []), m[2] as string]);
}
const get = (k: string): string | undefined => directives.get(k)?.[0];

const hasAnalyze = requirement('systemd-unit (systemd-analyze verify)',
  spawnSync('systemd-analyze', ['--version']).status === 0 ? undefined : 'systemd-analyze not installed (Debian package systemd)') === undefined;

describe('systemd/kad.service', () => {
  it('is Type=notify, stays in the foreground, reloads with HUP, stops only the main process', () => {
    expect(get('Type')).toBe('notify');
    expect(get('ExecStart')).toMatch(/^\/usr\/bin\/kad --dont-fork \$KAD_OPTIONS$/);
    expect(get('ExecReload')).toBe('/bin/kill -HUP $MAINPID');
    expect(get('KillMode')).toBe('process');
    expect(get('EnvironmentFile')).toBe('-/etc/default/kad');
  });

  it('grants the network capabilities and hardens the rest', () => {
    expect(get('CapabilityBoundingSet')?.split(' ')).toEqual(expect.arrayContaining(['CAP_NET_ADMIN', 'CAP_NET_RAW']));
    // The scheduling keywords (vrrp_rt_priority, max_auto_priority) and vrrp_no_swap need these.
    expect(get('CapabilityBoundingSet')?.split(' ')).toEqual(expect.arrayContaining(['CAP_SYS_NICE', 'CAP_SYS_RESOURCE', 'CAP_IPC_LOCK']));
    expect(get('RestrictRealtime')).toBe('no');
    expect(get('RestrictAddressFamilies')?.split(' ')).toEqual(expect.arrayContaining(['AF_NETLINK', 'AF_PACKET', 'AF_UNIX']));
    expect(get('ProtectSystem')).toBe('full');
    expect(get('RestartPreventExitStatus')?.split(' ')).toEqual(expect.arrayContaining(['2', '4']));
  });

  it('the EnvironmentFile sets KAD_OPTIONS', () => {
    const env = readFileSync(join(ROOT, 'systemd/kad.default'), 'utf8');
    expect(env).toMatch(/^KAD_OPTIONS=".*"$/m);
  });

  it.skipIf(!hasAnalyze)('passes systemd-analyze verify', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kad-unit-'));
    try {
      const f = join(dir, 'kad.service');
      writeFileSync(f, unit.replaceAll('/usr/bin/kad', join(ROOT, 'bin/kad.js')));
      for (const [page, section] of [['kad', '8'], ['kad.conf', '5']] as const) {
        mkdirSync(join(dir, `man/man${section}`), { recursive: true });
        copyFileSync(join(ROOT, `packaging/${page}.${section}`), join(dir, `man/man${section}/${page}.${section}`));
      }
      // A trailing colon keeps the system's pages (keepalived.conf(5)) on the path.
      const env = { ...process.env, MANPATH: `${join(dir, 'man')}:` };
      const r = spawnSync('systemd-analyze', ['verify', f], { encoding: 'utf8', env });
      expect(r.stderr.trim() + r.stdout.trim()).toBe('');
      expect(r.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
