// tcpdump -vv decodes kad's adverts with the same fields as keepalived's (issue 4, group 3).
// Each golden capture in test/fixtures/vrrp/captures (keepalived 2.2.7, with its .conf) is replayed:
// kad runs the same configuration on an interface with the same address, its first advert is
// captured and decoded by tcpdump, and the decode must equal keepalived's once the fields that
// legitimately differ per run are masked (timestamp, IP id, AH sequence and ICV, IPv6 flow label
// and link-local source). tcpdump also checks the VRRP checksum, so a wrong one shows up here.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, Lab, waitUntil, type Daemon } from '../helpers/lab.js';
import { cleanupAll, netnsUnavailableReason, run } from '../helpers/netns.js';
import { requirement } from '../helpers/requirement.js';

const CAPTURES = join(import.meta.dirname, '../fixtures/vrrp/captures');
const NAMES = ['v2-pass', 'v2-noauth-3vip', 'v2-ah', 'v3-ipv4', 'v3-ipv4-3vip-50cs', 'v3-ipv6'];

const why = requirement('vrrp-decode', netnsUnavailableReason() ?? (existsSync(CAPTURES) ? undefined : `${CAPTURES} is missing`));

/** tcpdump -vv records of a pcap, continuation lines joined. */
function decode(file: string): string[] {
  const out = run('tcpdump', ['-vv', '-n', '-r', file]);
  const records: string[] = [];
  for (const line of out.split('\n')) {
    if (/^\s/.test(line) && records.length > 0) records[records.length - 1] += ` ${line.trim()}`;
    else if (line.trim() !== '') records.push(line.trim());
  }
  return records;
}

/** Mask what differs between two runs of the same configuration. */
function normalise(record: string): string {
  return record
    .replace(/^\S+\s+/, '')
    .replace(/\bid \d+/, 'id N')
    .replace(/seq=0x[0-9a-f]+/, 'seq=N')
    .replace(/icv=0x[0-9a-f]+/, 'icv=X')
    .replace(/flowlabel 0x[0-9a-f]+/, 'flowlabel X')
    .replace(/fe80::[0-9a-f:]+/g, 'LINKLOCAL');
}

const firstAdvert = (records: string[]): string | undefined => records.find((r) => /VRRPv\d, Advertisement/.test(r) && /prio 100/.test(r));

describe.skipIf(why !== undefined)('tcpdump decodes kad adverts like keepalived adverts', () => {
  const ours = new Map<string, string | undefined>();
  const daemons: Daemon[] = [];

  beforeAll(async () => {
    ensureBuilt();
    // One lab per capture, all at once: each kad waits its own Master_Down_Interval in parallel.
    await Promise.all(NAMES.map(async (name) => {
      const lab = Lab.create({ directors: 1, segments: [{ ifName: 'eth0' }] });
      lab.directors[0]?.ip('addr', 'add', '10.232.0.11/24', 'dev', 'eth0');
      const cap = await lab.startCapture();
      const kad = lab.startKad(0, readFileSync(join(CAPTURES, `${name}.conf`), 'utf8'));
      daemons.push(kad);
      await waitUntil(() => cap.peek().some((p) => p.kind === 'vrrp' && p.priority === 100), 10_000, `${name} advert`, 50);
      await cap.stop();
      ours.set(name, firstAdvert(decode(cap.file)));
    }));
  });
  afterAll(async () => {
    await Promise.all(daemons.map((d) => d.stop()));
    cleanupAll();
  });

  for (const name of NAMES) {
    it(`${name}: same decode as keepalived 2.2.7`, () => {
      const golden = firstAdvert(decode(join(CAPTURES, `${name}.pcap`)));
      expect(golden, `no advert in ${name}.pcap`).toBeDefined();
      const mine = ours.get(name);
      expect(mine, `kad sent no advert for ${name}`).toBeDefined();
      expect(normalise(mine ?? '')).toBe(normalise(golden ?? ''));
      expect(mine).not.toMatch(/bad|cksum/i);
    });
  }
});
