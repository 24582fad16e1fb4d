/**
 * ha_suspend: a virtual server so marked is checked only while its address is local. kad learns
 * this from the VRRP child's state reports (IPC 'vrrp-state'): the VS address is local while the
 * VRRP instance that carries it as a virtual_ipaddress is MASTER. A VS whose address belongs to
 * no VRRP instance is treated as local (always checked). Pure.
 */
import type { Config, VirtualServer } from '../config/model.js';
import type { VrrpStateName } from '../core/ipc.js';

/** Name of the VRRP instance carrying `address` as a VIP, if any. */
export function instanceOwning(config: Config, address: string): string | undefined {
  return config.vrrpInstances.find((i) => i.vips.some((v) => v.address === address))?.name;
}

/** Should the checkers of `vs` run now? */
export function vsActive(config: Config, vs: VirtualServer, states: ReadonlyMap<string, VrrpStateName>): boolean {
  if (!vs.haSuspend || vs.key.kind !== 'ip') return true;
  const inst = instanceOwning(config, vs.key.address);
  if (inst === undefined) return true;
  return states.get(inst) === 'MASTER';
}
