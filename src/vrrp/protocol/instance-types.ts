/**
 * The public types of a VRRP instance: the ports the wire layer implements, the injected
 * dependencies, tracker effects, snapshots and the sync-group hook (pure).
 */
import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/log.js';
import type { IpAddress } from '../../config/model.js';
import type { NotifyState, StepReason, VrrpState } from './fsm.js';
import type { DropReason } from './receive.js';
import type { VrrpStats } from './stats.js';

/** Actions executed on the outside world. Implemented on real sockets by the wire layer. */
export interface InstancePorts {
  /** Send one advert packet to `dest` (multicast group or unicast peer); see file header for format. The bytes may be shared: do not modify them. */
  sendAdvert(bytes: Uint8Array, dest: string): void;
  /** Add the VIPs (and virtual routes/rules) to the interface; idempotent. */
  addVips(vips: readonly IpAddress[]): void;
  /** Remove the VIPs; idempotent (also called at startup to clear leftovers). */
  removeVips(vips: readonly IpAddress[]): void;
  /** One round: one gratuitous ARP (IPv4) or unsolicited NA (IPv6) per VIP. */
  sendGratuitous(vips: readonly IpAddress[]): void;
  /** Run notify scripts / SMTP / FIFO for a state (`notify_master`, ...). */
  notify(state: NotifyState, priority: number): void;
  /** notify_priority_changes: the effective priority changed (FIFO lines only). Optional. */
  notifyPriority?(master: boolean, priority: number): void;
  /** `notify_master_rx_lower_pri`. Optional. */
  notifyRxLowerPriority?(priority: number, src: string): void;
  /** Every state change, after the actions ran. */
  stateChanged(from: VrrpState, to: VrrpState, reason: StepReason): void;
  /**
   * Deliver the adverts already waiting in the socket, synchronously. Called when the
   * Master_Down_Timer fires: a backup that was itself held off the CPU must not declare the
   * master down while the master's adverts wait unread. Optional.
   */
  receivePending?(): void;
}

/** Injected collaborators. */
export interface InstanceDeps {
  clock: Clock;
  log: Logger;
  ports: InstancePorts;
  /** Own primary address: IPv4 primary of the interface or IPv6 link-local. */
  primaryAddress: string;
  /** Multicast group (global vrrp_mcast_group4/6 or the instance's mcast_dst_ip). */
  mcastGroup?: string;
}

/** Effect of one tracked object on the instance. */
export interface TrackerEffect {
  /** A weight-0 tracker that failed: the instance goes FAULT. */
  faulted: boolean;
  /** Signed contribution to the effective priority. */
  priorityDelta: number;
}

/**
 * keepalived's weight rule for a tracker: weight 0 → FAULT when down; weight > 0 → added when
 * up; weight < 0 → added (subtracting) when down; `reverse` swaps up and down.
 */
export function trackerEffect(up: boolean, weight: number, reverse = false): TrackerEffect {
  const good = reverse ? !up : up;
  if (weight === 0) return { faulted: !good, priorityDelta: 0 };
  if (weight > 0) return { faulted: false, priorityDelta: good ? weight : 0 };
  return { faulted: false, priorityDelta: good ? 0 : weight };
}

/** What `snapshot()` reports (dumps, stats, JSON). */
export interface InstanceSnapshot {
  name: string;
  vrid: number;
  state: VrrpState;
  basePriority: number;
  effectivePriority: number;
  advertIntMs: number;
  masterAdverIntMs: number;
  /** Priority and address of the last master heard (BACKUP), if any. */
  masterPriority?: number;
  masterAddress?: string;
  /** The address adverts are sent from (primary IPv4, link-local IPv6, or the configured one). */
  sourceAddress: string;
  /** Master_Down_Interval for this instance's priority and the master's advert interval. */
  masterDownIntervalMs: number;
  /** Milliseconds until the Adver_Timer or Master_Down_Timer fires; absent when none is armed. */
  nextTimerInMs?: number;
  vipsSet: boolean;
  faults: string[];
  lastTransitionWallMs?: number;
  stats: VrrpStats;
  drops: Partial<Record<DropReason, number>>;
}

/** Result of `receive()`. */
export type ReceiveOutcome = { accepted: true; reason: StepReason } | { accepted: false; drop: DropReason; detail: string };

/** What a sync group sees of a member (the instance implements it). */
export interface SyncMember {
  readonly state: VrrpState;
  /** The member has a fault of its own (not one imposed by the group). */
  readonly hasOwnFault: boolean;
  /** BACKUP and hearing a master. */
  readonly hearsMaster: boolean;
  attachSync(hook: SyncHook | undefined): void;
  setGroupFault(on: boolean): void;
  syncTo(target: 'MASTER' | 'BACKUP'): void;
}

/** Hook a sync group installs on its members. */
export interface SyncHook {
  memberTransition(member: SyncMember, from: VrrpState, to: VrrpState, reason: StepReason): void;
  memberFaultChanged(member: SyncMember): void;
  /** May `member`, whose down timer expired, become MASTER without splitting the group? */
  canGoMaster(member: SyncMember): boolean;
}
