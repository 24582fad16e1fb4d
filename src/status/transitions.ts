/**
 * Per-instance memory of state changes for the status document (pure): the last transition
 * with its reason, time and peer, and a count per reason. The VRRP child records every change
 * the runtime reports; a reload is recorded as its own reason for the instances it restarted.
 */
import type { TransitionInfo } from './types.js';

export class TransitionLog {
  private readonly last = new Map<string, TransitionInfo>();
  private readonly counts = new Map<string, Record<string, number>>();
  private readonly states = new Map<string, string>();
  private readonly peers = new Map<string, string>();

  /**
   * Remember the master `instance` hears. An instance that becomes MASTER has already forgotten
   * the master whose adverts stopped; the log keeps it to name the peer of that transition.
   */
  notePeer(instance: string, peer: string | undefined): void {
    if (peer !== undefined) this.peers.set(instance, peer);
  }

  /** Record that `instance` entered `to` for `reason` at `wallMs`; `peer` is the master it hears now, if any. */
  record(instance: string, to: string, reason: string, wallMs: number, peer?: string): void {
    this.notePeer(instance, peer);
    const known = this.peers.get(instance);
    const from = this.states.get(instance) ?? 'INIT';
    this.states.set(instance, to);
    const info: TransitionInfo = { from, to, reason, at: new Date(wallMs).toISOString() };
    if (known !== undefined) info.peer = known;
    this.last.set(instance, info);
    const c = this.counts.get(instance) ?? {};
    c[reason] = (c[reason] ?? 0) + 1;
    this.counts.set(instance, c);
  }

  lastOf(instance: string): TransitionInfo | undefined {
    return this.last.get(instance);
  }

  countsOf(instance: string): Record<string, number> {
    return { ...(this.counts.get(instance) ?? {}) };
  }
}
