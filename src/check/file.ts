/**
 * FILE_CHECK: the server's weight comes from a number in a tracked file (track_file NAME). With
 * weight 0 a non-zero value means down; otherwise value × weight (negated with `reverse`) is
 * added to the configured weight, and a negative result means down. An unreadable or
 * non-numeric file reads as 0, as keepalived's track_file does.
 */
import { readFile } from 'node:fs/promises';
import type { FileChecker } from '../config/model.js';
import type { CheckEnv, CheckResult, CheckTarget } from './types.js';

/** IPVS weight limit (include/uapi/linux/ip_vs.h has none; keepalived caps at 65535). */
const MAX_WEIGHT = 65535;

/** Pure: the verdict for file value `value`. */
export function fileVerdict(checker: FileChecker, baseWeight: number, value: number): CheckResult {
  if (checker.weight === 0) {
    return value === 0 ? { ok: true } : { ok: false, reason: 'exit', detail: `file value ${value}` };
  }
  const delta = value * checker.weight * (checker.weightReverse ? -1 : 1);
  const w = baseWeight + delta;
  if (w < 0) return { ok: false, reason: 'exit', detail: `weight ${w}` };
  return { ok: true, weight: Math.min(w, MAX_WEIGHT) };
}

export async function readTrackValue(path: string): Promise<number> {
  try {
    const n = parseInt((await readFile(path, 'utf8')).trim(), 10);
    return Number.isFinite(n) ? n : 0;
  } catch {
    return 0;
  }
}

export async function runFileCheck(checker: FileChecker, target: CheckTarget, env: CheckEnv): Promise<CheckResult> {
  const tf = env.config.trackFiles.find((t) => t.name === checker.trackFile);
  const path = tf?.file ?? checker.trackFile;
  return fileVerdict(checker, target.rs.weight, await readTrackValue(path));
}
