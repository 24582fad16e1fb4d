/**
 * The two sets a (block, keyword) pair kad parses belongs to: `implemented`, with the tests that
 * show its effect at run time, or `unsupported`, with why (kad -t and the daemon then warn,
 * KAD_WARN_UNSUPPORTED). Pure data helpers for ./global.ts, ./vrrp.ts and ./lvs.ts.
 */

export type Support =
  | { readonly set: 'implemented'; readonly tests: readonly string[] }
  | { readonly set: 'unsupported'; readonly reason: string };

/** Keyword → its support, for one block. */
export type BlockSupport = Readonly<Record<string, Support>>;

/** Implemented; `tests` are repository paths of test files that use the keyword. */
export const I = (...tests: string[]): Support => ({ set: 'implemented', tests });

/** Unsupported, with a short reason (shown in docs/configuration.md). */
export const U = (reason: string): Support => ({ set: 'unsupported', reason });

/** The same support for several keywords. */
export function each(keywords: readonly string[], s: Support): BlockSupport {
  return Object.fromEntries(keywords.map((k) => [k, s]));
}

/** Test files referred to by more than one block. */
export const T = {
  auth: 'test/unit/vrrp/protocol/strict-receive.test.ts',
  autoPrio: 'test/unit/supervisor/auto-priority.test.ts',
  checkAlert: 'test/integration/check-alert.test.ts',
  checkDaemon: 'test/integration/check-daemon.test.ts',
  checkScheduler: 'test/integration/check-scheduler.test.ts',
  checkScripts: 'test/integration/check-scripts.test.ts',
  checkServers: 'test/integration/check-servers.test.ts',
  checkSeeds: 'test/integration/check-seeds.test.ts',
  checkSocketOptions: 'test/integration/check-socket-options.test.ts',
  checkKeywords: 'test/unit/check/keywords.test.ts',
  ipvsKeywords: 'test/unit/ipvs/keywords.test.ts',
  desired: 'test/unit/ipvs/desired.test.ts',
  kernelPort: 'test/unit/ipvs/kernel-port.test.ts',
  mailer: 'test/unit/supervisor/mailer.test.ts',
  notify: 'test/unit/vrrp/runtime/notify.test.ts',
  notifyFifo: 'test/integration/vrrp-notify-fifo.test.ts',
  processTuning: 'test/integration/process-tuning.test.ts',
  schedulerUnit: 'test/unit/check/scheduler.test.ts',
  scriptDaemons: 'test/integration/script-daemons.test.ts',
  smtp: 'test/integration/vrrp-smtp.test.ts',
  trackEffect: 'test/unit/vrrp/runtime/track/effect.test.ts',
  trackProcess: 'test/integration/vrrp-track-process.test.ts',
  vrrpTrack: 'test/integration/vrrp-track.test.ts',
  vrrpKeywords: 'test/unit/vrrp/protocol/keywords.test.ts',
  vrrpWire: 'test/integration/vrrp-wire.test.ts',
  firewall: 'test/integration/vrrp-firewall.test.ts',
  firewallRules: 'test/unit/vrrp/firewall/rules.test.ts',
  failover: 'test/integration/vrrp-failover.test.ts',
  unicast: 'test/integration/vrrp-unicast.test.ts',
  instanceUnit: 'test/unit/vrrp/protocol/instance.test.ts',
  codecNegative: 'test/unit/vrrp/protocol/codec-negative.test.ts',
} as const;
