/**
 * The config shell: the only config file that touches the machine. It reads files (with glob
 * includes), answers interface, program and user questions for validation, and deep-freezes the
 * parsed model. Everything else is in the pure pipeline (./parse.ts).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { posix } from 'node:path';
import { formatDiagnostic, type Diagnostic, type ExitCode } from './diagnostics.js';
import type { ConfigEnv } from './env.js';
import type { Config } from './model.js';
import { parseConfig } from './parse.js';
import { deepFreeze } from './freeze.js';
import { tableIn } from './blocks/route-words.js';
import type { ConfigIo, ReadResult } from './preprocess.js';
import { SCRIPT_PATH } from '../script/env.js';
import { SYSTEM_FS } from '../script/fs.js';
import { netnsLinks } from '../net/netns.js';

export type { Diagnostic } from './diagnostics.js';
export { formatDiagnostic };

export interface LoadOptions {
  /** `-i`: config id for `@ID` lines (default: short host name). */
  configId?: string;
  /** `-e`: a missing include is fatal. */
  allConfig?: boolean;
  /** Interface existence; default: /sys/class/net (down interfaces count as existing). */
  interfaceExists?: (name: string) => boolean;
  /** Deep-freeze the model (default true); `kad -t` skips it, it only reads the result. */
  freeze?: boolean;
  /** `-s NAME`: the network namespace, whatever `net_namespace` says. */
  netNamespace?: string;
}

export interface LoadResult {
  /**
   * The model, also when there are class-5/6 errors (keepalived runs such a config, with the
   * faulty parts dropped or defaulted); undefined when the file cannot be read (exit 4) or
   * keepalived would stop reading it (exit 2).
   */
  config?: Config;
  diagnostics: Diagnostic[];
  exitCode: ExitCode;
}

/** Files larger than this are refused: 30 times the 20,000-real-server benchmark config. */
export const MAX_FILE_BYTES = 32 * 1024 * 1024;

function readFile(path: string): ReadResult {
  try {
    const st = statSync(path);
    if (st.isDirectory()) return { ok: false, reason: 'directory', detail: `${path} is a directory` };
    if (st.size > MAX_FILE_BYTES) return { ok: false, reason: 'too-large', detail: `${path} is ${st.size} bytes (limit ${MAX_FILE_BYTES})` };
    return { ok: true, text: readFileSync(path).toString('utf8') };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'EIO';
    return { ok: false, reason: code === 'ENOENT' ? 'missing' : 'unreadable', detail: `${path}: ${code}` };
  }
}

/** Glob with `*`, `?`, `[...]` and `{a,b}` per path segment; results sorted. */
export function globFiles(pattern: string): string[] {
  const expanded = expandBraces(pattern);
  const out = new Set<string>();
  for (const p of expanded) for (const f of globOne(p)) out.add(f);
  return [...out].sort();
}

function expandBraces(p: string): string[] {
  const m = /\{([^{}]*)\}/.exec(p);
  if (!m) return [p];
  return m[1]!.split(',').flatMap((alt) => expandBraces(p.slice(0, m.index) + alt + p.slice(m.index + m[0].length)));
}

function segmentRe(seg: string): RegExp {
  const build = (brackets: boolean): RegExp => {
    let re = '';
    for (const c of seg) {
      re += c === '*' ? '[^/]*' : c === '?' ? '[^/]' : brackets && (c === '[' || c === ']') ? c : c.replace(/[.+^$()|\\[\]]/g, '\\$&');
    }
    return new RegExp(`^${re}$`);
  };
  try {
    return build(true);
  } catch {
    // Not a valid bracket expression ("[z-a]", an unclosed "["): glob(3) takes it as literal text.
    return build(false);
  }
}

function globOne(pattern: string): string[] {
  if (!/[*?[]/.test(pattern)) return existsSync(pattern) ? [pattern] : [];
  let paths = ['/'];
  for (const seg of pattern.split('/').filter(Boolean)) {
    const next: string[] = [];
    for (const dir of paths) {
      if (!/[*?[]/.test(seg)) {
        const p = posix.join(dir, seg);
        if (existsSync(p)) next.push(p);
        continue;
      }
      let names: string[] = [];
      try {
        names = readdirSync(dir);
      } catch {
        continue;
      }
      const re = segmentRe(seg);
      for (const n of names) if (re.test(n) && !n.startsWith('.')) next.push(posix.join(dir, n));
    }
    paths = next;
  }
  return paths.filter((p) => {
    try {
      return statSync(p).isFile();
    } catch {
      return false;
    }
  });
}

/** The real file system, for the pure pipeline. */
export const FILE_IO: ConfigIo = { readFile, glob: globFiles };

function findProgram(argv0: string): string | undefined {
  const candidates = argv0.includes('/') ? [argv0] : SCRIPT_PATH.map((d) => posix.join(d, argv0));
  for (const c of candidates) {
    try {
      if (statSync(c).isFile()) {
        accessSync(c, constants.X_OK);
        return c;
      }
    } catch {
      // not this one
    }
  }
  return undefined;
}

/**
 * True if the user database (NSS, as getpwnam) knows `name`. getent rather than the koffi seam
 * of the daemons (src/script/passwd.ts) keeps FFI out of `kad -t`, which asks at most once.
 */
function userExists(name: string): boolean {
  return spawnSync('getent', ['passwd', name], { stdio: 'ignore' }).status === 0;
}

/** The machine's answers for validation. */
export function systemEnv(interfaceExists?: (name: string) => boolean): ConfigEnv {
  return {
    hostname: hostname().split('.')[0] ?? 'localhost',
    interfaceExists: interfaceExists ?? ((n) => /^[^/]+$/.test(n) && n !== '.' && n !== '..' && existsSync(`/sys/class/net/${n}`)),
    interfaceMtu,
    interfaceIsLoopback,
    findProgram,
    userExists,
    scriptFs: SYSTEM_FS,
    resolveHost,
    routeTable: routeTables(),
    netNamespace: namespaceLinks,
  };
}

/** Interface answers from inside a network namespace (see ConfigEnv.netNamespace). */
function namespaceLinks(name: string): Pick<ConfigEnv, 'interfaceExists' | 'interfaceMtu'> | undefined {
  const links = netnsLinks(name);
  if (!links) return undefined;
  const mtus = new Map(links.map((l) => [l.name, l.mtu]));
  return {
    interfaceExists: (n) => mtus.has(n),
    interfaceMtu: (n) => {
      const mtu = mtus.get(n);
      return mtu !== undefined && Number.isInteger(mtu) && mtu > 0 ? mtu : undefined;
    },
  };
}

/** Where iproute2 keeps table names (the /etc files win over the /usr/share ones). */
const RT_TABLES_DIRS = ['/etc/iproute2', '/usr/share/iproute2'];

/** The text of rt_tables and rt_tables.d/*.conf, in the order iproute2 reads them. */
function rtTablesTexts(): string[] {
  const out: string[] = [];
  for (const dir of RT_TABLES_DIRS) {
    let extra: string[] = [];
    try {
      extra = readdirSync(`${dir}/rt_tables.d`).filter((f) => f.endsWith('.conf')).sort().map((f) => `${dir}/rt_tables.d/${f}`);
    } catch {
      // no such directory
    }
    for (const file of [`${dir}/rt_tables`, ...extra]) {
      try {
        out.push(readFileSync(file, 'utf8'));
      } catch {
        // no such file
      }
    }
  }
  return out;
}

/** A table's number by name; the files are read once per configuration read (`kad -t`, reload). */
function routeTables(): (name: string) => number | undefined {
  let texts: string[] | undefined;
  return (name) => {
    texts ??= rtTablesTexts();
    for (const t of texts) {
      const n = tableIn(t, name);
      if (n !== undefined) return n;
    }
    return undefined;
  };
}

/** The first address of `getent ahosts NAME` (NSS, as getaddrinfo); undefined when none. */
function resolveHost(name: string): string | undefined {
  try {
    const out = execFileSync('getent', ['ahosts', name], { encoding: 'utf8', timeout: 5000, stdio: ['ignore', 'pipe', 'ignore'] });
    return out.split('\n')[0]?.split(/\s+/)[0] || undefined;
  } catch {
    return undefined;
  }
}

/** A number from /sys/class/net/NAME/ATTR (decimal or 0x hex); undefined when the name is odd or the file unreadable. */
function linkAttr(name: string, attr: string): number | undefined {
  if (!/^[^/]+$/.test(name) || name === '.' || name === '..') return undefined;
  try {
    const v = Number(readFileSync(`/sys/class/net/${name}/${attr}`, 'utf8').trim());
    return Number.isInteger(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/** An interface's MTU from sysfs. */
function interfaceMtu(name: string): number | undefined {
  const mtu = linkAttr(name, 'mtu');
  return mtu !== undefined && mtu > 0 ? mtu : undefined;
}

/** IFF_LOOPBACK (linux/if.h) in the link's flags. */
const IFF_LOOPBACK = 0x8;

function interfaceIsLoopback(name: string): boolean {
  return ((linkAttr(name, 'flags') ?? 0) & IFF_LOOPBACK) !== 0;
}

/** Reads, parses and validates a configuration file. Never throws on bad input. */
export function loadConfig(file: string, opts: LoadOptions = {}): LoadResult {
  const abs = posix.resolve(file);
  const r = parseConfig(abs, FILE_IO, systemEnv(opts.interfaceExists), {
    ...(opts.configId !== undefined ? { configId: opts.configId } : {}),
    allConfig: opts.allConfig ?? false,
    ...(opts.netNamespace !== undefined ? { netNamespace: opts.netNamespace } : {}),
  });
  const result: LoadResult = { diagnostics: r.diagnostics, exitCode: r.exitCode };
  if (r.config) result.config = opts.freeze === false ? r.config : deepFreeze(r.config);
  return result;
}
