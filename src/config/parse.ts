/**
 * The whole pipeline, pure: preprocess (includes, conditionals, variables, ~SEQ) → statement
 * tree → block tables → model with defaults → cross-checks. File access and machine facts are
 * injected ({@link ConfigIo}, {@link ConfigEnv}); `loader.ts` supplies the real ones.
 */
import { Cx, ignore, registerTable, type Table } from './context.js';
import { DiagnosticSink, type Diagnostic, type ExitCode } from './diagnostics.js';
import type { ConfigEnv } from './env.js';
import type { Config, IpAddress, RouteSpec, SourceRef, TrackFile, TrackProcess, VirtualServerGroup } from './model.js';
import { Preprocessor, type ConfigIo } from './preprocess.js';
import { TreeBuilder, type Node } from './tree.js';
import { defaultGlobals, GLOBAL_TABLE, type GlobalDraft } from './blocks/global.js';
import { parseAddressBlock, parseRouteBlock } from './blocks/address.js';
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
  staticRules: RouteSpec[];
  scripts: ScriptDraft[];
  trackFiles: TrackFile[];
  trackProcesses: TrackProcess[];
  groups: GroupDraft[];
  instances: InstanceDraft[];
  vsGroups: VirtualServerGroup[];
  servers: VsDraft[];
}

const ROOT_IGNORED = ['linkbeat_interfaces', 'interface_up_down_delays', 'track_group', 'bfd_instance', 'SSL',
  'net_namespace', 'net_namespace_ipvs', 'namespace_with_ipsets', 'instance', 'use_pid_dir', 'linkbeat_use_polling'];

const ROOT_TABLE: Table<Drafts> = registerTable<Drafts>('the top level', {
  ...Object.fromEntries(ROOT_IGNORED.map((k) => [k, ignore])),
  global_defs: (n, d, cx) => cx.run(n.children, GLOBAL_TABLE, d.global, 'global_defs'),
  child_wait_time: (n, d, cx) => { d.global.childWaitTimeMs = cx.timerMs(n, 0, 0, 3600) ?? d.global.childWaitTimeMs; },
  static_ipaddress: (n, d, cx) => { d.staticAddresses.push(...parseAddressBlock(cx, n)); },
  static_routes: (n, d, cx) => { d.staticRoutes.push(...parseRouteBlock(cx, n, 'route')); },
  static_rules: (n, d, cx) => { d.staticRules.push(...parseRouteBlock(cx, n, 'rule')); },
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
  vrrp_instance: (n, d, cx) => { d.instances.push(parseInstance(cx, n)); },
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

function finish(cx: Cx, d: Drafts, env: ConfigEnv): Omit<Config, 'file' | 'files'> {
  const scripts = d.scripts.filter((s) => s.hasScript);
  const names = {
    scripts: new Set(scripts.map((s) => s.name)),
    files: new Set(d.trackFiles.map((t) => t.name)),
    processes: new Set(d.trackProcesses.map((t) => t.name)),
  };
  const g: GlobalDraft = d.global;
  for (const a of d.staticAddresses) {
    if (a.dev !== undefined && !g.dynamicInterfaces && !env.interfaceExists(a.dev)) {
      cx.report({ file: a.source.file, line: a.source.line, col: 1 }, 'KAD_ERR_CONFIG_INTERFACE_MISSING', `static address ${a.address} names interface '${a.dev}', which does not exist`);
    }
  }
  const instances = d.instances.map((i) => finishInstance(cx, i, g, env, names));
  checkDuplicateVrids(cx, instances);
  const syncGroups = finishGroups(cx, d.groups, instances, names);
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
    virtualServerGroups: d.vsGroups, virtualServers,
  };
}

/** Parses and validates a configuration; never throws on any input. */
export function parseConfig(mainFile: string, io: ConfigIo, env: ConfigEnv, opts: ParseOptions = {}): ParseResult {
  const sink = new DiagnosticSink();
  const cx = new Cx(sink);
  const drafts: Drafts = {
    global: defaultGlobals(env.hostname), staticAddresses: [], staticRoutes: [], staticRules: [], scripts: [],
    trackFiles: [], trackProcesses: [], groups: [], instances: [], vsGroups: [], servers: [],
  };
  // Each top-level block is read into its draft as soon as it closes, then dropped.
  const builder = new TreeBuilder(sink, (n) => cx.run([n], ROOT_TABLE, drafts, 'the top level'));
  const pre = new Preprocessor(io, sink, { configId: opts.configId ?? env.hostname, allConfig: opts.allConfig ?? false },
    (tokens) => builder.line(tokens));
  if (!pre.run(mainFile)) return { diagnostics: sink.finish(), exitCode: sink.exitCode };
  builder.finish(mainFile);
  const body = finish(cx, drafts, env);
  const scriptSources = new Map<string, SourceRef>(drafts.scripts.map((s) => [`vrrp_script ${s.name}`, cx.src(s.source)]));
  checkScriptSecurity(cx, body, env, scriptSources);
  const config: Config = { file: mainFile, files: pre.files, ...body };
  return { config, diagnostics: sink.finish(), exitCode: sink.exitCode };
}
