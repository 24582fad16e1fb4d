/**
 * Layer: the rtnetlink policy-routing rule seam (RTM_NEWRULE / RTM_DELRULE through npm
 * `netlink`). `ruleMessage` turns a parsed rule (the config model's RuleSpec fits
 * {@link RuleInput}) into a fib_rule_hdr and FRA_* attributes: from/to, not, preference, the
 * action (table, goto, nop, blackhole/unreachable/prohibit, l3mdev), iif/oif by name, fwmark
 * and mask, tos, realms, protocol, ipproto, port and uid ranges, suppress_prefixlength. Pure, so it is
 * unit-tested without root. add/remove are idempotent (EEXIST / ENOENT are outcomes).
 */
import netlink from 'netlink';
import type { RtNetlinkSocket, rt as rtTypes } from 'netlink';
import { addressBytes } from '../core/addr.js';
import type { RuleFields } from '../core/route.js';
import { idempotent } from './rtnl-errors.js';
import type { AddOutcome, RemoveOutcome } from './rtnl-route.js';

const AF_INET = 2;
const AF_INET6 = 10;
const EEXIST = 17;
const ENOENT = 2;
const ESRCH = 3;
const FIB_RULE_INVERT = 2;
/** FR_ACT_* numbers. */
const ACTIONS: Readonly<Record<string, number>> = { table: 1, goto: 2, nop: 3, blackhole: 6, unreachable: 7, prohibit: 8 };

/** What a rule needs to be encoded (the config model's RuleSpec is one). */
export type RuleInput = RuleFields;

export interface RuleMessage {
  data: rtTypes.Rule;
  attrs: rtTypes.RuleAttrs;
}

/** The rule as `ip rule` prints it, roughly (for logs). */
export function ruleText(r: RuleInput): string {
  const p = (x: { address: string; prefixLen: number }): string => `${x.address}/${x.prefixLen}`;
  const act = r.action === 'table' ? (r.l3mdev ? 'lookup [l3mdev-table]' : `lookup ${r.table}`) : r.action === 'goto' ? `goto ${r.goto}` : r.action;
  return `${r.priority}: ${r.not ? 'not ' : ''}from ${r.from ? p(r.from) : 'all'}${r.to ? ` to ${p(r.to)}` : ''}${r.fwmark !== undefined ? ` fwmark ${r.fwmark}` : ''} ${act}`;
}

/** Encode one rule. */
export function ruleMessage(r: RuleInput): RuleMessage {
  const table = r.table ?? 0;
  const data: rtTypes.Rule = {
    family: r.family === 6 ? AF_INET6 : AF_INET, dstLen: r.to?.prefixLen ?? 0, srcLen: r.from?.prefixLen ?? 0, tos: r.tos ?? 0,
    table: table < 256 ? table : 0, action: ACTIONS[r.action] ?? 1,
  };
  if (r.not) data.flags = { __unknown: FIB_RULE_INVERT };
  const attrs: rtTypes.RuleAttrs = { priority: r.priority };
  if (r.from && r.from.prefixLen > 0) attrs.src = addressBytes(r.from.address, r.family);
  if (r.to && r.to.prefixLen > 0) attrs.dst = addressBytes(r.to.address, r.family);
  if (r.table !== undefined) attrs.table = r.table;
  if (r.goto !== undefined) attrs.goto = r.goto;
  if (r.l3mdev) attrs.l3Mdev = 1;
  if (r.iif !== undefined) attrs.iifname = r.iif;
  if (r.oif !== undefined) attrs.oifname = r.oif;
  if (r.fwmark !== undefined) attrs.fwmark = r.fwmark;
  if (r.fwmask !== undefined) attrs.fwmask = r.fwmask;
  if (r.protocol !== undefined) attrs.protocol = r.protocol;
  if (r.realms !== undefined) attrs.flow = r.realms;
  if (r.ipProto !== undefined) attrs.ipProto = r.ipProto;
  if (r.sport) attrs.sportRange = { start: r.sport[0], end: r.sport[1] };
  if (r.dport) attrs.dportRange = { start: r.dport[0], end: r.dport[1] };
  if (r.uidRange) attrs.uidRange = { start: r.uidRange[0], end: r.uidRange[1] };
  if (r.suppressPrefixLen !== undefined) {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(r.suppressPrefixLen, 0);
    attrs.suppressPrefixlen = b;
  }
  return { data, attrs };
}

/** Add a rule. 'exists' when the kernel already has it. */
export function addRule(rt: RtNetlinkSocket, m: RuleMessage, what: string): Promise<AddOutcome> {
  const flags = netlink.FlagsNew.CREATE | netlink.FlagsNew.EXCL;
  return idempotent(() => rt.newRule(m.data, m.attrs, { flags }), { done: 'added', already: 'exists' }, [EEXIST], 'RTM_NEWRULE', what);
}

/** Remove a rule. 'absent' when it is not there. */
export function removeRule(rt: RtNetlinkSocket, m: RuleMessage, what: string): Promise<RemoveOutcome> {
  return idempotent(() => rt.delRule(m.data, m.attrs), { done: 'removed', already: 'absent' }, [ESRCH, ENOENT], 'RTM_DELRULE', what);
}
