// An in-memory file system for the pure config pipeline: files by absolute path, `*` globs.
import type { ConfigIo, ReadResult } from '../../../src/config/preprocess.js';
import type { ConfigEnv } from '../../../src/config/env.js';
import { parseConfig, type ParseOptions, type ParseResult } from '../../../src/config/parse.js';

export function memIo(files: Record<string, string | { error: 'unreadable' | 'directory' }>): ConfigIo {
  return {
    readFile(path: string): ReadResult {
      const f = files[path];
      if (f === undefined) return { ok: false, reason: 'missing', detail: `${path}: ENOENT` };
      if (typeof f !== 'string') return { ok: false, reason: f.error, detail: `${path}: ${f.error}` };
      return { ok: true, text: f };
    },
    glob(pattern: string): string[] {
      const glob = (p: string): RegExp => new RegExp('^' + p.replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]') + '$');
      const escaped = pattern.replace(/[.+^$()|\\]/g, '\\$&');
      let re: RegExp;
      try {
        re = glob(escaped);
      } catch {
        re = glob(escaped.replace(/[[\]]/g, '\\$&'));
      }
      return Object.keys(files).filter((p) => re.test(p)).sort();
    },
  };
}

export const TEST_ENV: ConfigEnv = {
  hostname: 'node1',
  interfaceExists: (n) => ['eth0', 'eth1', 'eth2', 'lo'].includes(n),
  findProgram: (p) => (['/bin/true', '/usr/bin/true'].includes(p) ? p : undefined),
  userExists: () => false,
};

/** Parses `text` as /etc/kad/main.conf (plus other files) with the test environment. */
export function parseText(text: string, others: Record<string, string> = {}, opts: ParseOptions = {}, env: ConfigEnv = TEST_ENV): ParseResult {
  return parseConfig('/etc/kad/main.conf', memIo({ '/etc/kad/main.conf': text, ...others }), env, opts);
}

export function codes(r: ParseResult): string[] {
  return r.diagnostics.map((d) => d.code);
}

export const VRRP = `vrrp_instance VI_1 {
    state BACKUP
    interface eth0
    virtual_router_id 51
    priority 100
    advert_int 1
    virtual_ipaddress {
        10.0.0.100/24
    }
}
`;
