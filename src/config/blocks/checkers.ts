/**
 * Checker blocks inside `real_server`: HTTP_GET, SSL_GET, TCP_CHECK, SMTP_CHECK, DNS_CHECK,
 * MISC_CHECK, UDP_CHECK, PING_CHECK, FILE_CHECK, BFD_CHECK. Shared connection and scheduling
 * options are one table; each type adds its own keywords. Unset timing options are inherited
 * from the real server, then the virtual server (see ./lvs.ts).
 */
import { ignore, registerTable, type Cx, type Handler, type Table } from '../context.js';
import type { Checker, CheckerType, HttpUrl, ScriptSpec, SmtpHost } from '../model.js';
import { readScript } from '../script.js';
import type { SourceToken } from '../preprocess.js';
import type { Node } from '../tree.js';

/** Timing a checker may leave unset; filled from RS, VS, then per-type defaults. */
export interface Timing {
  connectTimeoutMs?: number;
  retry?: number;
  delayBeforeRetryMs?: number;
  delayLoopMs?: number;
  warmupMs?: number;
  alpha?: boolean;
}

/** A checker as written; `fields` holds the type-specific model fields. */
export interface CheckerDraft {
  type: CheckerType;
  head: SourceToken;
  timing: Timing;
  common: Record<string, unknown>;
  fields: Record<string, unknown>;
  script?: ScriptSpec;
}

export const TIMING_TABLE: Table<Timing> = {
  connect_timeout: (n, t, cx) => { t.connectTimeoutMs = cx.timerMs(n, 0, 0, 86400) ?? t.connectTimeoutMs; },
  retry: (n, t, cx) => { t.retry = cx.int(n, 0, 0, 2147483647) ?? t.retry; },
  delay_before_retry: (n, t, cx) => { t.delayBeforeRetryMs = cx.timerMs(n, 0, 0, 86400) ?? t.delayBeforeRetryMs; },
  // keepalived 2.2.7 refuses 0 ("outside range [0.000001, ...]") and keeps the default.
  delay_loop: (n, t, cx) => { t.delayLoopMs = cx.timerMs(n, 0, 0.000001, 86400) ?? t.delayLoopMs; },
  warmup: (n, t, cx) => { t.warmupMs = cx.timerMs(n, 0, 0, 86400) ?? t.warmupMs; },
  alpha: (n, t, cx) => { t.alpha = cx.bool(n, 0) ?? t.alpha; },
};

const onTiming = (k: string): Handler<CheckerDraft> => (n, d, cx) => TIMING_TABLE[k]!(n, d.timing, cx);
const common = (k: string, read: (n: Node, cx: Cx) => unknown): Handler<CheckerDraft> => (n, d, cx) => {
  const v = read(n, cx);
  if (v !== undefined) d.common[k] = v;
};
const field = (k: string, read: (n: Node, cx: Cx) => unknown): Handler<CheckerDraft> => (n, d, cx) => {
  const v = read(n, cx);
  if (v !== undefined) d.fields[k] = v;
};

const CONNECTION: Table<CheckerDraft> = {
  connect_ip: common('connectIp', (n, cx) => cx.ip(n, 0)?.address),
  connect_port: common('connectPort', (n, cx) => cx.int(n, 0, 0, 65535)),
  bindto: common('bindTo', (n, cx) => cx.ip(n, 0)?.address),
  bind_if: common('bindIf', (n, cx) => cx.arg(n, 0, 'an interface')),
  bind_port: common('bindPort', (n, cx) => cx.int(n, 0, 0, 65535)),
  fwmark: common('fwmark', (n, cx) => cx.int(n, 0, 0, 4294967295)),
  connect_timeout: onTiming('connect_timeout'),
  retry: onTiming('retry'),
  delay_before_retry: onTiming('delay_before_retry'),
  delay_loop: onTiming('delay_loop'),
  warmup: onTiming('warmup'),
  alpha: onTiming('alpha'),
  log_all_failures: common('logAllFailures', (n, cx) => cx.bool(n, 0)),
};

interface UrlDraft {
  path?: string;
  digest?: string;
  statusCodes: [number, number][];
  virtualhost?: string;
  regex?: string;
  regexNoMatch: boolean;
}

const URL_TABLE: Table<UrlDraft> = registerTable<UrlDraft>('url', {
  path: (m, t, c) => { t.path = c.arg(m, 0, 'a path'); },
  digest: (m, t, c) => {
    const v = c.arg(m, 0, 'an MD5 digest');
    if (v !== undefined && !/^[0-9a-fA-F]{32}$/.test(v)) c.report(c.pos(m, 0), 'KAD_ERR_CONFIG_INVALID_VALUE', `digest '${v}' is not 32 hex digits`);
    else if (v !== undefined) t.digest = v.toLowerCase();
  },
  status_code: (m, t, c) => {
    for (const a of m.args) {
      const r = /^(\d{3})(?:-(\d{3}))?$/.exec(a.text);
      if (!r || Number(r[1]) < 100 || Number(r[2] ?? r[1]) > 599) c.report(a, 'KAD_ERR_CONFIG_INVALID_VALUE', `status_code '${a.text}' is not a code or range in 100-599`);
      else t.statusCodes.push([Number(r[1]), Number(r[2] ?? r[1])]);
    }
  },
  virtualhost: (m, t, c) => { t.virtualhost = c.arg(m, 0, 'a host name'); },
  regex: (m, t, c) => { t.regex = c.arg(m, 0, 'a regular expression'); },
  regex_no_match: (_m, t) => { t.regexNoMatch = true; },
  regex_options: ignore, regex_stack: ignore, regex_min_offset: ignore, regex_max_offset: ignore, tls_compliant: ignore,
});

function parseUrl(n: Node, d: CheckerDraft, cx: Cx): void {
  const u: UrlDraft = { statusCodes: [], regexNoMatch: false };
  cx.run(n.children, URL_TABLE, u, 'url');
  if (!u.path) {
    cx.report(n.head, 'KAD_ERR_CONFIG_MISSING_REQUIRED', 'url has no path; url ignored');
    return;
  }
  const url: HttpUrl = { ...u, path: u.path, statusCodes: u.statusCodes.length ? u.statusCodes : [[200, 299]] };
  (d.fields.urls as HttpUrl[]).push(url);
}

const HTTP: Table<CheckerDraft> = {
  ...CONNECTION,
  url: parseUrl,
  nb_get_retry: (n, d, cx) => {
    cx.report(n.head, 'KAD_WARN_CONFIG_DEPRECATED', "nb_get_retry is deprecated, use 'retry' (keepalived counts this as a config error)");
    TIMING_TABLE.retry!(n, d.timing, cx);
  },
  virtualhost: field('virtualhost', (n, cx) => cx.arg(n, 0, 'a host name')),
  http_protocol: field('httpProtocol', (n, cx) => cx.oneOf(n, 0, ['1.0', '1.0C', '1.1'])),
  fast_recovery: field('fastRecovery', (n, cx) => cx.bool(n, 0)),
  enable_sni: field('enableSni', (n, cx) => cx.bool(n, 0)),
  sni_name: field('sniName', (n, cx) => cx.arg(n, 0, 'a name')),
  verify_cert: field('verifyCert', (n, cx) => cx.bool(n, 0)),
  tls_compliant: ignore,
};

function smtpHost(n: Node, d: CheckerDraft, cx: Cx): void {
  const h: CheckerDraft = { type: 'SMTP_CHECK', head: n.head, timing: {}, common: {}, fields: {} };
  cx.run(n.children, CONNECTION, h, 'host');
  const host: SmtpHost = { ...(h.common as SmtpHost), ...(h.timing.connectTimeoutMs !== undefined ? { connectTimeoutMs: h.timing.connectTimeoutMs } : {}) };
  (d.fields.hosts as SmtpHost[]).push(host);
}

const TABLES: Record<CheckerType, Table<CheckerDraft>> = {
  // Copies, so each type is registered under its own name (its keyword support differs).
  HTTP_GET: { ...HTTP },
  SSL_GET: { ...HTTP },
  // CONNECTION itself is the SMTP_CHECK `host { }` table, registered as 'host'.
  TCP_CHECK: { ...CONNECTION },
  PING_CHECK: { ...CONNECTION },
  SMTP_CHECK: { ...CONNECTION, helo_name: field('heloName', (n, cx) => cx.arg(n, 0, 'a name')), host: smtpHost },
  DNS_CHECK: {
    ...CONNECTION,
    type: field('queryType', (n, cx) => cx.oneOf(n, 0, ['A', 'NS', 'CNAME', 'SOA', 'MX', 'TXT', 'AAAA'], true)),
    name: field('name', (n, cx) => cx.arg(n, 0, 'a domain name')),
  },
  MISC_CHECK: {
    ...CONNECTION,
    misc_path: (n, d, cx) => { d.script = readScript(cx, n, 0, true); },
    misc_timeout: field('miscTimeoutMs', (n, cx) => cx.timerMs(n, 0, 0, 86400)),
    misc_dynamic: field('dynamic', () => true),
    user: (n, d, cx) => { if (d.script) d.script = { ...d.script, user: cx.arg(n, 0, 'a user') }; },
  },
  UDP_CHECK: {
    ...CONNECTION,
    payload: field('payload', (n, cx) => hex(n, cx, false)),
    require_reply: (n, d, cx) => {
      d.fields.requireReply = true;
      if (n.args[0]) d.fields.replyPattern = hex(n, cx, true);
    },
    min_reply_length: field('minReplyLength', (n, cx) => cx.int(n, 0, 0, 65535)),
    max_reply_length: field('maxReplyLength', (n, cx) => cx.int(n, 0, 0, 65535)),
  },
  FILE_CHECK: {
    track_file: field('trackFile', (n, cx) => cx.arg(n, 0, 'a track_file name')),
    weight: (n, d, cx) => {
      const w = cx.int(n, 0, -254, 254);
      if (w !== undefined) d.fields.weight = w;
      if (n.args[1]?.text === 'reverse') d.fields.weightReverse = true;
    },
    dynamic: ignore,
  },
  BFD_CHECK: { name: field('name', (n, cx) => cx.arg(n, 0, 'a bfd_instance name')), alpha: onTiming('alpha') },
};

export const CHECKER_TYPES = Object.keys(TABLES) as CheckerType[];
for (const t of CHECKER_TYPES) registerTable(t, TABLES[t]);
// Last, so "belongs in" hints keep naming the checkers first.
registerTable('host', CONNECTION);

function hex(n: Node, cx: Cx, wildcard: boolean): string | undefined {
  const s = n.args.map((a) => a.text).join('');
  const ok = wildcard ? /^([0-9a-fA-FxX]{2})*$/.test(s) : /^([0-9a-fA-F]{2})*$/.test(s);
  if (!ok) {
    cx.report(n.head, 'KAD_ERR_CONFIG_INVALID_VALUE', `'${n.name}' needs pairs of hex digits${wildcard ? ' (X for any)' : ''}`);
    return undefined;
  }
  return wildcard ? s.toLowerCase().replace(/x/g, 'X') : s.toLowerCase();
}

function initialFields(type: CheckerType): Record<string, unknown> {
  switch (type) {
    case 'HTTP_GET':
    case 'SSL_GET':
      return { urls: [], httpProtocol: '1.0', enableSni: false, verifyCert: false, fastRecovery: false };
    case 'SMTP_CHECK':
      return { heloName: '', hosts: [] };
    case 'DNS_CHECK':
      return { queryType: 'SOA', name: '.' };
    case 'MISC_CHECK':
      return { miscTimeoutMs: 0, dynamic: false };
    case 'UDP_CHECK':
      return { requireReply: false, minReplyLength: 0, maxReplyLength: 255 };
    case 'FILE_CHECK':
      return { trackFile: '', weight: 0, weightReverse: false };
    case 'BFD_CHECK':
      return { name: '' };
    default:
      return {};
  }
}

/** Parses one checker block into a draft. */
export function parseChecker(cx: Cx, n: Node, type: CheckerType): CheckerDraft {
  const d: CheckerDraft = { type, head: n.head, timing: {}, common: {}, fields: initialFields(type) };
  cx.run(n.children, TABLES[type], d, type);
  if ((type === 'HTTP_GET' || type === 'SSL_GET') && (d.fields.urls as unknown[]).length === 0) {
    cx.report(n.head, 'KAD_ERR_CONFIG_MISSING_REQUIRED', `${type} has no url { path ... }; the checker cannot run`);
  }
  if (type === 'MISC_CHECK' && !d.script) cx.report(n.head, 'KAD_ERR_CONFIG_MISSING_REQUIRED', 'MISC_CHECK has no misc_path');
  if (type === 'FILE_CHECK' && !d.fields.trackFile) cx.report(n.head, 'KAD_ERR_CONFIG_MISSING_REQUIRED', 'FILE_CHECK has no track_file');
  return d;
}

/** The model checker from a draft and the resolved timing. */
export function finishChecker(d: CheckerDraft, t: Required<Timing>, logAll: boolean, source: { file: string; line: number }): Checker {
  return {
    type: d.type,
    connectTimeoutMs: t.connectTimeoutMs,
    retry: t.retry,
    delayBeforeRetryMs: t.delayBeforeRetryMs,
    delayLoopMs: t.delayLoopMs,
    warmupMs: t.warmupMs,
    alpha: t.alpha,
    logAllFailures: logAll,
    ...d.common,
    ...d.fields,
    // keepalived runs a MISC_CHECK without misc_timeout (or with 0) under the delay_loop timeout.
    ...(d.type === 'MISC_CHECK' ? { miscTimeoutMs: (d.fields.miscTimeoutMs as number | undefined) || t.delayLoopMs } : {}),
    ...(d.script ? { script: d.script } : {}),
    source,
  } as Checker;
}
