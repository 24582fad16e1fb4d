/**
 * `virtual_server_group NAME { }`, `virtual_server IP PORT | fwmark N | group NAME { }` and
 * `real_server IP [PORT] { }`, with the legacy spellings every tutorial uses (`lb_algo`,
 * `lb_kind`). Checker blocks are parsed by ./checkers.ts.
 */
import { ignore, registerTable, type Cx, type Table } from '../context.js';
import { compareAddressBytes, formatIpv4, formatIpv6, parseIp, parseIpv4, parseIpv6 } from '../../core/addr.js';
import type { Family, Forwarding, ScriptSpec, VirtualServer, VirtualServerGroupEntry, VsKey } from '../model.js';
import { readScript } from '../script.js';
import type { SourceToken } from '../preprocess.js';
import type { Node } from '../tree.js';
import { CHECKER_TYPES, parseChecker, TIMING_TABLE, type CheckerDraft, type Timing } from './checkers.js';

export const SCHEDULERS = ['rr', 'wrr', 'lc', 'wlc', 'lblc', 'sh', 'mh', 'dh', 'fo', 'ovf', 'lblcr', 'sed', 'nq', 'twos'] as const;

export interface RsDraft {
  /** Where the real_server keyword is (drafts keep no subtree, so parsed blocks can be freed). */
  head: SourceToken;
  address: string;
  family: Family;
  port: number;
  weight: number;
  forwarding?: Forwarding;
  uthreshold?: number;
  lthreshold?: number;
  inhibitOnFailure?: boolean;
  notifyUp?: ScriptSpec;
  notifyDown?: ScriptSpec;
  virtualhost?: string;
  smtpAlert?: boolean;
  timing: Timing;
  checkers: CheckerDraft[];
}

/** A virtual server as written: the model's optional fields plus what is resolved later. */
export type VsDraft = Partial<Pick<VirtualServer, 'protocol' | 'scheduler' | 'forwarding' | 'persistenceTimeoutS'
  | 'persistenceGranularity' | 'persistenceEngine' | 'ipFamily' | 'virtualhost' | 'quorumUp' | 'quorumDown' | 'sorryServer'
  | 'smtpAlert'>> & Pick<VirtualServer, 'haSuspend' | 'omega' | 'quorum' | 'hysteresis' | 'inhibitOnFailure'> & {
  head: SourceToken;
  key?: VsKey;
  schedFlags: string[];
  timing: Timing;
  realServers: RsDraft[];
};

function method(cx: Cx, n: Node): Forwarding | undefined {
  const m = cx.oneOf(n, 0, ['NAT', 'DR', 'TUN'] as const);
  if (!m) return undefined;
  const f: { method: 'NAT' | 'DR' | 'TUN'; tunnelType?: 'ipip' | 'gue' | 'gre'; tunnelPort?: number; tunnelChecksum?: 'nocsum' | 'csum' | 'remcsum' } = { method: m };
  for (let i = 1; i < n.args.length; i++) {
    const w = n.args[i]!.text;
    if (w === 'type') f.tunnelType = cx.oneOf(n, ++i, ['ipip', 'gue', 'gre'] as const);
    else if (w === 'port') f.tunnelPort = cx.int(n, ++i, 1, 65535);
    else if (w === 'nocsum' || w === 'csum' || w === 'remcsum') f.tunnelChecksum = w;
    else cx.report(n.args[i]!, 'KAD_ERR_CONFIG_INVALID_VALUE', `unknown lvs_method option '${w}'`);
  }
  return f;
}

const RS_TABLE: Table<RsDraft> = registerTable<RsDraft>('real_server', {
  ...Object.fromEntries(Object.keys(TIMING_TABLE).map((k) => [k, (n: Node, r: RsDraft, cx: Cx) => TIMING_TABLE[k]!(n, r.timing, cx)])),
  ...Object.fromEntries(CHECKER_TYPES.map((t) => [t, (n: Node, r: RsDraft, cx: Cx) => { r.checkers.push(parseChecker(cx, n, t)); }])),
  weight: (n, r, cx) => { r.weight = cx.int(n, 0, 0, 2147483647) ?? r.weight; },
  lvs_method: (n, r, cx) => { r.forwarding = method(cx, n); },
  lb_kind: (n, r, cx) => { r.forwarding = method(cx, n); },
  uthreshold: (n, r, cx) => { r.uthreshold = cx.int(n, 0, 0, 2147483647); },
  lthreshold: (n, r, cx) => { r.lthreshold = cx.int(n, 0, 0, 2147483647); },
  inhibit_on_failure: (n, r, cx) => { r.inhibitOnFailure = cx.bool(n, 0); },
  notify_up: (n, r, cx) => { r.notifyUp = readScript(cx, n); },
  notify_down: (n, r, cx) => { r.notifyDown = readScript(cx, n); },
  virtualhost: (n, r, cx) => { r.virtualhost = cx.arg(n, 0, 'a host name'); },
  smtp_alert: (n, r, cx) => { r.smtpAlert = cx.bool(n, 0); },
  snmp_name: ignore,
});

function parseRealServer(cx: Cx, n: Node, vs: VsDraft): void {
  const ip = cx.ip(n, 0, 'an address');
  const port = n.args[1] ? cx.int(n, 1, 0, 65535) : 0;
  const r: RsDraft = { head: n.head, address: ip?.address ?? '', family: ip?.family ?? 4, port: port ?? 0, weight: 1, timing: {}, checkers: [] };
  cx.run(n.children, RS_TABLE, r, () => `real_server ${n.args.map((a) => a.text).join(' ')}`);
  if (ip && port !== undefined) vs.realServers.push(r);
}

function sorryServer(n: Node, v: VsDraft, cx: Cx): void {
  const ip = cx.ip(n, 0);
  const port = n.args[1] ? cx.int(n, 1, 0, 65535) : 0;
  if (ip && port !== undefined) v.sorryServer = { address: ip.address, port, family: ip.family, inhibit: v.sorryServer?.inhibit ?? false };
}

const VS_TABLE: Table<VsDraft> = registerTable<VsDraft>('virtual_server', {
  ...Object.fromEntries(Object.keys(TIMING_TABLE).map((k) => [k, (n: Node, v: VsDraft, cx: Cx) => TIMING_TABLE[k]!(n, v.timing, cx)])),
  ...Object.fromEntries(['flag-1', 'flag-2', 'flag-3', 'sh-port', 'sh-fallback', 'mh-port', 'mh-fallback', 'ops', 'hashed']
    .map((k) => [k, (n: Node, v: VsDraft, cx: Cx) => schedFlag(cx, n, v)])),
  lvs_sched: (n, v, cx) => { v.scheduler = cx.oneOf(n, 0, SCHEDULERS); },
  lb_algo: (n, v, cx) => { v.scheduler = cx.oneOf(n, 0, SCHEDULERS); },
  lvs_method: (n, v, cx) => { v.forwarding = method(cx, n); },
  lb_kind: (n, v, cx) => { v.forwarding = method(cx, n); },
  protocol: (n, v, cx) => { v.protocol = cx.oneOf(n, 0, ['TCP', 'UDP', 'SCTP'] as const, true); },
  persistence_timeout: (n, v, cx) => { v.persistenceTimeoutS = n.args[0] ? cx.int(n, 0, 1, 2678400) : 360; },
  persistence_granularity: (n, v, cx) => { v.persistenceGranularity = cx.arg(n, 0, 'a netmask'); },
  persistence_engine: (n, v, cx) => { v.persistenceEngine = cx.arg(n, 0, 'an engine name'); },
  ip_family: (n, v, cx) => {
    const f = cx.oneOf(n, 0, ['inet', 'inet6'] as const);
    if (f) v.ipFamily = f === 'inet' ? 4 : 6;
  },
  ha_suspend: (_n, v) => { v.haSuspend = true; },
  virtualhost: (n, v, cx) => { v.virtualhost = cx.arg(n, 0, 'a host name'); },
  omega: (_n, v) => { v.omega = true; },
  quorum: (n, v, cx) => { v.quorum = cx.int(n, 0, 1, 2147483647) ?? v.quorum; },
  hysteresis: (n, v, cx) => { v.hysteresis = cx.int(n, 0, 0, 2147483647) ?? v.hysteresis; },
  quorum_up: (n, v, cx) => { v.quorumUp = readScript(cx, n); },
  quorum_down: (n, v, cx) => { v.quorumDown = readScript(cx, n); },
  sorry_server: sorryServer,
  sorry_server_inhibit: (n, v, cx) => {
    if (v.sorryServer) v.sorryServer = { ...v.sorryServer, inhibit: true };
    else cx.report(n.head, 'KAD_ERR_CONFIG_INCONSISTENT', 'sorry_server_inhibit before or without sorry_server is ignored (keepalived 2.2.7 reads top to bottom)');
  },
  sorry_server_lvs_method: (n, v, cx) => {
    const f = method(cx, n);
    if (v.sorryServer && f) v.sorryServer = { ...v.sorryServer, forwarding: f };
  },
  inhibit_on_failure: (n, v, cx) => { v.inhibitOnFailure = cx.bool(n, 0) ?? v.inhibitOnFailure; },
  smtp_alert: (n, v, cx) => { v.smtpAlert = cx.bool(n, 0); },
  real_server: (n, v, cx) => parseRealServer(cx, n, v),
  nat_mask: ignore,
  snmp_name: ignore,
  weight: ignore,
});

function vsKey(cx: Cx, n: Node): VsKey | undefined {
  const a0 = n.args[0]?.text;
  if (a0 === undefined) {
    cx.report(n.head, 'KAD_ERR_CONFIG_MISSING_PARAMETER', "virtual_server needs 'IP PORT', 'fwmark N' or 'group NAME'");
    return undefined;
  }
  if (a0 === 'fwmark') {
    const fwmark = cx.int(n, 1, 1, 4294967295);
    const fam = n.args[2]?.text === 'inet6' ? 6 : 4;
    return fwmark === undefined ? undefined : { kind: 'fwmark', fwmark, family: fam };
  }
  if (a0 === 'group') {
    const g = cx.arg(n, 1, 'a group name');
    return g === undefined ? undefined : { kind: 'group', group: g };
  }
  const ip = cx.ip(n, 0);
  const port = n.args[1] ? cx.int(n, 1, 0, 65535) : 0;
  return ip && port !== undefined ? { kind: 'ip', address: ip.address, port, family: ip.family } : undefined;
}

/**
 * A scheduler flag, checked against the scheduler set above it as keepalived 2.2.7 does it
 * (measured): sh-* need sh, mh-* need mh, `hashed` sh or mh; otherwise reported and ignored.
 */
function schedFlag(cx: Cx, n: Node, v: VsDraft): void {
  const k = n.name;
  const needs = k.startsWith('sh-') ? ['sh'] : k.startsWith('mh-') ? ['mh'] : k === 'hashed' ? ['sh', 'mh'] : undefined;
  if (needs && !needs.includes(v.scheduler ?? '')) {
    cx.report(n.head, 'KAD_ERR_CONFIG_INCONSISTENT', `'${k}' only applies to the ${needs.join('/')} scheduler (set above it); ignored, as keepalived 2.2.7 does`);
    return;
  }
  v.schedFlags.push(k);
}

export function parseVirtualServer(cx: Cx, n: Node): VsDraft {
  const v: VsDraft = {
    head: n.head, key: vsKey(cx, n), schedFlags: [], haSuspend: false, omega: false, quorum: 1, hysteresis: 0,
    inhibitOnFailure: false, timing: {}, realServers: [],
  };
  cx.run(n.children, VS_TABLE, v, () => `virtual_server ${n.args.map((a) => a.text).join(' ')}`);
  return v;
}

/** One `virtual_server_group` entry: `IP [PORT]`, `A.B.C.D-E [PORT]`, `NET/LEN [PORT]`, `fwmark N`. */
function groupEntry(cx: Cx, e: Node): VirtualServerGroupEntry | undefined {
  if (e.name === 'fwmark') {
    const fwmark = cx.int(e, 0, 1, 4294967295);
    return fwmark === undefined ? undefined : { kind: 'fwmark', fwmark, family: e.args[1]?.text === 'inet6' ? 6 : 4 };
  }
  const port = e.args[0] ? cx.int(e, 0, 0, 65535) : undefined;
  const withPort = port !== undefined ? { port } : {};
  const ip = parseIp(e.name);
  if (ip) return { kind: 'ip', address: ip.address, family: ip.family, ...withPort };
  if (e.name.includes('/')) {
    const r = subnetRange(cx, e);
    return r && { ...r, ...withPort };
  }
  const dash = e.name.lastIndexOf('-');
  if (dash > 0) {
    const first = parseIp(e.name.slice(0, dash));
    const last = e.name.slice(dash + 1);
    const okLast = first && (first.family === 4 ? /^\d{1,3}$/.test(last) && Number(last) < 256 || !!parseIpv4(last) : /^[0-9a-fA-F]{1,4}$/.test(last) || !!parseIpv6(last));
    if (first && okLast) {
      if (!rangeAscends(first.address, last, first.family)) {
        cx.report(e.head, 'KAD_ERR_CONFIG_INVALID_ADDRESS', `range '${e.name}' does not go up from its first address; keepalived 2.2.7 skips the entry`);
        return undefined;
      }
      return { kind: 'range', address: first.address, lastAddress: last, family: first.family, ...withPort };
    }
  }
  cx.report(e.head, 'KAD_ERR_CONFIG_INVALID_ADDRESS', `'${e.name}' is not an address, range, subnet or fwmark`);
  return undefined;
}

/**
 * `NET/LEN`: every address of the subnet, as keepalived 2.2.7 reads it (the host bits must be
 * zero and LEN 1-32 or 1-128, else it skips the entry).
 */
function subnetRange(cx: Cx, e: Node): VirtualServerGroupEntry | undefined {
  const [net, len] = e.name.split('/') as [string, string];
  const ip = parseIp(net);
  const bits = /^\d+$/.test(len) ? Number(len) : NaN;
  if (!ip || !(bits >= 1 && bits <= (ip.family === 4 ? 32 : 128))) {
    cx.report(e.head, 'KAD_ERR_CONFIG_INVALID_ADDRESS', `'${e.name}' is not a subnet (NET/1-${ip?.family === 6 ? 128 : 32}); keepalived 2.2.7 skips the entry`);
    return undefined;
  }
  const bytes = (ip.family === 4 ? parseIpv4(ip.address) : parseIpv6(ip.address))!;
  const hostBits = (i: number): number => 0xff >> Math.max(0, Math.min(8, bits - i * 8));
  if (bytes.some((b, i) => (b & hostBits(i)) !== 0)) {
    cx.report(e.head, 'KAD_ERR_CONFIG_INVALID_ADDRESS', `'${e.name}' has host bits set; keepalived 2.2.7 skips the entry ("Address mask bits not empty")`);
    return undefined;
  }
  const last = bytes.map((b, i) => b | hostBits(i));
  const lastAddress = ip.family === 4 ? formatIpv4(last) : formatIpv6(last);
  return { kind: 'range', address: ip.address, lastAddress, family: ip.family };
}

/** keepalived needs the short form's last octet/group above the first; a whole address not below it. */
function rangeAscends(first: string, last: string, family: 4 | 6): boolean {
  const a = (family === 4 ? parseIpv4(first) : parseIpv6(first))!;
  if (family === 4 && /^\d{1,3}$/.test(last)) return Number(last) > a[3]!;
  if (family === 6 && /^[0-9a-fA-F]{1,4}$/.test(last)) return parseInt(last, 16) > (a[14]! << 8 | a[15]!);
  const b = family === 4 ? parseIpv4(last) : parseIpv6(last);
  return b !== undefined && compareAddressBytes(a, b) <= 0;
}

export function parseVsGroup(cx: Cx, n: Node): { name: string; entries: VirtualServerGroupEntry[]; node: Node } {
  const entries = cx.entries(n).flatMap((e) => {
    const g = groupEntry(cx, e);
    return g ? [g] : [];
  });
  if (!n.args[0]) cx.report(n.head, 'KAD_ERR_CONFIG_MISSING_PARAMETER', 'virtual_server_group needs a name');
  else if (entries.length === 0) {
    cx.report(n.head, 'KAD_ERR_CONFIG_MISSING_REQUIRED', `virtual_server_group ${n.args[0].text} has no usable entry; keepalived 2.2.7 removes the group`);
  }
  return { name: n.args[0]?.text ?? '', entries, node: n };
}
