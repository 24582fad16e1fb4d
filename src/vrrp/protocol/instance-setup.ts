/**
 * Construction helpers for a VRRP instance (pure): the receive policy and the transmitter derived
 * from the config model, and keepalived-worded election log lines.
 */
import type { Logger } from '../../core/log.js';
import type { IpAddress, VrrpInstance } from '../../config/model.js';
import { AdvertTx } from './advert-tx.js';
import { passwordBytes } from './auth.js';
import type { StepReason, VrrpState } from './fsm.js';
import { canonicalAddress, parseAddress } from '../../core/addr.js';
import { AUTH_AH, AUTH_NONE, AUTH_PASS } from './packet.js';
import type { ReceivePolicy } from './receive.js';

const DEFAULT_GROUP = { 4: '224.0.0.18', 6: 'ff02::12' } as const;

function authTypeOf(spec: VrrpInstance): number {
  if (spec.version === 3) return AUTH_NONE;
  return spec.auth.type === 'PASS' ? AUTH_PASS : spec.auth.type === 'AH' ? AUTH_AH : AUTH_NONE;
}

/** What an instance derives from its config once. */
export interface WireSetup {
  vips: readonly IpAddress[];
  policy: ReceivePolicy;
  tx: AdvertTx;
  primaryBytes: Uint8Array;
}

/** Receive policy and transmitter for `spec`; the source is unicast_src_ip, mcast_src_ip or the primary. */
export function wireSetup(spec: VrrpInstance, primaryAddress: string, mcastGroup?: string): WireSetup {
  const vips = spec.vips.filter((v) => v.family === spec.family);
  const vipText = vips.map((v) => canonicalAddress(v.address, spec.family) ?? v.address);
  const group = mcastGroup ?? spec.mcastDstIp ?? DEFAULT_GROUP[spec.family];
  const unicast = spec.unicastPeers.length > 0;
  const authKey = spec.auth.type === 'none' ? new Uint8Array(8) : passwordBytes(spec.auth.password);
  const src = spec.unicastSrcIp ?? spec.mcastSrcIp ?? primaryAddress;
  const peers = spec.unicastPeers.map((p) => ({ ...p, address: canonicalAddress(p.address, spec.family) ?? p.address }));
  const policy: ReceivePolicy = {
    family: spec.family,
    version: spec.version,
    vrid: spec.vrid,
    advertIntMs: spec.advertIntMs,
    authType: authTypeOf(spec),
    authKey,
    vips: vipText,
    vipBytes: vipText.map((v) => parseAddress(v, spec.family) ?? new Uint8Array(0)),
    skipCheckAdvAddr: spec.skipCheckAdvAddr,
    unicastPeers: peers,
    checkUnicastSrc: spec.checkUnicastSrc,
    mcastGroup: group,
  };
  const tx = new AdvertTx({
    version: spec.version,
    family: spec.family,
    vrid: spec.vrid,
    advertIntMs: spec.advertIntMs,
    srcAddress: src,
    vips: vipText,
    authType: authTypeOf(spec),
    authKey,
    v3ChecksumAsV2: spec.v3ChecksumAsV2,
    destinations: unicast ? peers.map((p) => p.address) : [group],
    unicastTtl: spec.unicastTtl,
    unicast,
  });
  const primaryBytes = parseAddress(src, spec.family) ?? new Uint8Array(spec.family === 4 ? 4 : 16);
  return { vips, policy, tx, primaryBytes };
}

/** keepalived's wording for the adverts that change or keep the election. */
export function logAdvert(
  log: Logger,
  name: string,
  state: VrrpState,
  reason: StepReason,
  a: { priority: number; ours: number; src: string },
): void {
  const f = { instance: name, priority: a.priority, src: a.src };
  if (reason === 'higherPriorityAdvert' || reason === 'equalPriorityHigherAddress') {
    log.info(f, `(${name}) Master received advert from ${a.src} with higher priority ${a.priority}, ours ${a.ours}`);
  } else if (reason === 'lowerPriorityDiscarded' && state === 'BACKUP') {
    log.info(f, `(${name}) received lower priority (${a.priority}) advert from ${a.src} - discarding`);
  } else if (reason === 'priorityZeroReceived' && state === 'BACKUP') {
    log.info(f, `(${name}) Backup received priority 0 advertisement`);
  }
}
