// The Debian package, built and installed the way a director gets it: `npm run package`, then
// `dpkg --root` into a scratch copy of this machine (dpkg runs the maintainer scripts chrooted
// there), then the installed /usr/bin/kad runs from inside that root. lintian judges the .deb.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, lstatSync, openSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/build.js';
import { cleanupAll, createNetns, createVeth, netnsUnavailableReason, onCleanup, type Netns } from '../helpers/netns.js';
import { requirement } from '../helpers/requirement.js';
import { buildPackage, createScratchRoot, scratchRootUnavailableReason, type BuiltPackage, type ScratchRoot } from '../helpers/scratch-root.js';

function reason(): string | undefined {
  const why = netnsUnavailableReason() ?? scratchRootUnavailableReason();
  if (why) return why;
  if (spawnSync('sh', ['-c', 'command -v lintian']).status !== 0) return 'lintian is not installed (Debian package lintian)';
  return undefined;
}
const skip = requirement('package', reason());
const VERSION = (JSON.parse(readFileSync(`${ROOT}/package.json`, 'utf8')) as { version: string }).version;

function dpkg(root: ScratchRoot, args: string[]): { ms: number; out: string } {
  const t0 = Date.now();
  const r = spawnSync('dpkg', [`--root=${root.dir}`, ...args], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`dpkg ${args.join(' ')} failed (${r.status}): ${r.stderr}${r.stdout}`);
  return { ms: Date.now() - t0, out: r.stdout + r.stderr };
}

describe.skipIf(skip)('Debian package', () => {
  let pkg: BuiltPackage;
  let root: ScratchRoot;
  let ns: Netns;

  let again: Promise<{ status: number | null; stderr: string }>;

  beforeAll(() => {
    // The reproducibility build runs beside the first one (each in its own scratch directory),
    // so the two cores build both at once.
    // Its stderr goes to a file: the first build blocks this process, nothing would read a pipe.
    const errFile = `/tmp/kad-deb-again-${process.pid}.err`;
    const fd = openSync(errFile, 'w');
    again = new Promise((resolve) => {
      const child = spawn('bash', ['scripts/package.sh', `/tmp/kad-deb-again-${process.pid}.deb`], { cwd: ROOT, stdio: ['ignore', 'ignore', fd] });
      child.on('close', (status) => {
        const stderr = readFileSync(errFile, 'utf8');
        rmSync(errFile, { force: true });
        resolve({ status, stderr });
      });
    });
    closeSync(fd);
    pkg = buildPackage();
    console.log(`package: ${pkg.deb} ${pkg.bytes} bytes, built in ${pkg.buildMs} ms`);
    root = createScratchRoot();
    // A fresh director has no configuration (the scratch root copies this machine).
    spawnSync('rm', ['-f', root.path('etc/keepalived/keepalived.conf')]);
    // Container images tell dpkg to skip man pages and docs (path-exclude); a director does not.
    spawnSync('sh', ['-c', 'for f in "$1"/etc/dpkg/dpkg.cfg.d/*; do [ -f "$f" ] && sed -i "/^path-exclude/d" "$f"; done; true', 'sh', root.dir]);
    ns = createNetns('kpk');
    // The sample configuration names eth0.
    createVeth(ns, 'eth0', ns, 'eth1');
  }, 240_000);
  afterAll(() => cleanupAll());

  it('has the control fields a director needs', () => {
    const info = spawnSync('dpkg-deb', ['-f', pkg.deb], { encoding: 'utf8' }).stdout;
    expect(info).toMatch(new RegExp(`^Version: ${VERSION.replace(/\./g, '\\.')}-\\d+$`, 'm'));
    expect(info).toMatch(/^Architecture: amd64$/m);
    // Debian's nodejs (20.19.2+dfsg-1 in trixie) and nodesource's (20.x-1nodesource1) both satisfy it.
    expect(info).toMatch(/^Depends: nodejs \(>= 20\), .*libc6 \(>= [\d.]+\)/m);
    const files = spawnSync('dpkg-deb', ['-c', pkg.deb], { encoding: 'utf8' }).stdout;
    for (const f of ['./usr/bin/kad', './usr/lib/kad/dist/cli/main.js', './usr/lib/kad/native/ipvs/libkadipvs.so',
      './usr/lib/kad/native/runas/kad-runas', './usr/lib/kad/node_modules/koffi/package.json',
      './lib/systemd/system/kad.service', './etc/default/kad', './etc/kad/keepalived.conf.sample',
      './usr/share/man/man8/kad.8.gz', './usr/share/man/man5/kad.conf.5.gz',
      './usr/share/doc/kad/copyright', './usr/share/doc/kad/changelog.Debian.gz']) {
      expect(files).toContain(f);
    }
    // Production modules only: no compiler, no test runner.
    expect(files).not.toMatch(/node_modules\/(typescript|vitest|eslint|tsx)\//);
    const conffiles = spawnSync('dpkg-deb', ['-I', pkg.deb, 'conffiles'], { encoding: 'utf8' }).stdout;
    expect(conffiles.trim().split('\n').sort()).toEqual(['/etc/default/kad', '/etc/kad/keepalived.conf.sample']);
  });

  it('passes lintian with no error and no warning', () => {
    const t0 = Date.now();
    const r = spawnSync('lintian', ['--pedantic', '--display-info', '--show-overrides', pkg.deb], { encoding: 'utf8', timeout: 120_000 });
    const tags = r.stdout.split('\n').filter((l) => /^[EWIPO]: /.test(l));
    console.log(`lintian (${Date.now() - t0} ms):\n${tags.join('\n') || '(no tags)'}`);
    expect(tags.filter((l) => l.startsWith('E: '))).toEqual([]);
    expect(tags.filter((l) => l.startsWith('W: '))).toEqual([]);
  });

  it('installs with dpkg --root, enables kad.service and does not start it without a configuration', () => {
    const { ms, out } = dpkg(root, ['-i', pkg.deb]);
    console.log(`dpkg --root -i: ${ms} ms`);
    expect(out).toMatch(/Setting up kad /);
    const status = spawnSync('dpkg-query', [`--root=${root.dir}`, '-W', '-f', '${Status} ${Version}', 'kad'], { encoding: 'utf8' }).stdout;
    expect(status).toMatch(new RegExp(`^install ok installed ${VERSION.replace(/\./g, '\\.')}-`));
    // deb-systemd-helper's enable, as on a director.
    const wants = root.path('etc/systemd/system/multi-user.target.wants/kad.service');
    expect(lstatSync(wants).isSymbolicLink()).toBe(true);
    expect(readlinkSync(wants)).toBe('/lib/systemd/system/kad.service');
    expect(readFileSync(root.path('etc/default/kad'), 'utf8')).toMatch(/^KAD_OPTIONS=/m);
    expect(existsSync(root.path('etc/keepalived/keepalived.conf'))).toBe(false);
  });

  it('runs the installed /usr/bin/kad: -v, and -t -f on the sample configuration', () => {
    const v = root.chroot(ns, ['/usr/bin/kad', '-v']);
    expect(v.stderr).toBe('');
    expect(v.status).toBe(0);
    expect(v.stdout).toContain(`kad v${VERSION}`);
    const t = root.chroot(ns, ['/usr/bin/kad', '-t', '-f', '/etc/kad/keepalived.conf.sample']);
    expect(t.stderr + t.stdout).toContain('configuration /etc/kad/keepalived.conf.sample OK');
    expect(t.status).toBe(0);
    const man = root.chroot(ns, ['man', '-P', 'cat', 'kad']);
    expect(man.stdout).toMatch(/kad - VRRP failover/);
  });

  it('removes (conffiles stay, unit masked) and purges (nothing left)', () => {
    dpkg(root, ['-r', 'kad']);
    expect(existsSync(root.path('usr/bin/kad'))).toBe(false);
    expect(existsSync(root.path('usr/lib/kad'))).toBe(false);
    expect(existsSync(root.path('etc/default/kad'))).toBe(true);
    expect(readlinkSync(root.path('etc/systemd/system/kad.service'))).toBe('/dev/null');
    const { ms } = dpkg(root, ['--purge', 'kad']);
    console.log(`dpkg --root --purge: ${ms} ms`);
    for (const p of ['etc/default/kad', 'etc/kad', 'etc/systemd/system/multi-user.target.wants/kad.service',
      'etc/systemd/system/kad.service', 'var/lib/systemd/deb-systemd-helper-enabled/kad.service.dsh-also']) {
      expect(existsSync(root.path(p)), p).toBe(false);
    }
  });

  it('builds the same bytes again (reproducible: file dates from the changelog, no build paths)', async () => {
    const r = await again;
    const file = `/tmp/kad-deb-again-${process.pid}.deb`;
    onCleanup(`second package ${file}`, () => rmSync(file, { force: true }));
    expect(r.status, r.stderr).toBe(0);
    const sum = (f: string): string => spawnSync('sha256sum', [f], { encoding: 'utf8' }).stdout.split(' ')[0] ?? '';
    expect(sum(file)).toBe(sum(pkg.deb));
  }, 180_000);

  it('npm exec kad runs the checkout itself', () => {
    const r = spawnSync('npm', ['exec', '--no', '--', 'kad', '-v'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`kad v${VERSION}`);
  });
});
