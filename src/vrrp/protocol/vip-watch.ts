/**
 * Which VIP a kernel address deletion hits (pure). keepalived.conf(5): deleting a VIP under a
 * MASTER makes it leave MASTER (see fsm.ts `vipDeleted`), unless the VIP is `no_track`, whose
 * deletion is ignored until the next transition to MASTER re-adds it.
 */
import { canonicalAddress } from '../../core/addr.js';
import type { IpAddress } from '../../config/model.js';

/** A deletion as the rtnetlink notification reports it: interface name and canonical address. */
export interface AddressDeletion {
  ifName: string;
  address: string;
}

/** The tracked (not `no_track`) address of `addrs` that `del` removed; `devOf` gives each one's interface. */
export function deletedTrackedVip(
  addrs: readonly IpAddress[],
  devOf: (a: IpAddress) => string,
  del: AddressDeletion,
): IpAddress | undefined {
  return addrs.find((a) => !a.noTrack && devOf(a) === del.ifName && canonicalAddress(a.address, a.family) === del.address);
}
