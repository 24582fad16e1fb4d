/**
 * Which children the parent runs (pure): the VRRP child unless -C or the configuration has no
 * vrrp_instance, the checker child unless -P or it has no virtual_server — keepalived's rule.
 */
import type { Config } from '../config/model.js';
import type { ChildKind } from './ipc.js';

/** The few facts about a configuration the parent needs. */
export interface ConfigSummary {
  vrrpInstances: readonly string[];
  virtualServers: number;
}

export interface ChildPlan {
  vrrp: boolean;
  checker: boolean;
}

export function planChildren(flags: { vrrpOnly: boolean; checkOnly: boolean }, summary: ConfigSummary): ChildPlan {
  return {
    vrrp: !flags.checkOnly && summary.vrrpInstances.length > 0,
    checker: !flags.vrrpOnly && summary.virtualServers > 0,
  };
}

/** The kinds a plan starts, VRRP first (it owns the VIPs). */
export function plannedKinds(plan: ChildPlan): ChildKind[] {
  const kinds: ChildKind[] = [];
  if (plan.vrrp) kinds.push('vrrp');
  if (plan.checker) kinds.push('checker');
  return kinds;
}

/** The facts the child plan needs. */
export function summaryOf(config: Config): ConfigSummary {
  return { vrrpInstances: config.vrrpInstances.map((i) => i.name), virtualServers: config.virtualServers.length };
}
