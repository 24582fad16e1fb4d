/**
 * Virtual-server quorum with hysteresis (pure). The VS has quorum while the sum of the weights
 * of its live real servers stays at or above `quorum`; hysteresis widens the band so a flapping
 * server does not toggle the sorry server: quorum is gained at `quorum + hysteresis` and lost
 * below `quorum - hysteresis`, as keepalived does.
 */

export interface QuorumInput {
  quorum: number;
  hysteresis: number;
  liveWeight: number;
  wasUp: boolean;
}

export type QuorumChange = 'gained' | 'lost' | 'none';

/** Next quorum state and whether it changed. */
export function evalQuorum(i: QuorumInput): { up: boolean; change: QuorumChange } {
  if (i.wasUp && i.liveWeight < i.quorum - i.hysteresis) return { up: false, change: 'lost' };
  if (!i.wasUp && i.liveWeight >= i.quorum + i.hysteresis) return { up: true, change: 'gained' };
  return { up: i.wasUp, change: 'none' };
}

/** Initial quorum state at start: up when the live weight reaches the quorum. */
export function initialQuorum(quorum: number, liveWeight: number): boolean {
  return liveWeight >= quorum;
}

/** keepalived's wording: "Gained quorum 1+0=1 <= 2 for VS ..." / "Lost quorum 1-0=1 > 0 for VS ...". */
export function quorumMessage(change: 'gained' | 'lost', quorum: number, hysteresis: number, liveWeight: number, vsName: string): string {
  return change === 'gained'
    ? `Gained quorum ${quorum}+${hysteresis}=${quorum + hysteresis} <= ${liveWeight} for VS ${vsName}`
    : `Lost quorum ${quorum}-${hysteresis}=${quorum - hysteresis} > ${liveWeight} for VS ${vsName}`;
}
