/**
 * The lines the checker writes to `lvs_notify_fifo` / `notify_fifo` (keepalived.conf(5)):
 * `RS [10.0.0.2]:tcp:80 [10.0.0.1]:tcp:80 UP` when a real server changes state and
 * `VS [10.0.0.1]:tcp:80 DOWN` when a virtual server loses or gains its quorum. Pure.
 */

/** A real server `rsName` of virtual server `vsName` went up or down. */
export function rsFifoLine(rsName: string, vsName: string, up: boolean): string {
  return `RS ${rsName} ${vsName} ${up ? 'UP' : 'DOWN'}`;
}

/** Virtual server `vsName` gained (UP) or lost (DOWN) its quorum. */
export function vsFifoLine(vsName: string, up: boolean): string {
  return `VS ${vsName} ${up ? 'UP' : 'DOWN'}`;
}
