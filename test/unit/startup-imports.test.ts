// Start-up cost: what a process loads before it runs is its static import graph. `kad -t` must
// not load the daemon, logging or FFI code; a child must not load the config parser (its parent
// sends the validated model) nor nodemailer (loaded with the first alert mail). Numbers in
// docs/benchmarks.md ("Config test", "VRRP failover and steady-state cost").
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Relative and package value imports (type-only imports and dynamic import() carry no code at start). */
const STATIC = /^(?:import|export)\s+(?!type\b)[^'"]*from\s+['"]([^'"]+)['"]/gm;

/** Every project file and package a file loads at start, transitively. */
function graph(entry: string): { files: string[]; packages: string[] } {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const m of readFileSync(file, 'utf8').matchAll(STATIC)) {
      const spec = m[1]!;
      if (!spec.startsWith('.')) {
        if (!spec.startsWith('node:')) packages.add(spec);
        continue;
      }
      const next = join(dirname(file), spec.replace(/\.js$/, '.ts'));
      if (existsSync(next)) visit(next);
    }
  };
  visit(entry);
  return { files: [...seen], packages: [...packages].sort() };
}

describe('start-up import graph', () => {
  it('kad -t loads commander and the config code only', () => {
    const cli = graph('src/cli/main.ts');
    const test = graph('src/cli/config-test.ts');
    const loader = graph('src/config/loader.ts');
    expect(cli.files).toContain('src/cli/options.ts');
    expect(loader.files).toContain('src/config/parse.ts');
    expect([...cli.packages, ...test.packages, ...loader.packages].sort()).toEqual(['commander']);
    const all = [...cli.files, ...test.files, ...loader.files];
    // src/net/netns.ts (looking into a net_namespace for interfaces) uses Node built-ins only.
    const heavy = (f: string): boolean => (/^src\/(supervisor|vrrp|check|ipvs|net|status)\//.test(f) && f !== 'src/net/netns.ts') || f === 'src/core/log.ts';
    expect(all.filter(heavy)).toEqual([]);
  });

  for (const entry of ['src/vrrp/daemon.ts', 'src/check/daemon.ts']) {
    it(`${entry} loads neither the config parser nor nodemailer`, () => {
      const g = graph(entry);
      expect(g.files).toContain('src/supervisor/child-entry.ts');
      expect(g.files).toContain('src/supervisor/mailer.ts');
      expect(g.packages).toContain('pino');
      expect(g.packages).not.toContain('nodemailer');
      expect(g.files.filter((f) => ['src/config/loader.ts', 'src/config/parse.ts', 'src/config/preprocess.ts'].includes(f))).toEqual([]);
    });
  }
});
