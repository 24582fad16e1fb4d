// use_ipvlan on a real kernel (user-mode Linux: the host has no ipvlan driver). In one guest,
// keepalived 2.2.7 runs the master configuration first, then a kad pair runs it (master, bridge
// flag "private") and a backup (default flags) on one bridge, a watcher capturing the wire. Both
// daemons make the same link: an L2 ipvlan `vrrp.51` on eth0 with the parent's MAC, the mode
// asked, the use_ipvlan address on it and IPv6 off, and print the same data-dump lines for it;
// the VIP goes on eth0 (as keepalived puts it), adverts leave from the ipvlan's address with
// eth0's MAC; stopping the master moves the VIP to the backup (whose adverts then come from its
// own ipvlan) and each kad removes its ipvlan when it stops. See guest/ipvlan.sh.
import { beforeAll, describe, expect, it } from 'vitest';
import { skewTimeMs } from '../../src/vrrp/protocol/timers.js';
import { PROJECT_DIR, ensureBuilt, runInUml, umlUnavailableReason } from './uml.js';
import { requirement } from '../helpers/requirement.js';

const skip = requirement('kernel/ipvlan', umlUnavailableReason());

/** The guest's "=== NAME" sections. */
function sections(stdout: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of stdout.split(/^=== /m).slice(1)) {
    const nl = part.indexOf('\n');
    out.set(part.slice(0, nl).trim(), part.slice(nl + 1));
  }
  return out;
}

/** "mode FLAG", MAC and parent of `ip -d link show vrrp.51`. */
function ipvlanLink(text: string): { parent?: string; mac?: string; mode?: string } {
  return {
    parent: /^\d+: vrrp\.51@(\S+):/m.exec(text)?.[1],
    mac: /link\/ether (\S+)/.exec(text)?.[1],
    mode: /\bipvlan\s+mode (\S+ \S+)/.exec(text)?.[1],
  };
}

const macOf = (text: string): string | undefined => /link\/ether (\S+)/.exec(text)?.[1];
/** "DEV ADDRESS/LEN" of each IPv4 address in `ip -o addr show`. */
const v4 = (text: string): string[] => [...text.matchAll(/^\d+: (\S+)\s+inet ([\d./]+)/gm)].map((m) => `${m[1]} ${m[2]}`);
/** "MAC SOURCE PRIORITY" of each advert tcpdump -e printed. */
const adverts = (text: string): string[] =>
  [...text.matchAll(/^\S+ (\S+) > 01:00:5e:00:00:12, .*?: ([\d.]+) > 224\.0\.0\.18: VRRPv2, Advertisement, vrid 51, prio (\d+)/gm)].map((m) => `${m[1]} ${m[2]} ${m[3]}`);

describe.skipIf(skip !== undefined)('use_ipvlan: an L2 ipvlan the adverts leave from, as keepalived 2.2.7 makes it', () => {
  let s: Map<string, string>;
  const log = (): string => `${s.get('kad-log-master') ?? ''}\n${s.get('kad-log-backup') ?? ''}`.replace(/^\{.*$/gm, '').slice(-4000);

  beforeAll(async () => {
    ensureBuilt();
    const r = await runInUml(`sh ${PROJECT_DIR}/test/kernel/guest/ipvlan.sh ${PROJECT_DIR} "$KAD_SCRATCH"`, { timeoutMs: 150_000, memMb: 768 });
    if (r.code !== 0) throw new Error(`guest failed (${r.code}): ${r.stderr}\n${r.stdout.slice(-3000)}\n${r.console.slice(-1500)}`);
    console.log(`ipvlan: guest ran ${r.durationMs} ms`);
    s = sections(r.stdout);
  }, 180_000);

  it('keepalived 2.2.7 and kad make the same link from the same configuration', () => {
    const ka = ipvlanLink(s.get('ka-link')!);
    const kad = ipvlanLink(s.get('kad-link-master')!);
    expect(ka, s.get('ka-log')).toEqual({ parent: 'eth0', mac: expect.stringMatching(/^[0-9a-f:]{17}$/), mode: 'l2 private' });
    expect(kad, log()).toEqual({ parent: 'eth0', mac: macOf(s.get('kad-mac-master')!), mode: 'l2 private' });
    // The backup's use_ipvlan names no flag: bridge, keepalived's default.
    expect(ipvlanLink(s.get('kad-link-backup')!), log()).toEqual({ parent: 'eth0', mac: macOf(s.get('mac-backup')!), mode: 'l2 bridge' });
    expect(s.get('kad-sysctl-ipvlan')).toBe(s.get('ka-sysctl-ipvlan'));
    expect(s.get('kad-sysctl-ipvlan')).toContain('ipv6/conf/vrrp.51/disable_ipv6=1');
    expect(s.get('kad-sysctl-eth0')).toBe(s.get('ka-sysctl-eth0'));
  });

  it('the data dump (SIGUSR1) shows the ipvlan as keepalived 2.2.7 prints it', () => {
    const lines = (dump: string): string[] => dump.split('\n').filter((l) => /^ {3}(Use IPVLAN|Interface = )/.test(l));
    expect(lines(s.get('ka-dump')!)).toEqual(['   Use IPVLAN, i/f vrrp.51, is_up = true, i/f address = 10.10.5.21/24, type private', '   Interface = vrrp.51, ipvlan on eth0']);
    expect(lines(s.get('kad-dump')!), s.get('kad-dump')).toEqual(lines(s.get('ka-dump')!));
  });

  it('the use_ipvlan address is on the ipvlan, the VIP on eth0 of the master only, as keepalived puts them', () => {
    expect(v4(s.get('ka-addr')!)).toEqual(['lo 127.0.0.1/8', 'eth0 10.10.5.10/24', 'eth0 10.10.5.100/24', 'vrrp.51 10.10.5.21/24']);
    expect(v4(s.get('kad-addr-master')!), log()).toEqual(['lo 127.0.0.1/8', 'eth0 10.10.5.11/24', 'eth0 10.10.5.100/24', 'vrrp.51 10.10.5.21/24']);
    expect(v4(s.get('kad-addr-backup')!), log()).toEqual(['lo 127.0.0.1/8', 'eth0 10.10.5.12/24', 'vrrp.51 10.10.5.22/24']);
  });

  it("the master's adverts come from its ipvlan address with eth0's MAC (the ipvlan's, no virtual MAC)", () => {
    const a = adverts(s.get('wire-before')!);
    const mac = macOf(s.get('kad-mac-master')!)!;
    expect(a.filter((x) => x === `${mac} 10.10.5.21 150`).length, s.get('wire-before')).toBeGreaterThanOrEqual(2);
    expect(a.every((x) => !x.startsWith('00:00:5e:'))).toBe(true);
    // After the startup race (the backup may advertise until it hears the master), only the master.
    expect(a.slice(-2)).toEqual([`${mac} 10.10.5.21 150`, `${mac} 10.10.5.21 150`]);
  });

  it("the master stops: it sends priority 0 from its ipvlan, the backup takes the VIP and advertises from its own ipvlan", () => {
    const takeover = Number(s.get('takeover-ms'));
    console.log(`ipvlan: takeover ${takeover} ms after the master's SIGTERM`);
    expect(takeover, log()).toBeLessThan(skewTimeMs(100, 1000) + 3000);
    expect(v4(s.get('kad-addr-backup-after')!), log()).toEqual(['lo 127.0.0.1/8', 'eth0 10.10.5.12/24', 'eth0 10.10.5.100/24', 'vrrp.51 10.10.5.22/24']);
    expect(v4(s.get('kad-addr-master-after')!)).toEqual(['lo 127.0.0.1/8', 'eth0 10.10.5.11/24']);
    const a = adverts(s.get('wire-after')!);
    const [m1, m2] = [macOf(s.get('kad-mac-master')!)!, macOf(s.get('mac-backup')!)!];
    expect(a, s.get('wire-after')).toContain(`${m1} 10.10.5.21 0`);
    expect(a.filter((x) => x === `${m2} 10.10.5.22 100`).length).toBeGreaterThanOrEqual(2);
  });

  it('each daemon removes its ipvlan when it stops, keepalived as kad', () => {
    expect(s.get('ka-link-after')).not.toContain('vrrp.51');
    expect(s.get('kad-link-master-after'), log()).not.toContain('vrrp.51');
    expect(s.get('kad-link-backup-after'), log()).not.toContain('vrrp.51');
    expect(s.get('kad-log-master')).toContain('(VI_1) Success creating ipvlan interface vrrp.51');
  });
});
