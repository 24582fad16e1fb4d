/**
 * `static_rules` / `virtual_rules` lines: `[inet|inet6] [not] [from PREFIX] [to PREFIX]
 * [iif|dev IF] [oif IF] [fwmark N[/MASK]] [tos|dsfield N] [preference|priority|order N]
 * [realms [FROM/]TO] [protocol N] [ipproto P] [sport A-B] [dport A-B] [uidrange A-B] [suppress_prefixlength N]
 * [no_track] ACTION` where ACTION is `table|lookup T`, `goto N`, `nop`, `l3mdev` or `[type]
 * blackhole|unreachable|prohibit` — keepalived 2.2.7's words and checks: one action, a goto
 * target above the rule's preference, and a rule without a preference gets 16384, 16383...
 * (per family, in file order) with a warning.
 */
import type { Cx } from '../context.js';
import type { Family, RuleAction, RuleSpec } from '../model.js';
import type { Node } from '../tree.js';
import { FamilyOf, parseUnsigned, readTable, routePrefix, RTPROT_KEEPALIVED, Words } from './route-words.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
const RULE_START_PRIORITY = 16384;
const IP_PROTOS: Readonly<Record<string, number>> = { icmp: 1, tcp: 6, udp: 17, gre: 47, esp: 50, ah: 51, 'ipv6-icmp': 58, icmpv6: 58, sctp: 132 };
const DROPS: readonly RuleAction[] = ['blackhole', 'unreachable', 'prohibit'];
const UNSUPPORTED: Readonly<Record<string, number>> = { suppress_ifgroup: 1, sup_group: 1, 'tunnel-id': 1, track_group: 1 };

/** Next automatic preference per family, per parse (keepalived's next_rule_priority_ipv4/6). */
const next = new WeakMap<Cx, Record<Family, number>>();

function range(w: Words, what: string, max: number): readonly [number, number] | undefined {
  const t = w.take(`a ${what} range`);
  const m = t === undefined ? null : /^(\d+)-(\d+)$/.exec(t);
  if (!m || Number(m[1]) > max || Number(m[2]) > max) return w.bad(`invalid ${what} range '${t ?? ''}'`), undefined;
  return [Number(m[1]), Number(m[2])];
}

/** A rule line being read. */
type Draft = Partial<Mutable<RuleSpec>> & { words: string[]; priorityGiven?: number };

/** One rule line; undefined (reported) when it cannot be applied. */
export function parseRuleLine(cx: Cx, n: Node): RuleSpec | undefined {
  const w = new Words(cx, n, 'rule');
  const fam = new FamilyOf(w);
  const r: Draft = { words: w.words, not: false, l3mdev: false, noTrack: false };
  while (!w.done) if (!ruleWord(w, fam, r, w.take('a word')!)) return undefined;
  const { priorityGiven, ...rule } = r;
  return finishRule(cx, n, w, rule, fam.value ?? 4, priorityGiven);
}

/** Set the rule's one action; false (reported) when it has one already. */
function act(w: Words, r: Draft, a: RuleAction): boolean {
  if (r.action !== undefined) return w.bad('cannot specify more than one of table/nop/goto/blackhole/prohibit/unreachable/l3mdev'), false;
  r.action = a;
  return true;
}

/** Family, addresses, table, preference, TOS, fwmark: false (reported) when the line is bad. */
function ruleWord(w: Words, fam: FamilyOf, r: Draft, word: string): boolean {
  if (word === 'inet' || word === 'inet6') {
    if (!fam.set(word === 'inet' ? 4 : 6)) return false;
  } else if (word === 'from' || word === 'to') {
    const t = w.take('a prefix');
    const p = t === undefined ? undefined : routePrefix(t, fam.value);
    if (!p) return w.badAddress(`invalid rule ${word} address '${t ?? ''}'`), false;
    if (!fam.set(p.family)) return false;
    r[word] = { address: p.address, prefixLen: p.prefixLen };
  } else if (word === 'table' || word === 'lookup') {
    const t = readTable(w);
    if (!t || !act(w, r, 'table')) return false;
    r.table = t.table;
    if (t.tableName) r.tableName = t.tableName;
  } else if (word === 'not') r.not = true;
  else if (word === 'preference' || word === 'priority' || word === 'order') {
    if ((r.priorityGiven = w.number('preference')) === undefined) return false;
  } else if (word === 'tos' || word === 'dsfield') {
    if ((r.tos = w.number('TOS', 255)) === undefined) return false;
  } else if (word === 'fwmark') {
    const t = w.take('a mark') ?? '';
    const [mark, mask, more] = t.split('/');
    const m = parseUnsigned(mark ?? '');
    const k = mask === undefined ? undefined : parseUnsigned(mask);
    if (m === undefined || m > 0xffffffff || (mask !== undefined && (k === undefined || k > 0xffffffff)) || more !== undefined) {
      return w.bad(`invalid rule fwmark '${t}'`), false;
    }
    r.fwmark = m;
    if (k !== undefined) r.fwmask = k;
  } else return optionWord(w, fam, r, word);
  return true;
}

/** Interfaces, protocol and ranges; any other word is an action. */
function optionWord(w: Words, fam: FamilyOf, r: Draft, word: string): boolean {
  if (word === 'dev' || word === 'iif') {
    if ((r.iif = w.take('an interface')) === undefined) return false;
  } else if (word === 'oif') {
    if ((r.oif = w.take('an interface')) === undefined) return false;
  } else if (word === 'l3mdev') {
    if (!act(w, r, 'table')) return false;
    r.l3mdev = true;
  } else if (word === 'protocol') {
    if ((r.protocol = w.number('protocol', 255)) === undefined) return false;
  } else if (word === 'ipproto') {
    const p = w.peek();
    if (p !== undefined && IP_PROTOS[p.toLowerCase()] !== undefined) { w.i++; r.ipProto = IP_PROTOS[p.toLowerCase()]; }
    else if ((r.ipProto = w.number('ipproto', 255)) === undefined) return false;
  } else if (word === 'sport' || word === 'dport') {
    if ((r[word] = range(w, word, 65535)) === undefined) return false;
  } else if (word === 'uidrange') {
    if ((r.uidRange = range(w, word, 0xffffffff)) === undefined) return false;
  } else if (word === 'suppress_prefixlength' || word === 'sup_pl') {
    if ((r.suppressPrefixLen = w.number(word, 0x7fffffff)) === undefined) return false;
  } else if (word === 'realms') {
    if ((r.realms = w.realms(fam)) === undefined) return false;
  } else if (word === 'no_track') r.noTrack = true;
  else if (UNSUPPORTED[word] !== undefined) w.unsupported(word, UNSUPPORTED[word]!);
  else {
    const a = word === 'type' ? w.take('a rule type') ?? '' : word;
    if (a === 'goto') {
      if ((r.goto = w.number('goto target')) === undefined || !act(w, r, 'goto')) return false;
    } else if (a === 'nop' || (DROPS as readonly string[]).includes(a)) {
      if (!act(w, r, a as RuleAction)) return false;
    } else return w.bad(`unknown rule option '${a}'`), false;
  }
  return true;
}

function finishRule(cx: Cx, n: Node, w: Words, r: Partial<Mutable<RuleSpec>> & { words: string[] }, family: Family, priority: number | undefined): RuleSpec | undefined {
  if (r.action === 'goto' && priority === undefined) return w.bad(`goto target ${r.goto} specified without preference`, n.head), undefined;
  if (r.action === 'goto' && priority! >= r.goto!) return w.bad(`preference ${priority} >= goto target ${r.goto}`, n.head), undefined;
  if (r.action === undefined) return w.bad('no action specified for rule', n.head), undefined;
  if (r.action !== 'table' && (r.suppressPrefixLen !== undefined || r.realms !== undefined)) return w.bad('suppressor/realm specified for non table action', n.head), undefined;
  if (r.l3mdev && r.table !== undefined) return w.bad('table cannot be specified for l3mdev rules', n.head), undefined;
  if (!r.noTrack) {
    if (r.protocol !== undefined && r.protocol !== RTPROT_KEEPALIVED) {
      cx.report(n.head, 'KAD_WARN_CONFIG_ROUTE_ADJUSTED', `rule '${r.words.join(' ')}': a tracked rule has protocol keepalived (18); protocol ${r.protocol} ignored (add no_track to keep it), as keepalived 2.2.7 does`);
    }
    r.protocol = RTPROT_KEEPALIVED;
  }
  if (priority === undefined) {
    const counters = next.get(cx) ?? { 4: RULE_START_PRIORITY, 6: RULE_START_PRIORITY };
    next.set(cx, counters);
    priority = counters[family]--;
    cx.report(n.head, 'KAD_WARN_CONFIG_ROUTE_ADJUSTED', `rule has no preference; it gets ${priority}, as keepalived 2.2.7 assigns it (probably not what you want)`);
  }
  const whole = (x: RuleSpec['from']): RuleSpec['from'] => (x && x.prefixLen === 0 ? { address: family === 6 ? '::' : '0.0.0.0', prefixLen: 0 } : x);
  return { ...r, ...(r.from ? { from: whole(r.from) } : {}), ...(r.to ? { to: whole(r.to) } : {}), family, priority, source: cx.src(n) } as RuleSpec;
}

/** All rule lines of a block. */
export function parseRuleBlock(cx: Cx, n: Node): RuleSpec[] {
  return cx.entries(n).flatMap((e) => {
    const r = parseRuleLine(cx, e);
    return r ? [r] : [];
  });
}
