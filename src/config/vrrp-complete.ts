/**
 * keepalived's instance-completion rules beyond the protocol ones (pure): the initial state and
 * priority each derives from the other, preemption, the timers `vrrp_strict` pins, VMAC options,
 * unicast keywords without peers and how many VIPs one advert can carry. Every rule was measured
 * against keepalived 2.2.7 `-t`: each reported problem is a config error there (exit 5) and the
 * value is reset, as here.
 */
import type { Cx } from './context.js';
import { isLinkLocal6 } from '../core/addr.js';
import type { Family, GlobalDefs, IpAddress, Ipvlan } from './model.js';
import type { InstanceDraft } from './blocks/vrrp.js';

const OWNER = 255;
/** keepalived's default master-down interval in adverts (RFC 5798 §6.1: 3 × Advertisement_Interval). */
const DOWN_TIMER_ADVERTS = 3;
/** The Count IPvX Addr field is 8 bits (RFC 5798 §5.2.5). */
const MAX_VIPS = 255;
const DEFAULT_MTU = 1500;

/** Priority unset: 255 for state MASTER, else 100 (keepalived derives one from the other). */
export function priorityOf(d: InstanceDraft): number {
  return d.priority ?? (d.state === 'MASTER' ? OWNER : 100);
}

/**
 * The configured state: unset means MASTER for the address owner, BACKUP otherwise. In strict
 * mode MASTER is allowed if and only if the priority is 255 (RFC 5798 §6.4.1).
 */
export function stateOf(cx: Cx, d: InstanceDraft, priority: number, strict: boolean): 'MASTER' | 'BACKUP' {
  const derived = priority === OWNER ? 'MASTER' : 'BACKUP';
  if (d.state === undefined) return derived;
  if (strict && (d.state === 'MASTER') !== (priority === OWNER)) {
    cx.report(d.node.head, 'KAD_ERR_CONFIG_INCONSISTENT',
      `${d.name}: vrrp_strict: state MASTER must match being the address owner (priority 255); starting as ${derived}`);
    return derived;
  }
  return d.state;
}

/** strict: VRRPv2 carries no IPv6 (RFC 3768), so an IPv6 instance asking for version 2 gets 3. */
export function strictVersion(cx: Cx, d: InstanceDraft, family: Family, strict: boolean): 2 | 3 | undefined {
  if (strict && family === 6 && d.version === 2) {
    cx.report(d.node.head, 'KAD_ERR_CONFIG_INCONSISTENT', `${d.name}: vrrp_strict: IPv6 cannot use VRRP version 2; using version 3`);
    return 3;
  }
  return d.version;
}

/** strict, multicast IPv6: the first VIP must be link-local (RFC 5798 §5.2.9). */
export function strictFirstVip(cx: Cx, d: InstanceDraft, family: Family, strict: boolean): void {
  const first = d.vips[0];
  if (strict && family === 6 && d.unicastPeers.length === 0 && first && !isLinkLocal6(first.address)) {
    cx.report(first.source.file ? { file: first.source.file, line: first.source.line, col: 1 } : d.node.head, 'KAD_ERR_CONFIG_INCONSISTENT',
      `${d.name}: vrrp_strict: the first IPv6 VIP (${first.address}) must be link-local (RFC 5798 §5.2.9)`);
  }
}

/** nopreempt and preempt_delay against the owner, state MASTER and strict mode, in keepalived's order. */
export function preemptRules(cx: Cx, d: InstanceDraft, state: 'MASTER' | 'BACKUP', priority: number, strict: boolean): { preempt: boolean; preemptDelayMs: number } {
  const at = d.nopreemptNode?.head ?? d.node.head;
  let preempt = d.preempt;
  let delay = d.preemptDelayMs;
  if (!preempt && priority === OWNER) {
    cx.report(at, 'KAD_ERR_CONFIG_INCONSISTENT', `${d.name}: nopreempt does not work with priority 255 (the owner always preempts); nopreempt cleared`);
    preempt = true;
  }
  if (state === 'MASTER') {
    if (!preempt) cx.report(at, 'KAD_ERR_CONFIG_INCONSISTENT', `${d.name}: nopreempt does not work with state MASTER; nopreempt cleared`);
    if (delay > 0) cx.report(d.node.head, 'KAD_ERR_CONFIG_INCONSISTENT', `${d.name}: preempt_delay does not work with state MASTER; reset to 0`);
    preempt = true;
    delay = 0;
  }
  if (delay > 0 && strict) {
    cx.report(d.node.head, 'KAD_ERR_CONFIG_INCONSISTENT', `${d.name}: vrrp_strict does not allow preempt_delay (RFC 5798 has none); reset to 0`);
    delay = 0;
  }
  if (delay > 0 && !preempt) {
    cx.report(at, 'KAD_ERR_CONFIG_INCONSISTENT', `${d.name}: preempt_delay does nothing with nopreempt; reset to 0`);
    delay = 0;
  }
  return { preempt, preemptDelayMs: delay };
}

export interface StrictTimers {
  garpLowerPrioRepeat: number;
  garpLowerPrioDelayMs: number;
  lowerPrioNoAdvert: boolean;
  higherPrioSendAdvert: boolean;
  downTimerAdverts: number;
}

/**
 * Values strict mode pins (RFC 5798 §6.4.3: a master stays silent on a lower-priority advert and
 * repeats nothing): unset, they take the strict value instead of the global default; set to
 * something else, they are reported and reset.
 */
export function strictTimers(cx: Cx, d: InstanceDraft, g: GlobalDefs, strict: boolean): StrictTimers {
  const reset = <T>(what: string, set: T | undefined, strictValue: T, fallback: T, bad: (v: T) => boolean): T => {
    if (!strict) return set ?? fallback;
    if (set === undefined) return strictValue;
    if (bad(set)) cx.report(d.node.head, 'KAD_ERR_CONFIG_INCONSISTENT', `${d.name}: vrrp_strict requires ${what}; reset`);
    return strictValue;
  };
  const downTimer = d.downTimerAdverts ?? g.vrrpDownTimerAdverts;
  if (strict && downTimer !== DOWN_TIMER_ADVERTS) {
    cx.report(d.node.head, 'KAD_ERR_CONFIG_INCONSISTENT', `${d.name}: vrrp_strict does not allow down_timer_adverts ${downTimer} (RFC 5798 §6.1: 3 adverts); reset to 3`);
  }
  return {
    garpLowerPrioRepeat: reset('no garp_lower_prio_repeat', d.garp.lowerPrioRepeat, 0, g.vrrpGarpLowerPrioRepeat, (v) => v !== 0),
    garpLowerPrioDelayMs: reset('no garp_lower_prio_delay', d.garp.lowerPrioDelayMs, 0, g.vrrpGarpLowerPrioDelayMs, (v) => v !== 0),
    lowerPrioNoAdvert: reset('lower_prio_no_advert', d.lowerPrioNoAdvert, true, g.vrrpLowerPrioNoAdvert, (v) => !v),
    higherPrioSendAdvert: reset('higher_prio_send_advert off', d.higherPrioSendAdvert, false, g.vrrpHigherPrioSendAdvert, (v) => v),
    downTimerAdverts: strict ? DOWN_TIMER_ADVERTS : downTimer,
  };
}

/** use_vmac options: a MAC address and vmac_xmit_base are refused in strict mode. */
export function vmacRules(cx: Cx, d: InstanceDraft, strict: boolean): void {
  const at = d.node.head;
  if (d.useVmac && d.vmacMac !== undefined && strict) {
    cx.report(at, 'KAD_ERR_CONFIG_INCONSISTENT', `${d.name}: vrrp_strict does not allow a MAC address on use_vmac (RFC 5798 §7.3 fixes it); cleared`);
  }
  if (d.vmacXmitBase && !d.useVmac) {
    cx.report(at, 'KAD_ERR_CONFIG_INCONSISTENT', `${d.name}: vmac_xmit_base is only valid with use_vmac; ignored`);
  } else if (d.vmacXmitBase && strict) {
    cx.report(at, 'KAD_ERR_CONFIG_INCONSISTENT', `${d.name}: vrrp_strict does not allow vmac_xmit_base (adverts must come from the virtual MAC); reset`);
  }
}

/**
 * `use_ipvlan`: named `vrrp.VRID` unless named, bridge unless told. Its address must be of the
 * instance's family; an IPv4 instance needs one (keepalived 2.2.7 faults the instance without:
 * a config error, and kad does not start it). With use_vmac the macvlan wins (keepalived creates
 * only it, silently; kad warns).
 */
export function ipvlanOf(cx: Cx, d: InstanceDraft, family: Family): Ipvlan | undefined {
  const v = d.ipvlan;
  if (!v) return undefined;
  if (d.useVmac) {
    cx.report(v.node.head, 'KAD_WARN_CONFIG_IGNORED', `(${d.name}) use_ipvlan is ignored with use_vmac (the macvlan is used)`);
    return undefined;
  }
  let address = v.address && { address: v.address.address, prefixLen: v.address.prefixLen, family: v.address.family };
  if (address && address.family !== family) {
    cx.report(v.node.head, 'KAD_ERR_CONFIG_INCONSISTENT', `(${d.name}) ipvlan address [${address.address}] MUST match vrrp instance family - ignoring`);
    address = undefined;
  }
  if (!address && family === 4) {
    cx.report(v.node.head, 'KAD_ERR_CONFIG_MISSING_REQUIRED', `(${d.name}) IPv4 ipvlan requires a source ip address to be configured; the instance is not started`);
  }
  return { name: v.name ?? `vrrp.${d.vrid ?? 0}`, mode: v.mode ?? 'bridge', ...(address ? { address } : {}) };
}

/** unicast_src_ip / unicast_ttl without any peer: the instance runs multicast, so they do nothing. */
export function unicastWithoutPeers(cx: Cx, d: InstanceDraft): void {
  if (d.unicastPeers.length > 0) return;
  if (d.unicastPeerNode) {
    const what = d.unicastPeerNode.children?.length ? 'has no usable address (each entry above was skipped)' : 'is empty';
    cx.report(d.unicastPeerNode.head, 'KAD_ERR_CONFIG_UNICAST_NO_PEERS', `${d.name}: unicast_peer ${what}: keepalived 2.2.7 and kad run this instance MULTICAST ("Defaulting to multicast"), so the peer you meant to reach by unicast never sees adverts`);
  } else if (d.unicastSrcIp !== undefined) {
    cx.report(d.node.head, 'KAD_ERR_CONFIG_UNICAST_NO_PEERS', `${d.name}: unicast_src_ip without unicast_peer: the instance runs multicast`);
  } else if (d.unicastOnly !== undefined) {
    cx.report(d.node.head, 'KAD_ERR_CONFIG_UNICAST_NO_PEERS', `${d.name}: ${d.unicastOnly} without unicast_peer: the instance runs multicast (keepalived 2.2.7: "Defaulting to multicast")`);
  }
  if (d.unicastTtl !== undefined) {
    cx.report(d.node.head, 'KAD_ERR_CONFIG_UNICAST_NO_PEERS', `${d.name}: unicast_ttl without unicast_peer does nothing; reset`);
  }
}

/**
 * VIPs beyond what one advert carries on the interface's MTU (Ethernet + IP + VRRP headers, the
 * v2 auth field and AH, at most 255) move to the excluded list: still added, not advertised.
 */
export function vipCapacity(cx: Cx, d: InstanceDraft, family: Family, version: 2 | 3, ah: boolean, mtu: number | undefined): { vips: IpAddress[]; excess: IpAddress[] } {
  const headers = family === 4 ? 14 + 20 + 8 + (version === 2 ? 8 + (ah ? 24 : 0) : 0) : 14 + 40 + 8;
  const max = Math.min(MAX_VIPS, Math.floor(((mtu ?? DEFAULT_MTU) - headers) / (family === 4 ? 4 : 16)));
  if (d.vips.length <= max) return { vips: d.vips, excess: [] };
  cx.report(d.node.head, 'KAD_ERR_CONFIG_INVALID_VALUE',
    `${d.name}: ${d.vips.length} VIPs do not fit one advert (at most ${max} on ${d.interface ?? 'this link'}); the rest are kept as virtual_ipaddress_excluded`);
  return { vips: d.vips.slice(0, max), excess: d.vips.slice(max) };
}
