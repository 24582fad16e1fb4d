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

  /** Record that `instance` entered `to` for `reason` at `wallMs`; `peer` is the master heard last. */
  record(instance: string, to: string, reason: string, wallMs: number, peer?: string): void {
    const from = this.states.get(instance) ?? 'INIT';
    this.states.set(instance, to);
    const info: TransitionInfo = { from, to, reason, at: new Date(wallMs).toISOString() };
    if (peer !== undefined) info.peer = peer;
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
