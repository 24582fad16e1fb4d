/**
 * The parsed configuration: typed, immutable (deep-frozen by the loader), JSON-serialisable, with
 * every default applied. This model is the contract between the config parser and the VRRP and
 * checker children; they never look at config text.
 *
 * Units are in the names: `...Ms` milliseconds, `...Cs` centiseconds, `...S` whole seconds.
 * Addresses are strings in canonical form (`10.0.0.1`, `fe80::1`); families are 4 or 6.
 */

import type { Family } from '../core/addr.js';
import type { RouteFields, RuleFields } from '../core/route.js';
export type { NextHop, Prefix, RouteMetricName, RouteType, RuleAction } from '../core/route.js';
import type { ScriptSpec } from '../script/types.js';

export type { Family };

/** Where a model element came from, for diagnostics at run time. */
export interface SourceRef {
  file: string;
  line: number;
}

/** A script with its argv already split (keepalived quoting rules) and the user to run it as. */
export type { ScriptSpec };

// ---------------------------------------------------------------------------------------------
// global_defs

export interface LvsSyncDaemon {
  interface: string;
  /** VRRP instance whose state selects master/backup; undefined = master always. */
  instance?: string;
  syncId?: number;
  maxlen?: number;
  port: number;
  ttl?: number;
  group?: string;
}

export interface GlobalDefs {
  routerId: string;
  notificationEmail: readonly string[];
  notificationEmailFrom?: string;
  smtpServer?: { host: string; port: number };
  smtpConnectTimeoutMs: number;
  scriptUser?: string;
  scriptGroup?: string;
  enableScriptSecurity: boolean;
  dynamicInterfaces: boolean;
  defaultInterface: string;
  vrrpMcastGroup4: string;
  vrrpMcastGroup6: string;
  vrrpVersion: 2 | 3;
  v3ChecksumAsV2: boolean;
  vrrpGarpMasterDelayMs: number;
  vrrpGarpMasterRepeat: number;
  vrrpGarpLowerPrioDelayMs: number;
  vrrpGarpLowerPrioRepeat: number;
  vrrpGarpMasterRefreshMs: number;
  vrrpGarpMasterRefreshRepeat: number;
  vrrpGarpIntervalMs: number;
  vrrpGnaIntervalMs: number;
  vrrpMinGarp: boolean;
  vrrpDownTimerAdverts: number;
  vrrpLowerPrioNoAdvert: boolean;
  vrrpHigherPrioSendAdvert: boolean;
  vrrpCheckUnicastSrc: boolean;
  vrrpSkipCheckAdvAddr: boolean;
  vrrpStrict: boolean;
  vrrpStartupDelayMs: number;
  /** `vrrp_delay_after_boot`: instances start no earlier than this long after the system booted. */
  vrrpDelayAfterBootMs: number;
  checkerLogAllFailures: boolean;
  lvsSyncDaemon?: LvsSyncDaemon;
  lvsTimeouts?: { tcpS?: number; tcpfinS?: number; udpS?: number };
  lvsFlush: boolean;
  lvsFlushOnStop: boolean;
  /** `state_dump_file` / `state_file_location`: the USR1 .data file; ending in `/`, a directory. */
  stateDumpFile?: string;
  /** `stats_dump_file` / `stats_file_location`: the USR2 stats file; ending in `/`, a directory. */
  statsDumpFile?: string;
  /** `json_dump_file` / `json_file_location`: the JSON dump; ending in `/`, a directory. */
  jsonDumpFile?: string;
  /** `json_version`: 1 a bare array of instances, 2 an object with `vrrp` and `track_process`. */
  jsonVersion: 1 | 2;
  /** `data_use_instance`: the namespace and instance names go into the dump file names. */
  dataUseInstance?: boolean;
  /** `instance NAME` (top level or global_defs): part of the pid and (data_use_instance) dump file names. */
  instanceName?: string;
  /** `use_pid_dir`: pid files in /run/keepalived/ (implied by `instance` and a namespace). */
  usePidDir?: boolean;
  reloadCheckConfig: boolean;
  childWaitTimeMs: number;
  /** `startup_script`: run by the parent before the children start, waited for up to its timeout. */
  startupScript?: ScriptSpec;
  /** `startup_script_timeout` (1-1000 s, default 10). */
  startupScriptTimeoutMs: number;
  /** `shutdown_script`: run by the parent after the children have exited, before it exits. */
  shutdownScript?: ScriptSpec;
  /** `shutdown_script_timeout` (1-1000 s, default 10). */
  shutdownScriptTimeoutMs: number;
  /**
   * `nftables [TABLE]`, `nftables_priority`, `nftables_counters`, `nftables_ifindex` (and
   * `vrrp_iptables` / `vrrp_ipsets`, which kad maps to nftables); undefined when none is given,
   * and the firewall then uses keepalived's defaults.
   */
  nftables?: NftablesOptions;
  /** `vrrp_*` / `checker_*` priority, no_swap, rt_priority, rlimit_rttime, cpu_affinity. */
  processTuning: { vrrp: ProcessTuning; checker: ProcessTuning };
  /** `max_auto_priority`: the highest SCHED_RR priority a late child raises itself to; 0 off, -1 off and quiet. */
  maxAutoPriority: number;
  /** `min_auto_priority_delay`: how late (µs) a timer must fire before the priority is raised. */
  minAutoPriorityDelayUs: number;
  /** `notify_fifo` / `vrrp_notify_fifo` / `lvs_notify_fifo` with their `*_script` readers. */
  notifyFifos: NotifyFifos;
  /** `smtp_alert`, `smtp_alert_vrrp`, `smtp_alert_checker`: defaults where a block says nothing. */
  smtpAlert?: boolean;
  smtpAlertVrrp?: boolean;
  smtpAlertChecker?: boolean;
  /** `no_email_faults`: no mail for FAULT transitions. */
  noEmailFaults: boolean;
  /** `vrrp_notify_priority_changes`: the default of the instances' `notify_priority_changes`. */
  vrrpNotifyPriorityChanges: boolean;
  /**
   * `net_namespace NAME` (top level or global_defs; `-s NAME` overrides it): the children, and
   * the scripts the parent runs, run in the network namespace /run/netns/NAME. Cannot change
   * on reload.
   */
  netNamespace?: string;
  /**
   * `net_namespace_ipvs [NAME]`: the checker child's IPVS (and sync daemon) netlink socket is
   * opened in /run/netns/NAME, or with no name ('') in the namespace of pid 1, while its checks
   * run in `netNamespace`. Cannot change on reload.
   */
  netNamespaceIpvs?: string;
  /** Keywords parsed and kept verbatim but not acted on by kad (SNMP, DBus...). */
  passthrough: Readonly<Record<string, string>>;
}

/** One notify FIFO: created (mode 0600) when missing, owned by `user`/`group` when given. */
export interface NotifyFifo {
  path: string;
  user?: string;
  group?: string;
  /** `*_notify_fifo_script`: started with the FIFO's path as its last argument. */
  script?: ScriptSpec;
}

/** `all` gets the lines of both children, `vrrp` and `lvs` those of one. */
export interface NotifyFifos {
  all?: NotifyFifo;
  vrrp?: NotifyFifo;
  lvs?: NotifyFifo;
}

/** How a child process is scheduled (keepalived.conf(5), global_defs, `vrrp_*` / `checker_*`). */
export interface ProcessTuning {
  /** `_priority`: nice value, -20..19. */
  nice?: number;
  /** `_no_swap`: lock the child's file-backed mappings in memory (not mlockall: V8 aborts under it). */
  noSwap: boolean;
  /** `_rt_priority`: SCHED_RR at this priority, 1..99. */
  rtPriority?: number;
  /** `_rlimit_rttime`: RLIMIT_RTTIME in µs while real-time (default 10000). */
  rlimitRttimeUs: number;
  /** `_cpu_affinity`: the CPUs the child may run on. */
  cpuAffinity?: readonly number[];
}

/** The VRRP firewall's table (keepalived.conf(5) `nftables`); see docs/configuration.md. */
export interface NftablesOptions {
  /** Table name in the `ip` and `ip6` families (default `keepalived`). */
  table: string;
  /** Priority of the input and output base chains (default -1). */
  priority: number;
  /** A `counter` on every rule. */
  counters: boolean;
  /** Link-local sets keyed by interface index even with `dont_track_primary`. */
  ifindex: boolean;
}

// ---------------------------------------------------------------------------------------------
// addresses, routes, rules

/** `use_ipvlan [NAME] [ADDRESS[/PREFIX]] [bridge|private|vepa]`. */
export interface Ipvlan {
  /** Default keepalived's `vrrp.VRID`. */
  name: string;
  /** IFLA_IPVLAN_FLAGS: bridge (none, the default), private or vepa. */
  mode: 'bridge' | 'private' | 'vepa';
  /** Put on the ipvlan; the adverts' source unless mcast_src_ip says otherwise. Without it an IPv4 instance is not started. */
  address?: { address: string; prefixLen: number; family: Family };
}

export interface IpAddress {
  address: string;
  prefixLen: number;
  family: Family;
  /** `dev IF`; undefined = the instance's interface (or default_interface for static). */
  dev?: string;
  brd?: string;
  scope?: 'global' | 'site' | 'link' | 'host' | 'nowhere' | number;
  label?: string;
  peer?: string;
  noDad: boolean;
  noPrefixRoute: boolean;
  noTrack: boolean;
  /**
   * `preferred_lft N|forever` in seconds (0 deprecates the address). Absent: forever, except
   * an IPv6 /128, which keepalived adds deprecated (0).
   */
  preferredLft?: number | 'forever';
  /** Other options accepted and carried (home, mngtmpaddr, autojoin...). */
  options: readonly string[];
  source: SourceRef;
}

/** A `static_routes` / `virtual_routes` line. */
export interface RouteSpec extends RouteFields {
  /** The line as written (for logs). */
  words: readonly string[];
  /** The table name as written, when it was a name. */
  tableName?: string;
  noTrack: boolean;
  source: SourceRef;
}

/** A `static_rules` / `virtual_rules` line. */
export interface RuleSpec extends RuleFields {
  words: readonly string[];
  tableName?: string;
  noTrack: boolean;
  source: SourceRef;
}

// ---------------------------------------------------------------------------------------------
// trackers

export interface VrrpScript {
  name: string;
  script: ScriptSpec;
  intervalMs: number;
  timeoutMs: number;
  weight: number;
  weightReverse: boolean;
  rise: number;
  fall: number;
  initFail: boolean;
}

export interface TrackFile {
  name: string;
  file: string;
  weight: number;
  weightReverse: boolean;
  initFile?: { value: number; overwrite: boolean };
}

/**
 * `vrrp_track_process`: how many running processes match, and whether that count is inside
 * [quorum, quorumMax]. Matching (keepalived.conf(5)): the process name (comm) equals `process`,
 * unless `fullCommand` (set by `full_command`, by parameters after the name, or by
 * `param_match`), when argv[0] of /proc/PID/cmdline must equal it; `paramMatch` then says how
 * the arguments compare with `args` ('none': not at all).
 */
export interface TrackProcess {
  name: string;
  process: string;
  args: readonly string[];
  /** exact: same arguments; partial: the first args.length equal; initial: as partial, the last may be longer. */
  paramMatch: 'none' | 'exact' | 'initial' | 'partial';
  weight: number;
  weightReverse: boolean;
  quorum: number;
  /** Absent: no maximum. */
  quorumMax?: number;
  /** A quorum gained by a fork of a tracked process counts after this long (0: at once). */
  forkDelayMs: number;
  /** A quorum lost by a process exit counts after this long (0: at once). */
  terminateDelayMs: number;
  fullCommand: boolean;
}

/** A reference from an instance or group to a tracked object, with an optional weight override. */
export interface TrackRef {
  name: string;
  /** undefined = use the tracked object's own weight (0 for interfaces). */
  weight?: number;
  reverse: boolean;
}

// ---------------------------------------------------------------------------------------------
// VRRP

export interface NotifyScripts {
  master?: ScriptSpec;
  backup?: ScriptSpec;
  fault?: ScriptSpec;
  stop?: ScriptSpec;
  deleted?: ScriptSpec;
  /** Generic `notify`: called with TYPE NAME STATE PRIORITY appended. */
  any?: ScriptSpec;
  masterRxLowerPri?: ScriptSpec;
}

export interface UnicastPeer {
  address: string;
  minTtl?: number;
  maxTtl?: number;
}

export type AuthSpec =
  | { type: 'none' }
  | { type: 'PASS'; password: string }
  | { type: 'AH'; password: string };

export interface VrrpInstance {
  name: string;
  source: SourceRef;
  /** Configured initial state; BACKUP unless `state MASTER`. */
  initialState: 'MASTER' | 'BACKUP';
  interface?: string;
  vrid: number;
  priority: number;
  /** Advert interval as configured, rounded like keepalived (s for v2, cs for v3). */
  advertIntMs: number;
  version: 2 | 3;
  family: Family;
  vips: readonly IpAddress[];
  excludedVips: readonly IpAddress[];
  virtualRoutes: readonly RouteSpec[];
  virtualRules: readonly RuleSpec[];
  mcastSrcIp?: string;
  unicastSrcIp?: string;
  unicastPeers: readonly UnicastPeer[];
  unicastTtl: number;
  unicastFaultNoPeer: boolean;
  checkUnicastSrc: boolean;
  mcastDstIp?: string;
  useVmac: boolean;
  /** `use_vmac NAME`: the macvlan's name (default `vrrp.VRID`). */
  vmacName?: string;
  /** `use_vmac ... MAC`: the macvlan's MAC (default RFC 5798 §7.3's 00:00:5e:00:0{1,2}:VRID). */
  vmacMac?: string;
  /** `vmac_xmit_base`: adverts leave from (and arrive on) the base interface, not the macvlan. */
  vmacXmitBase: boolean;
  /**
   * `use_vmac_addr`: VIPs whose `dev` is not the instance's interface (and, with use_vmac,
   * those of the other family) go on a macvlan of their own on that interface.
   */
  useVmacAddr?: boolean;
  /** `use_ipvlan`: an L2 ipvlan on the interface that adverts leave from (VIPs stay on the interface). */
  ipvlan?: Ipvlan;
  accept: boolean;
  preempt: boolean;
  preemptDelayMs: number;
  dontTrackPrimary: boolean;
  skipCheckAdvAddr: boolean;
  strict: boolean;
  v3ChecksumAsV2: boolean;
  lowerPrioNoAdvert: boolean;
  higherPrioSendAdvert: boolean;
  downTimerAdverts: number;
  garpMasterDelayMs: number;
  garpMasterRepeat: number;
  garpLowerPrioDelayMs: number;
  garpLowerPrioRepeat: number;
  garpMasterRefreshMs: number;
  garpMasterRefreshRepeat: number;
  auth: AuthSpec;
  trackInterfaces: readonly TrackRef[];
  trackScripts: readonly TrackRef[];
  trackFiles: readonly TrackRef[];
  trackProcesses: readonly TrackRef[];
  notify: NotifyScripts;
  /** `notify_deleted`: an instance removed by a reload is reported DELETED (not FAULT). */
  notifyDeleted: boolean;
  /** `notify_priority_changes` (default `vrrp_notify_priority_changes`): FIFO lines on priority changes. */
  notifyPriorityChanges: boolean;
  smtpAlert?: boolean;
  promoteSecondaries: boolean;
  /** Legacy per-instance `lvs_sync_daemon_interface`. */
  lvsSyncDaemonInterface?: string;
  /** Name of the sync group this instance belongs to, if any. */
  syncGroup?: string;
}

export interface SyncGroup {
  name: string;
  members: readonly string[];
  trackInterfaces: readonly TrackRef[];
  trackScripts: readonly TrackRef[];
  trackFiles: readonly TrackRef[];
  trackProcesses: readonly TrackRef[];
  notify: NotifyScripts;
  smtpAlert?: boolean;
  source: SourceRef;
}

// ---------------------------------------------------------------------------------------------
// LVS / checkers

export type LvsMethod = 'NAT' | 'DR' | 'TUN';
export type L4Protocol = 'TCP' | 'UDP' | 'SCTP';

export interface Forwarding {
  method: LvsMethod;
  /** TUN only. */
  tunnelType?: 'ipip' | 'gue' | 'gre';
  tunnelPort?: number;
  tunnelChecksum?: 'nocsum' | 'csum' | 'remcsum';
}

/** Options every checker shares (connection and scheduling); inherited RS → VS → defaults. */
export interface CheckerCommon {
  connectIp?: string;
  connectPort?: number;
  bindTo?: string;
  bindIf?: string;
  bindPort?: number;
  fwmark?: number;
  connectTimeoutMs: number;
  retry: number;
  delayBeforeRetryMs: number;
  delayLoopMs: number;
  warmupMs: number;
  alpha: boolean;
  logAllFailures: boolean;
  source: SourceRef;
}

export interface HttpUrl {
  path: string;
  /** Lower-case hex MD5 of the body. */
  digest?: string;
  /** Accepted status codes as inclusive ranges; default [[200, 299]]. */
  statusCodes: readonly (readonly [number, number])[];
  virtualhost?: string;
  regex?: string;
  regexNoMatch: boolean;
}

export interface HttpChecker extends CheckerCommon {
  type: 'HTTP_GET' | 'SSL_GET';
  urls: readonly HttpUrl[];
  virtualhost?: string;
  httpProtocol: '1.0' | '1.0C' | '1.1';
  enableSni: boolean;
  sniName?: string;
  /** SSL_GET: verify the server certificate (off by default, like keepalived). */
  verifyCert: boolean;
  fastRecovery: boolean;
}

export interface TcpChecker extends CheckerCommon {
  type: 'TCP_CHECK';
}

export interface SmtpHost {
  connectIp?: string;
  connectPort?: number;
  bindTo?: string;
  bindIf?: string;
  fwmark?: number;
  connectTimeoutMs?: number;
}

export interface SmtpChecker extends CheckerCommon {
  type: 'SMTP_CHECK';
  heloName: string;
  hosts: readonly SmtpHost[];
}

export interface DnsChecker extends CheckerCommon {
  type: 'DNS_CHECK';
  queryType: 'A' | 'NS' | 'CNAME' | 'SOA' | 'MX' | 'TXT' | 'AAAA';
  name: string;
}

export interface MiscChecker extends CheckerCommon {
  type: 'MISC_CHECK';
  script: ScriptSpec;
  miscTimeoutMs: number;
  dynamic: boolean;
}

export interface UdpChecker extends CheckerCommon {
  type: 'UDP_CHECK';
  /** Hex payload as bytes (hex string, lower case). */
  payload?: string;
  requireReply: boolean;
  /** Expected reply pattern, hex with `X` wildcards. */
  replyPattern?: string;
  minReplyLength: number;
  maxReplyLength: number;
}

export interface PingChecker extends CheckerCommon {
  type: 'PING_CHECK';
}

export interface FileChecker extends CheckerCommon {
  type: 'FILE_CHECK';
  trackFile: string;
  weight: number;
  weightReverse: boolean;
}

export interface BfdChecker extends CheckerCommon {
  type: 'BFD_CHECK';
  name: string;
}

export type Checker =
  | HttpChecker
  | TcpChecker
  | SmtpChecker
  | DnsChecker
  | MiscChecker
  | UdpChecker
  | PingChecker
  | FileChecker
  | BfdChecker;

export type CheckerType = Checker['type'];

export interface RealServer {
  address: string;
  family: Family;
  /** 0 when the VS is fwmark-based and the RS has no port. */
  port: number;
  weight: number;
  forwarding: Forwarding;
  uthreshold?: number;
  lthreshold?: number;
  inhibitOnFailure: boolean;
  notifyUp?: ScriptSpec;
  notifyDown?: ScriptSpec;
  alpha: boolean;
  virtualhost?: string;
  smtpAlert?: boolean;
  checkers: readonly Checker[];
  source: SourceRef;
}

/** How a virtual server is addressed. */
export type VsKey =
  | { kind: 'ip'; address: string; port: number; family: Family }
  | { kind: 'fwmark'; fwmark: number; family: Family }
  | { kind: 'group'; group: string };

export interface VirtualServerGroupEntry {
  kind: 'ip' | 'range' | 'fwmark';
  /** First address of a range, or the address. */
  address?: string;
  /** Last address of a range (inclusive). */
  lastAddress?: string;
  port?: number;
  fwmark?: number;
  family: Family;
}

export interface VirtualServerGroup {
  name: string;
  entries: readonly VirtualServerGroupEntry[];
  source: SourceRef;
}

export interface SorryServer {
  address: string;
  port: number;
  family: Family;
  forwarding?: Forwarding;
  inhibit: boolean;
}

export interface VirtualServer {
  key: VsKey;
  /** Printable name like keepalived's: `[10.0.0.1]:tcp:80`, `FWM 1`, `group web`. */
  name: string;
  protocol: L4Protocol;
  scheduler: string;
  schedFlags: readonly string[];
  forwarding: Forwarding;
  persistenceTimeoutS?: number;
  persistenceGranularity?: string;
  persistenceEngine?: string;
  ipFamily?: Family;
  haSuspend: boolean;
  virtualhost?: string;
  alpha: boolean;
  omega: boolean;
  quorum: number;
  hysteresis: number;
  quorumUp?: ScriptSpec;
  quorumDown?: ScriptSpec;
  sorryServer?: SorryServer;
  delayLoopMs: number;
  inhibitOnFailure: boolean;
  realServers: readonly RealServer[];
  smtpAlert?: boolean;
  source: SourceRef;
}

// ---------------------------------------------------------------------------------------------
// the whole configuration

/** One `interface_up_down_delays` line: a link change is acted on once it has lasted this long. */
export interface LinkDelay {
  name: string;
  downMs: number;
  upMs: number;
}

export interface Config {
  /** The main file, absolute. */
  file: string;
  /** Every file read, main first (for reload and diagnostics). */
  files: readonly string[];
  global: GlobalDefs;
  staticAddresses: readonly IpAddress[];
  staticRoutes: readonly RouteSpec[];
  staticRules: readonly RuleSpec[];
  vrrpScripts: readonly VrrpScript[];
  trackFiles: readonly TrackFile[];
  trackProcesses: readonly TrackProcess[];
  syncGroups: readonly SyncGroup[];
  vrrpInstances: readonly VrrpInstance[];
  virtualServerGroups: readonly VirtualServerGroup[];
  virtualServers: readonly VirtualServer[];
  /** `interface_up_down_delays` (absent: none). */
  linkDelays?: readonly LinkDelay[];
}
