// The error catalogue cannot drift: every KAD_ERR_/KAD_WARN_ code written in src/ appears in
// docs/errors.md, and every code the document lists is still raised somewhere in src/.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const CODE = /\bKAD_(?:ERR|WARN)_[A-Z0-9_]+\b/g;

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sourceFiles(p));
    else if (p.endsWith('.ts') || p.endsWith('.c') || p.endsWith('.h')) out.push(p);
  }
  return out;
}

function codesIn(text: string): Set<string> {
  return new Set(text.match(CODE) ?? []);
}

describe('docs/errors.md', () => {
  const inSource = new Set<string>();
  for (const f of [...sourceFiles('src'), ...sourceFiles('native')]) {
    for (const c of codesIn(readFileSync(f, 'utf8'))) inSource.add(c);
  }
  const inDoc = codesIn(readFileSync('docs/errors.md', 'utf8'));

  it('lists every code the source raises', () => {
    expect([...inSource].filter((c) => !inDoc.has(c)).sort()).toEqual([]);
  });

  it('lists no code the source no longer raises', () => {
    expect([...inDoc].filter((c) => !inSource.has(c)).sort()).toEqual([]);
  });
});
