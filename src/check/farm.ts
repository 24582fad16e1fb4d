/**
 * The state of the server farm as the checkers see it: per real server, the verdict of each of
 * its checkers; per virtual server, quorum. A real server is alive when all its checkers are up
 * (no checker = always alive). Transitions log keepalived's wording, run notify/quorum scripts
 * and produce the CheckerSnapshot handed to the IPVS port.
 */
import type { Checker, RealServer, ScriptSpec, VirtualServer } from '../config/model.js';
import type { Logger } from '../core/log.js';
import { rsKey, type CheckerSnapshot, type RsStatus, type VsStatus } from '../ipvs/port.js';
import { evalQuorum, initialQuorum, quorumMessage } from './quorum.js';
import { endpointName, resolveTarget, type CheckTarget } from './types.js';

/** Checker bookkeeping; the scheduler owns the timers, the farm owns the verdicts. */
export interface CheckerState {
  spec: Checker;
  target: CheckTarget;
  up: boolean;
  retriesLeft: number;
  /** misc_dynamic / FILE_CHECK weight, when the last success carried one. */
  weight?: number;
  attempts: number;
  failures: number;
  lastDetail?: string;
  /** The last finished attempt (status document): verdict, wall-clock end, duration. */
  last?: { ok: boolean; wallMs: number; durationMs: number; reason?: string; detail?: string };
  /** Sum of the durations of all finished attempts, ms (check latency in /metrics). */
  durationTotalMs?: number;
}

export interface RsState {
  vs: VirtualServer;
  rs: RealServer;
  key: string;
  name: string;
  checkers: CheckerState[];
  alive: boolean;
}

export interface VsState {
  vs: VirtualServer;
  realServers: RsState[];
  quorumUp: boolean;
}

export type ScriptRunner = (script: ScriptSpec, why: string) => void;
/** Called on every real-server transition (smtp_alert). */
export type TransitionHook = (r: RsState, alive: boolean) => void;

/** Effective weight of a real server: the latest dynamic weight, else the configured one. */
export function rsWeight(r: RsState): number {
  for (const c of r.checkers) if (c.weight !== undefined) return c.weight;
  return r.rs.weight;
}

function startsUp(c: Checker, rs: RealServer, vs: VirtualServer): boolean {
  return !(c.alpha || rs.alpha || vs.alpha);
}

export class Farm {
  readonly virtualServers: VsState[];

  constructor(
    vss: readonly VirtualServer[],
    private readonly log: Logger,
    private readonly runScript: ScriptRunner,
    private readonly onTransition: TransitionHook = () => undefined,
    private readonly onQuorum: (vs: VsState, up: boolean) => void = () => undefined,
  ) {
    this.virtualServers = vss.map((vs) => {
      const realServers = vs.realServers.map((rs) => {
        const checkers = rs.checkers.map((spec): CheckerState => ({
          spec, target: resolveTarget(spec, vs, rs), up: startsUp(spec, rs, vs), retriesLeft: spec.retry, attempts: 0, failures: 0,
        }));
        return {
          vs, rs, key: rsKey(rs.address, rs.port), name: endpointName(rs.address, vs.protocol, rs.port),
          checkers, alive: checkers.every((c) => c.up),
        };
      });
      const st: VsState = { vs, realServers, quorumUp: true };
      st.quorumUp = initialQuorum(vs.quorum, liveWeight(st));
      return st;
    });
  }

  /** A checker's verdict changed (or its dynamic weight did): re-evaluate its server and VS. */
  update(r: RsState): void {
    const alive = r.checkers.every((c) => c.up);
    if (alive !== r.alive) {
      r.alive = alive;
      const inhibit = r.rs.inhibitOnFailure || r.vs.inhibitOnFailure;
      const verb = inhibit ? (alive ? 'Enabling' : 'Disabling') : alive ? 'Adding' : 'Removing';
      this.log.info({ vs: r.vs.name, rs: r.name, alive }, `${verb} service ${r.name} to VS ${r.vs.name}`);
      const script = alive ? r.rs.notifyUp : r.rs.notifyDown;
      if (script) this.runScript(script, alive ? 'notify_up' : 'notify_down');
      this.onTransition(r, alive);
    }
    const vs = this.virtualServers.find((v) => v.realServers.includes(r));
    if (vs) this.updateQuorum(vs);
  }

  private updateQuorum(v: VsState): void {
    const live = liveWeight(v);
    const q = evalQuorum({ quorum: v.vs.quorum, hysteresis: v.vs.hysteresis, liveWeight: live, wasUp: v.quorumUp });
    if (q.change === 'none') return;
    v.quorumUp = q.up;
    this.log.info({ vs: v.vs.name, quorumUp: q.up, liveWeight: live }, quorumMessage(q.change, v.vs.quorum, v.vs.hysteresis, live, v.vs.name));
    const sorry = v.vs.sorryServer;
    if (sorry) {
      const s = endpointName(sorry.address, v.vs.protocol, sorry.port);
      if (q.up) this.log.info({ vs: v.vs.name }, `Removing sorry server ${s} from VS ${v.vs.name}`);
      else {
        this.log.info({ vs: v.vs.name }, `Adding sorry server ${s} to VS ${v.vs.name}`);
        this.log.info({ vs: v.vs.name }, `Removing alive servers from the pool for VS ${v.vs.name}`);
      }
    }
    const script = q.up ? v.vs.quorumUp : v.vs.quorumDown;
    if (script) this.runScript(script, q.up ? 'quorum_up' : 'quorum_down');
    this.onQuorum(v, q.up);
  }

  /** omega: at shutdown, notify_down for every live server and quorum_down for VSs with quorum. */
  omega(): void {
    for (const v of this.virtualServers) {
      if (!v.vs.omega) continue;
      for (const r of v.realServers) if (r.alive && r.rs.notifyDown) this.runScript(r.rs.notifyDown, 'notify_down');
      if (v.quorumUp && v.vs.quorumDown) this.runScript(v.vs.quorumDown, 'quorum_down');
    }
  }

  /** What the IPVS port should install. */
  snapshot(): CheckerSnapshot {
    const out = new Map<string, VsStatus>();
    for (const v of this.virtualServers) {
      const rss = new Map<string, RsStatus>();
      for (const r of v.realServers) rss.set(r.key, { alive: r.alive, weight: rsWeight(r) });
      out.set(v.vs.name, { quorumUp: v.quorumUp, realServers: rss });
    }
    return out;
  }

  /** Every real server, flat. */
  *realServers(): IterableIterator<RsState> {
    for (const v of this.virtualServers) yield* v.realServers;
  }
}

/** Sum of the weights of the live real servers of a VS. */
export function liveWeight(v: VsState): number {
  return v.realServers.reduce((s, r) => s + (r.alive ? rsWeight(r) : 0), 0);
}
