/** A VRRP instance's state as the processes tell each other (STOP: the instance was shut down). */
export type VrrpStateName = 'INIT' | 'BACKUP' | 'MASTER' | 'FAULT' | 'STOP';
