/**
 * What VRRP events look like on a notify FIFO and in an alert mail, in keepalived 2.2.7's words
 * (measured against Debian's keepalived, see docs/configuration.md): pure.
 *
 * FIFO: `INSTANCE "VI_1" MASTER 100`, `GROUP "G1" BACKUP 0` (a group's priority is always 0),
 * `INSTANCE "VI_1" MASTER_PRIORITY 107` / `BACKUP_PRIORITY` with notify_priority_changes,
 * `INSTANCE "VI_1" MASTER_RX_LOWER_PRI 100`.
 * Mail: subject `[router_id] VRRP Instance VI_1 - Entering MASTER state` (`VRRP Group G1` for a
 * sync group), one line of body.
 */
import type { AlertMail } from '../../supervisor/mailer.js';
import type { NotifyState, NotifySubject } from './notify.js';

/** A state line. */
export function stateLine(subject: NotifySubject, name: string, state: NotifyState, priority: number): string {
  return `${subject} "${name}" ${state} ${priority}`;
}

/** A priority change of an instance: MASTER_PRIORITY while MASTER, else BACKUP_PRIORITY. */
export function priorityLine(name: string, master: boolean, priority: number): string {
  return `INSTANCE "${name}" ${master ? 'MASTER' : 'BACKUP'}_PRIORITY ${priority}`;
}

/** A master received an advert of lower priority. */
export function rxLowerPriorityLine(name: string, priority: number): string {
  return `INSTANCE "${name}" MASTER_RX_LOWER_PRI ${priority}`;
}

const INSTANCE_MAIL: Partial<Record<NotifyState, [string, string]>> = {
  MASTER: ['Entering MASTER state', '=> VRRP Instance is now owning VRRP VIPs <='],
  BACKUP: ['Entering BACKUP state', '=> VRRP Instance is no longer owning VRRP VIPs <='],
  FAULT: ['Entering FAULT state', '=> VRRP Instance is no longer owning VRRP VIPs <='],
  DELETED: ['Deleted', '=> VRRP Deleted at reload <='],
};

const GROUP_MAIL: Partial<Record<NotifyState, [string, string]>> = {
  MASTER: ['Entering MASTER state', '=> All VRRP group instances are now in MASTER state <='],
  BACKUP: ['Entering BACKUP state', '=> All VRRP group instances are now in BACKUP state <='],
  FAULT: ['Entering FAULT state', '=> All VRRP group instances are now in FAULT state <='],
};

/**
 * The alert for a transition, or undefined when keepalived sends none: STOP is never mailed
 * (keepalived 2.2.7 exits before its stop mails leave) and a group is never DELETED.
 */
export function vrrpMail(routerId: string, subject: NotifySubject, name: string, state: NotifyState): AlertMail | undefined {
  const text = (subject === 'GROUP' ? GROUP_MAIL : INSTANCE_MAIL)[state];
  if (!text) return undefined;
  return { subject: `[${routerId}] VRRP ${subject === 'GROUP' ? 'Group' : 'Instance'} ${name} - ${text[0]}`, body: text[1] };
}
