// BIRD 2 (Debian package bird2) as a real BGP daemon inside a test namespace: start it on a
// config, ask it through its own control socket, stop it. Every file lives in the caller's
// directory, so several BIRDs (one per namespace) never share a socket or pid file.
import { execFileSync, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { netnsUnavailableReason, run, type Netns } from './netns.js';

/** Why BGP tests cannot run here, or undefined when they can. */
export function birdUnavailableReason(): string | undefined {
  const ns = netnsUnavailableReason();
  if (ns) return ns;
  try {
    run('bird', ['--version']);
  } catch {
    return 'bird (package bird2) is not installed';
  }
  return undefined;
}

export class Bird {
  private out = '';

  private constructor(
    readonly ns: Netns,
    readonly proc: ChildProcess,
    readonly socket: string,
  ) {
    proc.stderr?.on('data', (d: Buffer) => (this.out += d.toString()));
    proc.stdout?.on('data', (d: Buffer) => (this.out += d.toString()));
  }

  /** Writes `conf` to DIR/NAME.conf, checks it (`bird -p`), runs bird in the foreground inside `ns`. */
  static start(ns: Netns, dir: string, name: string, conf: string): Bird {
    const file = join(dir, `${name}.conf`);
    writeFileSync(file, conf);
    run('bird', ['-p', '-c', file]);
    const socket = join(dir, `${name}.ctl`);
    const proc = ns.spawn('bird', ['-f', '-c', file, '-s', socket, '-P', join(dir, `${name}.pid`)]);
    return new Bird(ns, proc, socket);
  }

  /** One birdc command (`show protocols`), its text answer. */
  ask(command: string): string {
    return execFileSync('birdc', ['-s', this.socket, ...command.split(' ')], { encoding: 'utf8', timeout: 5000 });
  }

  /** Whether the BGP protocol `name` is Established. */
  established(name: string): boolean {
    try {
      return /Established/.test(this.ask(`show protocols ${name}`));
    } catch {
      return false; // control socket not up yet
    }
  }

  get output(): string {
    return this.out;
  }

  kill(): void {
    this.proc.kill('SIGKILL');
  }
}
