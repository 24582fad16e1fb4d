/**
 * The VRRP state machine (pure): `step(ctx, state, event) → { state, actions, reason }`.
 * Actions are data; `instance.ts` executes them against the clock and the ports.
 *
 * States are RFC 5798 §6.4's Initialize, Backup and Master plus keepalived's FAULT. The stop
 * path (shutdown) returns to INIT after sending a priority-0 advert.
 */
import { compareAddressBytes } from '../../core/addr.js';
import { masterDownIntervalMs, skewTimeMs } from './timers.js';

export type VrrpState = 'INIT' | 'BACKUP' | 'MASTER' | 'FAULT';

/** What the FSM reads about its instance at the moment of the event. */
export interface FsmContext {
  version: 2 | 3;
  /** Base priority ± tracking weights; 255 means address owner. */
  effectivePriority: number;
  preempt: boolean;
  /** True while `preempt_delay` has not yet elapsed: a backup does not preempt. */
  preemptBlocked: boolean;
  lowerPrioNoAdvert: boolean;
  higherPrioSendAdvert: boolean;
  advertIntMs: number;
  /** v3: learned from the master; v2 and when master: own interval. */
  masterAdverIntMs: number;
  downTimerAdverts: number;
  /** Own primary address bytes (IPv4 or IPv6 link-local), for the equal-priority tie-break. */
  primaryAddress: Uint8Array;
}

export type FsmEvent =
  /** `garp: false` with resumeMaster: keep quiet on the ARP side (reload with unchanged VIPs). */
  | { type: 'startup'; resumeMaster?: boolean; garp?: boolean }
  | { type: 'masterDownTimer' }
  | { type: 'adverTimer' }
  | { type: 'advert'; priority: number; advertIntMs: number; srcAddress: Uint8Array }
  | { type: 'fault' }
  | { type: 'faultCleared' }
  | { type: 'shutdown' }
  /** Someone else deleted one of the MASTER's tracked VIPs (not `no_track`). */
  | { type: 'vipDeleted' }
  /** Sync group: another member became MASTER / left MASTER for BACKUP. */
  | { type: 'syncMaster' }
  | { type: 'syncBackup' };

export type NotifyState = 'MASTER' | 'BACKUP' | 'FAULT' | 'STOP';

export type Action =
  | { type: 'sendAdvert' }
  | { type: 'sendPriorityZero' }
  | { type: 'armAdverTimer'; delayMs: number }
  | { type: 'cancelAdverTimer' }
  | { type: 'armMasterDownTimer'; delayMs: number }
  | { type: 'cancelMasterDownTimer' }
  | { type: 'setMasterAdverInt'; ms: number }
  | { type: 'addVips' }
  | { type: 'removeVips' }
  /** Start the takeover GARP/NA schedule (burst now, burst after garp_master_delay, refresh). */
  | { type: 'garpMaster' }
  /** One burst of garp_lower_prio_repeat after garp_lower_prio_delay. */
  | { type: 'garpLowerPrio' }
  | { type: 'cancelGarp' }
  | { type: 'notify'; state: NotifyState }
  /** The `notify_master_rx_lower_pri` script. */
  | { type: 'notifyRxLowerPrio' };

/** Why a step happened: transitions and in-state handling alike, for logs and tests. */
export type StepReason =
  | 'startupBackup'
  | 'startupOwner'
  | 'resumeMaster'
  | 'masterDownTimerExpired'
  | 'higherPriorityAdvert'
  | 'equalPriorityHigherAddress'
  | 'interfaceOrTrackerFault'
  | 'faultCleared'
  | 'shutdown'
  | 'vipDeleted'
  | 'syncGroupMaster'
  | 'syncGroupBackup'
  | 'adverTimerExpired'
  | 'advertAccepted'
  | 'priorityZeroReceived'
  | 'lowerPriorityDiscarded'
  | 'lowerPriorityAnswered'
  | 'ownAdvertLooped'
  | 'ignored';

export interface StepResult {
  state: VrrpState;
  actions: Action[];
  reason: StepReason;
}

function downIntervalMs(ctx: FsmContext, masterAdverIntMs: number): number {
  return masterDownIntervalMs(ctx.effectivePriority, masterAdverIntMs, ctx.downTimerAdverts);
}

/** RFC 5798 §6.4.1/§6.4.2: send an advert, then (keepalived order) VIPs, then GARPs. */
function enterMaster(ctx: FsmContext, reason: StepReason, garp = true): StepResult {
  const announce: Action[] = garp ? [{ type: 'garpMaster' }] : [];
  return {
    state: 'MASTER',
    reason,
    actions: [
      { type: 'cancelMasterDownTimer' },
      { type: 'setMasterAdverInt', ms: ctx.advertIntMs },
      { type: 'sendAdvert' },
      { type: 'addVips' },
      ...announce,
      { type: 'armAdverTimer', delayMs: ctx.advertIntMs },
      { type: 'notify', state: 'MASTER' },
    ],
  };
}

/** RFC 5798 §6.4.1 (Backup branch) and §6.4.3 (yielding to a better master). */
function enterBackup(ctx: FsmContext, reason: StepReason, masterAdverIntMs: number, pre: Action[] = []): StepResult {
  return {
    state: 'BACKUP',
    reason,
    actions: [
      ...pre,
      { type: 'cancelAdverTimer' },
      { type: 'cancelGarp' },
      { type: 'removeVips' },
      { type: 'setMasterAdverInt', ms: masterAdverIntMs },
      { type: 'armMasterDownTimer', delayMs: downIntervalMs(ctx, masterAdverIntMs) },
      { type: 'notify', state: 'BACKUP' },
    ],
  };
}

function enterFault(from: VrrpState): StepResult {
  const actions: Action[] = [{ type: 'cancelAdverTimer' }, { type: 'cancelMasterDownTimer' }, { type: 'cancelGarp' }];
  // keepalived leaves MASTER for FAULT with a priority-0 advert so a backup takes over at once.
  if (from === 'MASTER') actions.push({ type: 'sendPriorityZero' });
  actions.push({ type: 'removeVips' }, { type: 'notify', state: 'FAULT' });
  return { state: 'FAULT', reason: 'interfaceOrTrackerFault', actions };
}

function stay(state: VrrpState, reason: StepReason, actions: Action[] = []): StepResult {
  return { state, reason, actions };
}

function learnedInterval(ctx: FsmContext, advertIntMs: number): number {
  return ctx.version === 3 ? advertIntMs : ctx.advertIntMs;
}

/** RFC 5798 §6.4.2: an advert received in Backup. */
function backupAdvert(ctx: FsmContext, ev: Extract<FsmEvent, { type: 'advert' }>): StepResult {
  if (ev.priority === 0) {
    // MUST set the Master_Down_Timer to Skew_Time: the best backup takes over first.
    return stay('BACKUP', 'priorityZeroReceived', [
      { type: 'armMasterDownTimer', delayMs: skewTimeMs(ctx.effectivePriority, ctx.masterAdverIntMs) },
    ]);
  }
  if (!ctx.preempt || ctx.preemptBlocked || ev.priority >= ctx.effectivePriority) {
    const interval = learnedInterval(ctx, ev.advertIntMs);
    return stay('BACKUP', 'advertAccepted', [
      { type: 'setMasterAdverInt', ms: interval },
      { type: 'armMasterDownTimer', delayMs: downIntervalMs(ctx, interval) },
    ]);
  }
  // Preempt on and a lower priority: discard, let the down timer run out (§6.4.2).
  return stay('BACKUP', 'lowerPriorityDiscarded');
}

/** RFC 5798 §6.4.3: an advert received in Master; RFC 9568 §6.4.3 answers a lower one. */
function masterAdvert(ctx: FsmContext, ev: Extract<FsmEvent, { type: 'advert' }>): StepResult {
  if (ev.priority === 0) {
    return stay('MASTER', 'priorityZeroReceived', [
      { type: 'sendAdvert' },
      { type: 'armAdverTimer', delayMs: ctx.advertIntMs },
    ]);
  }
  const cmp = compareAddressBytes(ev.srcAddress, ctx.primaryAddress);
  const higher = ev.priority > ctx.effectivePriority;
  if (higher || (ev.priority === ctx.effectivePriority && cmp > 0)) {
    const pre: Action[] = ctx.higherPrioSendAdvert ? [{ type: 'sendAdvert' }] : [];
    const reason = higher ? 'higherPriorityAdvert' : 'equalPriorityHigherAddress';
    return enterBackup(ctx, reason, learnedInterval(ctx, ev.advertIntMs), pre);
  }
  if (ev.priority === ctx.effectivePriority && cmp === 0) return stay('MASTER', 'ownAdvertLooped');
  if (ctx.lowerPrioNoAdvert) return stay('MASTER', 'lowerPriorityDiscarded', [{ type: 'notifyRxLowerPrio' }]);
  return stay('MASTER', 'lowerPriorityAnswered', [
    { type: 'sendAdvert' },
    { type: 'garpLowerPrio' },
    { type: 'notifyRxLowerPrio' },
  ]);
}

function fromInit(ctx: FsmContext, ev: FsmEvent): StepResult {
  if (ev.type === 'fault') return enterFault('INIT');
  if (ev.type !== 'startup') return stay('INIT', 'ignored');
  if (ev.resumeMaster) return enterMaster(ctx, 'resumeMaster', ev.garp !== false);
  // RFC 5798 §6.4.1: the owner (priority 255) becomes Master at once; everyone else Backup.
  if (ctx.effectivePriority === 255) return enterMaster(ctx, 'startupOwner');
  return enterBackup(ctx, 'startupBackup', ctx.advertIntMs);
}

function fromBackup(ctx: FsmContext, ev: FsmEvent): StepResult {
  switch (ev.type) {
    case 'masterDownTimer':
    case 'syncMaster':
      return enterMaster(ctx, ev.type === 'syncMaster' ? 'syncGroupMaster' : 'masterDownTimerExpired');
    case 'advert':
      return backupAdvert(ctx, ev);
    case 'fault':
      return enterFault('BACKUP');
    case 'shutdown':
      return { state: 'INIT', reason: 'shutdown', actions: [{ type: 'cancelMasterDownTimer' }, { type: 'notify', state: 'STOP' }] };
    default:
      return stay('BACKUP', 'ignored');
  }
}

/**
 * A tracked VIP deleted under a MASTER. keepalived 2.2.7 (measured): BACKUP at once with a
 * priority-0 advert, the other VIPs removed, and the Master_Down_Timer set to Skew_Time as if it
 * had heard a priority-0 advert itself: with no better backup it is MASTER again ~Skew_Time later
 * and re-adds every VIP; a backup whose Skew_Time is shorter takes over instead.
 */
function vipDeleted(ctx: FsmContext): StepResult {
  return {
    state: 'BACKUP',
    reason: 'vipDeleted',
    actions: [
      { type: 'cancelAdverTimer' },
      { type: 'cancelGarp' },
      { type: 'sendPriorityZero' },
      { type: 'removeVips' },
      { type: 'setMasterAdverInt', ms: ctx.advertIntMs },
      { type: 'armMasterDownTimer', delayMs: skewTimeMs(ctx.effectivePriority, ctx.advertIntMs) },
      { type: 'notify', state: 'BACKUP' },
    ],
  };
}

function fromMaster(ctx: FsmContext, ev: FsmEvent): StepResult {
  switch (ev.type) {
    case 'vipDeleted':
      return vipDeleted(ctx);
    case 'adverTimer':
      return stay('MASTER', 'adverTimerExpired', [{ type: 'sendAdvert' }, { type: 'armAdverTimer', delayMs: ctx.advertIntMs }]);
    case 'advert':
      return masterAdvert(ctx, ev);
    case 'fault':
      return enterFault('MASTER');
    case 'syncBackup':
      return enterBackup(ctx, 'syncGroupBackup', ctx.masterAdverIntMs);
    case 'shutdown':
      // RFC 5798 §6.4.3: cancel Adver_Timer, send an advert with priority 0, go to Initialize.
      return {
        state: 'INIT',
        reason: 'shutdown',
        actions: [
          { type: 'cancelAdverTimer' },
          { type: 'cancelGarp' },
          { type: 'sendPriorityZero' },
          { type: 'removeVips' },
          { type: 'notify', state: 'STOP' },
        ],
      };
    default:
      return stay('MASTER', 'ignored');
  }
}

function fromFault(ctx: FsmContext, ev: FsmEvent): StepResult {
  if (ev.type === 'faultCleared') {
    if (ctx.effectivePriority === 255) return enterMaster(ctx, 'faultCleared');
    return enterBackup(ctx, 'faultCleared', ctx.advertIntMs);
  }
  if (ev.type === 'shutdown') return { state: 'INIT', reason: 'shutdown', actions: [{ type: 'notify', state: 'STOP' }] };
  return stay('FAULT', 'ignored');
}

/** One FSM step. Pure: same inputs, same result. */
export function step(ctx: FsmContext, state: VrrpState, ev: FsmEvent): StepResult {
  switch (state) {
    case 'INIT':
      return fromInit(ctx, ev);
    case 'BACKUP':
      return fromBackup(ctx, ev);
    case 'MASTER':
      return fromMaster(ctx, ev);
    case 'FAULT':
      return fromFault(ctx, ev);
  }
}
