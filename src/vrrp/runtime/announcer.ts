/**
 * The announcer: gratuitous ARP / unsolicited NA for an instance's VIPs (RFC 5798 §6.4.1,
 * §6.4.2) on one AF_PACKET socket per interface, paced by `vrrp_garp_interval` /
 * `vrrp_gna_interval`. Survives reloads (the intervals are read from the current config).
 */
import type { GlobalDefs, IpAddress, VrrpInstance } from '../../config/model.js';
import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/log.js';
import { PacketSocket } from '../../net/packet-socket.js';
import { buildGratuitousArp, buildUnsolicitedNa } from '../protocol/garp.js';
import { allAddresses } from './addresses.js';
import type { LinkTable } from './links.js';

interface PacedQueue {
  frames: { ps: PacketSocket; frame: Buffer; intervalMs: number }[];
  busy: boolean;
}

/** See the file header. */
export class Announcer {
  private readonly sockets = new Map<string, PacketSocket>();
  /** Per interface: frames waiting for vrrp_garp_interval / vrrp_gna_interval. */
  private readonly queues = new Map<string, PacedQueue>();
  private stopped = false;

  constructor(
    private readonly links: LinkTable,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly global: () => GlobalDefs,
  ) {}

  /** One round of GARP / NA for every address of `spec` (`devOf`: the interface each is on). */
  announce(spec: VrrpInstance, devOf: (a: IpAddress) => string): void {
    const g = this.global();
    for (const a of allAddresses(spec)) {
      const dev = devOf(a);
      const mac = this.links.get(dev)?.mac;
      if (!mac) continue;
      const ps = this.socketFor(dev);
      if (!ps) continue;
      const frame = a.family === 4 ? buildGratuitousArp(mac, a.address) : buildUnsolicitedNa(mac, a.address);
      this.sendPaced(dev, ps, frame, a.family === 4 ? g.vrrpGarpIntervalMs : g.vrrpGnaIntervalMs);
    }
  }

  /** The AF_PACKET socket of `dev`, opened on first use; undefined (logged) when it cannot be. */
  socketFor(dev: string): PacketSocket | undefined {
    const have = this.sockets.get(dev);
    if (have) return have;
    try {
      const ps = PacketSocket.open(dev);
      this.sockets.set(dev, ps);
      return ps;
    } catch (err) {
      this.log.warn({ code: 'KAD_WARN_VRRP_SOCKET_ERROR', interface: dev, err: (err as Error).message }, `cannot open packet socket on ${dev}`);
      return undefined;
    }
  }

  /** Close the socket of `dev` (deleted: a socket bound to its old index sends nothing). */
  forget(dev: string): void {
    this.sockets.get(dev)?.close();
    this.sockets.delete(dev);
  }

  /** Successive frames on one interface leave at least `intervalMs` apart (0: all at once). */
  private sendPaced(dev: string, ps: PacketSocket, frame: Buffer, intervalMs: number): void {
    if (intervalMs <= 0) {
      ps.send(frame);
      return;
    }
    let q = this.queues.get(dev);
    if (!q) {
      q = { frames: [], busy: false };
      this.queues.set(dev, q);
    }
    q.frames.push({ ps, frame, intervalMs });
    if (!q.busy) this.drain(q);
  }

  private drain(q: PacedQueue): void {
    const next = q.frames.shift();
    q.busy = next !== undefined && !this.stopped;
    if (!next || this.stopped) return;
    next.ps.send(next.frame);
    this.clock.setTimer(next.intervalMs, () => this.drain(q));
  }

  /** Stop pacing (frames still queued are dropped). */
  stop(): void {
    this.stopped = true;
  }

  /** Stop pacing and close the packet sockets. */
  close(): void {
    this.stopped = true;
    for (const p of this.sockets.values()) p.close();
  }
}
