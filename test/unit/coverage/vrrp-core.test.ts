// Coverage of the pure VRRP core (src/vrrp/protocol: codec, checksums, auth, timers, FSM,
// instance, sync groups) by its own unit tests: reported, and held at >= 95% of lines.
// Runs the VRRP unit tests once more under V8 coverage in a separate vitest process.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const PURE_VRRP = [
  // Every module of the protocol folder.
  ...readdirSync('src/vrrp/protocol').filter((f) => f.endsWith('.ts')).map((f) => `src/vrrp/protocol/${f}`),
  // The shared codecs the VRRP codec is built on.
  'src/core/inet-checksum.ts', 'src/core/ipv4-header.ts',
];

// The inner run must never include this file (it would start itself again).
const INNER = process.env.KAD_COVERAGE_INNER === '1';

describe('VRRP core coverage', () => {
  it.skipIf(INNER)('the pure VRRP modules are >= 95% covered (lines) by test/unit/vrrp', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kad-cov-'));
    try {
      await promisify(execFile)('node_modules/.bin/vitest', [
        'run', 'test/unit/vrrp/', '--coverage.enabled', '--coverage.provider=v8',
        ...PURE_VRRP.map((f) => `--coverage.include=${f}`),
        '--coverage.reporter=json-summary', `--coverage.reportsDirectory=${dir}`,
      ], { maxBuffer: 64 * 1024 * 1024, env: { ...process.env, KAD_COVERAGE_INNER: '1' }, timeout: 200_000 });
      const summary = JSON.parse(readFileSync(join(dir, 'coverage-summary.json'), 'utf8')) as Record<string, { lines: { pct: number } }>;
      const total = summary.total?.lines.pct ?? 0;
      const files = Object.keys(summary).filter((k) => k !== 'total');
      console.log(`VRRP core line coverage: ${total}% over ${files.length} files`);
      expect(files.length).toBe(PURE_VRRP.length);
      expect(total).toBeGreaterThanOrEqual(95);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 240_000);
});
