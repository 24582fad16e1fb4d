/**
 * The whole pipeline, pure: preprocess (includes, conditionals, variables, ~SEQ) → statement
 * tree → block tables → model with defaults → cross-checks. File access and machine facts are
 * injected ({@link ConfigIo}, {@link ConfigEnv}); `loader.ts` supplies the real ones.
 */
import { Cx, ignore, registerTable, type Table } from './context.js';
import { DiagnosticSink, type Diagnostic, type ExitCode } from './diagnostics.js';
import type { ConfigEnv } from './env.js';
import type { Config, IpAddress, RouteSpec, RuleSpec, SourceRef, TrackFile, TrackProcess, VirtualServerGroup } from './model.js';
import { Preprocessor, type ConfigIo } from './preprocess.js';
import { KEEPALIVED_BLOCKS, TreeBuilder, type Node } from './tree.js';
import { defaultGlobals, GLOBAL_TABLE, netNamespace, netNamespaceIpvs, PROCESS_NAMING, type GlobalDraft } from './blocks/global.js';
import { parseAddressBlock } from './blocks/address.js';
import { parseRouteBlock } from './blocks/route.js';
import { parseRuleBlock } from './blocks/rule.js';
import { knownLinkDelays, parseLinkDelays, type LinkDelayDraft } from './blocks/link-delays.js';
import { resolveRouteNames } from './blocks/route-words.js';
import { parseTrackFile, parseTrackProcess, parseVrrpScript, type ScriptDraft } from './blocks/track.js';
import { parseInstance, parseSyncGroup, type GroupDraft, type InstanceDraft } from './blocks/vrrp.js';
import { parseVirtualServer, parseVsGroup, type VsDraft } from './blocks/lvs.js';
import { checkDuplicateVrids, finishGroups, finishInstance } from './vrrp-rules.js';
import { finishVirtualServers } from './lvs-rules.js';
import { checkScriptSecurity } from './security.js';

export interface ParseOptions {
  /** `-i`: selects `@ID` lines; default the short host name. */
  configId?: string;
  /** `-e`: a missing include is fatal. */
  allConfig?: boolean;
  /** `-s NAME`: the network namespace, whatever `net_namespace` says. */
  netNamespace?: string;
}

export interface ParseResult {
  config?: Config;
  diagnostics: Diagnostic[];
  exitCode: ExitCode;
}

interface Drafts {
  global: GlobalDraft;
  staticAddresses: IpAddress[];
  staticRoutes: RouteSpec[];
  staticRules: RuleSpec[];
  scripts: ScriptDraft[];
  trackFiles: TrackFile[];
  trackProcesses: TrackProcess[];
  groups: GroupDraft[];
  instances: InstanceDraft[];
  vsGroups: VirtualServerGroup[];
  servers: VsDraft[];
  linkDelays: LinkDelayDraft[];
  /** `net_namespace` was given (keepalived 2.2.7's -t then leaves scripts unchecked). */
  netNamespace?: boolean;
}

const ROOT_IGNORED = ['linkbeat_interfaces', 'track_group', 'bfd_instance', 'SSL',
  'namespace_with_ipsets', 'linkbeat_use_polling'];

const ROOT_TABLE: Table<Drafts> = registerTable<Drafts>('the top level', {
  ...Object.fromEntries(ROOT_IGNORED.map((k) => [k, ignore])),
  net_namespace: (n, d, cx) => {
    d.netNamespace = true;
    netNamespace(n, d.global, cx);
  },
  net_namespace_ipvs: (n, d, cx) => netNamespaceIpvs(n, d.global, cx),
  instance: (n, d, cx) => PROCESS_NAMING.instance(n, d.global, cx),
  use_pid_dir: (n, d) => PROCESS_NAMING.use_pid_dir(n, d.global),
  global_defs: (n, d, cx) => cx.run(n.children, GLOBAL_TABLE, d.global, 'global_defs'),
  child_wait_time: (n, d, cx) => { d.global.childWaitTimeMs = cx.timerMs(n, 0, 0, 3600) ?? d.global.childWaitTimeMs; },
  static_ipaddress: (n, d, cx) => { d.staticAddresses.push(...parseAddressBlock(cx, n)); },
  static_routes: (n, d, cx) => { d.staticRoutes.push(...parseRouteBlock(cx, n)); },
  static_rules: (n, d, cx) => { d.staticRules.push(...parseRuleBlock(cx, n)); },
  interface_up_down_delays: (n, d, cx) => { d.linkDelays.push(...parseLinkDelays(cx, n)); },
  vrrp_script: (n, d, cx) => { d.scripts.push(parseVrrpScript(cx, n)); },
  track_file: (n, d, cx) => {
    const t = parseTrackFile(cx, n);
    if (t.hasFile) d.trackFiles.push({ name: t.name, file: t.file, weight: t.weight, weightReverse: t.weightReverse, ...(t.initFile ? { initFile: t.initFile } : {}) });
  },
  vrrp_track_file: (n, d, cx) => ROOT_TABLE.track_file!(n, d, cx),
  vrrp_track_process: (n, d, cx) => {
    const t = parseTrackProcess(cx, n);
    if (t.process) d.trackProcesses.push(t);
  },
  vrrp_sync_group: (n, d, cx) => { d.groups.push(parseSyncGroup(cx, n)); },
  vrrp_instance: (n, d, cx) => {
    const i = parseInstance(cx, n);
    i.scriptsAbove = new Set(d.scripts.map((x) => x.name));
    const first = d.instances.find((x) => x.name === i.name && i.name !== '');
    // keepalived 2.2.7: "vrrp instance NAME already defined", and the second block is not used.
    if (first) cx.report(n.head, 'KAD_ERR_CONFIG_DUPLICATE', `vrrp_instance ${i.name} is already defined at line ${first.node.head.line}; this block is ignored, as keepalived 2.2.7 does`);
    else d.instances.push(i);
  },
  virtual_server_group: (n, d, cx) => {
    const g = parseVsGroup(cx, n);
    d.vsGroups.push({ name: g.name, entries: g.entries, source: cx.src(n) });
  },
  virtual_server: (n, d, cx) => { d.servers.push(parseVirtualServer(cx, n)); },
  garp_group: (n, _d, cx) => checkGarpGroup(cx, n),
});

const GARP_GROUP_TABLE: Table<{ delay: boolean }> = registerTable<{ delay: boolean }>('garp_group', {
  garp_interval: (n, g, cx) => { g.delay = cx.timerMs(n, 0, 0, 86400) !== undefined || g.delay; },
  gna_interval: (n, g, cx) => { g.delay = cx.timerMs(n, 0, 0, 86400) !== undefined || g.delay; },
  interface: ignore,
  interfaces: ignore,
});

/** `garp_group { }` is checked but not acted on: kad paces GARPs per instance. */
function checkGarpGroup(cx: Cx, n: Node): void {
  const g = { delay: false };
  cx.run(n.children, GARP_GROUP_TABLE, g, 'garp_group');
  if (!g.delay) cx.report(n.head, 'KAD_ERR_CONFIG_MISSING_REQUIRED', 'garp_group has neither garp_interval nor gna_interval; it is removed');
}

/** keepalived 2.2.7 resolves an smtp_server host name when it reads the file ("Invalid smtp server" when it cannot). */
function resolveSmtpServer(cx: Cx, g: GlobalDraft, env: ConfigEnv): void {
  const at = g.smtpServerAt;
  delete g.smtpServerAt;
  if (!at || !g.smtpServer || !env.resolveHost) return;
  const address = env.resolveHost(g.smtpServer.host);
  if (address !== undefined) {
    g.smtpServer = { ...g.smtpServer, host: address };
    return;
  }
  cx.report(at, 'KAD_ERR_CONFIG_INVALID_ADDRESS', `smtp_server '${g.smtpServer.host}' does not resolve; keepalived 2.2.7 reports it and sends no mail, and so does kad`);
  delete g.smtpServer;
}

/** Each `*_notify_fifo_script` goes with its FIFO; one without a FIFO has nothing to read. */
function joinFifoScripts(cx: Cx, g: GlobalDraft): void {
  const scripts = g.fifoScripts ?? {};
  delete g.fifoScripts;
  for (const key of ['all', 'vrrp', 'lvs'] as const) {
    const s = scripts[key];
    if (!s) continue;
    const f = g.notifyFifos[key];
    if (f) g.notifyFifos = { ...g.notifyFifos, [key]: { ...f, script: s.script } };
    else cx.report(s.node.head, 'KAD_ERR_CONFIG_MISSING_REQUIRED', `${s.node.name} is given without ${s.node.name.replace(/_script$/, '')}; the script is not run`);
  }
}

/** A track_script naming a vrrp_script defined further down: keepalived 2.2.7 does not find it. */
function dropLateScripts(cx: Cx, i: InstanceDraft, scripts: ReadonlySet<string>): void {
  const above = i.scriptsAbove ?? scripts;
  const late = i.trackScripts.filter((t) => !above.has(t.name) && scripts.has(t.name));
  if (late.length === 0) return;
  const at = i.trackNodes.script?.head ?? i.node.head;
  for (const t of late) {
    cx.report(at, 'KAD_ERR_CONFIG_UNKNOWN_REFERENCE', `${i.name}: vrrp_script ${t.name} is defined below this instance; keepalived 2.2.7 reads top to bottom, does not find it ("track script not found") and the instance does not track it; kad does the same: move the vrrp_script above`);
  }
  i.trackScripts = i.trackScripts.filter((t) => !late.includes(t));
}

function finish(cx: Cx, d: Drafts, env: ConfigEnv): Omit<Config, 'file' | 'files'> {
  const scripts = d.scripts.filter((s) => s.hasScript);
  const names = {
    scripts: new Set(scripts.map((s) => s.name)),
    files: new Set(d.trackFiles.map((t) => t.name)),
    processes: new Set(d.trackProcesses.map((t) => t.name)),
  };
  const g: GlobalDraft = d.global;
  resolveSmtpServer(cx, g, env);
  joinFifoScripts(cx, g);
  for (const a of d.staticAddresses) {
    if (a.dev !== undefined && !g.dynamicInterfaces && !env.interfaceExists(a.dev)) {
      cx.report({ file: a.source.file, line: a.source.line, col: 1 }, 'KAD_ERR_CONFIG_INTERFACE_MISSING', `static address ${a.address} names interface '${a.dev}', which does not exist`);
    }
  }
  for (const i of d.instances) dropLateScripts(cx, i, names.scripts);
  const dyn = g.dynamicInterfaces;
  const routeDevs = (r: RouteSpec): (string | undefined)[] => [r.dev, ...r.nexthops.map((h) => h.dev)];
  const ruleDevs = (r: RuleSpec): (string | undefined)[] => [r.iif, r.oif];
  d.staticRoutes = resolveRouteNames(cx, d.staticRoutes, env, dyn, routeDevs);
  d.staticRules = resolveRouteNames(cx, d.staticRules, env, dyn, ruleDevs);
  for (const i of d.instances) {
    i.virtualRoutes = resolveRouteNames(cx, i.virtualRoutes, env, dyn, routeDevs);
    i.virtualRules = resolveRouteNames(cx, i.virtualRules, env, dyn, ruleDevs);
  }
  const linkDelays = knownLinkDelays(cx, d.linkDelays, (name) => dyn || env.interfaceExists(name));
  const instances = d.instances.map((i) => finishInstance(cx, i, g, env, names));
  checkDuplicateVrids(cx, instances);
  const ownWeights = {
    scripts: new Map(scripts.map((s) => [s.name, s.weight])),
    files: new Map(d.trackFiles.map((t) => [t.name, t.weight])),
  };
  const syncGroups = finishGroups(cx, d.groups, instances, names, ownWeights);
  const vrrpScripts = scripts.map(({ hasScript: _h, source: _s, ...s }) => s);
  const virtualServers = finishVirtualServers(cx, d.servers, d.vsGroups, g);
  for (const ch of virtualServers.flatMap((v) => v.realServers.flatMap((r) => r.checkers))) {
    if (ch.type === 'FILE_CHECK' && ch.trackFile && !names.files.has(ch.trackFile)) {
      cx.report({ file: ch.source.file, line: ch.source.line, col: 1 }, 'KAD_ERR_CONFIG_UNKNOWN_REFERENCE', `FILE_CHECK: track_file '${ch.trackFile}' is not defined; checker ignored`);
    }
  }
  return {
    global: g, staticAddresses: d.staticAddresses, staticRoutes: d.staticRoutes, staticRules: d.staticRules,
    vrrpScripts, trackFiles: d.trackFiles, trackProcesses: d.trackProcesses, syncGroups, vrrpInstances: instances,
    virtualServerGroups: d.vsGroups, virtualServers, ...(linkDelays.length > 0 ? { linkDelays } : {}),
  };
}

/**
 * The environment validation asks about interfaces: the named namespace's, where the children
 * will run, when the environment can look into it; the given one otherwise.
 */
function inNamespace(env: ConfigEnv, name: string | undefined): ConfigEnv {
  const view = name === undefined ? undefined : env.netNamespace?.(name);
  return view ? { ...env, ...view } : env;
}

/** Parses and validates a configuration; never throws on any input. */
export function parseConfig(mainFile: string, io: ConfigIo, env: ConfigEnv, opts: ParseOptions = {}): ParseResult {
  const sink = new DiagnosticSink();
  const cx = new Cx(sink);
  const drafts: Drafts = {
    global: defaultGlobals(env.hostname), staticAddresses: [], staticRoutes: [], staticRules: [], scripts: [],
    trackFiles: [], trackProcesses: [], groups: [], instances: [], vsGroups: [], servers: [], linkDelays: [],
  };
  // Each top-level block is read into its draft as soon as it closes, then dropped.
  const builder = new TreeBuilder(sink, (n) => cx.run([n], ROOT_TABLE, drafts, 'the top level'), KEEPALIVED_BLOCKS);
  const pre = new Preprocessor(io, sink, { configId: opts.configId ?? env.hostname, allConfig: opts.allConfig ?? false },
    (tokens) => builder.line(tokens));
  if (!pre.run(mainFile)) return { diagnostics: sink.finish(), exitCode: sink.exitCode };
  builder.finish(mainFile);
  // keepalived stopped reading (exit 2): there is no configuration to check further or to run.
  if (sink.exitCode === 2) return { diagnostics: sink.finish(), exitCode: sink.exitCode };
  const scriptUserAt = drafts.global.scriptUserAt;
  delete drafts.global.scriptUserAt;
  const lifeScriptsAt = drafts.global.lifeScriptsAt ?? {};
  delete drafts.global.lifeScriptsAt;
  if (opts.netNamespace !== undefined) drafts.global.netNamespace = opts.netNamespace;
  const body = finish(cx, drafts, inNamespace(env, drafts.global.netNamespace));
  const scriptSources = new Map<string, SourceRef>(drafts.scripts.map((s) => [`vrrp_script ${s.name}`, cx.src(s.source)]));
  if (scriptUserAt) scriptSources.set('script_user', { file: scriptUserAt.file, line: scriptUserAt.line });
  for (const [k, at] of Object.entries(lifeScriptsAt)) scriptSources.set(k, { file: at.file, line: at.line });
  checkScriptSecurity(cx, body, env, scriptSources, { strictScripts: drafts.netNamespace !== true });
  const config: Config = { file: mainFile, files: pre.files, ...body };
  return { config, diagnostics: sink.finish(), exitCode: sink.exitCode };
}
