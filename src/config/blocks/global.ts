/**
 * `global_defs { }`: identity, SMTP alerting, VRRP protocol defaults, LVS settings. Keywords kad
 * does not act on (SNMP, DBus, netlink buffers...) are kept verbatim in `passthrough` so `-d`
 * shows them, and are reported unsupported at each use (../keyword-support.ts).
 */
import { registerTable, type Cx, type Table } from '../context.js';
import type { GlobalDefs, LvsSyncDaemon, NftablesOptions, NotifyFifo, ScriptSpec } from '../model.js';
import { readScript } from '../script.js';
import type { Node } from '../tree.js';
import type { Position } from '../diagnostics.js';
import { parseIp } from '../../core/addr.js';
import { defaultTuning, PROCESS_TUNING } from './global-process.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
export type GlobalDraft = Mutable<GlobalDefs> & {
  passthrough: Record<string, string>;
  notificationEmail: string[];
  /** Where smtp_server names a host, to be resolved once the whole file is read (then removed). */
  smtpServerAt?: Position;
  /** Where script_user is written, for the check that the user exists (then removed). */
  scriptUserAt?: Position;
  /** Where startup_script / shutdown_script are written, for the script checks (then removed). */
  lifeScriptsAt?: Partial<Record<'startup_script' | 'shutdown_script', Position>>;
  /** FIFO scripts, joined to their FIFOs once the whole block is read (then removed). */
  fifoScripts?: Partial<Record<keyof GlobalDefs['notifyFifos'], { script: ScriptSpec; node: Node }>>;
};

/** A DNS host name (RFC 1123 labels). */
const HOST_RE = /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*\.?$/;

/** Defaults as in keepalived.conf(5); routerId defaults to the short host name. */
export function defaultGlobals(hostname: string): GlobalDraft {
  return {
    routerId: hostname,
    notificationEmail: [],
    smtpConnectTimeoutMs: 30_000,
    enableScriptSecurity: false,
    dynamicInterfaces: false,
    defaultInterface: 'eth0',
    vrrpMcastGroup4: '224.0.0.18',
    vrrpMcastGroup6: 'ff02::12',
    vrrpVersion: 2,
    v3ChecksumAsV2: false,
    vrrpGarpMasterDelayMs: 5000,
    vrrpGarpMasterRepeat: 5,
    vrrpGarpLowerPrioDelayMs: 5000,
    vrrpGarpLowerPrioRepeat: 5,
    vrrpGarpMasterRefreshMs: 0,
    vrrpGarpMasterRefreshRepeat: 1,
    vrrpGarpIntervalMs: 0,
    vrrpGnaIntervalMs: 0,
    vrrpMinGarp: false,
    vrrpDownTimerAdverts: 3,
    vrrpLowerPrioNoAdvert: false,
    vrrpHigherPrioSendAdvert: false,
    vrrpCheckUnicastSrc: false,
    vrrpSkipCheckAdvAddr: false,
    vrrpStrict: false,
    vrrpStartupDelayMs: 0,
    vrrpDelayAfterBootMs: 0,
    checkerLogAllFailures: false,
    lvsFlush: false,
    lvsFlushOnStop: false,
    jsonVersion: 1,
    reloadCheckConfig: false,
    childWaitTimeMs: 5000,
    startupScriptTimeoutMs: 10_000,
    shutdownScriptTimeoutMs: 10_000,
    processTuning: { vrrp: defaultTuning(), checker: defaultTuning() },
    maxAutoPriority: 0,
    minAutoPriorityDelayUs: 1_000_000,
    notifyFifos: {},
    noEmailFaults: false,
    vrrpNotifyPriorityChanges: false,
    passthrough: {},
  };
}

type H = (n: Node, g: GlobalDraft, cx: Cx) => void;

const setBool = (key: keyof GlobalDraft): H => (n, g, cx) => {
  const v = cx.bool(n, 0);
  if (v !== undefined) (g as unknown as Record<string, unknown>)[key] = v;
};
const setInt = (key: keyof GlobalDraft, min: number, max: number): H => (n, g, cx) => {
  const v = cx.int(n, 0, min, max);
  if (v !== undefined) (g as unknown as Record<string, unknown>)[key] = v;
};
/** keepalived rejects 0 for the GARP/NA intervals: the range starts at 1 µs. */
const setTimer = (key: keyof GlobalDraft, minS: number, maxS: number): H => (n, g, cx) => {
  const v = cx.timerMs(n, 0, minS, maxS);
  if (v !== undefined) (g as unknown as Record<string, unknown>)[key] = v;
};
const keep: H = (n, g) => {
  g.passthrough[n.name] = n.args.map((a) => a.text).join(' ');
};

/** A namespace under /run/netns is one path component (iproute2 refuses others too). */
function namespaceName(n: Node, cx: Cx, name: string): string | undefined {
  if (!name.includes('/') && name !== '.' && name !== '..') return name;
  cx.report(cx.pos(n, 0), 'KAD_ERR_CONFIG_INVALID_VALUE', `'${n.name}': '${name}' is not a namespace name (one name under /run/netns); the line is ignored`);
  return undefined;
}

/** keepalived keeps the first `net_namespace` / `net_namespace_ipvs` and reports the others. */
function firstOnly(n: Node, cx: Cx, was: string | undefined): boolean {
  if (was === undefined) return true;
  cx.report(n.head, 'KAD_ERR_CONFIG_DUPLICATE', `Duplicate ${n.name} definition ${n.args[0]?.text ?? ''} - ignoring (the first, '${was}', is kept, as keepalived does)`);
  return false;
}

/** `net_namespace NAME` (top level and global_defs). */
export const netNamespace: H = (n, g, cx) => {
  const name = cx.arg(n, 0, 'a network namespace name');
  if (name === undefined || !firstOnly(n, cx, g.netNamespace)) return;
  g.netNamespace = namespaceName(n, cx, name);
};

/** `net_namespace_ipvs [NAME]` (top level and global_defs): no name is the default namespace (''). */
export const netNamespaceIpvs: H = (n, g, cx) => {
  if (!firstOnly(n, cx, g.netNamespaceIpvs)) return;
  const name = n.args[0]?.text;
  g.netNamespaceIpvs = name === undefined ? '' : namespaceName(n, cx, name);
};

function lvsSyncDaemon(n: Node, g: GlobalDraft, cx: Cx): void {
  const ifName = cx.arg(n, 0, 'an interface');
  if (ifName === undefined) return;
  const d: Mutable<LvsSyncDaemon> = { interface: ifName, port: 8848 };
  let i = 1;
  if (n.args[i] && !['id', 'maxlen', 'port', 'ttl', 'group', 'inst'].includes(n.args[i]!.text)) d.instance = n.args[i++]!.text;
  for (; i < n.args.length; i += 2) {
    const k = n.args[i]!.text;
    if (k === 'inst') d.instance = cx.arg(n, i + 1, 'an instance name');
    else if (k === 'id') d.syncId = cx.int(n, i + 1, 0, 255);
    else if (k === 'maxlen') d.maxlen = cx.int(n, i + 1, 1, 65507);
    else if (k === 'port') d.port = cx.int(n, i + 1, 1, 65535) ?? 8848;
    else if (k === 'ttl') d.ttl = cx.int(n, i + 1, 1, 255);
    else if (k === 'group') d.group = cx.ip(n, i + 1)?.address;
    else cx.report(n.args[i]!, 'KAD_ERR_CONFIG_INVALID_VALUE', `lvs_sync_daemon: unknown option '${k}'`);
  }
  g.lvsSyncDaemon = d;
}

/** keepalived's firewall defaults (keepalived.conf(5) `nftables`). */
export const NFTABLES_DEFAULTS: NftablesOptions = { table: 'keepalived', priority: -1, counters: false, ifindex: false };

/** An nft identifier: the name goes into nft scripts as it is, so nothing else passes. */
const NFT_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;

const nft = (set: (o: Mutable<NftablesOptions>, n: Node, cx: Cx) => void): H => (n, g, cx) => {
  const o: Mutable<NftablesOptions> = { ...(g.nftables ?? NFTABLES_DEFAULTS) };
  set(o, n, cx);
  g.nftables = o;
};

/** Debian's keepalived 2.2.7 has no iptables either: it warns (`-t` exit 5) and uses nftables. */
const iptables: H = (n, g, cx) => {
  cx.report(n.head, 'KAD_WARN_CONFIG_IPTABLES',
    `${n.name}: kad's VRRP firewall is nftables only; using nftables table '${(g.nftables ?? NFTABLES_DEFAULTS).table}' instead (replace with 'nftables')`);
  g.nftables ??= { ...NFTABLES_DEFAULTS };
};

const NFTABLES: Table<GlobalDraft> = {
  nftables: nft((o, n, cx) => {
    const name = n.args[0]?.text;
    if (name === undefined) return;
    if (NFT_NAME.test(name)) o.table = name;
    else cx.report(cx.pos(n, 0), 'KAD_ERR_CONFIG_INVALID_VALUE', `nftables: '${name}' is not a valid table name (letters, digits, '_', '.', '-')`);
  }),
  nftables_priority: nft((o, n, cx) => { o.priority = cx.int(n, 0, -2147483648, 2147483647) ?? o.priority; }),
  nftables_counters: nft((o) => { o.counters = true; }),
  nftables_ifindex: nft((o) => { o.ifindex = true; }),
  vrrp_iptables: iptables,
  // keepalived 2.2.7 built with nftables does not know it ("Unknown keyword"): reported, ignored.
  vrrp_ipsets: () => undefined,
};

type FifoKey = keyof GlobalDraft['notifyFifos'];

/** `*notify_fifo PATH [user [group]]`: the FIFO kad creates when missing. */
const fifo = (key: FifoKey): H => (n, g, cx) => {
  const path = cx.arg(n, 0, 'a FIFO path');
  if (path === undefined) return;
  if (!path.startsWith('/')) {
    cx.report(cx.pos(n, 0), 'KAD_ERR_CONFIG_INVALID_VALUE', `${n.name}: '${path}' is not an absolute path`);
    return;
  }
  const f: Mutable<NotifyFifo> = { ...g.notifyFifos[key], path };
  if (n.args[1]) f.user = n.args[1].text;
  if (n.args[2]) f.group = n.args[2].text.replace(/^:/, '');
  g.notifyFifos = { ...g.notifyFifos, [key]: f };
};
/** `*notify_fifo_script CMD [user [group]]`: the reader kad starts; needs its FIFO. */
const fifoScript = (key: FifoKey): H => (n, g, cx) => {
  const script = readScript(cx, n);
  if (script) g.fifoScripts = { ...g.fifoScripts, [key]: { script, node: n } };
};

/** `startup_script` / `shutdown_script SCRIPT [user [group]]`, run by the parent. */
const lifeScript = (name: 'startup_script' | 'shutdown_script', key: 'startupScript' | 'shutdownScript'): H => (n, g, cx) => {
  const script = readScript(cx, n);
  if (!script) return;
  g[key] = script;
  g.lifeScriptsAt = { ...g.lifeScriptsAt, [name]: cx.pos(n, 0) };
};

const PASSTHROUGH = [
  'process_names', 'process_name', 'vrrp_process_name', 'checker_process_name', 'bfd_process_name',
  'lvs_process_name', 'tmp_config_directory', 'config_save_dir', 'use_symlink_paths', 'set_supplementary_groups',
  'umask', 'random_seed',
  'include_check', 'reload_time_file', 'reload_repeat', 'reload_file', 'iproute_usr_dir',
  'iproute_etc_dir', 'vmac_prefix', 'vmac_addr_prefix', 'log_unknown_vrids', 'smtp_helo_name',
  'no_checker_emails', 'rs_init_notifies', 'fifo_write_vrrp_states_on_reload', 'vrrp_garp_extra_if',
  'vrrp_owner_ignore_adverts', 'vrrp_rx_bufs_policy', 'vrrp_rx_bufs_multiplier',
  'vrrp_netlink_cmd_rcv_bufs', 'vrrp_netlink_cmd_rcv_bufs_force', 'vrrp_netlink_monitor_rcv_bufs',
  'vrrp_netlink_monitor_rcv_bufs_force', 'disable_local_igmp', 'nftables_ipvs', 'nftables_ipvs_priority',
  'nftables_ipvs_start_fwmark', 'lvs_netlink_cmd_rcv_bufs', 'lvs_netlink_cmd_rcv_bufs_force',
  'lvs_netlink_monitor_rcv_bufs', 'lvs_netlink_monitor_rcv_bufs_force', 'process_monitor_rcv_bufs',
  'process_monitor_rcv_bufs_force', 'snmp_socket', 'enable_snmp_vrrp',
  'enable_snmp_keepalived', 'enable_snmp_checker', 'enable_snmp_rfc', 'enable_snmp_rfcv2', 'enable_snmp_rfcv3',
  'enable_traps', 'snmp_vs_stats_update_interval', 'snmp_rs_stats_update_interval', 'enable_dbus', 'dbus_service_name',
  'dbus_no_interface_name', 'lvs_id', 'linkbeat_use_polling',
  'namespace_with_ipsets', 'vrrp_garp_extra_if_all',
  // BFD is not implemented: its process keywords are kept like the rest of BFD.
  ...['priority', 'no_swap', 'rt_priority', 'cpu_affinity', 'rlimit_rttime', 'rlimit_rtime'].map((s) => `bfd_${s}`),
];

/** `instance`, `use_pid_dir`: also valid at the top level (parse.ts uses these, and netNamespace). */
export const PROCESS_NAMING = {
  instance: (n: Node, g: GlobalDraft, cx: Cx) => { g.instanceName = cx.arg(n, 0, 'an instance name') ?? g.instanceName; },
  use_pid_dir: (_n: Node, g: GlobalDraft) => { g.usePidDir = true; },
} as const satisfies Record<string, H>;

export const GLOBAL_TABLE: Table<GlobalDraft> = registerTable<GlobalDraft>('global_defs', {
  ...Object.fromEntries(PASSTHROUGH.map((k) => [k, keep])),
  ...NFTABLES,
  ...PROCESS_TUNING,
  vrrp_vmac_garp_intvl: (n, g, cx) => {
    keep(n, g, cx);
    cx.report(n.head, 'KAD_WARN_CONFIG_DEPRECATED', "vrrp_vmac_garp_intvl is deprecated, use 'vrrp_garp_extra_if' (keepalived 2.2.7 counts this as a config error)");
  },
  net_namespace: netNamespace,
  net_namespace_ipvs: netNamespaceIpvs,
  notify_fifo: fifo('all'),
  vrrp_notify_fifo: fifo('vrrp'),
  lvs_notify_fifo: fifo('lvs'),
  notify_fifo_script: fifoScript('all'),
  vrrp_notify_fifo_script: fifoScript('vrrp'),
  lvs_notify_fifo_script: fifoScript('lvs'),
  smtp_alert: (n, g, cx) => { g.smtpAlert = cx.bool(n, 0) ?? true; },
  smtp_alert_vrrp: (n, g, cx) => { g.smtpAlertVrrp = cx.bool(n, 0) ?? true; },
  smtp_alert_checker: (n, g, cx) => { g.smtpAlertChecker = cx.bool(n, 0) ?? true; },
  no_email_faults: (_n, g) => { g.noEmailFaults = true; },
  vrrp_notify_priority_changes: (n, g, cx) => { g.vrrpNotifyPriorityChanges = cx.bool(n, 0) ?? true; },
  router_id: (n, g, cx) => { g.routerId = cx.arg(n, 0, 'a name') ?? g.routerId; },
  notification_email: (n, g, cx) => {
    for (const e of cx.entries(n)) g.notificationEmail.push([e.name, ...e.args.map((a) => a.text)].join(' '));
    if (n.children?.length === 0) cx.report(n.head, 'KAD_ERR_CONFIG_MISSING_PARAMETER', 'notification_email { } is empty: no alert mail is sent (keepalived 2.2.7 reports it too)');
  },
  notification_email_from: (n, g, cx) => { g.notificationEmailFrom = cx.arg(n, 0, 'an address'); },
  // An address, or a host name that keepalived 2.2.7 resolves when it reads the file (see parse.ts).
  smtp_server: (n, g, cx) => {
    const host = cx.arg(n, 0, 'an IP address or host name');
    if (host === undefined) return;
    const ip = parseIp(host);
    if (!ip && !HOST_RE.test(host)) {
      cx.report(cx.pos(n, 0), 'KAD_ERR_CONFIG_INVALID_ADDRESS', `'smtp_server': '${host}' is neither an IP address nor a host name`);
      return;
    }
    g.smtpServer = { host: ip?.address ?? host, port: n.args[1] ? cx.int(n, 1, 1, 65535) ?? 25 : 25 };
    if (!ip) g.smtpServerAt = cx.pos(n, 0);
  },
  smtp_connect_timeout: setTimer('smtpConnectTimeoutMs', 0, 3600),
  script_user: (n, g, cx) => {
    g.scriptUser = cx.arg(n, 0, 'a user name');
    g.scriptUserAt = cx.pos(n, 0);
    if (n.args[1]) g.scriptGroup = n.args[1].text.replace(/^:/, '');
  },
  enable_script_security: (_n, g) => { g.enableScriptSecurity = true; },
  dynamic_interfaces: (_n, g) => { g.dynamicInterfaces = true; },
  default_interface: (n, g, cx) => { g.defaultInterface = cx.arg(n, 0, 'an interface') ?? g.defaultInterface; },
  vrrp_mcast_group4: (n, g, cx) => {
    const ip = cx.ip(n, 0);
    if (ip && ip.family === 4) g.vrrpMcastGroup4 = ip.address;
    else if (ip) cx.report(cx.pos(n, 0), 'KAD_ERR_CONFIG_INVALID_ADDRESS', 'vrrp_mcast_group4 needs an IPv4 address');
  },
  vrrp_mcast_group6: (n, g, cx) => {
    const ip = cx.ip(n, 0);
    if (ip && ip.family === 6) g.vrrpMcastGroup6 = ip.address;
    else if (ip) cx.report(cx.pos(n, 0), 'KAD_ERR_CONFIG_INVALID_ADDRESS', 'vrrp_mcast_group6 needs an IPv6 address');
  },
  vrrp_version: (n, g, cx) => {
    const v = cx.int(n, 0, 2, 3);
    if (v === 2 || v === 3) g.vrrpVersion = v;
  },
  v3_checksum_as_v2: setBool('v3ChecksumAsV2'),
  vrrp_garp_master_delay: setTimer('vrrpGarpMasterDelayMs', 0, 86400),
  vrrp_garp_master_repeat: setInt('vrrpGarpMasterRepeat', 1, 65535),
  vrrp_garp_lower_prio_delay: setTimer('vrrpGarpLowerPrioDelayMs', 0, 86400),
  vrrp_garp_lower_prio_repeat: setInt('vrrpGarpLowerPrioRepeat', 1, 65535),
  vrrp_garp_master_refresh: setTimer('vrrpGarpMasterRefreshMs', 0, 86400),
  vrrp_garp_master_refresh_repeat: setInt('vrrpGarpMasterRefreshRepeat', 1, 65535),
  vrrp_garp_interval: setTimer('vrrpGarpIntervalMs', 0.000001, 4294.967295),
  vrrp_gna_interval: setTimer('vrrpGnaIntervalMs', 0.000001, 4294.967295),
  vrrp_min_garp: (n, g, cx) => {
    const v = cx.bool(n, 0);
    if (v === undefined) return;
    g.vrrpMinGarp = v;
    // As keepalived 2.2.7 (its data dump): one GARP/NA at takeover, no second burst, no refresh,
    // no lower-priority repeats. Set where it is read, so garp keywords after it still count.
    if (v) Object.assign(g, { vrrpGarpMasterDelayMs: 0, vrrpGarpMasterRepeat: 1, vrrpGarpMasterRefreshMs: 0, vrrpGarpMasterRefreshRepeat: 0, vrrpGarpLowerPrioDelayMs: 0, vrrpGarpLowerPrioRepeat: 1 });
  },
  vrrp_down_timer_adverts: setInt('vrrpDownTimerAdverts', 1, 100),
  vrrp_lower_prio_no_advert: setBool('vrrpLowerPrioNoAdvert'),
  vrrp_higher_prio_send_advert: setBool('vrrpHigherPrioSendAdvert'),
  vrrp_check_unicast_src: setBool('vrrpCheckUnicastSrc'),
  vrrp_skip_check_adv_addr: setBool('vrrpSkipCheckAdvAddr'),
  vrrp_strict: (_n, g) => { g.vrrpStrict = true; },
  vrrp_startup_delay: setTimer('vrrpStartupDelayMs', 0, 3600),
  vrrp_delay_after_boot: setTimer('vrrpDelayAfterBootMs', 0, 86400),
  checker_log_all_failures: setBool('checkerLogAllFailures'),
  lvs_sync_daemon: lvsSyncDaemon,
  lvs_timeouts: (n, g, cx) => {
    const t: { tcpS?: number; tcpfinS?: number; udpS?: number } = {};
    for (let i = 0; i < n.args.length; i += 2) {
      const k = n.args[i]!.text;
      const v = cx.int(n, i + 1, 0, 86400 * 31);
      if (k === 'tcp') t.tcpS = v;
      else if (k === 'tcpfin') t.tcpfinS = v;
      else if (k === 'udp') t.udpS = v;
      else cx.report(n.args[i]!, 'KAD_ERR_CONFIG_INVALID_VALUE', `lvs_timeouts: unknown option '${k}'`);
    }
    g.lvsTimeouts = t;
  },
  lvs_flush: (_n, g) => { g.lvsFlush = true; },
  lvs_flush_on_stop: (_n, g) => { g.lvsFlushOnStop = true; },
  lvs_flush_onstop: (_n, g) => { g.lvsFlushOnStop = true; },
  state_dump_file: (n, g, cx) => { g.stateDumpFile = cx.arg(n, 0, 'a path'); },
  state_file_location: (n, g, cx) => { g.stateDumpFile = cx.arg(n, 0, 'a path'); },
  stats_dump_file: (n, g, cx) => { g.statsDumpFile = cx.arg(n, 0, 'a path'); },
  stats_file_location: (n, g, cx) => { g.statsDumpFile = cx.arg(n, 0, 'a path'); },
  json_dump_file: (n, g, cx) => { g.jsonDumpFile = cx.arg(n, 0, 'a path'); },
  json_file_location: (n, g, cx) => { g.jsonDumpFile = cx.arg(n, 0, 'a path'); },
  json_version: (n, g, cx) => {
    const v = cx.int(n, 0, 1, 2);
    if (v === 1 || v === 2) g.jsonVersion = v;
  },
  data_use_instance: (n, g, cx) => { g.dataUseInstance = cx.bool(n, 0) ?? g.dataUseInstance; },
  ...PROCESS_NAMING,
  reload_check_config: (_n, g) => { g.reloadCheckConfig = true; },
  child_wait_time: setTimer('childWaitTimeMs', 0, 3600),
  startup_script: lifeScript('startup_script', 'startupScript'),
  shutdown_script: lifeScript('shutdown_script', 'shutdownScript'),
  startup_script_timeout: (n, g, cx) => { g.startupScriptTimeoutMs = (cx.int(n, 0, 1, 1000) ?? g.startupScriptTimeoutMs / 1000) * 1000; },
  shutdown_script_timeout: (n, g, cx) => { g.shutdownScriptTimeoutMs = (cx.int(n, 0, 1, 1000) ?? g.shutdownScriptTimeoutMs / 1000) * 1000; },
});
