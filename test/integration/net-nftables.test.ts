// The nftables seam for real, inside a network namespace: libnftables through koffi and the
// `nft -f -` fallback each run a batch, print a listing, and return nft's error text (never
// throw) for a batch the kernel refuses. The compiled seam runs in a node process started in
// the namespace, so the host's ruleset is never touched.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../helpers/lab.js';
import { cleanupAll, createNetns, type Netns } from '../helpers/netns.js';
import { nftUnavailableReason } from '../helpers/nft.js';
import { requirement } from '../helpers/requirement.js';

const why = requirement('net-nftables', nftUnavailableReason());

const SEAM = join(fileURLToPath(new URL('../..', import.meta.url)), 'dist/net/nftables.js');

/** Run `scripts` through one seam implementation inside `ns`; the results as JSON. */
function runSeam(ns: Netns, impl: 'openLibNftables' | 'nftCommand', scripts: string[]): { via: string; results: { ok: boolean; output?: string; error?: string }[] } {
  const code = `const m = await import(${JSON.stringify(SEAM)}); const p = m.${impl}();` +
    `const scripts = JSON.parse(process.argv[1]); console.log(JSON.stringify({ via: p.via, results: scripts.map((s) => p.run(s)) }));`;
  return JSON.parse(ns.exec(process.execPath, ['--input-type=module', '-e', code, JSON.stringify(scripts)])) as ReturnType<typeof runSeam>;
}

describe.skipIf(why !== undefined)('nftables seam', () => {
  let ns: Netns;
  beforeAll(() => {
    ensureBuilt();
    ns = createNetns('knf');
  });
  afterAll(() => cleanupAll());

  for (const impl of ['openLibNftables', 'nftCommand'] as const) {
    it(`${impl}: runs a batch, lists, reports a refused batch, removes`, () => {
      const r = runSeam(ns, impl, [
        'add table ip kadseam\nadd set ip kadseam vips { type ipv4_addr; }\nadd element ip kadseam vips { 10.9.0.1 }\n',
        'list table ip kadseam\n',
        'delete element ip kadseam vips { 10.9.0.2 }\n',
        'add table ip kadseam\ndelete table ip kadseam\n',
      ]);
      expect(r.via).toBe(impl === 'nftCommand' ? 'nft' : 'libnftables');
      expect(r.results.map((x) => x.ok)).toEqual([true, true, false, true]);
      expect(r.results[1]?.output).toMatch(/set vips \{[\s\S]*elements = \{ 10\.9\.0\.1 \}/);
      expect(r.results[2]?.error).toMatch(/Error: .*No such file or directory/);
      expect(ns.exec('nft', ['list', 'ruleset'])).toBe('');
    });
  }
});
