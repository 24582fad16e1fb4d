/**
 * Runs a shell script inside a user-mode Linux guest (Debian's `user-mode-linux`, a 6.1 kernel
 * with ip_vs, its schedulers, veth and overlay as modules). The host has no IPVS; the guest does.
 *
 * Each run gets its own scratch directory on the host (unique name, removed afterwards). The
 * guest sees the host root read-only with a tmpfs overlay (test/kernel/uml-init.sh), the project
 * directory and the scratch directory read-write. The script's stdout and stderr come back
 * through the guest's tty1 and tty2, its exit code through a file in the scratch directory.
 * A boot → script → power-off cycle takes 2–3 s.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdirSync, openSync, closeSync, readFileSync, readSync, renameSync, rmSync, writeFileSync, existsSync, symlinkSync, statfsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StringDecoder } from 'node:string_decoder';
import { build } from 'esbuild';

export const PROJECT_DIR = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');
const INIT = join(PROJECT_DIR, 'test/kernel/uml-init.sh');
const UML = '/usr/bin/linux.uml';

export interface UmlResult {
  /** Exit code of the script; -1 when the guest died before storing it. */
  code: number;
  stdout: string;
  stderr: string;
  /** Kernel console (boot messages, oopses). */
  console: string;
  durationMs: number;
}

export interface UmlOptions {
  timeoutMs?: number;
  memMb?: number;
  /** Files to write into the scratch directory before boot (name → contents). */
  files?: Readonly<Record<string, string>>;
  /**
   * Called with the script's output as it arrives (tty1 → 'stdout', tty2 → 'stderr'), polled
   * every 100 ms; the result still carries all of it.
   */
  onOutput?: (stream: 'stdout' | 'stderr', text: string) => void;
  /** Called once the scratch directory exists, before boot (its path is the same in the guest). */
  onScratch?: (dir: string) => void;
  /** Aborting halts the guest at once (SIGKILL to its process group); the scratch is removed. */
  signal?: AbortSignal;
}

/** Why the guest cannot run here, or undefined when it can. */
export function umlUnavailableReason(): string | undefined {
  if (process.getuid?.() !== 0) return 'kernel tests need root (CAP_NET_ADMIN inside the guest is root on the host tree)';
  try {
    accessSync(UML, constants.X_OK);
  } catch {
    return `${UML} missing (apt-get install user-mode-linux)`;
  }
  if (!existsSync('/usr/lib/uml/modules')) return '/usr/lib/uml/modules missing';
  return undefined;
}

let counter = 0;

/**
 * Build (once, when its source is newer) the ptrace shim that lets Debian's UML 6.1 run on a
 * host whose XSAVE area is larger than UML's buffer (AVX-512, AMX): see uml-xstate.c.
 */
function xstateShim(): string {
  const src = join(PROJECT_DIR, 'test/kernel/uml-xstate.c');
  const out = join(PROJECT_DIR, 'node_modules/.cache/kad-uml/uml-xstate.so');
  if (!existsSync(out) || statSync(out).mtimeMs < statSync(src).mtimeMs) {
    mkdirSync(dirname(out), { recursive: true });
    // Two kernel test files may build it at once: each writes its own file, then renames it.
    const tmp = `${out}.${process.pid}`;
    execFileSync('cc', ['-O2', '-shared', '-fPIC', '-Wall', '-o', tmp, src, '-ldl'], { stdio: 'pipe' });
    renameSync(tmp, out);
  }
  return out;
}

/**
 * Where UML keeps the guest's memory file: /dev/shm when it has room (fast), else the scratch
 * directory (containers often give /dev/shm only 64 MB, and a guest touching more would die).
 */
function memoryDir(scratch: string, memMb: number): string {
  try {
    const st = statfsSync('/dev/shm');
    if ((st.bavail * st.bsize) / 2 ** 20 > memMb + 256) return '/dev/shm';
  } catch {
    /* no /dev/shm */
  }
  return scratch;
}

/** A fresh scratch directory: unique per process and call. */
function scratchDir(): string {
  const dir = join(tmpdir(), `kad-uml-${process.pid}-${++counter}-${Date.now().toString(36)}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

function readOr(path: string, fallback: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return fallback;
  }
}

/** Resolves when the guest has exited; kills its process group on timeout (Infinity: none) or abort. */
function waitGuest(child: ChildProcess, timeoutMs: number, signal: AbortSignal | undefined): Promise<void> {
  const halt = (): void => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      /* already gone */
    }
  };
  return new Promise<void>((resolve) => {
    const timer = Number.isFinite(timeoutMs) ? setTimeout(halt, timeoutMs) : undefined;
    if (signal?.aborted) halt();
    signal?.addEventListener('abort', halt, { once: true });
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', halt);
      resolve();
    };
    child.on('exit', done);
    child.on('error', done);
  });
}

/**
 * Pass what the guest appends to its stdout and stderr files to `onOutput` every 100 ms (and once
 * more when stopped). Returns the stop function.
 */
function follow(dir: string, onOutput: UmlOptions['onOutput']): () => void {
  if (!onOutput) return () => undefined;
  const streams = (['stdout', 'stderr'] as const).map((name) => ({
    name, fd: openSync(join(dir, name === 'stdout' ? 'out' : 'err'), 'r'), decoder: new StringDecoder('utf8'),
  }));
  const buf = Buffer.alloc(65536);
  const poll = (): void => {
    for (const s of streams) {
      for (let n = readSync(s.fd, buf); n > 0; n = readSync(s.fd, buf)) {
        const text = s.decoder.write(buf.subarray(0, n));
        if (text !== '') onOutput(s.name, text);
      }
    }
  };
  const timer = setInterval(poll, 100);
  return () => {
    clearInterval(timer);
    poll();
    streams.forEach((s) => closeSync(s.fd));
  };
}

/**
 * Boot the guest, run `script` with /bin/sh in the project directory, power off.
 * `$KAD_SCRATCH` in the script is the run's scratch directory (shared with the host).
 */
export async function runInUml(script: string, opts: UmlOptions = {}): Promise<UmlResult> {
  const dir = scratchDir();
  const started = Date.now();
  try {
    opts.onScratch?.(dir);
    writeFileSync(join(dir, 'cmd.sh'), `set -u\nexport KAD_SCRATCH='${dir}'\n${script}\n`);
    for (const [name, text] of Object.entries(opts.files ?? {})) writeFileSync(join(dir, name), text);
    // Bundled guest programs import koffi: node resolves it through this link.
    symlinkSync(join(PROJECT_DIR, 'node_modules'), join(dir, 'node_modules'));
    const fds = ['out', 'err', 'console'].map((n) => openSync(join(dir, n), 'w'));
    const umid = `kad${process.pid}x${counter}`;
    const memMb = opts.memMb ?? 512;
    const args = [
      `mem=${memMb}M`, 'rootfstype=hostfs', 'rootflags=/', 'ro', `init=${INIT}`,
      `KAD_SCRATCH=${dir}`, `KAD_PROJECT=${PROJECT_DIR}`, `umid=${umid}`, `uml_dir=${dir}`,
      'con=null', 'ssl=null', 'con0=null,fd:5', 'con1=null,fd:3', 'con2=null,fd:4',
    ];
    // detached: the guest runs in its own session (no job control, like `setsid -w`), so a
    // timeout can kill the whole process group: UML forks helper processes.
    const child = spawn(UML, args, {
      cwd: dir,
      detached: true,
      stdio: ['ignore', 'ignore', 'ignore', fds[0], fds[1], fds[2]],
      env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', TMPDIR: memoryDir(dir, memMb), LD_PRELOAD: xstateShim() },
    });
    fds.forEach((fd) => closeSync(fd));
    const stopFollowing = follow(dir, opts.onOutput);
    await waitGuest(child, opts.timeoutMs ?? 60_000, opts.signal);
    stopFollowing();
    const rc = readOr(join(dir, 'rc'), '').trim();
    return {
      code: rc === '' ? -1 : Number(rc),
      stdout: readOr(join(dir, 'out'), ''),
      stderr: readOr(join(dir, 'err'), ''),
      console: readOr(join(dir, 'console'), ''),
      durationMs: Date.now() - started,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Bundle a TypeScript guest program (and the src/ modules it imports) into one ES module the
 * guest runs with plain node: transpiling on the host keeps the slow guest CPU for the test.
 * koffi stays external (native addon), resolved from the project's node_modules.
 */
export async function bundleGuest(entry: string): Promise<string> {
  const out = await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    external: ['koffi', 'pino', 'esbuild'],
    logLevel: 'silent',
  });
  return out.outputFiles[0]!.text;
}

/** Shell line that runs a bundled guest program (written into the scratch directory). */
export function guestNode(file: string, args: readonly string[] = []): string {
  return `KAD_IPVS_LIB='${PROJECT_DIR}/native/ipvs/libkadipvs.so' /usr/bin/node "$KAD_SCRATCH/${file}" ${args.map((a) => `"${a}"`).join(' ')}`;
}

export { ensureBuilt } from '../helpers/build.js';
