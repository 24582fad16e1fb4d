/**
 * Per-instance VRRP statistics (pure). Field names are keepalived's keepalived.json `stats`
 * keys; the instance counts them and the dumps (print.ts) print them as they are.
 */

export interface VrrpStats {
  advert_rcvd: number;
  advert_sent: number;
  become_master: number;
  release_master: number;
  packet_len_err: number;
  advert_interval_err: number;
  ip_ttl_err: number;
  invalid_type_rcvd: number;
  addr_list_err: number;
  invalid_authtype: number;
  authtype_mismatch: number;
  auth_failure: number;
  pri_zero_rcvd: number;
  pri_zero_sent: number;
}

/** The counters in keepalived's order (keepalived.json `stats`). */
export const STATS_KEYS: readonly (keyof VrrpStats)[] = [
  'advert_rcvd', 'advert_sent', 'become_master', 'release_master', 'packet_len_err', 'advert_interval_err',
  'ip_ttl_err', 'invalid_type_rcvd', 'addr_list_err', 'invalid_authtype', 'authtype_mismatch', 'auth_failure',
  'pri_zero_rcvd', 'pri_zero_sent',
];

/** All counters at zero. */
export function emptyStats(): VrrpStats {
  return Object.fromEntries(STATS_KEYS.map((k) => [k, 0])) as unknown as VrrpStats;
}
