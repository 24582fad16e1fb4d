// /proc/PID/stat read the safe way: the command name (field 2) may hold spaces and parentheses,
// so the fields are what follows its last ')'.
import { readFileSync } from 'node:fs';

/** Fields 3.. of /proc/PID/stat (or /proc/PID/task/TID/stat): index 0 is field 3, the state. */
export function procStat(pid: number | 'self', tid?: number): string[] {
  const s = readFileSync(tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`, 'utf8');
  return s.slice(s.lastIndexOf(')') + 2).split(' ');
}

/** Field `n` (1-based, as proc(5) numbers them, n >= 3) of /proc/PID/stat as a number. */
export function procStatField(pid: number, n: number, tid?: number): number {
  return Number(procStat(pid, tid)[n - 3]);
}
