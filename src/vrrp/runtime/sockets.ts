/**
 * The raw VRRP sockets: one per interface, family, multicast/unicast and AH, shared by the
 * instances on it. Each datagram is decoded once (`decodeReceived`) and handed to the instances
 * of its VRID; one that reaches no instance is counted here under its reason. Sockets survive
 * reloads; one no instance uses any more is closed.
 */
import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/log.js';
import { RateLimiter } from '../../core/rate-limit.js';
import { VrrpSocket, type ReceivedDatagram } from '../../net/vrrp-socket.js';
import { IPPROTO_AH } from '../protocol/auth.js';
import type { Instance } from '../protocol/instance.js';
import { decodeReceived } from '../protocol/receive.js';
import type { SockpoolDump } from '../dump/print-host.js';

interface Entry {
  sock: VrrpSocket;
  groups: Set<string>;
  instances: Instance[];
}

/** Where an instance sends and receives. */
export interface SocketKey {
  ifName: string;
  family: 4 | 6;
  unicast: boolean;
  ah: boolean;
}

/** See the file header. */
export class VrrpSockets {
  /** Packets dropped before reaching an instance, by reason. */
  readonly drops: Record<string, number> = {};
  private readonly entries = new Map<string, Entry>();
  private readonly dropLog = new RateLimiter(10, 1);

  constructor(
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  /** The socket for `k` (opened on first use), joined to `group` unless unicast. */
  socketFor(k: SocketKey, group: string | undefined): VrrpSocket {
    const e = this.entry(k);
    if (group !== undefined && !e.groups.has(group)) {
      e.sock.join(group);
      e.groups.add(group);
    }
    return e.sock;
  }

  /** Deliver the packets of `k` to `inst` (by its VRID). */
  attach(k: SocketKey, inst: Instance): void {
    this.entry(k).instances.push(inst);
  }

  /** Stop delivering to `inst`; a socket left without instances is closed. */
  detach(inst: Instance): void {
    for (const [key, e] of this.entries) {
      e.instances = e.instances.filter((i) => i !== inst);
      if (e.instances.length > 0) continue;
      e.sock.close();
      this.entries.delete(key);
    }
  }

  /** The pool as keepalived.data prints it. */
  dump(): SockpoolDump[] {
    return [...this.entries.entries()].map(([key, e]) => {
      const [ifName = '', family, cast = ''] = key.split('/');
      return {
        fd: e.sock.descriptor, interface: ifName, family: family === '6' ? 6 : 4, ah: key.endsWith('/ah'),
        unicast: cast.startsWith('u'), rxBufSize: 0, instances: e.instances.map((i) => ({ name: i.name, vrid: i.spec.vrid })),
      };
    });
  }

  private entry(k: SocketKey): Entry {
    const key = `${k.ifName}/${k.family}/${k.unicast ? 'u' : 'm'}${k.ah ? '/ah' : ''}`;
    const have = this.entries.get(key);
    if (have) return have;
    const e: Entry = {
      instances: [],
      groups: new Set(),
      sock: VrrpSocket.open({
        ifName: k.ifName,
        family: k.family === 4 ? 'ipv4' : 'ipv6',
        groups: [],
        // The instance applies RFC 5798 §7.1's TTL / hop limit 255 check itself (min_ttl/max_ttl
        // for unicast peers) and counts a failure in its own ip_ttl_err, as keepalived does.
        requireTtl255: false,
        protocol: k.ah ? IPPROTO_AH : undefined,
        onMessage: (d) => this.demux(e, d),
        onDrop: (reason, detail) => this.countDrop(reason === 'ttl' ? 'ttlInvalid' : reason, `${k.ifName}: ${detail}`),
        onError: (err) => this.log.warn({ code: 'KAD_WARN_VRRP_SOCKET_ERROR', interface: k.ifName, err: err.message }, `VRRP socket on ${k.ifName}: ${err.message}`),
      }),
    };
    this.entries.set(key, e);
    return e;
  }

  /** Decode a datagram once and hand it to the instances of its VRID. */
  private demux(e: Entry, d: ReceivedDatagram): void {
    const ifname = e.sock.ifName;
    const family = d.family === 'ipv4' ? 4 : 6;
    const r = decodeReceived(d.packet ?? d.payload, { srcAddress: d.source, dstAddress: d.destination, srcBytes: d.sourceBytes, dstBytes: d.destinationBytes, ttl: d.ttl, ifname }, family);
    const vrid = r.ok ? r.rx.advert.vrid : r.vrid;
    let delivered = false;
    for (const inst of e.instances) {
      if (inst.spec.vrid !== vrid) continue;
      delivered = true;
      inst.receive(r);
    }
    if (delivered) return;
    if (!r.ok && vrid === undefined) this.countDrop(r.drop, `${ifname}: ${r.detail} from ${d.source}`);
    else this.countDrop('vridUnknown', `${ifname}: VRID ${vrid} from ${d.source}`);
  }

  private countDrop(reason: string, detail: string): void {
    this.drops[reason] = (this.drops[reason] ?? 0) + 1;
    const suppressed = this.dropLog.take(this.clock.nowMs());
    if (suppressed >= 0) {
      this.log.warn({ code: 'KAD_WARN_VRRP_PACKET_DROPPED', drop: reason, detail, suppressed }, `dropped packet: ${reason} (${detail})`);
    }
  }

  /** Close every socket. */
  close(): void {
    for (const e of this.entries.values()) e.sock.close();
    this.entries.clear();
  }
}
