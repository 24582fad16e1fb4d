// Exit-code parity, live: `kad -t` and Debian's `keepalived -t` (2.2.7) on every seed, every
// keepalived sample and every kad case, run side by side in one network namespace that holds
// the interfaces the configs name (bridges: the test kernel has no dummy links).
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupAll, createNetns, netnsUnavailableReason, type Netns } from '../helpers/netns.js';
import { KAD_BIN } from '../helpers/run-kad.js';
import { ensureBuilt } from '../helpers/build.js';
import { readRecorded, type RecordedCase } from '../unit/config/recorded.js';
import { requirement } from '../helpers/requirement.js';
import { keepalivedUnavailableReason } from '../helpers/keepalived.js';


const skipReason = requirement('config parity against keepalived', netnsUnavailableReason() ?? keepalivedUnavailableReason());

function exitOf(ns: Netns, cmd: string, args: string[]): Promise<number> {
  return new Promise((done) => {
    execFile('ip', ['netns', 'exec', ns.name, cmd, ...args], { timeout: 60_000 }, (err) => {
      done(err ? (typeof err.code === 'number' ? err.code : -1) : 0);
    });
  });
}

describe.skipIf(skipReason !== undefined)('kad -t vs keepalived -t in a namespace', () => {
  const recorded = readRecorded();
  let ns: Netns;

  beforeAll(() => {
    ensureBuilt();
    ns = createNetns('kcp');
    for (const i of recorded.interfaces) ns.ip('link', 'add', i, 'type', 'bridge');
  });

  afterAll(() => cleanupAll());

  it('covers the seeds, the samples and the cases', () => {
    expect(recorded.cases.length).toBeGreaterThanOrEqual(100);
  });

  it('gives the same exit code on every config', async () => {
    const mismatches: string[] = [];
    const check = async (c: RecordedCase): Promise<void> => {
      const args = ['-t', '-f', resolve(c.file), ...c.flags.split(/\s+/).filter(Boolean)];
      const [ka, kad] = await Promise.all([exitOf(ns, 'keepalived', args), exitOf(ns, process.execPath, [KAD_BIN, ...args])]);
      if (ka !== kad) mismatches.push(`${c.file} ${c.flags}: keepalived ${ka}, kad ${kad}`);
      if (![0, 2, 4, 5, 6].includes(kad)) mismatches.push(`${c.file}: kad exit ${kad} outside 0/2/4/5/6`);
    };
    const queue = [...recorded.cases];
    await Promise.all([1, 2, 3, 4].map(async () => {
      for (let c = queue.shift(); c; c = queue.shift()) await check(c);
    }));
    expect(mismatches).toEqual([]);
  }, 300_000);
});
