#!/usr/bin/env node
// Launcher: runs the compiled CLI. `npm ci` builds dist/ through the prepare script.
import('../dist/cli/main.js').catch((err) => {
  process.stderr.write(`kad: cannot start: ${err && err.message ? err.message : err}\n` +
    'kad: run `npm run build` (dist/ is missing or stale)\n');
  process.exit(1);
});
