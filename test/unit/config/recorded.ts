// The keepalived -t exit codes recorded by test/fixtures/config/record-keepalived-exit.sh.
import { readFileSync } from 'node:fs';

export interface RecordedCase {
  file: string;
  flags: string;
  exit: number;
}

export interface Recorded {
  interfaces: string[];
  cases: RecordedCase[];
}

export function readRecorded(): Recorded {
  return JSON.parse(readFileSync('test/fixtures/config/keepalived-exit.json', 'utf8')) as Recorded;
}

/** `-e` and `-i ID` as load options. */
export function flagsToOptions(flags: string): { allConfig: boolean; configId?: string } {
  const words = flags.split(/\s+/).filter(Boolean);
  const i = words.indexOf('-i');
  return { allConfig: words.includes('-e'), ...(i >= 0 ? { configId: words[i + 1]! } : {}) };
}
