// What the runner records about the machine and the programs it compared.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus, loadavg, release } from 'node:os';
import type { Machine } from './summary.js';

/**
 * The environment the benchmarks run in: the runner's, less the variables that change how every
 * Node process starts. NODE_EXTRA_CA_CERTS makes Node 20 read and parse that CA bundle before the
 * first line of JavaScript (about 80 ms of CPU a process on the 2-core machine, where a plain
 * start is 30-40 ms); a director's systemd unit does not set it, so the benchmarks run kad
 * without it. Returns the environment and a line for the machine table.
 */
export function benchEnvironment(env: NodeJS.ProcessEnv): { env: NodeJS.ProcessEnv; note: string } {
  const dropped = ['NODE_EXTRA_CA_CERTS', 'NODE_OPTIONS'].filter((k) => env[k] !== undefined);
  const rest = { ...env };
  for (const k of dropped) delete rest[k];
  return { env: rest, note: dropped.length ? `${dropped.join(', ')} removed (as under the systemd unit)` : 'as the runner\'s' };
}

export const loadAverage = (): string => loadavg().map((x) => x.toFixed(2)).join(' ');

function keepalivedVersion(): string {
  const bin = ['/usr/sbin/keepalived', 'keepalived'].find((b) => b === 'keepalived' || existsSync(b))!;
  const r = spawnSync(bin, ['--version'], { encoding: 'utf8' });
  const line = `${r.stderr ?? ''}${r.stdout ?? ''}`.split('\n').find((l) => /keepalived/i.test(l));
  return line ? line.trim().replace(/^Keepalived v/, 'keepalived ') : 'keepalived not found';
}

function kadVersion(root: string): string {
  const version = (JSON.parse(readFileSync(`${root}/package.json`, 'utf8')) as { version: string }).version;
  try {
    const commit = execFileSync('git', ['-C', root, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['-C', root, 'status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8' }).trim() !== '';
    return `${version} (${commit}${dirty ? ', modified' : ''})`;
  } catch {
    return version;
  }
}

export function machine(root: string, mode: Machine['mode'], loadBefore: string, environment: string): Machine {
  const read = (f: string): string => (existsSync(f) ? readFileSync(f, 'utf8').trim() : 'unknown');
  return {
    date: new Date().toISOString().replace(/:\d\d\.\d+Z$/, ' UTC').replace('T', ' '),
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    kernel: release(),
    debian: read('/etc/debian_version'),
    node: process.version,
    keepalived: keepalivedVersion(),
    kad: kadVersion(root),
    loadBefore,
    loadAfter: loadAverage(),
    environment,
    mode,
  };
}
