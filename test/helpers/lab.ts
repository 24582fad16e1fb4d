// The VRRP lab: N director namespaces plugged into one bridge per segment (eth0 by default),
// an observer namespace on the first segment for injecting packets, a capture on the bridge
// itself (tcpdump -w in the hub namespace, kernel timestamps), address monitors, and kad or
// keepalived daemons started inside directors exactly as operators start them. Everything is
// removed at cleanup (netns.ts), also when a test fails. Addresses are private and exist only
// inside the namespaces.
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChildProcess } from 'node:child_process';
import { parseCli } from '../../src/cli/options.js';
import { CHILD_OPTIONS_ENV, type ChildOptions } from '../../src/supervisor/ipc.js';
import { createBridge, createNetns, onCleanup, plugIntoBridge, type Netns } from './netns.js';
import { readPcap, type LabPacket } from './lab-pcap.js';

export { readPcap, type LabPacket } from './lab-pcap.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export { ensureBuilt } from './build.js';

/** One broadcast segment: every director gets `ifName` on it. */
export interface Segment {
  ifName: string;
  /** "10.231.0" → director i gets 10.231.0.(i+1)/24, the observer .250. */
  ipv4Prefix?: string;
  /** "fd31::" → director i gets fd31::(i+1)/64. Link-local addresses exist anyway. */
  ipv6Prefix?: string;
  /** Host number of director 0 (default 1): director i gets firstHost + i. */
  firstHost?: number;
}

export interface LabOptions {
  directors: number;
  segments?: Segment[];
}

/** Poll `pred` every `stepMs` until it holds; throws with `what` after `timeoutMs`. */
export async function waitUntil(pred: () => boolean, timeoutMs: number, what: string, stepMs = 10): Promise<void> {
  const end = performance.now() + timeoutMs;
  while (!pred()) {
    if (performance.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

/**
 * Start a daemon's process in `ns`. With `logFile` its output goes straight to that file instead
 * of a pipe this process reads (under CPU load a starved reader fills the pipe and blocks the
 * daemon's logging); the Daemon's `output` stays empty then.
 */
function spawnDaemon(ns: Netns, cmd: string, args: string[], env: NodeJS.ProcessEnv, logFile?: string): ChildProcess {
  if (!logFile) return ns.spawn(cmd, args, { detached: true, env });
  const fd = openSync(logFile, 'a');
  try {
    return ns.spawn(cmd, args, { detached: true, env, stdio: ['ignore', fd, fd] });
  } finally {
    closeSync(fd);
  }
}

/** A daemon (kad or keepalived) running in a director, in its own process group. */
export class Daemon {
  private out = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(
    readonly name: string,
    readonly proc: ChildProcess,
    /** The configuration file it was started with (rewrite it, then SIGHUP, to reload). */
    readonly confFile = '',
  ) {
    proc.stdout?.on('data', (d: Buffer) => (this.out += d.toString()));
    proc.stderr?.on('data', (d: Buffer) => (this.out += d.toString()));
    this.exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  }

  get pid(): number {
    return this.proc.pid ?? -1;
  }

  /** The pid of the only child of this kad (started with -P: the VRRP child). */
  get vrrpChildPid(): number {
    const kids = readFileSync(`/proc/${this.pid}/task/${this.pid}/children`, 'utf8').trim().split(/\s+/).map(Number);
    if (kids.length !== 1 || !kids[0]) throw new Error(`${this.name} (${this.pid}) has children ${kids.join(',')}`);
    return kids[0];
  }

  /** Everything the daemon printed so far (stdout and stderr). */
  get output(): string {
    return this.out;
  }

  get running(): boolean {
    return this.proc.exitCode === null && this.proc.signalCode === null;
  }

  async waitForOutput(re: RegExp, timeoutMs = 10_000): Promise<void> {
    await waitUntil(() => re.test(this.out), timeoutMs, `${this.name} output ${re}`);
  }

  /** Signal the daemon's whole process tree (its process group). */
  signalTree(sig: NodeJS.Signals): void {
    try {
      process.kill(-this.pid, sig);
    } catch {
      // already gone
    }
  }

  /** Hard kill: freeze the tree first (no goodbye packet can leave), then SIGKILL it. */
  async hardKill(): Promise<void> {
    this.signalTree('SIGSTOP');
    this.signalTree('SIGKILL');
    await this.exited;
  }

  /** Graceful stop: SIGTERM to the main process, wait for it to exit. */
  async stop(timeoutMs = 10_000): Promise<void> {
    if (!this.running) return;
    this.proc.kill('SIGTERM');
    await Promise.race([this.exited, new Promise((r) => setTimeout(r, timeoutMs))]);
    if (this.running) await this.hardKill();
  }
}

/** An address event seen by `ip -ts monitor address`, with wall-clock milliseconds. */
export interface AddrEvent {
  tMs: number;
  op: 'add' | 'del';
  address: string;
  dev: string;
}

export interface AddrMonitor {
  /** Events after the monitor was shown to work (its own control events left out). */
  readonly events: AddrEvent[];
  stop(): void;
}

export function parseAddrMonitorLine(line: string): AddrEvent | undefined {
  const m = /^\[(\d+)-(\d+)-(\d+)T(\d+):(\d+):(\d+)\.(\d+)\]\s+(Deleted\s+)?\d+:\s+(\S+)\s+inet6?\s+([0-9a-f.:]+)/.exec(line);
  if (!m) return undefined;
  const n = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const t = new Date(n[0], n[1] - 1, n[2], n[3], n[4], n[5]).getTime() + Number(`0.${m[7]}`) * 1000;
  return { tMs: t, op: m[8] ? 'del' : 'add', dev: m[9] ?? '', address: m[10] ?? '' };
}

/** A capture running on a segment's bridge. */
export interface PcapCapture {
  file: string;
  /** Stop tcpdump and return the parsed frames. */
  stop(): Promise<LabPacket[]>;
  /** Parse what is on disk so far (tcpdump -U flushes each packet). */
  peek(): LabPacket[];
}

export class Lab {
  readonly dir: string;
  private seq = 0;

  private constructor(
    readonly hub: Netns,
    readonly bridges: string[],
    readonly directors: Netns[],
    readonly observer: Netns,
    readonly segments: Segment[],
  ) {
    this.dir = mkdtempSync(join(tmpdir(), 'kad-lab-'));
    onCleanup(`lab dir ${this.dir}`, () => rmSync(this.dir, { recursive: true, force: true }));
  }

  /** Build the lab. Call once per test file (beforeAll); cleanup is automatic. */
  static create(opts: LabOptions): Lab {
    const segments = opts.segments ?? [{ ifName: 'eth0', ipv4Prefix: '10.231.0', ipv6Prefix: 'fd31::' }];
    const hub = createNetns('klh');
    const bridges = segments.map((_, i) => createBridge(hub, `br${i}`));
    // Ageing time 0: the bridge forgets MACs at once and floods every frame like a hub, so the
    // capture on it also sees unicast adverts and injected frames reach every director.
    for (const br of bridges) hub.ip('link', 'set', br, 'type', 'bridge', 'ageing_time', '0');
    const directors: Netns[] = [];
    for (let d = 0; d < opts.directors; d++) directors.push(createNetns('kld'));
    const observer = createNetns('klo');
    for (const ns of [...directors, observer]) {
      ns.sysctl('net.ipv6.conf.all.accept_dad', '0');
      ns.sysctl('net.ipv6.conf.default.accept_dad', '0');
    }
    segments.forEach((seg, s) => {
      const members = s === 0 ? [...directors, observer] : directors;
      members.forEach((ns, i) => {
        const host = ns === observer ? 250 : (seg.firstHost ?? 1) + i;
        const mac = `02:6b:6c:${s.toString(16).padStart(2, '0')}:00:${host.toString(16).padStart(2, '0')}`;
        plugIntoBridge(ns, seg.ifName, hub, bridges[s] ?? 'br0', mac);
        if (seg.ipv4Prefix) ns.ip('addr', 'add', `${seg.ipv4Prefix}.${host}/24`, 'dev', seg.ifName);
        if (seg.ipv6Prefix) ns.ip('addr', 'add', `${seg.ipv6Prefix}${host.toString(16)}/64`, 'dev', seg.ifName, 'nodad');
      });
    });
    return new Lab(hub, bridges, directors, observer, segments);
  }

  /** IPv4 address of director `i` (or the observer with i = 'observer') on segment `seg`. */
  ipv4(i: number | 'observer', seg = 0): string {
    const s = this.segments[seg];
    return `${s?.ipv4Prefix}.${i === 'observer' ? 250 : (s?.firstHost ?? 1) + i}`;
  }

  /** Link-local IPv6 address of director `i` (or the observer) on segment `seg`. */
  linkLocal(i: number | 'observer', seg = 0): string {
    const ifName = this.segments[seg]?.ifName ?? 'eth0';
    const ns = i === 'observer' ? this.observer : this.directors[i];
    const addrs = ns?.ipJson<{ addr_info: { family: string; local: string; scope: string }[] }[]>('addr', 'show', 'dev', ifName) ?? [];
    const ll = addrs.flatMap((a) => a.addr_info).find((a) => a.family === 'inet6' && a.scope === 'link');
    if (!ll) throw new Error(`no link-local address on director ${i} ${ifName}`);
    return ll.local;
  }

  /** Whether director `i` has `address` on any interface. */
  hasAddress(i: number, address: string): boolean {
    const ns = this.directors[i];
    if (!ns) return false;
    const addrs = ns.ipJson<{ addr_info: { local: string }[] }[]>('addr', 'show');
    return addrs.some((a) => a.addr_info.some((x) => x.local === address));
  }

  /** Capture every frame crossing segment `seg`'s bridge into a pcap file (`snaplen` bytes of each). */
  async startCapture(seg = 0, snaplen = 256): Promise<PcapCapture> {
    const file = join(this.dir, `seg${seg}-${this.seq++}.pcap`);
    const child = this.hub.spawn('tcpdump', ['-U', '--immediate-mode', '-n', '-s', String(snaplen), '-w', file, '-i', this.bridges[seg] ?? 'br0']);
    let err = '';
    const exited = new Promise<void>((r) => child.on('exit', () => r()));
    await new Promise<void>((resolve, reject) => {
      child.stderr?.on('data', (d: Buffer) => {
        err += d.toString();
        if (err.includes('listening on')) resolve();
      });
      child.on('exit', (code) => reject(new Error(`tcpdump exited (${code}): ${err}`)));
    });
    return {
      file,
      peek: () => readPcap(file),
      stop: async () => {
        child.kill('SIGINT');
        await exited;
        return readPcap(file);
      },
    };
  }

  /** Follow address additions and removals inside director `i`. */
  async monitorAddresses(i: number): Promise<AddrMonitor> {
    const ns = this.directors[i];
    if (!ns) throw new Error(`no director ${i}`);
    const child = ns.spawn('ip', ['-ts', 'monitor', 'address']);
    const seen: AddrEvent[] = [];
    let buf = '';
    child.stdout?.on('data', (d: Buffer) => {
      buf += d.toString();
      const lines = buf.split('\n');
      buf = lines.pop() ?? '';
      for (const l of lines) {
        const e = parseAddrMonitorLine(l);
        if (e) seen.push(e);
      }
    });
    // Positive control: a monitor that hears nothing proves nothing. Add and delete a scratch
    // address (TEST-NET-2, never a VIP here) and wait for both events before handing it over.
    const scratch = `198.51.100.${200 + i}`;
    const dev = this.segments[0]?.ifName ?? 'eth0';
    const heard = (op: 'add' | 'del'): boolean => seen.some((e) => e.address === scratch && e.op === op);
    const deadline = performance.now() + 5000;
    while (!heard('add')) {
      if (performance.now() > deadline) throw new Error(`ip monitor in director ${i} heard no address event`);
      ns.ip('addr', 'replace', `${scratch}/32`, 'dev', dev);
      await new Promise((r) => setTimeout(r, 50));
    }
    ns.ip('addr', 'del', `${scratch}/32`, 'dev', dev);
    await waitUntil(() => heard('del'), 5000, `ip monitor in director ${i} to hear the scratch delete`);
    // What the test watches: everything after the control, without it.
    const start = seen.length;
    return {
      get events(): AddrEvent[] {
        return seen.slice(start).filter((e) => e.address !== scratch);
      },
      stop: () => child.kill('SIGKILL'),
    };
  }

  /** Write a config file into the lab directory; returns its path. */
  writeFile(name: string, text: string): string {
    const file = join(this.dir, name);
    writeFileSync(file, text);
    return file;
  }

  private flags(i: number, conf: string, tag: string): string[] {
    const base = join(this.dir, `${tag}${i}-${this.seq++}`);
    return ['-n', '-l', '-D', '-f', conf, '-p', `${base}.pid`, '-r', `${base}_vrrp.pid`, '-c', `${base}_checkers.pid`, '-P'];
  }

  /**
   * Start kad in director `i` as an operator would: `kad -n -l -D -f CONF -p -r -c -P`.
   * With `direct`, start the VRRP child alone (dist/vrrp/daemon.js) with the same options.
   */
  startKad(i: number, confText: string, opts: { direct?: boolean; extraFlags?: string[]; checker?: boolean; env?: NodeJS.ProcessEnv; logFile?: string } = {}): Daemon {
    const ns = this.directors[i];
    if (!ns) throw new Error(`no director ${i}`);
    const conf = this.writeFile(`kad${i}-${this.seq++}.conf`, confText);
    // With `checker`, without -P: the checker child runs too (give it KAD_CHECK_DRY_RUN=1 in `env` without IPVS).
    const args = [...this.flags(i, conf, 'kad').filter((f) => !(opts.checker && f === '-P')), ...(opts.extraFlags ?? [])];
    // Dump files (USR1/USR2) land in the lab directory.
    const tmpEnv = { ...process.env, TMPDIR: this.dir, ...opts.env };
    if (!opts.direct) {
      return new Daemon(`kad@${i}`, spawnDaemon(ns, process.execPath, [join(ROOT, 'bin/kad.js'), ...args], tmpEnv, opts.logFile), conf);
    }
    const child: ChildOptions = { kind: 'vrrp', cli: parseCli(args), generation: 0 };
    const env = { ...tmpEnv, [CHILD_OPTIONS_ENV]: JSON.stringify(child) };
    return new Daemon(`kad-vrrp@${i}`, spawnDaemon(ns, process.execPath, [join(ROOT, 'dist/vrrp/daemon.js')], env, opts.logFile), conf);
  }

  /** Start Debian's keepalived in director `i` with the same flags. */
  startKeepalived(i: number, confText: string, opts: { logFile?: string } = {}): Daemon {
    const ns = this.directors[i];
    if (!ns) throw new Error(`no director ${i}`);
    const conf = this.writeFile(`ka${i}-${this.seq++}.conf`, confText);
    // Dump files (USR1/USR2/JSON) land in the lab directory, as kad's do.
    const env = { ...process.env, TMPDIR: this.dir };
    return new Daemon(`keepalived@${i}`, spawnDaemon(ns, 'keepalived', this.flags(i, conf, 'ka'), env, opts.logFile), conf);
  }

  /** Send one raw Ethernet frame from the observer onto segment 0. */
  inject(frame: Buffer): void {
    const ifName = this.segments[0]?.ifName ?? 'eth0';
    const py = 'import socket,sys;s=socket.socket(socket.AF_PACKET,socket.SOCK_RAW);s.bind((sys.argv[1],0));s.send(bytes.fromhex(sys.argv[2]))';
    this.observer.exec('python3', ['-c', py, ifName, frame.toString('hex')]);
  }

  /** MAC address of the observer's interface on segment 0. */
  get observerMac(): string {
    return '02:6b:6c:00:00:fa';
  }
}

/**
 * A takeover measured on the wire, both ends from one capture: from the old master's last advert
 * to the new master's first packet (its first advert or its first gratuitous ARP for the VIP).
 */
export interface Takeover {
  /** Capture time of the old master's last advert (priority 0 for a graceful stop). */
  lastAdvertMs: number;
  lastPriority: number;
  /** Capture time of the new master's first advert or GARP. */
  newMasterMs: number;
  deltaMs: number;
}

/**
 * Measure a takeover from a capture: `oldSrc` and `newSrc` are the advert sources of the old and
 * the new master, `vip` the address the new master announces. Throws when either end is missing.
 */
export function measureTakeover(packets: readonly LabPacket[], oldSrc: string, newSrc: string, vip: string): Takeover {
  const adverts = packets.filter((p): p is Extract<LabPacket, { kind: 'vrrp' }> => p.kind === 'vrrp' && p.src === oldSrc);
  const last = adverts[adverts.length - 1];
  if (!last) throw new Error(`no advert from ${oldSrc} in the capture`);
  const announces = (p: LabPacket): boolean =>
    (p.kind === 'vrrp' && p.src === newSrc) || (p.kind === 'garp' && p.ip === vip) || (p.kind === 'na' && p.target === vip);
  const first = packets.find((p) => p.tMs > last.tMs && announces(p));
  if (!first) throw new Error(`no advert from ${newSrc} nor GARP for ${vip} after ${oldSrc}'s last advert`);
  return { lastAdvertMs: last.tMs, lastPriority: last.priority, newMasterMs: first.tMs, deltaMs: first.tMs - last.tMs };
}

/** Wait until exactly director `holder` (or none, with -1) has `vip`. */
export async function waitForHolder(lab: Lab, vip: string, holder: number, timeoutMs: number): Promise<void> {
  await waitUntil(
    () => lab.directors.every((_, i) => lab.hasAddress(i, vip) === (i === holder)),
    timeoutMs,
    `${vip} on director ${holder} only`,
    20,
  );
}

/** Resolve after `ms` of real time (only where a test must watch that nothing happens). */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** What {@link vrrpInstance} writes. */
export interface InstanceText {
  name?: string;
  vrid: number;
  priority: number;
  /** `advert_int` as written (default "1"). */
  advertInt?: string;
  /** VIPs with their prefix ("10.231.0.100/24"). */
  vips: readonly string[];
  /** Extra lines (authentication block, `version 3`, `nopreempt`...). */
  lines?: string;
  iface?: string;
}

/** A `vrrp_instance` block in keepalived.conf syntax (state BACKUP). */
export function vrrpInstance(o: InstanceText): string {
  return [
    `vrrp_instance ${o.name ?? `VI_${o.vrid}`} {`,
    '  state BACKUP',
    `  interface ${o.iface ?? 'eth0'}`,
    `  virtual_router_id ${o.vrid}`,
    `  priority ${o.priority}`,
    `  advert_int ${o.advertInt ?? '1'}`,
    ...(o.lines ? [`  ${o.lines}`] : []),
    '  virtual_ipaddress {',
    ...o.vips.map((v) => `    ${v}`),
    '  }',
    '}',
    '',
  ].join('\n');
}

/** keepalived.conf `authentication` block for PASS or AH. */
export const authBlock = (type: 'PASS' | 'AH', pass: string): string => `authentication {\n    auth_type ${type}\n    auth_pass ${pass}\n  }`;
