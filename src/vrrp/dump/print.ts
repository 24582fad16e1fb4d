/**
 * Pure formatters for the VRRP child's dump files, in keepalived 2.2.7's layout so that tools
 * parsing keepalived's files (keepalived-exporter and friends) work unchanged:
 * - USR1 → keepalived.data ("------< VRRP Topology >------" ...),
 * - USR2 / SIGRTMAX-1 → keepalived.stats,
 * - SIGRTMIN+2 → keepalived.json ('/' escaped as keepalived's writer does): json_version 1 a bare
 *   array of instances (2.2.7), json_version 2 an object `{"vrrp": [...], "track_process": [...]}`
 *   as later keepalived releases write it (vrrp_json.c).
 * Reference files: test/fixtures/processes/keepalived-2.2.7/. record.ts builds an InstanceDump
 * per instance; the VRRP child writes the strings these functions return.
 */
import { formatGlobalDefs } from '../../config/global-dump.js';
import type { AuthSpec, GlobalDefs } from '../../config/model.js';
import type { VrrpStateName } from '../../core/vrrp-state.js';
import { STATS_KEYS, type VrrpStats } from '../protocol/stats.js';
import { formatInterfaces, formatSockpool, type InterfaceDump, type SockpoolDump } from './print-host.js';

/** The state of one VRRP instance at dump time. Times are wall-clock ms since the epoch. */
export interface InstanceDump {
  name: string;
  version: 2 | 3;
  state: VrrpStateName;
  wantState: VrrpStateName;
  configFaults: number;
  interfaceFaults: number;
  trackScriptsInit: number;
  lastTransitionWallMs: number;
  readTimeoutWallMs: number;
  masterDownTimerUs: number;
  interface: string;
  vmacIfname?: string;
  /** `vmac_xmit_base` (with vmacIfname). */
  vmacXmitBase?: boolean;
  /** `use_ipvlan`: the ipvlan, its address ("A/LEN") and flag. */
  ipvlan?: { name: string; address?: string; mode: string };
  srcIp: string;
  /** unicast_src_ip / mcast_src_ip was configured (printed as "(from configuration)"). */
  srcIpFromConfig?: boolean;
  /** Multicast group; undefined when unicast peers are used. */
  mcastAddress?: string;
  unicastPeers: readonly string[];
  /** unicast_ttl (default 255). */
  unicastTtl?: number;
  checkUnicastSrc?: boolean;
  garpDelayS: number;
  garpRepeat: number;
  garpRefreshS: number;
  garpRefreshRepeat: number;
  garpLowerPrioDelayS: number;
  garpLowerPrioRepeat: number;
  downTimerAdverts: number;
  lowerPrioNoAdvert: boolean;
  higherPrioSendAdvert: boolean;
  vrid: number;
  basePriority: number;
  effectivePriority: number;
  totalPriority: number;
  /** Priority of the current master as last heard (0 when we are master). */
  masterPriority: number;
  advertIntMs: number;
  masterAdvertIntMs: number;
  accept: boolean;
  preempt: boolean;
  preemptDelayMs: number;
  promoteSecondaries: boolean;
  dontTrackPrimary: boolean;
  skipCheckAdvAddr: boolean;
  strict: boolean;
  auth: AuthSpec;
  /** VIPs as keepalived prints them: "10.0.0.1/24 dev eth0 scope global[ set]". */
  vips: readonly string[];
  evips: readonly string[];
  vipSet: boolean;
  smtpAlert: boolean;
  notifyDeleted: boolean;
  notifyPriorityChanges: boolean;
  /** fds of the socket pair, printed as "fd_in N, fd_out M" (kad prints its own ids). */
  fdIn: number;
  fdOut: number;
  /** track_interface entries with their weights ("Tracked interfaces :"). */
  trackedInterfaces?: readonly { name: string; weight: number }[];
  /** track_script entries with their weights ("Tracked scripts :"). */
  trackedScripts?: readonly { name: string; weight: number }[];
  /** JSON "track_script": each script's command as keepalived prints it ("'/usr/bin/true'"). */
  trackScriptCommands?: readonly string[];
  /** JSON (version 2) "track_process": the vrrp_track_process names the instance tracks. */
  trackProcessNames?: readonly string[];
  counters: VrrpStats;
}

/** keepalived's numeric states (vrrp.h): INIT 0, BACKUP 1, MASTER 2, FAULT 3, STOP 98. */
export const STATE_NUMBER: Readonly<Record<VrrpStateName, number>> = { INIT: 0, BACKUP: 1, MASTER: 2, FAULT: 3, STOP: 98 };

const AUTH_NUMBER: Readonly<Record<AuthSpec['type'], number>> = { none: 0, PASS: 1, AH: 2 };
const AUTH_NAME: Readonly<Record<AuthSpec['type'], string>> = { none: 'none', PASS: 'SIMPLE_PASSWORD', AH: 'IPSEC_AH' };

// ---------------------------------------------------------------------------------------------
// keepalived.stats

/** USR2: one 19-line block per instance. */
export function formatStats(instances: readonly InstanceDump[]): string {
  return instances.map((i) => {
    const c = i.counters;
    return [
      `VRRP Instance: ${i.name}`,
      '  Advertisements:',
      `    Received: ${c.advert_rcvd}`,
      `    Sent: ${c.advert_sent}`,
      `  Became master: ${c.become_master}`,
      `  Released master: ${c.release_master}`,
      '  Packet Errors:',
      `    Length: ${c.packet_len_err}`,
      `    TTL: ${c.ip_ttl_err}`,
      `    Invalid Type: ${c.invalid_type_rcvd}`,
      `    Advertisement Interval: ${c.advert_interval_err}`,
      `    Address List: ${c.addr_list_err}`,
      '  Authentication Errors:',
      `    Invalid Type: ${c.invalid_authtype}`,
      `    Type Mismatch: ${c.authtype_mismatch}`,
      `    Failure: ${c.auth_failure}`,
      '  Priority Zero:',
      `    Received: ${c.pri_zero_rcvd}`,
      `    Sent: ${c.pri_zero_sent}`,
    ].join('\n') + '\n';
  }).join('');
}

// ---------------------------------------------------------------------------------------------
// keepalived.json

/** Seconds with 6 decimals, as keepalived prints timevals. */
export function timevalSeconds(wallMs: number): string {
  const us = Math.round(wallMs * 1000);
  const sec = Math.floor(us / 1e6);
  return `${sec}.${String(us - sec * 1e6).padStart(6, '0')}`;
}

type JsonValue = string | number | boolean | readonly string[] | { raw: string };

function jsonObject(fields: readonly (readonly [string, JsonValue])[]): string {
  const parts = fields.map(([k, v]) => {
    if (typeof v === 'object' && !Array.isArray(v)) return `"${k}":${(v as { raw: string }).raw}`;
    return `"${k}":${JSON.stringify(v)}`;
  });
  return `{${parts.join(',')}}`;
}

function jsonData(i: InstanceDump, version: 1 | 2): string {
  const b = (x: boolean): number => (x ? 1 : 0);
  const fields: [string, JsonValue][] = [
    ['iname', i.name], ['dont_track_primary', b(i.dontTrackPrimary)], ['skip_check_adv_addr', b(i.skipCheckAdvAddr)],
    ['strict_mode', b(i.strict)], ['vmac_ifname', i.vmacIfname ?? ''], ['ifp_ifname', i.interface],
    ['master_priority', i.masterPriority], ['last_transition', { raw: timevalSeconds(i.lastTransitionWallMs) }],
    ['garp_delay', i.garpDelayS], ['garp_refresh', i.garpRefreshS], ['garp_rep', i.garpRepeat],
    ['garp_refresh_rep', i.garpRefreshRepeat], ['garp_lower_prio_delay', i.garpLowerPrioDelayS],
    ['garp_lower_prio_rep', i.garpLowerPrioRepeat], ['lower_prio_no_advert', b(i.lowerPrioNoAdvert)],
    ['higher_prio_send_advert', b(i.higherPrioSendAdvert)], ['vrid', i.vrid], ['base_priority', i.basePriority],
    ['effective_priority', i.effectivePriority], ['vipset', i.vipSet], ['promote_secondaries', i.promoteSecondaries],
    ['adver_int', i.advertIntMs / 1000], ['master_adver_int', i.masterAdvertIntMs / 1000],
    ['accept', b(i.accept)], ['nopreempt', !i.preempt], ['preempt_delay', Math.round(i.preemptDelayMs / 1000)],
    ['state', STATE_NUMBER[i.state]], ['wantstate', STATE_NUMBER[i.wantState]], ['version', i.version],
    ['smtp_alert', i.smtpAlert], ['notify_deleted', i.notifyDeleted], ['vips', i.vips],
  ];
  if (i.evips.length > 0) fields.push(['evips', i.evips]);
  const ifs = i.trackedInterfaces ?? [];
  if (ifs.length > 0) fields.push(['track_ifp', ifs.map((t) => t.name)]);
  if ((i.trackScriptCommands ?? []).length > 0) fields.push(['track_script', i.trackScriptCommands ?? []]);
  if (version === 2 && (i.trackProcessNames ?? []).length > 0) fields.push(['track_process', i.trackProcessNames ?? []]);
  fields.push(['auth_type', AUTH_NUMBER[i.auth.type]]);
  if (i.auth.type !== 'none') fields.push(['auth_data', i.auth.password]);
  return jsonObject(fields);
}

function jsonStats(c: VrrpStats): string {
  return jsonObject(STATS_KEYS.map((k) => [k, c[k]] as const));
}

/** One vrrp_track_process entry of the version 2 JSON dump ("track_process"). */
export interface TrackProcessDump {
  process: string;
  /** The configured arguments, space-separated; undefined when none are given. */
  parameters?: string;
  paramMatch: 'none' | 'exact' | 'initial' | 'partial';
  minProcesses: number;
  /** Absent: no maximum. */
  maxProcesses?: number;
  currentProcesses: number;
  haveQuorum: boolean;
  /** Negative for `weight N reverse`. */
  weight: number;
  terminateDelayMs: number;
  forkDelayMs: number;
  forkDelayTimerRunning: boolean;
  terminateDelayTimerRunning: boolean;
  fullCommand: boolean;
}

function jsonTrackProcess(t: TrackProcessDump): string {
  return jsonObject([
    ['process', t.process], ...(t.parameters !== undefined ? [['parameters', t.parameters] as const] : []),
    ['param_match', t.paramMatch], ['min_processes', t.minProcesses],
    ...(t.maxProcesses !== undefined ? [['max_processes', t.maxProcesses] as const] : []),
    ['current_processes', t.currentProcesses], ['have_quorum', t.haveQuorum], ['weight', t.weight],
    ['terminate_delay', t.terminateDelayMs / 1000], ['fork_delay', t.forkDelayMs / 1000],
    ['fork_delay_timer_running', t.forkDelayTimerRunning], ['terminate_delay_timer_running', t.terminateDelayTimerRunning],
    ['full_command', t.fullCommand],
  ]);
}

/** What the JSON dump looks like: `json_version`, and (version 2) the tracked processes. */
export interface JsonLayout {
  version: 1 | 2;
  trackProcesses?: readonly TrackProcessDump[];
}

/** SIGRTMIN+2: one line and a newline, '/' written as '\/' like keepalived's writer. */
export function formatJson(instances: readonly InstanceDump[], layout: JsonLayout = { version: 1 }): string {
  const items = instances.map((i) => `{"data":${jsonData(i, layout.version)},"stats":${jsonStats(i.counters)}}`);
  let text = `[${items.join(',')}]`;
  if (layout.version === 2) {
    const procs = layout.trackProcesses ?? [];
    text = `{"vrrp":${text}${procs.length > 0 ? `,"track_process":[${procs.map(jsonTrackProcess).join(',')}]` : ''}}`;
  }
  return text.replace(/\//g, '\\/') + '\n';
}

// ---------------------------------------------------------------------------------------------
// keepalived.data and keepalived_parent.data

const yn = (x: boolean): string => (x ? 'true' : 'false');

/** "Tue Nov 24 10:05:48.523452 2026" (local time, like keepalived's ctime with microseconds). */
export function ctimeUs(wallMs: number): string {
  const d = new Date(Math.floor(wallMs));
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p2 = (n: number): string => String(n).padStart(2, '0');
  const us = timevalSeconds(wallMs).split('.')[1] as string;
  return `${days[d.getDay()]} ${months[d.getMonth()]} ${String(d.getDate()).padStart(2, ' ')} ` +
    `${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}.${us} ${d.getFullYear()}`;
}

function advertLine(i: InstanceDump): string {
  return i.version === 2 ? `   Advert interval = ${Math.round(i.advertIntMs / 1000)} sec` : `   Advert interval = ${i.advertIntMs} milli-sec`;
}

/** VRRPv2 only (v3 has no authentication): "none", or the type and the password. */
function authLines(i: InstanceDump): string[] {
  if (i.version === 3) return [];
  if (i.auth.type === 'none') return ['   Authentication type = none'];
  return [`   Authentication type = ${AUTH_NAME[i.auth.type]}`, `   Password = ${i.auth.password}`];
}

function trackLines(title: string, list: readonly { name: string; weight: number }[] | undefined): string[] {
  if (!list || list.length === 0) return [];
  return [title, ...list.map((t) => `     ${t.name} weight ${t.weight}`)];
}

function addressLines(title: string, list: readonly string[]): string[] {
  if (list.length === 0) return [];
  return [title, ...list.map((v) => `     ${v}`)];
}

function unicastLines(i: InstanceDump): string[] {
  if (i.unicastPeers.length === 0) return [];
  return [
    `   Unicast TTL = ${i.unicastTtl ?? 255}`,
    `   Check unicast src : ${i.checkUnicastSrc ? 'yes' : 'no'}`,
    '   Unicast Peer :',
    ...i.unicastPeers.map((p) => `     ${p} min_ttl 0 max_ttl 255`),
    '   Unicast checksum compatibility = no',
  ];
}

/** One instance of "------< VRRP Topology >------". */
export function formatInstance(i: InstanceDump): string[] {
  return [
    ` VRRP Instance = ${i.name}`,
    `   VRRP Version = ${i.version}`,
    `   State = ${i.state}`,
    ...(i.unicastPeers.length > 0 ? ['   Flags:', '     Using unicast'] : ['   Flags: none']),
    `   Wantstate = ${i.wantState}`,
    `   Number of config faults = ${i.configFaults}`,
    `   Number of interface and track script faults = ${i.interfaceFaults}`,
    `   Number of track scripts init = ${i.trackScriptsInit}`,
    `   Last transition = ${timevalSeconds(i.lastTransitionWallMs)} (${ctimeUs(i.lastTransitionWallMs)})`,
    `   Read timeout = ${timevalSeconds(i.readTimeoutWallMs)} (${ctimeUs(i.readTimeoutWallMs)})`,
    `   Master down timer = ${i.masterDownTimerUs} usecs`,
    ...(i.ipvlan ? [`   Use IPVLAN, i/f ${i.ipvlan.name}, is_up = true${i.ipvlan.address ? `, i/f address = ${i.ipvlan.address}` : ''}, type ${i.ipvlan.mode}`] : []),
    i.ipvlan ? `   Interface = ${i.ipvlan.name}, ipvlan on ${i.interface}` : `   Interface = ${i.interface}`,
    ...(i.vmacIfname ? [`   Use VMAC, is_up = true, xmit_base = ${i.vmacXmitBase ? 'true' : 'false'}, interface = ${i.vmacIfname}`] : []),
    `   Using src_ip = ${i.srcIp}${i.srcIpFromConfig ? ' (from configuration)' : ''}`,
    ...(i.mcastAddress && i.unicastPeers.length === 0 ? [`   Multicast address ${i.mcastAddress}`] : []),
    `   Gratuitous ARP delay = ${i.garpDelayS}`,
    `   Gratuitous ARP repeat = ${i.garpRepeat}`,
    `   Gratuitous ARP refresh = ${i.garpRefreshS}`,
    `   Gratuitous ARP refresh repeat = ${i.garpRefreshRepeat}`,
    `   Gratuitous ARP lower priority delay = ${i.garpLowerPrioDelayS}`,
    `   Gratuitous ARP lower priority repeat = ${i.garpLowerPrioRepeat}`,
    `   Down timer adverts = ${i.downTimerAdverts}`,
    `   Send advert after receive lower priority advert = ${yn(!i.lowerPrioNoAdvert)}`,
    `   Send advert after receive higher priority advert = ${yn(i.higherPrioSendAdvert)}`,
    `   Virtual Router ID = ${i.vrid}`,
    `   Priority = ${i.basePriority}`,
    `   Effective priority = ${i.effectivePriority}`,
    `   Total priority = ${i.totalPriority}`,
    advertLine(i),
    `   Accept = ${i.accept ? 'enabled' : 'disabled'}`,
    `   Preempt = ${i.preempt ? 'enabled' : 'disabled'}`,
    ...(i.preemptDelayMs > 0 ? [`   Preempt delay = ${i.preemptDelayMs / 1000} secs`] : []),
    `   Promote_secondaries = ${i.promoteSecondaries ? 'enabled' : 'disabled'}`,
    ...authLines(i),
    ...addressLines(`   Virtual IP (${i.vips.length}):`, i.vips),
    ...addressLines('   Virtual IP Excluded :', i.evips),
    ...unicastLines(i),
    `   fd_in ${i.fdIn}, fd_out ${i.fdOut}`,
    ...trackLines('   Tracked interfaces :', i.trackedInterfaces),
    ...trackLines('   Tracked scripts :', i.trackedScripts),
    `   Using smtp notification = ${i.smtpAlert ? 'yes' : 'no'}`,
    `   Notify deleted = ${i.notifyDeleted ? 'Deleted' : 'Fault'}`,
    `   Notify priority changes = ${yn(i.notifyPriorityChanges)}`,
  ];
}

/** USR1 in the VRRP child: global definitions, the VRRP topology, then the socket pool and interfaces. */
export function formatData(global: GlobalDefs, instances: readonly InstanceDump[], host?: { pools: readonly SockpoolDump[]; interfaces: readonly InterfaceDump[] }): string {
  const lines = [
    ...formatGlobalDefs(global, true),
    '------< VRRP Topology >------',
    ...instances.flatMap(formatInstance),
    ...(host ? [...formatSockpool(host.pools), ...formatInterfaces(host.interfaces)] : []),
  ];
  return lines.join('\n') + '\n';
}

