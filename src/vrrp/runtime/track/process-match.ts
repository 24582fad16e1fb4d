/**
 * Whether one process matches a vrrp_track_process (pure). keepalived.conf(5): an exact match,
 * never a pattern ('ssh' does not match sshd). Without `full_command` the process name (comm,
 * /proc/PID/stat) is compared; with it argv[0] of /proc/PID/cmdline, then the arguments as
 * `param_match` says:
 *   exact    the arguments are exactly the configured ones (none if none are configured);
 *   partial  the first N arguments are the N configured ones, more may follow;
 *   initial  as partial, but the last configured one need only begin the argument in its place.
 */
import type { TrackProcess } from '../../../config/model.js';

/** What is known of a process: its name and, when it was read, its argv. */
export interface ProcInfo {
  comm?: string;
  argv?: readonly string[];
}

function argsMatch(spec: TrackProcess, args: readonly string[]): boolean {
  const want = spec.args;
  switch (spec.paramMatch) {
    case 'none':
      return true;
    case 'exact':
      return args.length === want.length && want.every((w, i) => args[i] === w);
    case 'partial':
      return args.length >= want.length && want.every((w, i) => args[i] === w);
    case 'initial': {
      if (want.length === 0) return true;
      if (args.length < want.length) return false;
      const last = want.length - 1;
      return want.every((w, i) => (i < last ? args[i] === w : args[i]!.startsWith(w)));
    }
  }
}

/**
 * Whether `info` matches `spec`; undefined when `info` lacks what the spec compares (the name
 * for a name match, argv for a command-line match).
 */
export function processMatches(spec: TrackProcess, info: ProcInfo): boolean | undefined {
  if (!spec.fullCommand) return info.comm === undefined ? undefined : info.comm === spec.process;
  if (info.argv === undefined) return undefined;
  const [cmd, ...args] = info.argv;
  return cmd === spec.process && argsMatch(spec, args);
}

/** Which parts of a process the specs compare (so /proc/PID/cmdline is read only when needed). */
export function neededInfo(specs: readonly TrackProcess[]): { comm: boolean; argv: boolean } {
  return { comm: specs.some((s) => !s.fullCommand), argv: specs.some((s) => s.fullCommand) };
}
