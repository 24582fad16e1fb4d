/**
 * Where kad writes its dump and pid files, decided from the configuration and the command line
 * (pure; dump-files.ts and cli/daemon.ts do the I/O). Measured against keepalived 2.2.7 where it
 * has the feature.
 *
 * Dump files keep keepalived's names in the dump directory ($TMPDIR or /tmp). `state_dump_file`,
 * `stats_dump_file` and `json_dump_file` move the USR1 .data, the USR2 stats and the JSON dump;
 * a location ending in `/` is a directory that gets keepalived's file name. The parent's and
 * the checker's .data files follow the state file: in its directory when it names one, else
 * beside it with `_parent` / `_check` before its extension, as keepalived's log files get
 * `_vrrp`. keepalived 2.2.7 knows none of the three keywords; later releases honour only the
 * state file. kad honours all three.
 *
 * `data_use_instance` puts `.NAMESPACE_INSTANCE` (the names present) before the extension of
 * the .data files, as keepalived 2.2.7 does: /tmp/keepalived.blue_red.data,
 * /tmp/keepalived_parent.red.data; the stats and JSON files keep their names (move them with
 * stats_dump_file / json_dump_file).
 *
 * Pid files: `instance NAME` goes into the names (`kad_NAME.pid`, `kad_vrrp_NAME.pid`) in
 * /run/keepalived/, where `use_pid_dir` alone puts the default names; a network namespace
 * (`net_namespace`, or `-s`, which wins) puts them in /run/keepalived/NAMESPACE/, where
 * keepalived 2.2.7's pid files show from the default mount namespace. A pid file given with
 * -p/-r/-c is kept.
 */
import { join } from 'node:path';
import type { GlobalDefs } from '../config/model.js';
import { beforeExtension } from '../core/file-name.js';

/** The dump files, by who writes them. */
export type DumpFile = 'parentData' | 'vrrpData' | 'checkData' | 'stats' | 'json';

/** keepalived's dump file names. */
const DUMP_FILES: Readonly<Record<DumpFile, string>> = Object.freeze({
  parentData: 'keepalived_parent.data',
  vrrpData: 'keepalived.data',
  checkData: 'keepalived_check.data',
  stats: 'keepalived.stats',
  json: 'keepalived.json',
});

/** What the names depend on: the global_defs (undefined before a configuration is read) and -s. */
export interface NamingInput {
  global?: Pick<GlobalDefs, 'stateDumpFile' | 'statsDumpFile' | 'jsonDumpFile' | 'dataUseInstance' | 'instanceName' | 'netNamespace' | 'usePidDir'>;
  /** `-s/--namespace NAME`: overrides `net_namespace`. */
  namespace?: string;
}

/** The network namespace kad runs for: -s, else net_namespace. */
function netNamespaceOf(n: NamingInput): string | undefined {
  return n.namespace ?? n.global?.netNamespace;
}

/** A configured location: none → the dump directory; a trailing '/' → that directory; else the file itself. */
function located(configured: string | undefined, name: string, tmpDir: string): string {
  if (configured === undefined) return join(tmpDir, name);
  return configured.endsWith('/') ? configured + name : configured;
}

function baseDumpPath(file: DumpFile, g: NamingInput['global'], tmpDir: string): string {
  switch (file) {
    case 'stats':
      return located(g?.statsDumpFile, DUMP_FILES.stats, tmpDir);
    case 'json':
      return located(g?.jsonDumpFile, DUMP_FILES.json, tmpDir);
    case 'vrrpData':
      return located(g?.stateDumpFile, DUMP_FILES.vrrpData, tmpDir);
    default: {
      const state = g?.stateDumpFile;
      if (state !== undefined && !state.endsWith('/')) return beforeExtension(state, file === 'parentData' ? '_parent' : '_check');
      return located(state, DUMP_FILES[file], tmpDir);
    }
  }
}

/** The path of dump `file`; `tmpDir` is the dump directory of the environment (dumpDir()). */
export function dumpFilePath(file: DumpFile, n: NamingInput, tmpDir: string): string {
  const path = baseDumpPath(file, n.global, tmpDir);
  if (n.global?.dataUseInstance !== true || file === 'stats' || file === 'json') return path;
  const tag = [netNamespaceOf(n), n.global.instanceName].filter((x) => x !== undefined && x !== '').join('_');
  return tag === '' ? path : beforeExtension(path, `.${tag}`);
}

/** The three pid files (CliOptions' names). */
export interface PidFiles {
  pid: string;
  vrrpPid: string;
  checkersPid: string;
}

/** Where `use_pid_dir` and `instance` put the pid files; a namespace adds its own directory below. */
export const PID_DIR = '/run/keepalived';

const PID_BASE: Readonly<Record<keyof PidFiles, string>> = { pid: 'kad', vrrpPid: 'kad_vrrp', checkersPid: 'kad_checkers' };

/**
 * The pid files to use: `current` (the -p/-r/-c values or their defaults) where `explicit` names
 * the flag or nothing moves them, else the name in the pid directory. `dirs` lists the
 * directories this rule puts files in, outermost first (the shell creates them, and removes
 * them on exit when empty, like keepalived).
 */
export function pidFilePaths(n: NamingInput, current: PidFiles, explicit: readonly (keyof PidFiles)[]): PidFiles & { dirs: string[] } {
  const ns = netNamespaceOf(n);
  const inst = n.global?.instanceName;
  if (n.global?.usePidDir !== true && ns === undefined && inst === undefined) return { ...current, dirs: [] };
  const dir = ns === undefined ? PID_DIR : join(PID_DIR, ns);
  const out: PidFiles & { dirs: string[] } = { ...current, dirs: [] };
  for (const key of Object.keys(PID_BASE) as (keyof PidFiles)[]) {
    if (explicit.includes(key)) continue;
    out[key] = join(dir, `${PID_BASE[key]}${inst === undefined ? '' : `_${inst}`}.pid`);
    out.dirs = ns === undefined ? [PID_DIR] : [PID_DIR, dir];
  }
  return out;
}
