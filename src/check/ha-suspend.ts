/**
 * ha_suspend: a virtual server so marked is checked only while its address is local. kad learns
 * this from the VRRP child's state reports (IPC 'vrrp-state'): the VS address is local while the
 * VRRP instance that carries it as a virtual_ipaddress is MASTER. For a VS whose address belongs
 * to no VRRP instance, the addresses configured on the host decide (`isLocal`, see
 * localAddresses()). Pure but for localAddresses().
 */
import { networkInterfaces } from 'node:os';
import type { Config, VirtualServer } from '../config/model.js';
import type { Clock } from '../core/clock.js';
import type { VrrpStateName } from '../core/vrrp-state.js';

/** Name of the VRRP instance carrying `address` as a VIP, if any. */
export function instanceOwning(config: Config, address: string): string | undefined {
  return config.vrrpInstances.find((i) => i.vips.some((v) => v.address === address))?.name;
}

/** Should the checkers of `vs` run now? */
export function vsActive(
  config: Config,
  vs: VirtualServer,
  states: ReadonlyMap<string, VrrpStateName>,
  isLocal: (address: string) => boolean = () => true,
): boolean {
  if (!vs.haSuspend || vs.key.kind !== 'ip') return true;
  const inst = instanceOwning(config, vs.key.address);
  if (inst === undefined) return isLocal(vs.key.address);
  return states.get(inst) === 'MASTER';
}

/**
 * A predicate "is this address configured on the host", re-reading the host's addresses
 * (rtnetlink, through os.networkInterfaces) at most once per `maxAgeMs`.
 */
export function localAddresses(clock: Clock, maxAgeMs = 1000): (address: string) => boolean {
  let readAtMs = -Infinity;
  let set = new Set<string>();
  return (address) => {
    if (clock.nowMs() - readAtMs >= maxAgeMs) {
      set = new Set(Object.values(networkInterfaces()).flatMap((l) => (l ?? []).map((a) => a.address)));
      readAtMs = clock.nowMs();
    }
    return set.has(address);
  };
}
