// Rewrites the generated keyword section of docs/configuration.md from
// src/config/keyword-support.ts. Run: npm run docs (npx tsx scripts/gen-config-doc.ts).
import { readFileSync, writeFileSync } from 'node:fs';
import { withKeywordSection } from '../src/config/keyword-doc.js';

const path = new URL('../docs/configuration.md', import.meta.url);
const doc = readFileSync(path, 'utf8');
const next = withKeywordSection(doc);
if (next === undefined) {
  process.stderr.write('docs/configuration.md has no keyword-support markers\n');
  process.exit(1);
}
if (next !== doc) writeFileSync(path, next);
process.stdout.write(next === doc ? 'docs/configuration.md is up to date\n' : 'docs/configuration.md updated\n');
