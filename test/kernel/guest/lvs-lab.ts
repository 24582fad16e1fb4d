// The seed's LVS-NAT director pair as a lab inside the user-mode Linux guest, shared by the
// kernel test of the pair (guest/pair.ts) and the demo (scripts/demo/guest.ts). lan-pair.sh
// builds the namespaces: client kadcl, directors kaddir1 (the seed's master) and kaddir2 (its
// backup), real servers kadrs1 and kadrs2. This module starts the programs in them and reads
// their state (VIPs, IPVS tables, the client's view).
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';

export const VIP = '10.10.1.100';
export const GATEWAY_VIP = '10.10.2.2';
export const DIRECTORS = ['kaddir1', 'kaddir2'] as const;
export type Director = (typeof DIRECTORS)[number];
/** Real servers: namespace, address and the seed's weight. */
export const REAL_SERVERS = [
  { name: 'RS1', ns: 'kadrs1', addr: '10.10.2.11', weight: 2 },
  { name: 'RS2', ns: 'kadrs2', addr: '10.10.2.12', weight: 1 },
] as const;
export const CLIENT = { ns: 'kadcl', addr: '10.10.1.2' } as const;

export const sh = (cmd: string): string => execFileSync('/bin/sh', ['-c', cmd], { encoding: 'utf8' });
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
/**
 * The probes run without blocking: in the slow guest a command takes tens of milliseconds, and
 * the callers meanwhile read their children's output (logs, packets) as it comes.
 */
const output = async (cmd: string, args: readonly string[]): Promise<string> => (await promisify(execFile)(cmd, args, { encoding: 'utf8' })).stdout;

/** Polls `pred` every `everyMs` until it holds or `limitMs` passed; returns the time it took. */
export async function until(pred: () => boolean | Promise<boolean>, limitMs: number, everyMs = 50): Promise<number> {
  const t0 = Date.now();
  while (!(await pred()) && Date.now() - t0 < limitMs) await sleep(everyMs);
  return Date.now() - t0;
}

/** The IPv4 and IPv6 addresses in `ns`. */
export const addresses = async (ns: string): Promise<string[]> =>
  [...(await output('ip', ['-n', ns, '-o', 'addr', 'show'])).matchAll(/ inet6? ([^/ ]+)\//g)].map((m) => m[1]!);
export const has = async (ns: string, addr: string): Promise<boolean> => (await addresses(ns)).includes(addr);
/** Whether `ns` holds both VIPs of the seed's sync group. */
export const holdsVips = async (ns: string): Promise<boolean> => {
  const a = await addresses(ns);
  return a.includes(VIP) && a.includes(GATEWAY_VIP);
};
export const table = (ns: string): Promise<string> => output('ip', ['netns', 'exec', ns, 'ipvsadm', '-Ln']);
/** The seed's table with both real servers at their weights. */
export const fullTable = (t: string): boolean => /10\.10\.2\.11:80\s+Masq\s+2/.test(t) && /10\.10\.2\.12:80\s+Masq\s+1/.test(t);

/** Builds the lab's namespaces, bridges and addresses (a fresh guest kernel has none). */
export function setUpLab(project: string): void {
  sh(`sh ${project}/test/kernel/guest/lan-pair.sh`);
}

/**
 * A seed file re-addressed into the lab: the interfaces and addresses of lan-pair.sh, retries
 * shortened so the lab waits seconds, not tens. The seed's `sorry_server 127.0.0.1 80` goes
 * (Linux refuses to DNAT forwarded traffic to loopback, see guest/e2e.ts); its misspelt
 * `lvs_sync_daemon_inteface` is corrected and its deprecated `nb_get_retry` becomes `retry`.
 */
export function seed(project: string, name: 'master' | 'backup'): string {
  return readFileSync(`${project}/test/fixtures/seeds/lvs-nat-${name}.conf`, 'utf8')
    .replace(/^\s*sorry_server .*$/m, '')
    .replaceAll('lvs_sync_daemon_inteface', 'lvs_sync_daemon_interface')
    .replaceAll('ens33', 'eth0')
    .replaceAll('ens37', 'eth1')
    .replaceAll('172.16.1.99', VIP)
    .replaceAll('192.168.1.2\t', `${GATEWAY_VIP}\t`)
    .replaceAll('192.168.1.130', '10.10.2.11')
    .replaceAll('192.168.1.129', '10.10.2.12')
    .replaceAll('nb_get_retry 3', 'retry 1')
    .replaceAll('delay_before_retry 2', 'delay_before_retry 1')
    .replaceAll('connect_timeout 4', 'connect_timeout 1');
}

/** python's http.server on port 80 in `ns`, answering `name` for /index.html. */
export function httpServer(scratch: string, ns: string, name: string): ChildProcess {
  const dir = `${scratch}/www-${name}`;
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}/index.html`, `${name}\n`);
  // HTTP/1.1, so a client can hold one keep-alive connection across the failover.
  const argv = ['python3', '-m', 'http.server', '80', '--bind', '0.0.0.0', '--protocol', 'HTTP/1.1', '--directory', dir];
  return spawn('ip', ['netns', 'exec', ns, ...argv], { stdio: 'ignore' });
}

/** Until a server listens on port 80 in `ns` (at most `limitMs`). */
export const listening = (ns: string, limitMs = 20_000): Promise<number> =>
  until(async () => (await output('ip', ['netns', 'exec', ns, 'ss', '-Hltn', 'sport = :80'])).trim() !== '', limitMs);

export interface KadOptions {
  /** Own process group, so that the whole tree (parent, VRRP and checker children) can be killed at once. */
  group?: boolean;
  /** Pipe the log to the caller (child.stdout, JSON lines) instead of `${scratch}/${ns}.log`. */
  pipeLog?: boolean;
  /** -D (detailed log). */
  detail?: boolean;
}

/** Where the kad of director `ns` serves its status document (`kad status --status-socket PATH`). */
export const statusSocket = (ns: string): string => `/run/kad-${ns}.sock`;

/** `kad -n -l` in `ns` with configuration `conf` (written to `${scratch}/${ns}.conf`). */
export function startKad(project: string, scratch: string, ns: string, conf: string, opts: KadOptions = {}): ChildProcess {
  const file = `${scratch}/${ns}.conf`;
  writeFileSync(file, conf);
  const logFd = opts.pipeLog ? 'pipe' : openSync(`${scratch}/${ns}.log`, 'w');
  const p = (k: string): string => `${scratch}/${ns}-${k}.pid`;
  const flags = ['-n', '-l', ...(opts.detail === false ? [] : ['-D']), '-f', file, '-p', p('kad'), '-r', p('vrrp'), '-c', p('chk'), '--status-socket', statusSocket(ns)];
  return spawn('ip', ['netns', 'exec', ns, '/usr/bin/node', `${project}/bin/kad.js`, ...flags], {
    cwd: project, stdio: ['ignore', logFd, logFd], detached: opts.group === true,
    env: { ...process.env, TMPDIR: scratch },
  });
}

/** The client's view: N requests to the VIP (one connection each), counted by answer ("error" for failures). */
export function requests(project: string, n: number): Record<string, number> {
  return JSON.parse(sh(`ip netns exec ${CLIENT.ns} python3 ${project}/test/kernel/guest/http_count.py ${VIP} 80 ${n}`)) as Record<string, number>;
}
