/**
 * Layer: the named network namespace seam (`net_namespace NAME`, `-s NAME`): the namespaces
 * iproute2 keeps as bind mounts under /run/netns, whether one can be entered, the command that
 * runs a program inside one, and the interfaces it holds.
 *
 * A program enters a namespace through `ip netns exec NAME PROGRAM ARGS...`, which setns(2)s
 * into it, unshares a private mount namespace (mounts made there never reach the host), mounts
 * a sysfs of its own on /sys (sysfs shows the network namespace of whoever mounted it, so
 * /sys/class/net would otherwise list the host's interfaces) and then execs PROGRAM in place:
 * the pid, the open file descriptors and the environment are kept, so a forked Node child keeps
 * its IPC channel (NODE_CHANNEL_FD) and the parent signals the pid it forked. Doing the same
 * from inside Node (src/net/libc.ts setNetns) does not do: setns(2) moves only the calling
 * thread, and the threads Node has already started (its file system work runs on a thread
 * pool) stay behind, in the old network and mount namespaces. A process set up before it execs
 * Node is in the namespace with every thread it will ever have.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statfsSync } from 'node:fs';

/** Where `ip netns add NAME` binds the namespace (keepalived opens the same path). */
export const NETNS_DIR = '/run/netns';

/** statfs(2) f_type of a namespace file (NSFS_MAGIC, linux/magic.h). */
const NSFS_MAGIC = 0x6e736673;

/** Where iproute2's `ip` is installed (Debian: /usr/sbin, /sbin before the /usr merge). */
const IP_CANDIDATES = ['/usr/sbin/ip', '/sbin/ip', '/usr/bin/ip', '/bin/ip'];

/** The `ip` program; a bare `ip` (PATH lookup) when none of the usual paths has it. */
function ipProgram(): string {
  return IP_CANDIDATES.find((p) => existsSync(p)) ?? 'ip';
}

/** /run/netns/NAME. */
export function netnsPath(name: string): string {
  return `${NETNS_DIR}/${name}`;
}

/**
 * Why the namespace `name` cannot be entered, or undefined when it can: the file must exist and
 * be a namespace (`ip netns add` creates the file first and mounts the namespace on it a moment
 * later; a file left behind by a failed delete is no namespace either).
 */
export function netnsProblem(name: string): string | undefined {
  if (name.includes('/') || name === '.' || name === '..' || name === '') return `'${name}' is not a namespace name`;
  const path = netnsPath(name);
  try {
    if (statfsSync(path).type !== NSFS_MAGIC) return `${path} is not a network namespace`;
  } catch (err) {
    return `${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;
  }
  return undefined;
}

/** CAP_SYS_ADMIN (linux/capability.h): setns(2) and mounting /sys need it. */
const CAP_SYS_ADMIN = 21n;

/** Whether this process holds CAP_SYS_ADMIN (CapEff of /proc/self/status). */
function hasSysAdmin(): boolean {
  try {
    const m = /^CapEff:\s*([0-9a-f]+)$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return m !== null && ((BigInt(`0x${m[1] ?? '0'}`) >> CAP_SYS_ADMIN) & 1n) === 1n;
  } catch {
    return false;
  }
}

/**
 * Why this process cannot start programs inside the namespace `name`, or undefined when it can:
 * the namespace must be there ({@link netnsProblem}) and entering it needs CAP_SYS_ADMIN (a
 * systemd unit's CapabilityBoundingSet may leave it out).
 */
export function enterProblem(name: string): string | undefined {
  return netnsProblem(name) ?? (hasSysAdmin() ? undefined : 'entering a network namespace needs CAP_SYS_ADMIN, which kad does not have');
}

/** The argv prefix that runs a program inside the namespace: `ip netns exec NAME`. */
export function enterCommand(name: string): string[] {
  return [ipProgram(), 'netns', 'exec', name];
}

/** One interface of a namespace. */
export interface NetnsLink {
  name: string;
  mtu: number;
}

/**
 * The interfaces of the namespace `name` (`ip -j -n NAME link show`), undefined when it cannot
 * be looked into (absent, or not by this user). A synchronous call for the configuration reader,
 * which asks once per read.
 */
export function netnsLinks(name: string): NetnsLink[] | undefined {
  if (netnsProblem(name) !== undefined) return undefined;
  try {
    const out = execFileSync(ipProgram(), ['-j', '-n', name, 'link', 'show'], {
      encoding: 'utf8', timeout: 5000, stdio: ['ignore', 'pipe', 'ignore'],
    });
    const links = JSON.parse(out) as { ifname?: unknown; mtu?: unknown }[];
    return links.filter((l) => typeof l.ifname === 'string').map((l) => ({ name: l.ifname as string, mtu: Number(l.mtu) }));
  } catch {
    return undefined;
  }
}
