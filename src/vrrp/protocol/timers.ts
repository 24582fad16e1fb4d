/**
 * VRRP timer arithmetic (pure). Milliseconds inside, whatever the version's wire unit.
 *
 * - v2 (RFC 3768 §6.1): Skew_Time = (256 − Priority) / 256 s;
 *   Master_Down_Interval = 3 × Advertisement_Interval + Skew_Time.
 * - v3 (RFC 5798 §6.1): Skew_Time = ((256 − Priority) × Master_Adver_Interval) / 256 cs;
 *   Master_Down_Interval = 3 × Master_Adver_Interval + Skew_Time, where Master_Adver_Interval is
 *   learned from the master's adverts.
 * - keepalived: the multiplier 3 is `down_timer_adverts` (configurable), and times are kept in
 *   microseconds, so the skew is not rounded to whole centiseconds (measured: 3609.375 ms for
 *   priority 100, 1 s interval).
 */

/** Smallest v3 advert interval (1 cs) and largest (4095 cs), RFC 5798 §5.2.7. */
export const V3_MIN_ADVERT_INT_MS = 10;
export const V3_MAX_ADVERT_INT_MS = 40_950;
/** v2 Adver Int is 8 bits of seconds (RFC 3768 §5.3.7). */
export const V2_MIN_ADVERT_INT_MS = 1000;
export const V2_MAX_ADVERT_INT_MS = 255_000;

/**
 * Skew_Time in ms. For v2 the RFC uses 1 s whatever the interval; keepalived scales by its
 * (whole-second) interval, which is the same for the default of 1 s. kad follows keepalived.
 */
export function skewTimeMs(priority: number, masterAdverIntMs: number): number {
  return ((256 - priority) * masterAdverIntMs) / 256;
}

/** Master_Down_Interval in ms (`downTimerAdverts` = 3 per the RFCs). */
export function masterDownIntervalMs(priority: number, masterAdverIntMs: number, downTimerAdverts = 3): number {
  return downTimerAdverts * masterAdverIntMs + skewTimeMs(priority, masterAdverIntMs);
}

/** Rounds a configured interval like keepalived: whole seconds for v2, centiseconds for v3, clamped. */
export function roundAdvertIntMs(version: 2 | 3, ms: number): number {
  if (version === 2) {
    const s = Math.round(ms / 1000);
    return Math.min(V2_MAX_ADVERT_INT_MS, Math.max(V2_MIN_ADVERT_INT_MS, s * 1000));
  }
  const cs = Math.round(ms / 10);
  return Math.min(V3_MAX_ADVERT_INT_MS, Math.max(V3_MIN_ADVERT_INT_MS, cs * 10));
}
