/**
 * A scratch root for package tests: a copy-on-write copy of this machine (overlayfs with `/` as
 * the read-only lower layer and a fresh upper directory), so that `dpkg --root` finds the
 * packages kad depends on (nodejs, libc6, init-system-helpers) installed, and everything the
 * package and its maintainer scripts write lands in the upper directory only. The overlay is
 * unmounted and the directory removed at cleanup; the machine itself is never written.
 *
 * It also builds the package once per test run (`npm run package` into a directory named after
 * the vitest process that forked this test file, so the package test files of one run share one
 * build; directories of runs that are gone are removed).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './build.js';
import { isRoot, onCleanup, run, type Netns } from './netns.js';

/** Why the scratch root cannot be made here, or undefined. Pass it through requirement(). */
export function scratchRootUnavailableReason(): string | undefined {
  if (!isRoot) return 'not root: mounting an overlay root and dpkg --root need root';
  for (const tool of ['dpkg', 'dpkg-deb', 'dpkg-shlibdeps', 'chroot', 'unshare']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) return `${tool} is not installed`;
  }
  const probe = mkdtempSync('/tmp/kad-ovl-probe-');
  try {
    createOverlay(probe);
    run('umount', [join(probe, 'root')]);
    return undefined;
  } catch (err) {
    return `cannot mount an overlay of / : ${(err as Error).message}`;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}

function createOverlay(dir: string): string {
  const root = join(dir, 'root');
  for (const d of ['upper', 'work', 'root']) mkdirSync(join(dir, d), { recursive: true });
  run('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=/,upperdir=${dir}/upper,workdir=${dir}/work`, root]);
  return root;
}

/** A scratch root: `dir` is its `/`. */
export interface ScratchRoot {
  readonly dir: string;
  /** Host path of a path inside the root. */
  path(p: string): string;
  /**
   * Run `cmd` chrooted into the root, inside `ns` (its own /proc and /sys, mounted in a private
   * mount namespace that ends with the command). Never throws: returns status and output.
   */
  chroot(ns: Netns, cmd: string[]): { status: number; stdout: string; stderr: string };
}

/** Mount a new scratch root; unmounted and removed at cleanup. */
export function createScratchRoot(): ScratchRoot {
  const top = mkdtempSync(`/tmp/kad-root-${process.pid}-`);
  const dir = createOverlay(top);
  onCleanup(`scratch root ${top}`, () => {
    spawnSync('umount', ['-l', dir]);
    // --one-file-system: if the unmount failed, never recurse into the overlay (or through it).
    spawnSync('rm', ['-rf', '--one-file-system', top]);
  });
  return {
    dir,
    path: (p) => join(dir, p),
    chroot(ns, cmd) {
      const script = 'mount -t proc proc "$1/proc" && mount -t sysfs sysfs "$1/sys" && shift && exec chroot "$@"';
      const r = spawnSync('ip', ['netns', 'exec', ns.name, 'unshare', '-m', '--propagation', 'private',
        'sh', '-c', script, 'sh', dir, dir, ...cmd], { encoding: 'utf8', timeout: 60_000 });
      return { status: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
    },
  };
}

/** The built package and what building it cost. */
export interface BuiltPackage {
  readonly deb: string;
  readonly bytes: number;
  readonly buildMs: number;
}

const SHARED_PREFIX = 'kad-deb-run-';

/** Remove the package directories of runs whose vitest process is gone. */
function removeStale(): void {
  for (const name of readdirSync('/tmp')) {
    const pid = Number(name.startsWith(SHARED_PREFIX) ? name.slice(SHARED_PREFIX.length) : NaN);
    if (Number.isInteger(pid) && pid !== process.ppid && !existsSync(`/proc/${pid}`)) rmSync(join('/tmp', name), { recursive: true, force: true });
  }
}

/** Build kad_VERSION_amd64.deb with `npm run package` (once per test run, see above). */
export function buildPackage(): BuiltPackage {
  removeStale();
  const out = join('/tmp', `${SHARED_PREFIX}${process.ppid}`);
  const stamp = join(out, 'built');
  mkdirSync(out, { recursive: true });
  const have = readdirSync(out).find((n) => n.endsWith('.deb'));
  if (have && existsSync(stamp)) {
    const deb = join(out, have);
    return { deb, bytes: statSync(deb).size, buildMs: 0 };
  }
  const t0 = Date.now();
  const r = spawnSync('npm', ['run', '-s', 'package', '--', out], { cwd: ROOT, encoding: 'utf8', timeout: 180_000 });
  const buildMs = Date.now() - t0;
  if (r.status !== 0) throw new Error(`npm run package failed (${r.status}): ${r.stderr}${r.stdout}`);
  const deb = r.stdout.trim().split('\n').pop() ?? '';
  if (!existsSync(deb)) throw new Error(`npm run package printed ${deb}, which does not exist`);
  spawnSync('touch', [stamp]);
  return { deb, bytes: statSync(deb).size, buildMs };
}
