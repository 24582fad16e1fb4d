// The kept lab's command channel (guest side). The guest has no network to the host, but both
// see the scratch directory: scripts/lab.sh drops ID.cmd files (first line: a namespace or
// "guest", then a shell command) into ctl/; this loop runs each in that namespace and streams
// its output to ID.out, then writes its exit code to ID.rc. ID.kill stops a running command.
// Guest writes reach the host file only when flushed from the guest's page cache (hostfs), so
// every chunk is fsynced.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, writeSync } from 'node:fs';

const NAMESPACE = /^[a-z0-9]+$/;

function writeSynced(path: string, text: string): void {
  const fd = openSync(path, 'w');
  writeSync(fd, text);
  fsyncSync(fd);
  closeSync(fd);
}

function run(dir: string, id: string, running: Map<string, ChildProcess>): void {
  const base = `${dir}/${id}`;
  renameSync(`${base}.cmd`, `${base}.run`);
  const [ns = '', ...rest] = readFileSync(`${base}.run`, 'utf8').split('\n');
  const cmd = rest.join('\n');
  const out = openSync(`${base}.out`, 'w');
  const finish = (code: number): void => {
    closeSync(out);
    running.delete(id);
    writeSynced(`${base}.rc.tmp`, `${code}\n`);
    renameSync(`${base}.rc.tmp`, `${base}.rc`);
  };
  if (!NAMESPACE.test(ns)) {
    writeSync(out, `lab: bad namespace "${ns}"\n`);
    fsyncSync(out);
    finish(2);
    return;
  }
  const argv = ns === 'guest' ? ['/bin/sh', '-c', cmd] : ['ip', 'netns', 'exec', ns, '/bin/sh', '-c', cmd];
  const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  running.set(id, child);
  const chunk = (d: Buffer): void => {
    writeSync(out, d);
    fsyncSync(out);
  };
  child.stdout!.on('data', chunk);
  child.stderr!.on('data', chunk);
  child.on('error', (e) => {
    chunk(Buffer.from(`lab: ${e.message}\n`));
    finish(127);
  });
  child.on('close', (code, signal) => finish(code ?? (signal ? 137 : 1)));
}

/** Serves commands from `${scratch}/ctl` (polled every 200 ms) until the guest halts. */
export function serveControl(scratch: string): void {
  const dir = `${scratch}/ctl`;
  mkdirSync(dir, { recursive: true });
  const running = new Map<string, ChildProcess>();
  setInterval(() => {
    // Listing, not existsSync: a name looked up before the host created it stays negative in
    // the guest's dentry cache, a directory listing always asks the host.
    const names = new Set(readdirSync(dir));
    for (const name of names) {
      if (name.endsWith('.cmd')) run(dir, name.slice(0, -4), running);
    }
    for (const [id, child] of running) {
      if (names.has(`${id}.kill`)) {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          /* gone */
        }
      }
    }
  }, 200);
  writeSynced(`${dir}/ready`, `${process.pid}\n`);
}
