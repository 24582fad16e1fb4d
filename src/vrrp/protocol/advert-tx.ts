/**
 * Builds the bytes of an instance's outgoing adverts (pure). IPv4: whole IP packets for an
 * IP_HDRINCL socket (TOS 0xc0, TTL 255 or `unicast_ttl`, id counting from 1, AH when
 * configured). IPv6: the VRRP message only; the kernel adds the header (hop limit 255).
 */
import { AUTH_AH, AUTH_PASS, encodeAdvert } from './packet.js';
import { buildIpv4Frame } from './frame.js';
import { type Family, parseAddress } from '../../core/addr.js';
import type { ChecksumMode } from './checksum.js';

/** What the sender needs to know, fixed for an instance's lifetime (until reload). */
export interface AdvertTxConfig {
  version: 2 | 3;
  family: Family;
  vrid: number;
  advertIntMs: number;
  /** Own source address (IPv4 primary or IPv6 link-local / unicast_src_ip). */
  srcAddress: string;
  /** VIPs of the instance's family, in config order. */
  vips: readonly string[];
  authType: number;
  authKey: Uint8Array;
  v3ChecksumAsV2: boolean;
  /** Destinations: the multicast group, or each unicast peer. */
  destinations: readonly string[];
  /** TTL for unicast (keepalived `unicast_ttl`); multicast always 255. */
  unicastTtl: number;
  unicast: boolean;
}

/** One packet to hand to the socket. */
export interface OutgoingAdvert {
  bytes: Uint8Array;
  dest: string;
}

export class AdvertTx {
  private ipId = 0;
  private ahSeq = 0;
  /** Encoded VRRP messages by destination and priority: only the priority ever varies. */
  private readonly messages = new Map<string, Uint8Array>();

  constructor(private readonly cfg: AdvertTxConfig) {}

  private checksumMode(): ChecksumMode {
    if (this.cfg.version === 2) return 'plain';
    if (this.cfg.family === 6) return 'pseudo6';
    return this.cfg.v3ChecksumAsV2 ? 'plain' : 'pseudo4';
  }

  private message(dest: string, priority: number, src: Uint8Array | undefined): Uint8Array {
    const key = `${priority}/${dest}`;
    let m = this.messages.get(key);
    if (!m) {
      const c = this.cfg;
      m = encodeAdvert(
        {
          version: c.version,
          vrid: c.vrid,
          priority,
          advertIntMs: c.advertIntMs,
          addrs: c.vips,
          family: c.family,
          authType: c.version === 2 ? c.authType : 0,
          // AH carries the secret in the ICV; the Authentication Data stays zero.
          authData: c.authType === AUTH_PASS ? c.authKey : undefined,
        },
        { checksumMode: this.checksumMode(), src, dst: parseAddress(dest, c.family) },
      );
      this.messages.set(key, m);
    }
    return m;
  }

  /**
   * An AH sequence number accepted from a peer. keepalived keeps one counter for what it sends
   * and what it accepts, so it drops any AH advert numbered at or below the highest it has seen:
   * kad continues above it, as a keepalived peer would, so that a returning master is heard.
   */
  observeAhSeq(seq: number): void {
    if (seq > this.ahSeq) this.ahSeq = seq;
  }

  /** The packets of one advert with `priority` (one per destination). */
  build(priority: number): OutgoingAdvert[] {
    const c = this.cfg;
    const src = parseAddress(c.srcAddress, c.family);
    const out: OutgoingAdvert[] = [];
    for (const dest of c.destinations) {
      const vrrp = this.message(dest, priority, src);
      if (c.family === 6) {
        out.push({ bytes: vrrp, dest });
        continue;
      }
      this.ipId = (this.ipId % 0xffff) + 1;
      const ah = c.version === 2 && c.authType === AUTH_AH;
      if (ah) this.ahSeq = (this.ahSeq + 1) >>> 0;
      const bytes = buildIpv4Frame(vrrp, {
        src: c.srcAddress,
        dst: dest,
        id: this.ipId,
        ttl: c.unicast ? c.unicastTtl : 255,
        ah: ah ? { key: c.authKey, seq: this.ahSeq, zeroTtl: c.unicast } : undefined,
      });
      out.push({ bytes, dest });
    }
    return out;
  }
}
