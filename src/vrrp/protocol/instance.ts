/**
 * One VRRP instance: the pure FSM driven by a Clock, fed by received packets and tracker
 * changes, acting through `InstancePorts`. No I/O here: the wire layer implements the ports on
 * real sockets and netlink, tests implement them in memory.
 *
 * Wire formats: IPv4 `sendAdvert` gets the whole IP packet (IP_HDRINCL: TOS 0xc0, TTL 255, id
 * from 1, no DF, AH when configured); IPv6 `sendAdvert` gets the VRRP message only (the kernel
 * writes the header with hop limit 255). `receive` takes a packet already decoded by
 * `decodeReceived` (receive.ts), which reads those same formats.
 */
import type { TimerHandle } from '../../core/clock.js';
import { RateLimiter } from '../../core/rate-limit.js';
import type { IpAddress, VrrpInstance } from '../../config/model.js';
import type { AdvertTx } from './advert-tx.js';
import { AnnounceSchedule } from './announce.js';
import { logAdvert, wireSetup } from './instance-setup.js';
import { step, type Action, type FsmContext, type FsmEvent, type StepReason, type VrrpState } from './fsm.js';
import { parseAddress } from '../../core/addr.js';
import { acceptAdvert, DROP_STAT, type DropReason, type Received, type ReceivePolicy, type ReceiveResult } from './receive.js';
import { emptyStats } from './stats.js';
import { masterDownIntervalMs } from './timers.js';

import type { InstanceDeps, InstanceSnapshot, ReceiveOutcome, SyncHook, SyncMember, TrackerEffect } from './instance-types.js';


/** A VRRP instance (RFC 5798 §6 router for one VRID), see the file header. */
export class Instance implements SyncMember {
  readonly name: string;
  private st: VrrpState = 'INIT';
  private basePriority: number;
  private masterAdverIntMs: number;
  private readonly vips: readonly IpAddress[];
  private readonly policy: ReceivePolicy;
  private readonly tx: AdvertTx;
  private readonly announce: AnnounceSchedule;
  private readonly primaryBytes: Uint8Array;
  private readonly timers: { adver?: TimerHandle; down?: TimerHandle } = {};
  /** When each armed timer fires (clock ms), for the dumps' "Read timeout". */
  private readonly dueMs: { adver?: number; down?: number } = {};
  /** While an Adver_Timer's expiry is handled: when it was due (see adverDelay). */
  private adverAnchorMs: number | undefined;
  private readonly trackers = new Map<string, TrackerEffect>();
  private linkUp = true;
  private groupFault = false;
  private stats = emptyStats();
  private drops: Partial<Record<DropReason, number>> = {};
  private readonly dropLog = new RateLimiter(10, 1);
  /** Highest AH sequence accepted per sender (RFC 2402 §3.4.3 replay window of one). */
  private readonly ahSeqBySrc = new Map<string, number>();
  private vipsSet = false;
  private preemptAllowedAtMs = 0;
  private lastTransitionWallMs: number | undefined;
  private master: { priority: number; address: string } | undefined;
  private lastRx: { priority: number; src: string } | undefined;
  private sync: SyncHook | undefined;
  private stepping = false;
  private readonly queue: FsmEvent[] = [];

  constructor(
    readonly spec: VrrpInstance,
    private readonly deps: InstanceDeps,
  ) {
    this.name = spec.name;
    this.basePriority = spec.priority;
    this.masterAdverIntMs = spec.advertIntMs;
    const wire = wireSetup(spec, deps.primaryAddress, deps.mcastGroup);
    this.vips = wire.vips;
    this.policy = wire.policy;
    this.tx = wire.tx;
    this.primaryBytes = wire.primaryBytes;
    this.announce = new AnnounceSchedule(deps.clock, spec, () => deps.ports.sendGratuitous(this.vips));
  }

  /** Current state. */
  get state(): VrrpState {
    return this.st;
  }

  /** Base priority ± tracker deltas, clamped to 1..254; an owner (255) stays 255. */
  get effectivePriority(): number {
    if (this.basePriority === 255) return 255;
    let p = this.basePriority;
    for (const t of this.trackers.values()) p += t.priorityDelta;
    return Math.min(254, Math.max(1, p));
  }

  /** True when the instance itself (not its sync group) has a fault. */
  get hasOwnFault(): boolean {
    if (!this.linkUp && !this.spec.dontTrackPrimary) return true;
    if (this.noUnicastPeer) return true;
    for (const t of this.trackers.values()) if (t.faulted) return true;
    return false;
  }

  /** `unicast_fault_no_peer`: a unicast instance (unicast_src_ip) left without peers is FAULT. */
  private get noUnicastPeer(): boolean {
    return this.spec.unicastFaultNoPeer && this.spec.unicastSrcIp !== undefined && this.spec.unicastPeers.length === 0;
  }

  private get faulted(): boolean {
    return this.hasOwnFault || this.groupFault;
  }

  /** Installs the sync-group hook (sync-group.ts). */
  attachSync(hook: SyncHook | undefined): void {
    this.sync = hook;
  }

  /**
   * Starts the instance. `resumeMaster`: a respawned VRRP child (or a reloaded instance) whose
   * predecessor was MASTER takes MASTER at once, keeps the VIPs and advertises immediately;
   * `garp: false` skips the takeover GARP/NA schedule (keepalived sends none on a reload that
   * leaves the VIPs unchanged).
   */
  start(opts: { resumeMaster?: boolean; garp?: boolean } = {}): void {
    this.preemptAllowedAtMs = this.deps.clock.nowMs() + this.spec.preemptDelayMs;
    if (this.faulted) this.dispatch({ type: 'fault' });
    else this.dispatch({ type: 'startup', resumeMaster: opts.resumeMaster, garp: opts.garp });
    // A fault present before start must reach the sync group too.
    if (this.hasOwnFault) this.sync?.memberFaultChanged(this);
  }

  /**
   * Handles one received packet, decoded once by `decodeReceived` (receive.ts) for every instance
   * of its VRID; an undecodable one is counted here under its drop reason. Never throws.
   */
  receive(r: Received): ReceiveOutcome {
    if (!r.ok) {
      this.countDrop(r.drop, r.detail);
      return { accepted: false, drop: r.drop, detail: r.detail };
    }
    const a = acceptAdvert(r.rx, this.policy, (src) => this.ahSeqBySrc.get(src) ?? 0);
    if (!a.ok) {
      // Silent, as keepalived: another VRID, or the IPv6 cast this instance does not use.
      if (a.drop !== 'vridMismatch' && a.drop !== 'castDiscarded') this.countDrop(a.drop, a.detail);
      return { accepted: false, drop: a.drop, detail: a.detail };
    }
    return this.accepted(a);
  }

  private accepted(r: Extract<ReceiveResult, { ok: true }>): ReceiveOutcome {
    this.stats.advert_rcvd++;
    if (r.ahSeq !== undefined) {
      this.ahSeqBySrc.set(r.src, r.ahSeq);
      this.tx.observeAhSeq(r.ahSeq);
    }
    if (r.advert.priority === 0) {
      this.stats.pri_zero_rcvd++;
      this.ahSeqBySrc.delete(r.src); // a stopping sender restarts its sequence from 1
    }
    this.lastRx = { priority: r.advert.priority, src: r.src };
    const srcAddress = parseAddress(r.src, this.spec.family) ?? new Uint8Array(0);
    const ours = this.effectivePriority;
    const reason = this.dispatch({ type: 'advert', priority: r.advert.priority, advertIntMs: r.advert.advertIntMs, srcAddress });
    logAdvert(this.deps.log, this.name, this.st, reason, { priority: r.advert.priority, ours, src: r.src });
    if (this.st === 'BACKUP' && r.advert.priority !== 0 && reason !== 'lowerPriorityDiscarded') {
      this.master = { priority: r.advert.priority, address: r.src };
    }
    return { accepted: true, reason };
  }

  private countDrop(drop: DropReason, detail: string): void {
    this.drops[drop] = (this.drops[drop] ?? 0) + 1;
    const stat = DROP_STAT[drop];
    if (stat) this.stats[stat]++;
    const suppressed = this.dropLog.take(this.deps.clock.nowMs());
    if (suppressed >= 0) {
      this.deps.log.warn(
        { code: 'KAD_WARN_VRRP_PACKET_DROPPED', instance: this.name, drop, detail, suppressed },
        `(${this.name}) dropped advert: ${drop} (${detail})`,
      );
    }
  }

  /** The instance's interface went up or down (down → FAULT unless dont_track_primary). */
  linkChanged(up: boolean): void {
    this.linkUp = up;
    this.reevaluateFault();
  }

  /** Someone else deleted one of this instance's tracked VIPs (acted on in MASTER only). */
  vipDeleted(): void {
    this.dispatch({ type: 'vipDeleted' });
  }

  /** Sets the effect of one tracked object (`id` is unique per tracker, e.g. `script:chk_nginx`). */
  setTracker(id: string, effect: TrackerEffect): void {
    const before = this.effectivePriority;
    this.trackers.set(id, effect);
    this.reevaluateFault();
    this.priorityMaybeChanged(before);
  }

  /** A new base priority (operator action in replay scenarios). */
  setBasePriority(priority: number): void {
    const before = this.effectivePriority;
    this.basePriority = priority;
    this.priorityMaybeChanged(before);
  }

  private priorityMaybeChanged(before: number): void {
    const after = this.effectivePriority;
    if (after === before) return;
    this.deps.log.info({ instance: this.name, priority: after }, `(${this.name}) Changing effective priority from ${before} to ${after}`);
    if (this.spec.notifyPriorityChanges) this.deps.ports.notifyPriority?.(this.st === 'MASTER', after);
  }

  /** Sync group: set or clear the fault imposed by another member. */
  setGroupFault(on: boolean): void {
    this.groupFault = on;
    this.reevaluateFault(true);
  }

  /** Sync group: another member became MASTER (`master`) or yielded (`backup`). */
  syncTo(target: 'MASTER' | 'BACKUP'): void {
    this.dispatch({ type: target === 'MASTER' ? 'syncMaster' : 'syncBackup' });
  }

  private reevaluateFault(fromGroup = false): void {
    if (this.st === 'INIT' && this.lastTransitionWallMs === undefined) return;
    const faulted = this.faulted;
    if (faulted && this.st !== 'FAULT' && this.st !== 'INIT') this.dispatch({ type: 'fault' });
    else if (!faulted && this.st === 'FAULT') {
      this.preemptAllowedAtMs = this.deps.clock.nowMs() + this.spec.preemptDelayMs;
      this.dispatch({ type: 'faultCleared' });
    }
    if (!fromGroup) this.sync?.memberFaultChanged(this);
  }

  /** Graceful stop: priority-0 advert and VIP removal when MASTER, then INIT. */
  shutdown(): void {
    this.dispatch({ type: 'shutdown' });
    this.cancel('adver');
    this.cancel('down');
    this.announce.cancel();
  }

  /**
   * Reload of a changed instance: stop without a word (no advert, no VIP change, no notify);
   * the instance rebuilt from the new configuration takes over.
   */
  retire(): void {
    this.cancel('adver');
    this.cancel('down');
    this.announce.cancel();
    this.sync = undefined;
  }

  /** State, priorities and counters for dumps. */
  snapshot(): InstanceSnapshot {
    const faults: string[] = [];
    if (!this.linkUp) faults.push('interface');
    if (this.noUnicastPeer) faults.push('no-unicast-peer');
    for (const [id, t] of this.trackers) if (t.faulted) faults.push(id);
    if (this.groupFault) faults.push('sync-group');
    return {
      name: this.name,
      vrid: this.spec.vrid,
      state: this.st,
      basePriority: this.basePriority,
      effectivePriority: this.effectivePriority,
      advertIntMs: this.spec.advertIntMs,
      masterAdverIntMs: this.masterAdverIntMs,
      masterPriority: this.master?.priority,
      masterAddress: this.master?.address,
      sourceAddress: this.deps.primaryAddress,
      masterDownIntervalMs: masterDownIntervalMs(this.effectivePriority, this.masterAdverIntMs, this.spec.downTimerAdverts),
      ...this.nextTimer(),
      vipsSet: this.vipsSet,
      faults,
      lastTransitionWallMs: this.lastTransitionWallMs,
      stats: { ...this.stats },
      drops: { ...this.drops },
    };
  }

  /** Milliseconds until the next protocol timer fires, when one is armed. */
  private nextTimer(): { nextTimerInMs?: number } {
    const due = [this.dueMs.adver, this.dueMs.down].filter((d): d is number => d !== undefined);
    return due.length ? { nextTimerInMs: Math.max(0, Math.min(...due) - this.deps.clock.nowMs()) } : {};
  }

  /** The tracked objects' current effects on this instance, by tracker id (status document). */
  get trackerEffects(): ReadonlyMap<string, TrackerEffect> {
    return this.trackers;
  }

  /** STATS_CLEAR. */
  clearStats(): void {
    this.stats = emptyStats();
    this.drops = {};
  }

  private context(): FsmContext {
    return {
      version: this.spec.version,
      effectivePriority: this.effectivePriority,
      preempt: this.spec.preempt,
      preemptBlocked: this.deps.clock.nowMs() < this.preemptAllowedAtMs,
      lowerPrioNoAdvert: this.spec.lowerPrioNoAdvert,
      higherPrioSendAdvert: this.spec.higherPrioSendAdvert,
      advertIntMs: this.spec.advertIntMs,
      masterAdverIntMs: this.masterAdverIntMs,
      downTimerAdverts: this.spec.downTimerAdverts,
      primaryAddress: this.primaryBytes,
    };
  }

  /** The one funnel: every event goes through step(); every state change through transition(). */
  private dispatch(ev: FsmEvent): StepReason {
    if (this.stepping) {
      this.queue.push(ev);
      return 'ignored';
    }
    this.stepping = true;
    let reason: StepReason = 'ignored';
    try {
      reason = this.runStep(ev);
      for (let next = this.queue.shift(); next; next = this.queue.shift()) this.runStep(next);
    } finally {
      this.stepping = false;
    }
    return reason;
  }

  private runStep(ev: FsmEvent): StepReason {
    const from = this.st;
    const r = step(this.context(), from, ev);
    this.st = r.state;
    for (const a of r.actions) this.execute(a);
    if (r.state !== from) this.transition(from, r.state, r.reason);
    return r.reason;
  }

  private transition(from: VrrpState, to: VrrpState, reason: StepReason): void {
    this.lastTransitionWallMs = this.deps.clock.wallMs();
    if (to === 'MASTER') this.stats.become_master++;
    if (from === 'MASTER') this.stats.release_master++;
    if (to === 'MASTER') this.master = undefined;
    const label = to === 'INIT' ? 'STOP' : to;
    this.deps.log.info({ instance: this.name, from, to, reason }, `(${this.name}) Entering ${label} STATE`);
    this.deps.ports.stateChanged(from, to, reason);
    this.sync?.memberTransition(this, from, to, reason);
  }

  private sendAdvert(priority: number): void {
    for (const p of this.tx.build(priority)) this.deps.ports.sendAdvert(p.bytes, p.dest);
    this.stats.advert_sent++;
    if (priority === 0) this.stats.pri_zero_sent++;
  }

  /** Master_Down_Timer expired: the master is gone (RFC 5798 §6.4.2), unless the group holds us back. */
  private masterDown(): void {
    // Adverts that arrived while this process was not scheduled are still in the socket: read
    // them first. One from the master re-arms the down timer, and the master is not down.
    this.deps.ports.receivePending?.();
    if (this.timers.down !== undefined) return;
    this.ahSeqBySrc.clear(); // a restarted master counts its AH sequence from 1 again
    this.master = undefined;
    this.deps.log.info({ instance: this.name }, `(${this.name}) Receive advertisement timeout`);
    if (this.sync && !this.sync.canGoMaster(this)) {
      // keepalived: a sync-group member does not take over while another member still hears
      // its master; wait another Master_Down_Interval.
      const ms = masterDownIntervalMs(this.effectivePriority, this.masterAdverIntMs, this.spec.downTimerAdverts);
      this.arm('down', ms, () => this.masterDown());
      return;
    }
    this.dispatch({ type: 'masterDownTimer' });
  }

  /** True while BACKUP and a master is being heard (its down timer is running). */
  get hearsMaster(): boolean {
    return this.st === 'BACKUP' && this.master !== undefined && this.timers.down !== undefined;
  }

  /** Adver_Timer and Master_Down_Timer (RFC 5798 §6.2): (re)armed or cancelled by FSM actions. */
  private arm(which: 'adver' | 'down', delayMs: number, fire: () => void): void {
    this.cancel(which);
    this.dueMs[which] = this.deps.clock.nowMs() + delayMs;
    this.timers[which] = this.deps.clock.setTimer(delayMs, () => {
      const due = this.dueMs[which];
      this.timers[which] = undefined;
      this.dueMs[which] = undefined;
      this.adverAnchorMs = which === 'adver' ? due : undefined;
      try {
        fire();
      } finally {
        this.adverAnchorMs = undefined;
      }
    }, which === 'down');
  }

  /**
   * The next Adver_Timer, counted from when the one that just fired was due rather than from
   * when it ran: a timer that runs late (Node's millisecond timers, a busy CPU) does not push
   * every later advert back, so a 10 ms advert_int sends 100 adverts a second. One more than an
   * interval late starts the count again from now, without a burst to catch up.
   */
  private adverDelay(intervalMs: number): number {
    const anchor = this.adverAnchorMs;
    if (anchor === undefined) return intervalMs;
    const delay = anchor + intervalMs - this.deps.clock.nowMs();
    return delay > 0 ? delay : intervalMs;
  }

  private cancel(which: 'adver' | 'down'): void {
    this.deps.clock.clearTimer(this.timers[which]);
    this.timers[which] = undefined;
    this.dueMs[which] = undefined;
  }

  private execute(a: Action): void {
    const { ports } = this.deps;
    switch (a.type) {
      case 'sendAdvert':
        return this.sendAdvert(this.effectivePriority);
      case 'sendPriorityZero':
        return this.sendAdvert(0);
      case 'armAdverTimer':
        return this.arm('adver', this.adverDelay(a.delayMs), () => this.dispatch({ type: 'adverTimer' }));
      case 'cancelAdverTimer':
        return this.cancel('adver');
      case 'armMasterDownTimer':
        return this.arm('down', a.delayMs, () => this.masterDown());
      case 'cancelMasterDownTimer':
        return this.cancel('down');
      case 'setMasterAdverInt':
        this.masterAdverIntMs = a.ms;
        return;
      case 'addVips':
        this.deps.log.info({ instance: this.name }, `(${this.name}) setting VIPs.`);
        ports.addVips(this.vips);
        this.vipsSet = true;
        return;
      case 'removeVips':
        if (this.vipsSet) this.deps.log.info({ instance: this.name }, `(${this.name}) removing VIPs.`);
        ports.removeVips(this.vips);
        this.vipsSet = false;
        return;
      case 'garpMaster':
        return this.announce.startMaster();
      case 'garpLowerPrio':
        return this.announce.lowerPriority();
      case 'cancelGarp':
        return this.announce.cancel();
      case 'notify':
        return ports.notify(a.state, this.effectivePriority);
      case 'notifyRxLowerPrio':
        if (this.lastRx) ports.notifyRxLowerPriority?.(this.lastRx.priority, this.lastRx.src);
        return;
    }
  }
}
