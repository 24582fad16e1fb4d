import type { ScriptFs } from '../script/security.js';

/**
 * Facts about the machine that validation needs, injected so parsing stays pure: the loader
 * answers them from /sys/class/net, PATH and the user database; tests answer them from tables.
 */
export interface ConfigEnv {
  /** Short host name: the default `-i` config id and router_id. */
  hostname: string;
  /** True if a network interface of that name exists (down counts as existing). */
  interfaceExists(name: string): boolean;
  /** True if the interface is a loopback one (IFF_LOOPBACK): VRRP cannot run on it. */
  interfaceIsLoopback?(name: string): boolean;
  /** The interface's MTU, when known (it bounds how many VIPs one advert carries). */
  interfaceMtu?(name: string): number | undefined;
  /** The executable a script's argv[0] resolves to, or undefined when there is none. */
  findProgram(argv0: string): string | undefined;
  /** True if the user exists (for `keepalived_script`, keepalived's default script user). */
  userExists(name: string): boolean;
  /** stat/realpath for the script-security path check; without it the check is skipped. */
  scriptFs?: ScriptFs;
  /**
   * The first address a host name resolves to (the system resolver, as keepalived's
   * getaddrinfo), undefined when it does not resolve. Absent: names are kept unresolved.
   */
  resolveHost?(name: string): string | undefined;
  /** A routing table's number from its rt_tables name; absent: only main/local/default are known. */
  routeTable?(name: string): number | undefined;
  /**
   * The interface answers inside the network namespace `name` (net_namespace, -s), or undefined
   * when it cannot be looked into (absent, not entered by this user): the answers above apply.
   */
  netNamespace?(name: string): Pick<ConfigEnv, 'interfaceExists' | 'interfaceMtu'> | undefined;
}

/** An environment where everything exists: for parsing configs written for another machine. */
export const PERMISSIVE_ENV: ConfigEnv = {
  hostname: 'localhost',
  interfaceExists: () => true,
  findProgram: () => undefined,
  userExists: () => false,
};
