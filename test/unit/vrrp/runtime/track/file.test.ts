import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../../../src/core/log.js';
import { FileTracker, parseTrackValue } from '../../../../../src/vrrp/runtime/track/file.js';

const dir = mkdtempSync(join(tmpdir(), 'kad-trackfile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('track_file', () => {
  it('parses the leading integer, anything else is 0', () => {
    expect(parseTrackValue(' -12\n')).toBe(-12);
    expect(parseTrackValue('+3 rest')).toBe(3);
    expect(parseTrackValue('abc')).toBe(0);
  });

  it('writes init_file, then follows changes through inotify', async () => {
    const file = join(dir, 'weight');
    const t = new FileTracker({ name: 'tf', file, weight: 1, weightReverse: false, initFile: { value: 4, overwrite: false } }, silentLogger());
    const changed = new Promise<number>((resolve) => t.onChange(resolve));
    t.start();
    try {
      expect(readFileSync(file, 'utf8')).toBe('4\n');
      expect(t.value).toBe(4);
      writeFileSync(file, '9\n');
      expect(await changed).toBe(9);
    } finally {
      t.stop();
    }
  });
});
