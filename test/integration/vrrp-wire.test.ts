// On the wire with two kad directors and an observer (issue 4, groups 4, 5 and 6):
// - bad packets injected from the observer are dropped and counted, state unchanged, no crash;
// - a new master sends 5 gratuitous ARPs (and 5 unsolicited NAs) at takeover and 5 more after
//   garp_master_delay (5 s), paced by vrrp_garp_interval / vrrp_gna_interval;
// - the master's interface going down puts it in FAULT, removes its VIPs, and the backup takes over.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { passwordBytes } from '../../src/vrrp/protocol/auth.js';
import { buildIpv4Frame } from '../../src/vrrp/protocol/frame.js';
import { parseAddress } from '../../src/core/addr.js';
import { encodeAdvert, type AdvertFields } from '../../src/vrrp/protocol/packet.js';
import { authBlock, ensureBuilt, Lab, sleep, vrrpInstance, waitForHolder, waitUntil, type Daemon, type LabPacket, type PcapCapture } from '../helpers/lab.js';
import { cleanupAll, netnsUnavailableReason } from '../helpers/netns.js';
import { requirement } from '../helpers/requirement.js';

const why = requirement('vrrp-wire', netnsUnavailableReason());

const VIP = '10.231.0.100';
const VIP6 = 'fd31::100';
const conf = (prio: number): string =>
  'global_defs {\n  vrrp_garp_interval 0.02\n  vrrp_gna_interval 0.02\n}\n' +
  vrrpInstance({ name: 'VI_1', vrid: 51, priority: prio, vips: [`${VIP}/24`], lines: authBlock('PASS', 'secret1') }) +
  vrrpInstance({ name: 'VI_6', vrid: 52, priority: prio, vips: [`${VIP6}/64`], lines: 'version 3' });

const mac = (m: string): Buffer => Buffer.from(m.split(':').map((x) => parseInt(x, 16)));

describe.skipIf(why !== undefined)('VRRP on the wire', () => {
  let lab: Lab;
  let cap: PcapCapture;
  let master: Daemon;
  let backup: Daemon;

  beforeAll(async () => {
    ensureBuilt();
    lab = Lab.create({ directors: 2 });
    cap = await lab.startCapture();
    master = lab.startKad(0, conf(100));
    // A head start, so the backup's down timer cannot run out before the master's first advert.
    await sleep(500);
    backup = lab.startKad(1, conf(90));
    await waitForHolder(lab, VIP, 0, 10_000);
    await waitForHolder(lab, VIP6, 0, 2000);
    // The kernel state can be ahead of the log lines the test reads from the pipe.
    await master.waitForOutput(/\(VI_6\) Entering MASTER STATE[\s\S]*\n/, 2000).catch(() => undefined);
    await master.waitForOutput(/\(VI_1\) Entering MASTER STATE[\s\S]*\n/, 2000).catch(() => undefined);
  });
  afterAll(async () => {
    await Promise.all([master?.stop(), backup?.stop()]);
    cleanupAll();
  });

  const v4Frame = (vrrp: Uint8Array, ttl = 255): Buffer => {
    const ip = buildIpv4Frame(vrrp, { src: lab.ipv4('observer'), dst: '224.0.0.18', id: 1, ttl });
    return Buffer.concat([mac('01:00:5e:00:00:12'), mac(lab.observerMac), Buffer.from([0x08, 0x00]), ip]);
  };
  /** A unicast advert to the master's own address (its MAC follows the lab's plan). */
  const v4Unicast = (vrrp: Uint8Array): Buffer => {
    const host = Number(lab.ipv4(0).split('.').pop());
    const ip = buildIpv4Frame(vrrp, { src: lab.ipv4('observer'), dst: lab.ipv4(0), id: 1, ttl: 255 });
    return Buffer.concat([mac(`02:6b:6c:00:00:${host.toString(16).padStart(2, '0')}`), mac(lab.observerMac), Buffer.from([0x08, 0x00]), ip]);
  };
  const v2 = (o: Partial<AdvertFields> = {}): Uint8Array => encodeAdvert(
    { version: 2, vrid: 51, priority: 254, advertIntMs: 1000, addrs: [VIP], family: 4, authType: 1, authData: passwordBytes('secret1'), ...o },
    { checksumMode: 'plain' },
  );
  const v6Frame = (hopLimit: number): Buffer => {
    const src = parseAddress(lab.linkLocal('observer'), 6) ?? new Uint8Array(16);
    const dst = parseAddress('ff02::12', 6) ?? new Uint8Array(16);
    const vrrp = encodeAdvert({ version: 3, vrid: 52, priority: 254, advertIntMs: 1000, addrs: [VIP6], family: 6 }, { checksumMode: 'pseudo6', src, dst });
    const ip6 = Buffer.alloc(40);
    ip6[0] = 0x60;
    ip6.writeUInt16BE(vrrp.length, 4);
    ip6[6] = 112;
    ip6[7] = hopLimit;
    Buffer.from(src).copy(ip6, 8);
    Buffer.from(dst).copy(ip6, 24);
    return Buffer.concat([mac('33:33:00:00:00:12'), mac(lab.observerMac), Buffer.from([0x86, 0xdd]), ip6, vrrp]);
  };

  it('drops and counts bad packets from the observer; state unchanged', async () => {
    const badChecksum = v2();
    badChecksum[6] = (badChecksum[6] ?? 0) ^ 0xff;
    const injected: [string, Buffer][] = [
      ['ttlInvalid', v4Frame(v2(), 254)],
      ['ttlInvalid', v6Frame(254)],
      ['authFailure', v4Frame(v2({ authData: passwordBytes('wrongpw') }))],
      ['badChecksum', v4Frame(badChecksum)],
      ['vridUnknown', v4Frame(v2({ vrid: 99 }))],
      ['packetTooShort', v4Frame(v2().subarray(0, 6))],
      ['versionMismatch', v4Frame(encodeAdvert({ version: 3, vrid: 51, priority: 254, advertIntMs: 1000, addrs: [VIP], family: 4 }, { checksumMode: 'plain' }))],
      ['addressListMismatch', v4Frame(v2({ addrs: ['10.231.0.199'] }))],
      ['castMismatch', v4Unicast(v2())],
    ];
    const before = master.output.length;
    const deltas: string[] = [];
    let last = await readStats();
    for (const [reason, frame] of injected) {
      // Each kind on its own: its log line must come after its injection, and the counters move
      // by exactly what it adds (nothing, for the drops keepalived does not count per instance).
      const from = master.output.length;
      lab.inject(frame);
      await waitUntil(() => master.output.slice(from).includes(`: ${reason} (`), 3000, `the ${reason} drop logged after its injection`);
      const now = await readStats();
      deltas.push(`${reason}: ${statsDelta(last, now).join(', ') || 'no counter'}`);
      last = now;
    }
    expect(deltas).toEqual([
      'ttlInvalid: VI_1 Packet Errors/TTL +1',
      'ttlInvalid: VI_6 Packet Errors/TTL +1',
      'authFailure: VI_1 Authentication Errors/Failure +1',
      'badChecksum: no counter',
      'vridUnknown: no counter',
      'packetTooShort: VI_1 Packet Errors/Length +1',
      'versionMismatch: no counter',
      'addressListMismatch: VI_1 Packet Errors/Address List +1',
      'castMismatch: VI_1 Packet Errors/Address List +1',
    ]);
    expect(master.running).toBe(true);
    expect(lab.hasAddress(0, VIP)).toBe(true);
    expect(lab.hasAddress(1, VIP)).toBe(false);
    const after = master.output.slice(before).split('\n').filter((l) => /Entering \w+ STATE/.test(l));
    expect(after.join('\n')).not.toMatch(/Entering \w+ STATE/);
  });

  /** USR2 → keepalived.stats (in TMPDIR, the lab directory), as instance → "Section/Field" → value. */
  async function readStats(): Promise<Map<string, Map<string, number>>> {
    const file = join(lab.dir, 'keepalived.stats');
    rmSync(file, { force: true });
    master.proc.kill('SIGUSR2');
    await waitUntil(() => existsSync(file) && readFileSync(file, 'utf8').includes('VRRP Instance: VI_6'), 3000, 'keepalived.stats');
    const out = new Map<string, Map<string, number>>();
    let inst = new Map<string, number>();
    let section = '';
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const head = /^VRRP Instance: (\S+)/.exec(line);
      if (head) out.set(head[1]!, (inst = new Map()));
      const sec = /^ {2}(\S[^:]*):$/.exec(line);
      if (sec) section = sec[1]!;
      const field = /^ {2}( {2})?(\S[^:]*): (\d+)$/.exec(line);
      if (field) inst.set(field[1] ? `${section}/${field[2]}` : field[2]!, Number(field[3]));
    }
    return out;
  }

  /** What changed between two stats readings, the master's own advert count left out. */
  function statsDelta(a: Map<string, Map<string, number>>, b: Map<string, Map<string, number>>): string[] {
    const out: string[] = [];
    for (const [name, fields] of b) {
      for (const [k, v] of fields) {
        const d = v - (a.get(name)?.get(k) ?? 0);
        if (d !== 0 && k !== 'Advertisements/Sent') out.push(`${name} ${k} ${d > 0 ? '+' : ''}${d}`);
      }
    }
    return out;
  }

  it('sends 5 GARPs and 5 NAs at takeover and 5 more of each after garp_master_delay', async () => {
    const mac0 = '02:6b:6c:00:00:01';
    const isOurs = (p: LabPacket): boolean =>
      (p.kind === 'garp' && p.ip === VIP && p.senderMac === mac0) || (p.kind === 'na' && p.target === VIP6 && p.srcMac === mac0);
    const first = cap.peek().find(isOurs);
    expect(first, 'no GARP at takeover').toBeDefined();
    const t0 = first?.tMs ?? 0;
    await waitUntil(() => cap.peek().filter(isOurs).some((p) => p.tMs > t0 + 4500), 8000, 'second GARP burst', 100);
    await sleep(200);
    const all = cap.peek();
    const count = (kind: 'garp' | 'na', from: number, to: number): number =>
      all.filter((p) => isOurs(p) && p.kind === kind && p.tMs >= from && p.tMs < to).length;
    expect([count('garp', t0, t0 + 1000), count('na', t0, t0 + 1000)]).toEqual([5, 5]);
    // vrrp_garp_interval / vrrp_gna_interval 0.02: frames on the interface at least 20 ms apart.
    const burst = all.filter((p) => isOurs(p) && p.tMs >= t0 && p.tMs < t0 + 1000).map((p) => p.tMs);
    const gaps = burst.slice(1).map((t, i) => t - (burst[i] ?? 0));
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(19);
    expect([count('garp', t0 + 4500, t0 + 6000), count('na', t0 + 4500, t0 + 6000)]).toEqual([5, 5]);
  });

  it('interface down on the master: FAULT, VIPs removed, the backup takes over; up again: BACKUP', async () => {
    lab.directors[0]?.ip('link', 'set', 'eth0', 'down');
    await master.waitForOutput(/\(VI_1\) Entering FAULT STATE/, 3000);
    await waitUntil(() => !lab.hasAddress(0, VIP) && !lab.hasAddress(0, VIP6), 2000, 'VIPs removed from the faulted master');
    await waitForHolder(lab, VIP, 1, 6000);
    lab.directors[0]?.ip('link', 'set', 'eth0', 'up');
    await master.waitForOutput(/FAULT STATE[\s\S]*\(VI_1\) Entering BACKUP STATE/, 5000);
    // Preempt: the higher-priority director takes the VIP back after its own down interval.
    await waitForHolder(lab, VIP, 0, 6000);
  });
});
