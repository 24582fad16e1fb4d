/**
 * Respawn backoff (pure). A child that had reported ready, or ran at least `stableMs`, is
 * restarted at once: a crash of a working VRRP child must cost less than one advert interval, or
 * the backup takes over (the VIP must never move because of a crash). Children that die before
 * they are ready, in quick succession, back off exponentially from `baseMs` up to `maxMs`, so a
 * child that cannot start does not spin the CPU.
 */

export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
  /** A child that ran this long resets the backoff even if it never reported ready. */
  stableMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = Object.freeze({ baseMs: 100, maxMs: 5_000, stableMs: 10_000 });

export interface BackoffState {
  /** Consecutive exits before ready so far. */
  quickExits: number;
}

export const INITIAL_BACKOFF: BackoffState = Object.freeze({ quickExits: 0 });

/** How the child that just exited fared. */
export interface ExitFacts {
  ranMs: number;
  /** The child had sent 'ready' (it read its configuration and was running). */
  wasReady: boolean;
}

/**
 * The delay before the next start. The first quick exit restarts at once; the n-th waits
 * baseMs * 2^(n-2), capped at maxMs.
 */
export function nextRespawn(
  state: BackoffState,
  facts: ExitFacts,
  policy: BackoffPolicy = DEFAULT_BACKOFF,
): { delayMs: number; state: BackoffState } {
  if (facts.wasReady || facts.ranMs >= policy.stableMs) return { delayMs: 0, state: { quickExits: 0 } };
  const quickExits = state.quickExits + 1;
  if (quickExits <= 1) return { delayMs: 0, state: { quickExits } };
  const delayMs = Math.min(policy.maxMs, policy.baseMs * 2 ** (quickExits - 2));
  return { delayMs, state: { quickExits } };
}
