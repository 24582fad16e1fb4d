// What the runner records about the machine and the programs it compared.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus, loadavg, release } from 'node:os';
import type { Machine } from './summary.js';

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

export function machine(root: string, mode: Machine['mode'], loadBefore: string): Machine {
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
    mode,
  };
}
