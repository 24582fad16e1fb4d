// kad and Debian's keepalived 2.2.7 in one VRRP group (issue 4, group 2), for v2 PASS, v2 AH,
// v3 IPv4 and v3 IPv6: keepalived takes over when kad dies and yields when kad returns; kad
// takes over when keepalived dies and yields when it returns. keepalived must log no "bogus",
// "invalid" or "checksum" line about kad's packets.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authBlock, ensureBuilt, Lab, vrrpInstance, waitForHolder, type Daemon } from '../helpers/lab.js';
import { cleanupAll, netnsUnavailableReason, run } from '../helpers/netns.js';
import { requirement } from '../helpers/requirement.js';

function keepalivedMissing(): string | undefined {
  try {
    run('keepalived', ['--version']);
    return undefined;
  } catch {
    return 'keepalived is not installed (scripts/install-deps.sh installs it)';
  }
}
const why = requirement('vrrp-interop', netnsUnavailableReason() ?? keepalivedMissing());

interface Variant {
  name: string;
  lines: string;
  vip: string;
  prefix: number;
  advertInt: string;
  /** Generous bound for one takeover (down interval plus start-up). */
  waitMs: number;
}

const VARIANTS: Variant[] = [
  { name: 'v2 PASS', lines: authBlock('PASS', 'secret1'), vip: '10.231.0.101', prefix: 24, advertInt: '1', waitMs: 6000 },
  { name: 'v2 AH', lines: authBlock('AH', 'secret2'), vip: '10.231.0.102', prefix: 24, advertInt: '1', waitMs: 6000 },
  { name: 'v3 IPv4', lines: 'version 3', vip: '10.231.0.103', prefix: 24, advertInt: '0.3', waitMs: 3000 },
  { name: 'v3 IPv6', lines: 'version 3', vip: 'fd31::103', prefix: 64, advertInt: '0.3', waitMs: 3000 },
];

const conf = (v: Variant, vrid: number, prio: number): string =>
  vrrpInstance({ vrid, priority: prio, advertInt: v.advertInt, vips: [`${v.vip}/${v.prefix}`], lines: v.lines });

const BAD_LINE = /bogus|invalid|checksum/i;

describe.skipIf(why !== undefined)('kad and keepalived interoperate', () => {
  let lab: Lab;
  const daemons: Daemon[] = [];
  const keepalivedLogs: string[] = [];

  beforeAll(() => {
    ensureBuilt();
    lab = Lab.create({ directors: 2 });
  });
  afterAll(async () => {
    await Promise.all(daemons.map((d) => d.stop()));
    cleanupAll();
  });

  VARIANTS.forEach((v, idx) => {
    it(`${v.name}: each side takes over when the other dies and yields when it returns`, async () => {
      const vrid = 60 + idx;
      const start = (who: 'kad' | 'ka', node: number, prio: number): Daemon => {
        const d = who === 'kad' ? lab.startKad(node, conf(v, vrid, prio)) : lab.startKeepalived(node, conf(v, vrid, prio));
        daemons.push(d);
        if (who === 'ka') keepalivedLogs.push('');
        return d;
      };
      // kad (100) on director 0 is master, keepalived (90) on director 1 backs it up.
      let kad = start('kad', 0, 100);
      let ka = start('ka', 1, 90);
      await waitForHolder(lab, v.vip, 0, v.waitMs * 2);
      // kad dies (graceful): keepalived takes over.
      await kad.stop();
      await waitForHolder(lab, v.vip, 1, v.waitMs);
      // kad returns and preempts: keepalived yields.
      kad = start('kad', 0, 100);
      await waitForHolder(lab, v.vip, 0, v.waitMs).catch((e: Error) => {
        throw new Error(`${e.message}\n${ka.output.split('\n').slice(-15).join('\n')}\n${kad.output.split("\n").slice(-10).join("\n")}`);
      });
      // keepalived returns with a higher priority: kad yields.
      await ka.stop();
      ka = start('ka', 1, 110);
      await waitForHolder(lab, v.vip, 1, v.waitMs * 2);
      // keepalived dies hard: kad takes over.
      await ka.hardKill();
      await waitForHolder(lab, v.vip, 0, v.waitMs).catch(() => undefined);
      expect(lab.hasAddress(0, v.vip)).toBe(true);
      const kaOutput = daemons.filter((d) => d.name.startsWith('keepalived')).map((d) => d.output).join('');
      expect(kaOutput.split('\n').filter((l) => BAD_LINE.test(l))).toEqual([]);
      expect(kaOutput).toMatch(/Entering MASTER STATE/);
      await kad.stop();
      // The killed keepalived left its VIP behind, as keepalived does: clear it for the next variant.
      lab.directors[1]?.ip('addr', 'flush', 'dev', 'eth0', 'to', `${v.vip}/${v.prefix === 64 ? 128 : 32}`);
    });
  });
});
