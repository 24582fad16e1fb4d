// Layering: every import runs down the stack, never back up. The CLI sits on top; the children
// (vrrp, check) use the process infrastructure (supervisor: IPC, child entry, dump files) and
// the seams (net, ipvs); the configuration model, the script runner and the core are at the
// bottom.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const MAY_IMPORT: Readonly<Record<string, readonly string[]>> = {
  core: [],
  net: ['core'],
  script: ['core', 'net'],
  config: ['core', 'net', 'script'],
  ipvs: ['core', 'config', 'net'],
  status: ['core', 'config'],
  supervisor: ['core', 'config', 'net', 'script', 'status'],
  vrrp: ['core', 'config', 'net', 'script', 'supervisor', 'status'],
  check: ['core', 'config', 'net', 'ipvs', 'script', 'supervisor', 'status'],
  cli: ['core', 'config', 'net', 'ipvs', 'script', 'supervisor', 'vrrp', 'check', 'status'],
};

function files(p: string): string[] {
  return statSync(p).isDirectory() ? readdirSync(p).flatMap((n) => files(join(p, n))) : p.endsWith('.ts') ? [p] : [];
}

const IMPORT = /^(?:import|export)\s[^'"]*from\s+['"](\.[^'"]+)\.js['"]/gm;
const layerOf = (file: string): string => relative('src', file).split('/')[0] ?? '';

describe('layers', () => {
  const all = files('src');

  it('knows every folder of src/', () => {
    expect(all.length).toBeGreaterThan(100);
    for (const f of all) expect(Object.keys(MAY_IMPORT), f).toContain(layerOf(f));
  });

  it('has no import that runs back up', () => {
    const wrong: string[] = [];
    for (const f of all) {
      const from = layerOf(f);
      for (const m of readFileSync(f, 'utf8').matchAll(IMPORT)) {
        const to = layerOf(join(dirname(f), m[1]!));
        if (to !== from && !MAY_IMPORT[from]!.includes(to)) wrong.push(`${f} -> ${m[1]} (${from} -> ${to})`);
      }
    }
    expect(wrong).toEqual([]);
  });
});
