/**
 * vrrp_sync_group (pure): members move together, keepalived's rules.
 * - One member with its own fault → every other member goes FAULT; when no member has a fault
 *   of its own any more, all leave FAULT together.
 * - One member becomes MASTER → every BACKUP member becomes MASTER.
 * - One member yields MASTER for BACKUP → every MASTER member goes BACKUP.
 * Forced moves are tagged `syncGroupMaster` / `syncGroupBackup` and do not propagate again.
 */
import type { Logger } from '../../core/log.js';
import type { StepReason, VrrpState } from './fsm.js';
import type { SyncHook, SyncMember } from './instance-types.js';

export type SyncGroupState = 'INIT' | 'BACKUP' | 'MASTER' | 'FAULT';

export class SyncGroupRuntime implements SyncHook {
  private propagating = false;

  /** Attaches itself to every member. */
  constructor(
    readonly name: string,
    readonly members: readonly SyncMember[],
    private readonly log: Logger,
    private readonly onGroupState?: (state: SyncGroupState) => void,
  ) {
    for (const m of members) m.attachSync(this);
  }

  /** The group's state: FAULT if any member is FAULT, else MASTER if any is, else BACKUP/INIT. */
  get state(): SyncGroupState {
    const states = this.members.map((m) => m.state);
    if (states.includes('FAULT')) return 'FAULT';
    if (states.includes('MASTER')) return 'MASTER';
    if (states.includes('BACKUP')) return 'BACKUP';
    return 'INIT';
  }

  private forEachOther(member: SyncMember, fn: (m: SyncMember) => void): void {
    if (this.propagating) return;
    this.propagating = true;
    try {
      for (const m of this.members) if (m !== member) fn(m);
    } finally {
      this.propagating = false;
    }
  }

  /** A member changed state by itself: pull the others along. */
  memberTransition(member: SyncMember, from: VrrpState, to: VrrpState, reason: StepReason): void {
    if (reason === 'syncGroupMaster' || reason === 'syncGroupBackup') return;
    if (to === 'MASTER') {
      this.log.info({ group: this.name }, `VRRP_Group(${this.name}) Syncing instances to MASTER state`);
      this.forEachOther(member, (m) => m.state === 'BACKUP' && m.syncTo('MASTER'));
    } else if (from === 'MASTER' && to === 'BACKUP') {
      this.log.info({ group: this.name }, `VRRP_Group(${this.name}) Syncing instances to BACKUP state`);
      this.forEachOther(member, (m) => m.state === 'MASTER' && m.syncTo('BACKUP'));
    }
    this.onGroupState?.(this.state);
  }

  /** keepalived: no member takes MASTER while another member is FAULT or still hears its master. */
  canGoMaster(member: SyncMember): boolean {
    return this.members.every((m) => m === member || (m.state !== 'FAULT' && !m.hearsMaster));
  }

  /** A member's own fault appeared or cleared: each member is group-faulted while another has a fault. */
  memberFaultChanged(_member: SyncMember): void {
    if (this.propagating) return;
    this.propagating = true;
    try {
      for (const m of this.members) m.setGroupFault(this.members.some((x) => x !== m && x.hasOwnFault));
    } finally {
      this.propagating = false;
    }
    this.onGroupState?.(this.state);
  }
}
