// Tests that run the kad binary need dist/: build it when missing (npm test builds it first).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** True once dist/ holds the compiled config code. */
export function ensureDist(): boolean {
  if (!existsSync('dist/config/loader.js')) {
    try {
      execFileSync('node_modules/.bin/tsc', ['-p', 'tsconfig.json'], { stdio: 'ignore' });
    } catch {
      // type errors elsewhere still emit JavaScript; the existence check decides
    }
  }
  return existsSync('dist/config/loader.js');
}
