/**
 * A booted systemd for tests whose subject is kad under systemd: `systemd-nspawn -b` on a
 * scratch root (test/helpers/scratch-root.ts), with a network namespace of its own into which
 * the test moves the interfaces it gives the container. PID 1 of
 * the test machine need not be systemd: nspawn runs without one (`--register=no --keep-unit`:
 * no machined, no scope unit on a host bus). The root's enabled units and init.d links are
 * cleared first, so the container boots to a bare multi-user target (journald, dbus, logind).
 * Commands run in the container through nsenter into its PID 1's namespaces.
 *
 * Not `--network-namespace-path`: with it, nspawn 252's /sys shows the host's interfaces, not the
 * namespace's, and kad (as keepalived) checks interfaces in /sys/class/net.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { onCleanup, uniqueName, type Netns } from './netns.js';
import type { ScratchRoot } from './scratch-root.js';

/** Why a container cannot be booted here (before trying), or undefined. */
export function nspawnUnavailableReason(): string | undefined {
  if (spawnSync('sh', ['-c', 'command -v systemd-nspawn && command -v nsenter']).status !== 0) {
    return 'systemd-nspawn is not installed (Debian package systemd-container)';
  }
  return undefined;
}

/** A result of a command in the container. */
export interface Exec {
  status: number;
  stdout: string;
  stderr: string;
}

/** A booted container. */
export interface Container {
  /** Host PID of the container's PID 1 (systemd). */
  readonly initPid: number;
  /** Run a command in the container (all its namespaces). */
  exec(cmd: string[], input?: string): Exec;
  /** The boot console so far (for failure messages). */
  console(): string;
  /** Move interface `ifName` of `ns` into the container's network namespace. */
  adopt(ns: Netns, ifName: string): void;
  /** `systemctl poweroff`, then wait for nspawn to exit (SIGKILL after `timeoutMs`). */
  poweroff(timeoutMs?: number): Promise<void>;
}

function clearEnabledUnits(root: ScratchRoot): void {
  const sh = 'rm -rf "$1"/etc/systemd/system/* "$1"/etc/rc?.d/* "$1"/etc/keepalived/keepalived.conf';
  spawnSync('sh', ['-c', sh, 'sh', root.dir]);
}

function systemdChild(parent: number): number {
  const kids = spawnSync('pgrep', ['-P', String(parent)], { encoding: 'utf8' }).stdout.trim().split('\n').filter(Boolean);
  for (const pid of kids) {
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'systemd') return Number(pid);
    } catch {
      // exited meanwhile
    }
  }
  return 0;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Boot systemd in `root`; resolves once `systemctl is-system-running` says running
 * or degraded. Rejects, with the console and what was tried, when it does not boot.
 */
export async function bootContainer(root: ScratchRoot, timeoutMs = 30_000): Promise<Container> {
  clearEnabledUnits(root);
  const machine = uniqueName('kadct');
  const args = ['-D', root.dir, '--register=no', '--keep-unit', '--private-network',
    '-M', machine, '-b'];
  const child: ChildProcess = spawn('systemd-nspawn', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout?.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  const exited = new Promise<void>((r) => child.on('exit', () => r()));
  let initPid = 0;
  const kill = (): void => {
    if (initPid > 0) try { process.kill(initPid, 'SIGKILL'); } catch { /* gone */ }
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  onCleanup(`container ${machine}`, kill);
  const exec = (cmd: string[], input?: string): Exec => {
    const r = spawnSync('nsenter', ['-t', String(initPid), '-m', '-u', '-i', '-n', '-p', '--', ...cmd],
      { encoding: 'utf8', input, timeout: 60_000 });
    return { status: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
  };
  const tried = `tried: systemd-nspawn ${args.join(' ')} (PID 1 here: ${spawnSync('ps', ['-p', '1', '-o', 'comm=']).stdout?.toString().trim()})`;
  const deadline = Date.now() + timeoutMs;
  let state = '';
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`systemd did not boot in a container: systemd-nspawn exited ${child.exitCode ?? child.signalCode}; ${tried}\n${log}`);
    }
    // nspawn's first child only sets up the container; PID 1 is the child that runs systemd.
    initPid = systemdChild(child.pid ?? 0);
    if (initPid > 0) {
      state = exec(['systemctl', 'is-system-running']).stdout.trim();
      if (state === 'running' || state === 'degraded') break;
    }
    await sleep(200);
  }
  if (state !== 'running' && state !== 'degraded') {
    kill();
    throw new Error(`systemd did not boot in a container within ${timeoutMs} ms (state "${state}"); ${tried}\n${log}`);
  }
  return {
    initPid,
    exec,
    console: () => log,
    adopt: (ns, ifName) => void ns.ip('link', 'set', ifName, 'netns', String(initPid)),
    async poweroff(stopMs = 20_000) {
      exec(['systemctl', 'poweroff']);
      const timer = setTimeout(kill, stopMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
