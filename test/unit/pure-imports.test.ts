// Pure core, thin shell: the protocol, config and diff modules import no I/O. This scan fails
// when one of them reaches for sockets, files, processes or FFI.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Files and folders that must stay pure. Shell files in the same folders are listed in SHELL. */
const PURE = [
  'src/core/addr.ts',
  'src/core/clock.ts',
  'src/core/file-name.ts',
  'src/core/inet-checksum.ts',
  'src/core/ipv4-header.ts',
  'src/core/rate-limit.ts',
  'src/config',
  // The whole VRRP protocol folder, without exception; the runtime adapters are its shell.
  'src/vrrp/protocol',
  'src/vrrp/firewall',
  'src/vrrp/dump',
  'src/vrrp/runtime/track/effect.ts',
  'src/vrrp/runtime/reload-plan.ts',
  'src/vrrp/runtime/route-plan.ts',
  'src/vrrp/runtime/vmac-plan.ts',
  'src/vrrp/runtime/startup-plan.ts',
  'src/vrrp/runtime/link-debounce.ts',
  'src/ipvs/reconcile.ts',
  'src/ipvs/model.ts',
  'src/ipvs/desired.ts',
  'src/ipvs/addr.ts',
  'src/ipvs/convert.ts',
  'src/ipvs/execute.ts',
  'src/ipvs/sync-daemon.ts',
  'src/check/dns-packet.ts',
  'src/check/icmp-packet.ts',
  'src/check/http-response.ts',
  'src/check/hexdump.ts',
  'src/check/quorum.ts',
  'src/check/status.ts',
  'src/status',
  'src/check/timer-wheel.ts',
  'src/supervisor/plan.ts',
  'src/supervisor/file-names.ts',
  'src/supervisor/backoff.ts',
  'src/supervisor/reload.ts',
  'src/script/types.ts',
  'src/script/identity.ts',
  'src/script/security.ts',
  'src/script/env.ts',
];
/** Files inside PURE folders that are allowed to do I/O (entry points and seams). */
const SHELL = new Set([
  'src/config/loader.ts',
]);
const FORBIDDEN = /from\s+['"](node:)?(net|dgram|child_process|fs|fs\/promises|os|raw-socket|netlink|koffi)['"]/;

function files(p: string): string[] {
  if (!existsSync(p)) return [];
  if (!statSync(p).isDirectory()) return [p];
  return readdirSync(p).flatMap((n) => files(join(p, n)));
}

/** Relative value imports of a file (type-only imports carry no code). */
const RELATIVE = /^import\s+(?!type\b)[^'"]*from\s+['"](\.[^'"]+)\.js['"]/gm;

/** The file and every project file it imports, transitively. */
function reach(file: string, seen = new Set<string>()): string[] {
  if (seen.has(file)) return [];
  seen.add(file);
  for (const m of readFileSync(file, 'utf8').matchAll(RELATIVE)) {
    const next = join(dirname(file), `${m[1]}.ts`);
    if (existsSync(next)) reach(next, seen);
  }
  return [...seen];
}

describe('pure modules', () => {
  const all = PURE.flatMap(files).filter(
    (f) => f.endsWith('.ts') && ![...SHELL].some((s) => f === s || f.startsWith(s + '/')),
  );

  it('exist (the scan is not vacuous)', () => {
    expect(all.length).toBeGreaterThan(0);
    expect(all.filter((f) => f.startsWith('src/vrrp/protocol/')).length).toBe(files('src/vrrp/protocol').length);
  });

  it('import no I/O module, directly or through the modules they import', () => {
    const offenders = all.flatMap((f) => reach(f).filter((g) => FORBIDDEN.test(readFileSync(g, 'utf8'))).map((g) => `${f} -> ${g}`));
    expect(offenders).toEqual([]);
  });
});
