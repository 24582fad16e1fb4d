// The demo's view of the wire: tcpdump in the client namespace, on the client-side bridge, sees
// every VRRP advert and ARP the directors send there. Failover is measured from these packets'
// kernel timestamps, not from polling the directors.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export type WireEvent =
  | { kind: 'advert'; tMs: number; src: string; prio: number }
  | { kind: 'garp'; tMs: number; ip: string };

/**
 * One tcpdump line (`-n -tt`) → an event, or undefined for anything else. Adverts:
 * `1733230000.123456 IP 10.10.1.11 > 224.1.111.1: VRRPv2, Advertisement, vrid 51, prio 100, ...`;
 * a gratuitous ARP is a request naming only the announced address (`who-has V (ff:ff:ff:ff:ff:ff)
 * tell V`, RFC 5227 §3), replies answer someone's request and are not counted.
 */
export function parseWireLine(line: string): WireEvent | undefined {
  const advert = /^(\d+\.\d+) IP (\d+\.\d+\.\d+\.\d+) > [\d.]+: VRRPv\d, Advertisement, vrid \d+, prio (\d+)/.exec(line);
  if (advert) return { kind: 'advert', tMs: Math.round(Number(advert[1]) * 1000), src: advert[2]!, prio: Number(advert[3]) };
  const arp = /^(\d+\.\d+) ARP, (Request .*|Announcement .*)$/.exec(line);
  if (!arp) return undefined;
  const ips = [...arp[2]!.matchAll(/\d+\.\d+\.\d+\.\d+/g)].map((m) => m[0]);
  if (ips.length === 0 || ips.some((ip) => ip !== ips[0])) return undefined;
  return { kind: 'garp', tMs: Math.round(Number(arp[1]) * 1000), ip: ips[0]! };
}

export interface Wire {
  events: WireEvent[];
  /** The last advert from `src` sent before `tMs`. */
  lastAdvert(src: string, beforeMs: number): WireEvent | undefined;
  /** The first advert from `src` at or after `tMs`. */
  firstAdvert(src: string, afterMs: number): WireEvent | undefined;
  firstGarp(ip: string, afterMs: number): WireEvent | undefined;
  stop(): void;
}

/** Starts tcpdump on `dev` in `ns`; resolves once it listens. `onEvent` sees each event as it arrives. */
export async function watchWire(ns: string, dev: string, onEvent: (e: WireEvent) => void): Promise<Wire> {
  const child: ChildProcess = spawn('ip', ['netns', 'exec', ns, 'tcpdump', '-n', '-tt', '-l', '-i', dev, 'vrrp or arp'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const events: WireEvent[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const e = parseWireLine(line);
    if (e) {
      events.push(e);
      onEvent(e);
    }
  });
  await new Promise<void>((resolve, reject) => {
    let err = '';
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      if (err.includes('listening on')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`tcpdump exited (${code}): ${err}`)));
  });
  const adverts = (src: string): WireEvent[] => events.filter((e) => e.kind === 'advert' && e.src === src);
  return {
    events,
    lastAdvert: (src, beforeMs) => adverts(src).filter((e) => e.tMs < beforeMs).at(-1),
    firstAdvert: (src, afterMs) => adverts(src).find((e) => e.tMs >= afterMs),
    firstGarp: (ip, afterMs) => events.find((e) => e.kind === 'garp' && e.ip === ip && e.tMs >= afterMs),
    stop: () => child.kill(),
  };
}
