// Pure core, thin shell: the protocol, config and diff modules import no I/O. This scan fails
// when one of them reaches for sockets, files, processes or FFI.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Files and folders that must stay pure. Shell files in the same folders are listed in SHELL. */
const PURE = [
  'src/core/clock.ts',
  'src/core/rate-limit.ts',
  'src/config',
  'src/vrrp',
  'src/ipvs/reconcile.ts',
  'src/ipvs/model.ts',
];
/** Files inside PURE folders that are allowed to do I/O (entry points and seams). */
const SHELL = new Set([
  'src/config/loader.ts',
  'src/vrrp/daemon.ts',
  'src/vrrp/notify.ts',
  'src/vrrp/runtime.ts',
  'src/vrrp/track',
]);
const FORBIDDEN = /from\s+['"](node:)?(net|dgram|child_process|fs|fs\/promises|os|raw-socket|netlink|koffi)['"]/;

function files(p: string): string[] {
  if (!existsSync(p)) return [];
  if (!statSync(p).isDirectory()) return [p];
  return readdirSync(p).flatMap((n) => files(join(p, n)));
}

describe('pure modules', () => {
  const all = PURE.flatMap(files).filter(
    (f) => f.endsWith('.ts') && ![...SHELL].some((s) => f === s || f.startsWith(s + '/')),
  );

  it('exist (the scan is not vacuous)', () => {
    expect(all.length).toBeGreaterThan(0);
  });

  it('import no I/O module', () => {
    const offenders = all.filter((f) => FORBIDDEN.test(readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
  });
});
