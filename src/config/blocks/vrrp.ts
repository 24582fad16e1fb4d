/**
 * `vrrp_instance NAME { }` and `vrrp_sync_group NAME { }` into drafts; the rules that need the
 * whole configuration (defaults from global_defs, references, duplicates, strict mode) live in
 * ../vrrp-rules.ts.
 */
import { ignore, registerTable, type Cx, type Table } from '../context.js';
import { parsePrefix, type ParsedIp, type ParsedPrefix } from '../../core/addr.js';
import type { IpAddress, Ipvlan, NotifyScripts, RouteSpec, RuleSpec, SyncGroup, TrackRef, UnicastPeer } from '../model.js';
import { readScript } from '../script.js';
import type { SourceToken } from '../preprocess.js';
import type { Node } from '../tree.js';
import { parseAddressBlock } from './address.js';
import { parseRouteBlock } from './route.js';
import { parseRuleBlock } from './rule.js';
import { parseTrackRefs } from './track.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** An instance as written; undefined fields take global defaults later. */
export interface InstanceDraft {
  node: Node;
  name: string;
  state?: 'MASTER' | 'BACKUP';
  interface?: string;
  /** Where `interface` was given. */
  interfaceAt?: SourceToken;
  vrid?: number;
  priority?: number;
  advertIntMs?: number;
  version?: 2 | 3;
  vips: IpAddress[];
  excludedVips: IpAddress[];
  noVirtualIpaddress: boolean;
  virtualRoutes: RouteSpec[];
  virtualRules: RuleSpec[];
  mcastSrcIp?: string;
  unicastSrcIp?: string;
  unicastPeers: UnicastPeer[];
  unicastPeerNode?: Node;
  unicastTtl?: number;
  unicastFaultNoPeer: boolean;
  checkUnicastSrc: boolean;
  mcastDstIp?: string;
  useVmac: boolean;
  /** MAC address given to use_vmac (keepalived refuses it in strict mode). */
  vmacMac?: string;
  /** Interface name given to use_vmac (default vrrp.VRID). */
  vmacName?: string;
  vmacXmitBase: boolean;
  useVmacAddr?: boolean;
  /** `use_ipvlan` as written (its name and address checked later). */
  ipvlan?: { node: Node; name?: string; mode?: Ipvlan['mode']; address?: ParsedPrefix };
  accept?: boolean;
  preempt: boolean;
  nopreemptNode?: Node;
  preemptDelayMs: number;
  dontTrackPrimary: boolean;
  skipCheckAdvAddr?: boolean;
  strict?: boolean;
  v3ChecksumAsV2?: boolean;
  lowerPrioNoAdvert?: boolean;
  higherPrioSendAdvert?: boolean;
  downTimerAdverts?: number;
  garp: Partial<Record<'masterDelayMs' | 'masterRepeat' | 'lowerPrioDelayMs' | 'lowerPrioRepeat' | 'masterRefreshMs' | 'masterRefreshRepeat', number>>;
  auth?: { type: 'PASS' | 'AH' | 'none'; password: string; node: Node };
  trackInterfaces: TrackRef[];
  trackScripts: TrackRef[];
  trackFiles: TrackRef[];
  trackProcesses: TrackRef[];
  trackNodes: Partial<Record<'interface' | 'script' | 'file' | 'process', Node>>;
  notify: Mutable<NotifyScripts>;
  notifyPriorityChanges?: boolean;
  notifyDeleted: boolean;
  smtpAlert?: boolean;
  promoteSecondaries: boolean;
  lvsSyncDaemonInterface?: string;
  /** A keyword that means something only with unicast peers (keepalived warns without them). */
  unicastOnly?: string;
  /** vrrp_script names defined above this instance: keepalived resolves track_script as it reads. */
  scriptsAbove?: ReadonlySet<string>;
}

/** keepalived 2.2.7 keeps the first script of a notify keyword given twice and reports the second. */
const setNotify = (key: keyof NotifyScripts) => (n: Node, d: { notify: Mutable<NotifyScripts> }, cx: Cx): void => {
  const s = readScript(cx, n);
  if (s && d.notify[key]) {
    cx.report(n.head, 'KAD_ERR_CONFIG_DUPLICATE', `'${n.name}' is already given; this one is ignored and the first script is kept, as keepalived 2.2.7 does`);
  } else if (s) d.notify[key] = s;
};
const timer = (key: keyof InstanceDraft['garp']) => (n: Node, d: InstanceDraft, cx: Cx): void => {
  const v = cx.timerMs(n, 0, 0, 86400);
  if (v !== undefined) d.garp[key] = v;
};
const count = (key: keyof InstanceDraft['garp']) => (n: Node, d: InstanceDraft, cx: Cx): void => {
  const v = cx.int(n, 0, 0, 65535);
  if (v !== undefined) d.garp[key] = v;
};
const flag = (set: (d: InstanceDraft, v: boolean) => void) => (n: Node, d: InstanceDraft, cx: Cx): void => {
  const v = cx.bool(n, 0);
  if (v !== undefined) set(d, v);
};

const AUTH_TABLE: Table<{ type?: string; password: string }> = registerTable<{ type?: string; password: string }>('authentication', {
  auth_type: (m, t, c) => { t.type = c.oneOf(m, 0, ['PASS', 'AH']); },
  auth_pass: (m, t, c) => {
    t.password = c.arg(m, 0, 'a password') ?? '';
    if (t.password.length > 8) {
      c.report(c.pos(m, 0), 'KAD_ERR_CONFIG_INVALID_VALUE', 'auth_pass is longer than 8 characters; only the first 8 are used (RFC 2338 §5.3.7)');
      t.password = t.password.slice(0, 8);
    }
  },
});

function authentication(n: Node, d: InstanceDraft, cx: Cx): void {
  const a: { type?: string; password: string } = { password: '' };
  cx.run(n.children, AUTH_TABLE, a, 'authentication');
  if (!n.children) cx.report(n.head, 'KAD_ERR_CONFIG_MISSING_PARAMETER', 'authentication needs a { } block');
  if (a.type !== undefined && a.password === '') {
    cx.report(n.head, 'KAD_ERR_CONFIG_MISSING_PARAMETER', `authentication ${a.type} without auth_pass; authentication ignored`);
    a.type = undefined;
  }
  d.auth = { type: (a.type as 'PASS' | 'AH' | undefined) ?? 'none', password: a.password, node: n };
}

/**
 * A unicast address as keepalived 2.2.7 reads it: everything from a '/' (or a range's '-') on is
 * dropped without a word (`10.0.0.2/24` and `10.0.0.2-5` are the peer 10.0.0.2, even
 * `10.0.0.2/abc`). kad does the same and says so.
 */
function unicastIp(cx: Cx, n: Node, i: number, what: string): ParsedIp | undefined {
  const tk = n.args[i];
  const slash = tk?.text.search(/[/-]/) ?? -1;
  if (!tk || slash <= 0) return cx.ip(n, i, what);
  const bare = { ...tk, text: tk.text.slice(0, slash) };
  const ip = cx.ip({ ...n, args: n.args.map((a, j) => (j === i ? bare : a)) }, i, what);
  if (ip) {
    cx.report(tk, 'KAD_WARN_CONFIG_ADDRESS_SUFFIX', `'${tk.text}': keepalived 2.2.7 drops '${tk.text.slice(slash)}' and uses ${ip.address} alone (a unicast address is one address), and so does kad; write ${ip.address}`);
  }
  return ip;
}

function unicastPeers(n: Node, d: InstanceDraft, cx: Cx): void {
  d.unicastPeerNode = n;
  for (const e of cx.entries(n)) {
    const ip = unicastIp(cx, { ...e, args: [e.head, ...e.args] }, 0, 'a peer address');
    if (!ip) continue;
    const peer: Mutable<UnicastPeer> = { address: ip.address };
    for (let i = 0; i < e.args.length; i += 2) {
      const k = e.args[i]!.text;
      if (k === 'min_ttl') peer.minTtl = cx.int(e, i + 1, 0, 255);
      else if (k === 'max_ttl') peer.maxTtl = cx.int(e, i + 1, 0, 255);
      else cx.report(e.args[i]!, 'KAD_ERR_CONFIG_INVALID_VALUE', `unknown unicast_peer option '${k}'`);
    }
    d.unicastPeers.push(peer);
  }
}

/** A MAC of 6 octets, or of 5 (the VRID is the sixth, keepalived.conf(5)). */
const MAC_RE = /^[0-9a-f]{2}(:[0-9a-f]{2}){4,5}$/i;
/** A name the kernel refuses for a link: over IFNAMSIZ-1 characters, or with a space, '/' or ':'. */
const badIfName = (t: string): boolean => t.length > 15 || /[\s/:]/.test(t);

const IGNORED_INSTANCE = [
  'debug', 'track_src_ip', 'vrf', 'native_ipv6',
  'kernel_rx_buf_size', 'garp_extra_if',
  'timer_expired_backup', 'thread_timer_expired', 'owner_ignore_adverts', 'track_bfd', 'auth_hmac',
];

const IPVLAN_MODES: readonly Ipvlan['mode'][] = ['bridge', 'private', 'vepa'];

/**
 * `use_ipvlan [NAME] [ADDRESS[/PREFIX]] [bridge|private|vepa]`, in any order; a second of a kind
 * is refused, as keepalived 2.2.7 does (a config error each).
 */
function useIpvlan(n: Node, d: InstanceDraft, cx: Cx): void {
  if (d.ipvlan) {
    cx.report(n.head, 'KAD_ERR_CONFIG_INVALID_VALUE', `(${d.name}) use_ipvlan already specified`);
    return;
  }
  const v: NonNullable<InstanceDraft['ipvlan']> = { node: n };
  for (const a of n.args) {
    const mode = IPVLAN_MODES.find((m) => m === a.text);
    const addr = mode ? undefined : parsePrefix(a.text);
    const again = (what: string): void => cx.report(a, 'KAD_ERR_CONFIG_INVALID_VALUE', `(${d.name}) ${what} already specified - ignoring '${a.text}'`);
    if (mode) {
      if (v.mode) again('ipvlan type');
      else v.mode = mode;
    } else if (addr) {
      if (v.address) again('ipvlan address');
      else v.address = addr;
    } else if (v.name !== undefined) again('IPVLAN interface');
    else if (badIfName(a.text)) cx.report(a, 'KAD_ERR_CONFIG_INVALID_VALUE', `(${d.name}) IPVLAN interface name '${a.text}' too long or not valid - ignoring`);
    else v.name = a.text;
  }
  d.ipvlan = v;
}

export const INSTANCE_TABLE: Table<InstanceDraft> = registerTable<InstanceDraft>('vrrp_instance', {
  ...Object.fromEntries(IGNORED_INSTANCE.map((k) => [k, ignore])),
  state: (n, d, cx) => {
    const s = cx.oneOf(n, 0, ['MASTER', 'BACKUP']);
    if (s) d.state = s;
  },
  interface: (n, d, cx) => {
    d.interface = cx.arg(n, 0, 'an interface name');
    d.interfaceAt = n.head;
  },
  virtual_router_id: (n, d, cx) => { d.vrid = cx.int(n, 0, 1, 255); },
  priority: (n, d, cx) => { d.priority = cx.int(n, 0, 1, 255); },
  advert_int: (n, d, cx) => { d.advertIntMs = cx.timerMs(n, 0, 0.01, 255); },
  version: (n, d, cx) => {
    const v = cx.int(n, 0, 2, 3);
    if (v === 2 || v === 3) d.version = v;
  },
  virtual_ipaddress: (n, d, cx) => { d.vips.push(...parseAddressBlock(cx, n)); },
  virtual_ipaddress_excluded: (n, d, cx) => { d.excludedVips.push(...parseAddressBlock(cx, n)); },
  no_virtual_ipaddress: (_n, d) => { d.noVirtualIpaddress = true; },
  virtual_routes: (n, d, cx) => { d.virtualRoutes.push(...parseRouteBlock(cx, n)); },
  virtual_rules: (n, d, cx) => { d.virtualRules.push(...parseRuleBlock(cx, n)); },
  promote_secondaries: (_n, d) => { d.promoteSecondaries = true; },
  accept: (_n, d) => { d.accept = true; },
  no_accept: (_n, d) => { d.accept = false; },
  nopreempt: (n, d) => { d.preempt = false; d.nopreemptNode = n; },
  preempt: (_n, d) => { d.preempt = true; },
  preempt_delay: (n, d, cx) => { d.preemptDelayMs = cx.timerMs(n, 0, 0, 1000) ?? d.preemptDelayMs; },
  dont_track_primary: (_n, d) => { d.dontTrackPrimary = true; },
  track_interface: (n, d, cx) => { d.trackInterfaces.push(...parseTrackRefs(cx, n, 253)); d.trackNodes.interface = n; },
  track_script: (n, d, cx) => { d.trackScripts.push(...parseTrackRefs(cx, n, 253)); d.trackNodes.script = n; },
  track_file: (n, d, cx) => { d.trackFiles.push(...parseTrackRefs(cx, n, 254)); d.trackNodes.file = n; },
  track_process: (n, d, cx) => { d.trackProcesses.push(...parseTrackRefs(cx, n, 254)); d.trackNodes.process = n; },
  skip_check_adv_addr: flag((d, v) => { d.skipCheckAdvAddr = v; }),
  strict_mode: flag((d, v) => { d.strict = v; }),
  v3_checksum_as_v2: flag((d, v) => { d.v3ChecksumAsV2 = v; }),
  lower_prio_no_advert: flag((d, v) => { d.lowerPrioNoAdvert = v; }),
  higher_prio_send_advert: flag((d, v) => { d.higherPrioSendAdvert = v; }),
  down_timer_adverts: (n, d, cx) => { d.downTimerAdverts = cx.int(n, 0, 1, 100); },
  mcast_src_ip: (n, d, cx) => { d.mcastSrcIp = cx.ip(n, 0)?.address; },
  unicast_src_ip: (n, d, cx) => { d.unicastSrcIp = unicastIp(cx, n, 0, 'an IP address')?.address; },
  unicast_peer: unicastPeers,
  unicast_ttl: (n, d, cx) => { d.unicastTtl = cx.int(n, 0, 0, 255); },
  unicast_fault_no_peer: (_n, d) => { d.unicastFaultNoPeer = true; },
  check_unicast_src: (n, d) => { d.checkUnicastSrc = true; d.unicastOnly ??= n.name; },
  old_unicast_checksum: (n, d) => { d.unicastOnly ??= n.name; },
  mcast_dst_ip: (n, d, cx) => { d.mcastDstIp = cx.ip(n, 0)?.address; },
  use_vmac: (n, d, cx) => {
    d.useVmac = true;
    for (const a of n.args) {
      if (MAC_RE.test(a.text)) d.vmacMac = a.text.toLowerCase();
      else if (d.vmacName !== undefined) cx.report(a, 'KAD_ERR_CONFIG_INVALID_VALUE', `use_vmac: unexpected '${a.text}' after the interface name`);
      else if (badIfName(a.text)) cx.report(a, 'KAD_ERR_CONFIG_INVALID_VALUE', `use_vmac: '${a.text}' is not a valid interface name (at most 15 characters, no '/' or ':')`);
      else d.vmacName = a.text;
    }
  },
  use_vmac_addr: (_n, d) => { d.useVmacAddr = true; },
  use_ipvlan: useIpvlan,
  vmac_xmit_base: (_n, d) => { d.vmacXmitBase = true; },
  garp_master_delay: timer('masterDelayMs'),
  garp_master_repeat: count('masterRepeat'),
  garp_lower_prio_delay: timer('lowerPrioDelayMs'),
  garp_lower_prio_repeat: count('lowerPrioRepeat'),
  garp_master_refresh: timer('masterRefreshMs'),
  garp_master_refresh_repeat: count('masterRefreshRepeat'),
  authentication,
  notify_master: setNotify('master'),
  notify_backup: setNotify('backup'),
  notify_fault: setNotify('fault'),
  notify_stop: setNotify('stop'),
  notify: setNotify('any'),
  notify_master_rx_lower_pri: setNotify('masterRxLowerPri'),
  notify_priority_changes: flag((d, v) => { d.notifyPriorityChanges = v; }),
  // `notify_deleted [SCRIPT [user [group]]]`: DELETED instead of FAULT when a reload removes it.
  notify_deleted: (n, d, cx) => {
    d.notifyDeleted = true;
    if (n.args.length > 0) setNotify('deleted')(n, d, cx);
  },
  smtp_alert: flag((d, v) => { d.smtpAlert = v; }),
  // keepalived 2.2.7 counts both as config errors: "deprecated - use linkbeat_interfaces" / "garp_extra_if".
  linkbeat_use_polling: (n, _d, cx) => { cx.report(n.head, 'KAD_WARN_CONFIG_DEPRECATED', "linkbeat_use_polling in a vrrp_instance is deprecated, use a top-level linkbeat_interfaces block (keepalived 2.2.7 counts this as a config error)"); },
  vmac_garp_intvl: (n, _d, cx) => { cx.report(n.head, 'KAD_WARN_CONFIG_DEPRECATED', "vmac_garp_intvl is deprecated, use 'garp_extra_if' (keepalived 2.2.7 counts this as a config error)"); },
  lvs_sync_daemon_interface: (n, d, cx) => {
    d.lvsSyncDaemonInterface = cx.arg(n, 0, 'an interface');
    cx.report(n.head, 'KAD_WARN_CONFIG_DEPRECATED',
      "lvs_sync_daemon_interface in a vrrp_instance is deprecated, use global_defs 'lvs_sync_daemon IF INSTANCE' (keepalived counts this as a config error)");
  },
});

export function parseInstance(cx: Cx, n: Node): InstanceDraft {
  const d: InstanceDraft = {
    node: n, name: n.args[0]?.text ?? '', vips: [], excludedVips: [], noVirtualIpaddress: false,
    virtualRoutes: [], virtualRules: [], unicastPeers: [], unicastFaultNoPeer: false, checkUnicastSrc: false,
    useVmac: false, vmacXmitBase: false, preempt: true, preemptDelayMs: 0, dontTrackPrimary: false, garp: {},
    trackInterfaces: [], trackScripts: [], trackFiles: [], trackProcesses: [], trackNodes: {}, notify: {},
    notifyDeleted: false, promoteSecondaries: false,
  };
  if (!n.args[0]) cx.report(n.head, 'KAD_ERR_CONFIG_MISSING_PARAMETER', 'vrrp_instance needs a name');
  cx.run(n.children, INSTANCE_TABLE, d, `vrrp_instance ${d.name}`);
  return d;
}

export type GroupDraft = Mutable<SyncGroup> & {
  node: Node;
  members: string[];
  notify: Mutable<NotifyScripts>;
  /** `sync_group_tracking_weight`: members keep their trackers' weights. */
  trackingWeight?: boolean;
};

const GROUP_TABLE: Table<GroupDraft> = registerTable<GroupDraft>('vrrp_sync_group', {
  group: (n, g, cx) => {
    for (const e of cx.entries(n)) g.members.push(e.name, ...e.args.map((a) => a.text));
  },
  track_interface: (n, g, cx) => { g.trackInterfaces = [...g.trackInterfaces, ...parseTrackRefs(cx, n, 253)]; },
  track_script: (n, g, cx) => { g.trackScripts = [...g.trackScripts, ...parseTrackRefs(cx, n, 253)]; },
  track_file: (n, g, cx) => { g.trackFiles = [...g.trackFiles, ...parseTrackRefs(cx, n, 254)]; },
  track_process: (n, g, cx) => { g.trackProcesses = [...g.trackProcesses, ...parseTrackRefs(cx, n, 254)]; },
  track_bfd: ignore,
  notify_master: setNotify('master'),
  notify_backup: setNotify('backup'),
  notify_fault: setNotify('fault'),
  notify_stop: setNotify('stop'),
  notify: setNotify('any'),
  notify_priority_changes: ignore,
  smtp_alert: (n, g, cx) => { g.smtpAlert = cx.bool(n, 0); },
  global_tracking: (n, _g, cx) => {
    cx.report(n.head, 'KAD_WARN_CONFIG_DEPRECATED', 'global_tracking is deprecated and does nothing; use track_interface/script/file on the sync group (keepalived 2.2.7 counts this as a config error)');
  },
  sync_group_tracking_weight: (_n, g) => { g.trackingWeight = true; },
});

export function parseSyncGroup(cx: Cx, n: Node): GroupDraft {
  const g: GroupDraft = {
    node: n, name: n.args[0]?.text ?? '', members: [], trackInterfaces: [], trackScripts: [], trackFiles: [],
    trackProcesses: [], notify: {}, source: cx.src(n),
  };
  if (!n.args[0]) cx.report(n.head, 'KAD_ERR_CONFIG_MISSING_PARAMETER', 'vrrp_sync_group needs a name');
  cx.run(n.children, GROUP_TABLE, g, `vrrp_sync_group ${g.name}`);
  return g;
}
