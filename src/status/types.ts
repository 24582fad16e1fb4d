/**
 * The status document (pure data): what `kad status`, the status socket and /metrics show.
 * Each child builds its part (VrrpReport, CheckReport) and sends it over IPC when the parent
 * asks; the parent adds its own process facts and serves the whole (StatusDocument). The JSON
 * schema in docs/status.schema.json describes the same shape; a test keeps the two in step.
 */
/** Why an instance last changed state (the FSM's reason, keepalived-style words in logs). */
export interface TransitionInfo {
  from: string;
  to: string;
  /** The FSM's reason, e.g. masterDownTimerExpired, higherPriorityAdvert, priorityZeroReceived, reload. */
  reason: string;
  /** Wall-clock time, ISO 8601. */
  at: string;
  /** The master heard last, when a peer caused or preceded the change. */
  peer?: string;
}

/** One tracked object of an instance (track_script, track_interface, track_file). */
export interface TrackedObject {
  kind: 'script' | 'interface' | 'file' | 'process';
  name: string;
  weight: number;
  /** The object's current effect: faulted (weight 0 and down) and its priority contribution. */
  faulted: boolean;
  priorityDelta: number;
}

export interface InstanceStatus {
  name: string;
  vrid: number;
  interface: string;
  family: 4 | 6;
  state: string;
  basePriority: number;
  effectivePriority: number;
  vips: string[];
  masterAddress?: string;
  masterPriority?: number;
  advertIntMs: number;
  masterAdverIntMs: number;
  faults: string[];
  lastTransition?: TransitionInfo;
  /** Transitions since the child started, per reason. */
  transitions: Record<string, number>;
  /** keepalived's stats keys (advert_rcvd, become_master, ...). */
  counters: Record<string, number>;
  /** Received adverts dropped, per drop reason. */
  drops: Record<string, number>;
  tracked: TrackedObject[];
}

/** What a vrrp_script is doing now, in keepalived's words (its data dump's `State =`). */
export type ScriptRunState = 'idle' | 'running' | 'requested termination' | 'forcing termination';

export interface ScriptStatus {
  name: string;
  /** keepalived's words: GOOD, BAD, or INIT before the first result. */
  status: 'GOOD' | 'BAD' | 'INIT';
  /** idle between runs; running; requested termination (timed out, SIGTERM sent); forcing termination (SIGKILL sent). */
  state: ScriptRunState;
}

/** What the VRRP child answers. */
export interface VrrpReport {
  instances: InstanceStatus[];
  scripts: ScriptStatus[];
}

export interface CheckResultInfo {
  ok: boolean;
  at: string;
  durationMs: number;
  reason?: string;
  detail?: string;
}

export interface CheckerStatus {
  type: string;
  target: string;
  up: boolean;
  attempts: number;
  failures: number;
  /** Sum of the durations of all finished attempts, ms. */
  durationTotalMs: number;
  last?: CheckResultInfo;
}

export interface RealServerStatus {
  name: string;
  address: string;
  port: number;
  alive: boolean;
  weight: number;
  configuredWeight: number;
  checkers: CheckerStatus[];
}

/** IPVS traffic counters of one service or destination (the kernel's 64-bit stats) since it was added. */
export interface LvsCounters {
  conns: number;
  inPkts: number;
  outPkts: number;
  inBytes: number;
  outBytes: number;
}

/** One kernel service of a virtual server (a virtual_server_group gives several), from an IPVS dump. */
export interface LvsServiceTraffic {
  /** `10.0.0.1:80`, `[2001:db8::1]:80` or `fwmark:7` (keepalived-exporter's `addr` label). */
  addr: string;
  /** IP protocol number: 6 TCP, 17 UDP, 132 SCTP, 0 for a fwmark service. */
  proto: number;
  counters: LvsCounters;
  /** Every destination in the kernel (real servers, and the sorry server while it serves). */
  dests: { addr: string; counters: LvsCounters }[];
}

export interface VirtualServerStatus {
  name: string;
  protocol: string;
  scheduler: string;
  quorum: number;
  quorumUp: boolean;
  liveWeight: number;
  realServers: RealServerStatus[];
  /** The kernel's services for this virtual server; absent without a kernel IPVS table (dry run). */
  lvs?: LvsServiceTraffic[];
}

/** What the checker child answers. */
export interface CheckReport {
  virtualServers: VirtualServerStatus[];
}

/** How the parent got a child's part. */
export type SourceState = 'ok' | 'timeout' | 'starting' | 'restarting' | 'down' | 'not-configured';

export interface ProcessStatus {
  kind: 'parent' | 'vrrp' | 'checker';
  pid?: number;
  state: 'running' | 'starting' | 'restarting' | 'down' | 'not-configured';
  ready: boolean;
  restarts: number;
  startedAt?: string;
}

export interface ReloadStatus {
  count: number;
  lastAt?: string;
  lastDurationMs?: number;
  lastOk?: boolean;
}

export interface StatusDocument {
  version: 1;
  generatedAt: string;
  ready: boolean;
  processes: ProcessStatus[];
  reloads: ReloadStatus;
  sources: { vrrp: SourceState; checker: SourceState };
  instances: InstanceStatus[];
  scripts: ScriptStatus[];
  virtualServers: VirtualServerStatus[];
}
