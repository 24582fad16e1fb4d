/**
 * The parent's side of the status document: asks each running child for its part over IPC
 * ('status-request' → 'status'), waits at most `timeoutMs`, and adds the process facts it
 * keeps itself. A child that is down, restarting or slow shows as such; a request never hangs.
 * For /metrics the children answer with their metric families as text, only the families that
 * changed since the parent's last copy (src/status/metric-chunks.ts), instead of a document to
 * serialise, parse and map again (docs/benchmarks.md); concurrent scrapes share one gathering.
 */
import type { Clock, TimerHandle } from '../core/clock.js';
import { ChunkStore } from '../status/metric-chunks.js';
import type { ChildKind, ChildMessage, StatusView } from './ipc.js';
import type { ProcessStatus, ReloadStatus, SourceState, StatusDocument } from '../status/types.js';

/** What the supervisor knows of one child kind, without asking it. */
export interface ChildFacts {
  kind: ChildKind;
  /** The configuration needs this child. */
  planned: boolean;
  running: boolean;
  ready: boolean;
  /** A respawn is pending (the child died and waits for its backoff). */
  respawning: boolean;
  pid?: number;
  restarts: number;
  startedWallMs?: number;
}

/** The supervisor as the collector sees it. */
export interface StatusSource {
  clock: Clock;
  facts(): ChildFacts[];
  reloads(): ReloadStatus;
  parentStartedWallMs: number;
  /** Send a status request to a child; false when it cannot be told. */
  ask(kind: ChildKind, id: number, view: StatusView, since?: number): boolean;
}

type Answer = Extract<ChildMessage, { type: 'status' }>;

/** How one child's part came back. */
interface Part {
  state: SourceState;
  answer?: Answer;
}

interface Pending {
  resolve(a: Answer | undefined): void;
  timer: TimerHandle;
}

export const STATUS_TIMEOUT_MS = 1000;

const iso = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : new Date(ms).toISOString());

function processState(f: ChildFacts): ProcessStatus['state'] {
  if (!f.planned && !f.running) return 'not-configured';
  if (f.respawning) return 'restarting';
  if (!f.running) return 'down';
  return f.ready ? 'running' : 'starting';
}

export class StatusCollector {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  /** Per child, the text of its metric families at its last answer. */
  private readonly chunks: Readonly<Record<ChildKind, ChunkStore>> = { vrrp: new ChunkStore(), checker: new ChunkStore() };
  private metricsInFlight: Promise<{ doc: StatusDocument; families: ReadonlyMap<string, string>[] }> | undefined;

  constructor(private readonly src: StatusSource, private readonly timeoutMs = STATUS_TIMEOUT_MS) {}

  /** A child answered; unknown or late ids are ignored. */
  answer(m: Answer): void {
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    this.src.clock.clearTimer(p.timer);
    p.resolve(m);
  }

  private ask(kind: ChildKind, view: StatusView, since?: number): Promise<Answer | undefined> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      const timer = this.src.clock.setTimer(this.timeoutMs, () => {
        this.pending.delete(id);
        resolve(undefined);
      });
      this.pending.set(id, { resolve, timer });
      if (!this.src.ask(kind, id, view, since)) this.answer({ type: 'status', id });
    });
  }

  private async part(f: ChildFacts, view: StatusView): Promise<Part> {
    const ps = processState(f);
    if (ps !== 'running' && ps !== 'starting') return { state: ps };
    const answer = await this.ask(f.kind, view, view === 'metrics' ? this.chunks[f.kind].since() : undefined);
    if (!answer) return { state: ps === 'starting' ? 'starting' : 'timeout' };
    return { state: 'ok', answer };
  }

  /** The whole document: both children asked in parallel, each bounded by the timeout. */
  async collect(): Promise<StatusDocument> {
    const [doc, v, c] = await this.gather('document');
    return {
      ...doc,
      instances: v.answer?.vrrp?.instances ?? [],
      scripts: v.answer?.vrrp?.scripts ?? [],
      virtualServers: c.answer?.check?.virtualServers ?? [],
    };
  }

  /**
   * For /metrics: the document without instances and servers (process facts, sources, reloads),
   * and each answering child's metric families (family name → lines). A scrape that comes while
   * another is gathering shares its result.
   */
  collectMetrics(): Promise<{ doc: StatusDocument; families: ReadonlyMap<string, string>[] }> {
    this.metricsInFlight ??= this.gatherMetrics().finally(() => { this.metricsInFlight = undefined; });
    return this.metricsInFlight;
  }

  private async gatherMetrics(): Promise<{ doc: StatusDocument; families: ReadonlyMap<string, string>[] }> {
    const [doc, v, c] = await this.gather('metrics');
    const families: ReadonlyMap<string, string>[] = [];
    for (const [kind, part] of [['vrrp', v], ['checker', c]] as const) {
      const store = this.chunks[kind];
      const a = part.answer?.metrics;
      const got = a ? store.take(a) : store.reset();
      if (got) families.push(got);
    }
    return { doc, families };
  }

  private async gather(view: StatusView): Promise<[StatusDocument, Part, Part]> {
    const facts = this.src.facts();
    const byKind = new Map(facts.map((f) => [f.kind, f] as const));
    const none: ChildFacts = { kind: 'vrrp', planned: false, running: false, ready: false, respawning: false, restarts: 0 };
    const [v, c] = await Promise.all([
      this.part(byKind.get('vrrp') ?? none, view),
      this.part(byKind.get('checker') ?? { ...none, kind: 'checker' }, view),
    ]);
    const doc: StatusDocument = {
      version: 1,
      generatedAt: new Date(this.src.clock.wallMs()).toISOString(),
      ready: this.ready(),
      processes: [this.parent(), ...facts.map((f) => this.processOf(f))],
      reloads: this.src.reloads(),
      sources: { vrrp: v.state, checker: c.state },
      instances: [],
      scripts: [],
      virtualServers: [],
    };
    return [doc, v, c];
  }

  /** Readiness without asking the children: every child the configuration needs said 'ready'. */
  ready(): boolean {
    const facts = this.src.facts();
    return facts.some((f) => f.planned) && facts.filter((f) => f.planned).every((f) => f.running && f.ready);
  }

  private parent(): ProcessStatus {
    return { kind: 'parent', pid: process.pid, state: 'running', ready: this.ready(), restarts: 0, startedAt: new Date(this.src.parentStartedWallMs).toISOString() };
  }

  private processOf(f: ChildFacts): ProcessStatus {
    const out: ProcessStatus = { kind: f.kind, state: processState(f), ready: f.ready, restarts: f.restarts };
    if (f.pid !== undefined && f.running) out.pid = f.pid;
    const started = iso(f.startedWallMs);
    if (started !== undefined) out.startedAt = started;
    return out;
  }

  /** Cancel the requests under way (stop). */
  close(): void {
    for (const [id, p] of this.pending) {
      this.src.clock.clearTimer(p.timer);
      p.resolve(undefined);
      this.pending.delete(id);
    }
  }
}
