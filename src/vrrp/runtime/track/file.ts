/**
 * track_file: the value of a tracked object is the integer written in a file, re-read whenever
 * inotify (fs.watch on the file's directory, so replacing the file by rename works) reports a
 * change. A missing or non-numeric file reads as 0. `init_file` creates the file with its initial
 * value at start (and overwrites an existing one with `overwrite`).
 */
import { existsSync, readFileSync, watch, writeFileSync, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { TrackFile } from '../../../config/model.js';
import type { Logger } from '../../../core/log.js';

/** Parse a tracked file's content: leading integer, else 0. */
export function parseTrackValue(text: string): number {
  const m = /^\s*([+-]?\d+)/.exec(text);
  return m?.[1] === undefined ? 0 : Number(m[1]);
}

export class FileTracker {
  private current = 0;
  private watcher: FSWatcher | undefined;
  private readonly listeners: ((value: number) => void)[] = [];

  constructor(
    readonly spec: TrackFile,
    private readonly log: Logger,
  ) {}

  get value(): number {
    return this.current;
  }

  onChange(fn: (value: number) => void): void {
    this.listeners.push(fn);
  }

  start(): void {
    const init = this.spec.initFile;
    if (init && (init.overwrite || !existsSync(this.spec.file))) {
      try {
        writeFileSync(this.spec.file, `${init.value}\n`);
      } catch (err) {
        this.log.warn({ file: this.spec.file, err: String(err) }, 'track_file: cannot write init_file');
      }
    }
    this.current = this.read();
    try {
      const name = basename(this.spec.file);
      this.watcher = watch(dirname(this.spec.file), (_event, changed) => {
        if (changed === null || changed === name) this.refresh();
      });
      this.watcher.on('error', () => undefined);
    } catch (err) {
      this.log.warn({ file: this.spec.file, err: String(err) }, 'track_file: cannot watch directory');
    }
  }

  stop(): void {
    this.watcher?.close();
    this.watcher = undefined;
  }

  /** Re-read the file and notify on a change of value. */
  refresh(): void {
    const v = this.read();
    if (v === this.current) return;
    this.current = v;
    this.log.info({ trackFile: this.spec.name, value: v }, `Tracked file ${this.spec.name} now has value ${v}`);
    for (const fn of this.listeners) fn(v);
  }

  private read(): number {
    try {
      return parseTrackValue(readFileSync(this.spec.file, 'utf8'));
    } catch {
      return 0;
    }
  }
}
