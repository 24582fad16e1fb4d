// Tests that run compiled code (bin/kad.js, forked children, the guest in user-mode Linux) need
// dist/, native/ipvs and native/runas built. `npm test` builds both first; this is the fallback for running one
// test file alone: build when dist/ is missing or older than any file under src/.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');
const MARKER = join(ROOT, 'dist/cli/main.js');

function newestMtimeMs(dir: string): number {
  let best = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    best = Math.max(best, st.isDirectory() ? newestMtimeMs(p) : st.mtimeMs);
  }
  return best;
}

/** Build native/ipvs (make is incremental) and dist/ when stale; throws if dist/ is still missing. */
export function ensureBuilt(): void {
  spawnSync('make', ['-s', '-C', join(ROOT, 'native/ipvs')], { stdio: 'ignore' });
  spawnSync('make', ['-s', '-C', join(ROOT, 'native/runas')], { stdio: 'ignore' });
  if (existsSync(MARKER) && statSync(MARKER).mtimeMs >= newestMtimeMs(join(ROOT, 'src'))) return;
  // Type errors elsewhere still emit JavaScript; the existence check decides.
  spawnSync(join(ROOT, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.json'], { cwd: ROOT, stdio: 'ignore' });
  if (!existsSync(MARKER)) throw new Error('build did not produce dist/cli/main.js');
}
