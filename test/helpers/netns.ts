/**
 * Network-namespace lab for integration tests: namespaces, a bridge, veth pairs, commands and
 * processes inside a namespace, and one cleanup registry that removes everything a test run
 * created (also when a test fails or the process exits early).
 *
 * Nothing is created in the host namespace: the bridge lives in its own "hub" namespace and
 * veth ends are created directly inside the namespaces that use them. Names carry the pid and
 * a counter so parallel test files never collide; interface names stay within 15 characters.
 */
import { execFileSync, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

/** True when the tests run as root (namespaces need CAP_SYS_ADMIN / CAP_NET_ADMIN). */
export const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

let counter = 0;
const runTag = process.pid.toString(36);

/**
 * A name unique to this process: `prefix` + pid (base 36) + counter. Kept to 15 characters
 * (IFNAMSIZ - 1) so it is valid as an interface name too.
 */
export function uniqueName(prefix: string): string {
  const name = `${prefix}${runTag}${(counter++).toString(36)}`;
  if (name.length > 15) throw new Error(`name ${name} longer than 15 characters: shorten prefix ${prefix}`);
  return name;
}

type CleanupFn = () => void;
const cleanups: { label: string; fn: CleanupFn }[] = [];
let hooksInstalled = false;

/** Register a synchronous cleanup action; actions run newest first. Returns an unregister fn. */
export function onCleanup(label: string, fn: CleanupFn): () => void {
  installHooks();
  const entry = { label, fn };
  cleanups.push(entry);
  return () => {
    const i = cleanups.indexOf(entry);
    if (i >= 0) cleanups.splice(i, 1);
  };
}

/** Run every registered cleanup now (newest first). Safe to call more than once. */
export function cleanupAll(): void {
  while (cleanups.length > 0) {
    const entry = cleanups.pop();
    if (!entry) break;
    try {
      entry.fn();
    } catch (err) {
      console.warn(`netns cleanup "${entry.label}" failed: ${(err as Error).message}`);
    }
  }
}

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', cleanupAll);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      cleanupAll();
      process.kill(process.pid, sig);
    });
  }
}

/** Run a command on the host; returns stdout. Throws with stderr in the message on failure. */
export function run(cmd: string, args: string[], input?: string): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'], input });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')} failed: ${e.stderr?.trim() || e.message}`);
  }
}

/**
 * Why namespace tests cannot run here, or undefined when they can. Tests pass it through
 * `requirement()` (test/helpers/requirement.ts): skip loudly, or fail under CI.
 */
export function netnsUnavailableReason(): string | undefined {
  if (!isRoot) return 'not root: network namespaces need CAP_SYS_ADMIN and CAP_NET_ADMIN';
  try {
    run('ip', ['-V']);
  } catch {
    return 'iproute2 (ip) is not installed';
  }
  const probe = uniqueName('kp');
  try {
    run('ip', ['netns', 'add', probe]);
    run('ip', ['netns', 'del', probe]);
  } catch (err) {
    return `cannot create a network namespace: ${(err as Error).message}`;
  }
  return undefined;
}

/** One network namespace created by this test run. */
export class Netns {
  private readonly children = new Set<ChildProcess>();
  private removed = false;

  constructor(readonly name: string) {}

  /** Run a command inside the namespace; returns stdout. */
  exec(cmd: string, args: string[], input?: string): string {
    return run('ip', ['netns', 'exec', this.name, cmd, ...args], input);
  }

  /** `ip ARGS` inside the namespace. */
  ip(...args: string[]): string {
    return run('ip', ['-n', this.name, ...args]);
  }

  /** `ip -j ARGS` inside the namespace, parsed. */
  ipJson<T>(...args: string[]): T {
    const out = run('ip', ['-j', '-n', this.name, ...args]).trim();
    return JSON.parse(out === '' ? '[]' : out) as T;
  }

  /** Set a sysctl inside the namespace (`net.ipv6.conf.all.accept_dad`, "0"). */
  sysctl(key: string, value: string): void {
    this.exec('sysctl', ['-qw', `${key}=${value}`]);
  }

  /** Start a process inside the namespace; it is killed (SIGKILL) at cleanup if still running. */
  spawn(cmd: string, args: string[], opts: SpawnOptions = {}): ChildProcess {
    const child = spawn('ip', ['netns', 'exec', this.name, cmd, ...args], {
      stdio: ['pipe', 'pipe', 'pipe'],
      ...opts,
    });
    this.children.add(child);
    child.on('exit', () => this.children.delete(child));
    return child;
  }

  /** Kill this namespace's processes and delete it (its interfaces go with it). */
  remove(): void {
    if (this.removed) return;
    this.removed = true;
    for (const child of this.children) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    // Processes started by other means (`ip netns exec` shells, daemons) are killed too.
    try {
      const pids = run('ip', ['netns', 'pids', this.name]).split(/\s+/).filter(Boolean);
      for (const pid of pids) {
        try {
          process.kill(Number(pid), 'SIGKILL');
        } catch {
          // already gone
        }
      }
    } catch {
      // namespace already gone
    }
    try {
      run('ip', ['netns', 'del', this.name]);
    } catch {
      // already gone
    }
  }
}

/** Create a namespace with loopback up; deleted at cleanup. `prefix` is 2-4 letters. */
export function createNetns(prefix = 'kn'): Netns {
  const ns = new Netns(uniqueName(prefix));
  run('ip', ['netns', 'add', ns.name]);
  onCleanup(`netns ${ns.name}`, () => ns.remove());
  ns.ip('link', 'set', 'lo', 'up');
  return ns;
}

/** Create a bridge (up) inside `ns`; returns its name. Multicast snooping off so every port sees 224.0.0.18. */
export function createBridge(ns: Netns, name = 'br0'): string {
  ns.ip('link', 'add', name, 'type', 'bridge', 'mcast_snooping', '0');
  ns.ip('link', 'set', name, 'up');
  return name;
}

/**
 * Create a veth pair: `aIf` inside `a` and `bIf` inside `b` (both up). Optional MAC for the
 * `a` end. Returns the two names.
 */
export function createVeth(a: Netns, aIf: string, b: Netns, bIf: string, aMac?: string): [string, string] {
  const args = ['link', 'add', aIf];
  if (aMac) args.push('address', aMac);
  a.ip(...args, 'type', 'veth', 'peer', 'name', bIf, 'netns', b.name);
  a.ip('link', 'set', aIf, 'up');
  b.ip('link', 'set', bIf, 'up');
  return [aIf, bIf];
}

/** Plug `ifName` inside `node` into `bridge` inside `hub` through a new veth pair. Returns the hub-side port name. */
export function plugIntoBridge(node: Netns, ifName: string, hub: Netns, bridge: string, mac?: string): string {
  const port = uniqueName('kv');
  createVeth(node, ifName, hub, port, mac);
  hub.ip('link', 'set', port, 'master', bridge);
  return port;
}

/** Options for {@link createLan}. */
export interface LanOptions {
  /** Number of node namespaces. */
  nodes: number;
  /** Interface name inside every node (default eth0). */
  ifName?: string;
  /** IPv4 /24 prefix such as "10.77.0"; node i gets .(i+1)/24. Omit for no IPv4 address. */
  ipv4Prefix?: string;
  /** IPv6 /64 prefix such as "fd77::"; node i gets ::(i+1)/64 (nodad). Omit for none. */
  ipv6Prefix?: string;
  /** Namespace name prefix (2-4 letters). */
  prefix?: string;
}

/** A LAN: one hub namespace holding a bridge, N node namespaces each with `ifName` on it. */
export interface Lan {
  hub: Netns;
  bridge: string;
  nodes: Netns[];
  ifName: string;
  /** Hub-side bridge port of each node (capture here to see one node's traffic). */
  ports: string[];
  /** Remove every namespace of this LAN now. */
  remove(): void;
}

/** Build a LAN of `nodes` namespaces on one bridge, with IPv6 DAD off and optional addresses. */
export function createLan(opts: LanOptions): Lan {
  const ifName = opts.ifName ?? 'eth0';
  const hub = createNetns(`${opts.prefix ?? 'k'}h`);
  const bridge = createBridge(hub);
  const nodes: Netns[] = [];
  const ports: string[] = [];
  for (let i = 0; i < opts.nodes; i++) {
    const ns = createNetns(`${opts.prefix ?? 'k'}n`);
    ns.sysctl('net.ipv6.conf.all.accept_dad', '0');
    ns.sysctl('net.ipv6.conf.default.accept_dad', '0');
    const mac = `02:6b:61:64:${(0x10 + (counter % 0xe0)).toString(16)}:${(i + 1).toString(16).padStart(2, '0')}`;
    ports.push(plugIntoBridge(ns, ifName, hub, bridge, mac));
    if (opts.ipv4Prefix) ns.ip('addr', 'add', `${opts.ipv4Prefix}.${i + 1}/24`, 'dev', ifName);
    if (opts.ipv6Prefix) ns.ip('addr', 'add', `${opts.ipv6Prefix}${i + 1}/64`, 'dev', ifName, 'nodad');
    nodes.push(ns);
  }
  return {
    hub,
    bridge,
    nodes,
    ifName,
    ports,
    remove(): void {
      for (const ns of [...nodes, hub]) ns.remove();
    },
  };
}

/** A running tcpdump; stop() ends it and returns its text output. */
export interface Capture {
  stop(): Promise<string>;
  /** Resolve with the output so far once it matches `re` (rejects after `timeoutMs`). */
  waitFor(re: RegExp, timeoutMs?: number): Promise<string>;
}

/**
 * Start `tcpdump -l -n ARGS -i ifName FILTER` inside `ns` and resolve once it is listening.
 * Typical args: ['-e', '-vv'].
 */
export function startCapture(ns: Netns, ifName: string, args: string[], filter: string[] = []): Promise<Capture> {
  const child = ns.spawn('tcpdump', ['-l', '-n', '-U', ...args, '-i', ifName, ...filter]);
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const stop = async (): Promise<string> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
    await exited;
    return out;
  };
  const waitFor = (re: RegExp, timeoutMs = 5000): Promise<string> =>
    new Promise((resolve, reject) => {
      const started = Date.now();
      const poll = (): void => {
        if (re.test(out)) resolve(out);
        else if (Date.now() - started > timeoutMs) reject(new Error(`tcpdump output never matched ${re}: ${out}`));
        else setTimeout(poll, 20);
      };
      poll();
    });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`tcpdump did not start: ${err}`)), 10_000);
    child.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
      if (err.includes('listening on')) {
        clearTimeout(timer);
        resolve({ stop, waitFor });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`tcpdump exited (${code}): ${err}`));
    });
  });
}
