/**
 * The trackers of one VRRP child: one ScriptTracker per vrrp_script and one FileTracker per
 * track_file that some instance uses, the vrrp_track_process entries in use (one ProcessWatch
 * for all of them), plus the link state of tracked interfaces. Every status change is pushed to
 * each instance bound to that tracker as `setTracker(id, effect)`.
 */
import type { Config } from '../../../config/model.js';
import type { Clock } from '../../../core/clock.js';
import type { Logger } from '../../../core/log.js';
import type { Instance } from '../../protocol/instance.js';
import { bindingEffect, bindingsFor, type TrackBinding, type TrackKind } from './effect.js';
import type { ScriptRunner } from '../../../script/types.js';
import { FileTracker } from './file.js';
import { sameModel } from '../reload-plan.js';
import { ScriptTracker } from './script.js';
import type { ScriptRunState } from '../../../status/types.js';
import { ProcessWatch, type ProcessWatchSeams } from './process.js';

interface Bound {
  inst: Instance;
  binding: TrackBinding;
}

export class TrackerRegistry {
  private readonly scripts = new Map<string, ScriptTracker>();
  private readonly files = new Map<string, FileTracker>();
  private readonly links = new Map<string, boolean>();
  private readonly bound: Bound[] = [];
  private readonly processes: ProcessWatch;

  constructor(
    private config: Config,
    private readonly clock: Clock,
    private readonly runner: ScriptRunner,
    private readonly log: Logger,
    processSeams?: ProcessWatchSeams,
  ) {
    this.processes = new ProcessWatch(clock, log, processSeams);
    this.processes.onChange((name) => this.push('process', name));
  }

  /** Bind `inst` to the trackers its config names (creating them on first use). */
  attach(inst: Instance): void {
    for (const b of bindingsFor(inst.spec, this.config)) {
      if (b.kind === 'script') this.ensureScript(b.name);
      if (b.kind === 'file') this.ensureFile(b.name);
      this.bound.push({ inst, binding: b });
    }
  }

  private ensureScript(name: string, previous?: ReadonlyMap<string, ScriptTracker>): void {
    if (this.scripts.has(name)) return;
    const spec = this.config.vrrpScripts.find((s) => s.name === name);
    if (!spec) return;
    const was = previous?.get(name);
    if (was && sameModel(was.spec, spec)) {
      this.scripts.set(name, was);
      return;
    }
    const t = new ScriptTracker(spec, this.clock, this.runner, this.log);
    if (was) t.carry(was);
    t.onChange(() => this.push('script', name));
    this.scripts.set(name, t);
  }

  private ensureFile(name: string, previous?: ReadonlyMap<string, FileTracker>): void {
    if (this.files.has(name)) return;
    const spec = this.config.trackFiles.find((f) => f.name === name);
    if (!spec) return;
    const was = previous?.get(name);
    if (was && sameModel(was.spec, spec)) {
      this.files.set(name, was);
      return;
    }
    const t = new FileTracker(spec, this.log);
    t.onChange(() => this.push('file', name));
    this.files.set(name, t);
  }

  /**
   * Reload: bind `instances` to the trackers of `config`. A tracker whose definition did not
   * change is kept as it runs (status, rise/fall counts, timer); a changed vrrp_script starts
   * over from its predecessor's status and counts; trackers nothing uses any more stop. Every
   * instance gets its effects again (unchanged ones see the same values: no event).
   */
  reload(config: Config, instances: readonly Instance[]): void {
    this.config = config;
    const scripts = new Map(this.scripts);
    const files = new Map(this.files);
    this.scripts.clear();
    this.files.clear();
    this.bound.length = 0;
    for (const inst of instances) {
      for (const b of bindingsFor(inst.spec, config)) {
        if (b.kind === 'script') this.ensureScript(b.name, scripts);
        if (b.kind === 'file') this.ensureFile(b.name, files);
        this.bound.push({ inst, binding: b });
      }
    }
    for (const [name, t] of scripts) if (this.scripts.get(name) !== t) t.stop();
    for (const [name, t] of files) if (this.files.get(name) !== t) t.stop();
    for (const [name, t] of this.files) if (files.get(name) !== t) t.start();
    this.configureProcesses();
    for (const { inst, binding } of this.bound) {
      inst.setTracker(binding.id, bindingEffect(binding, this.status(binding.kind, binding.name)));
    }
    this.start();
  }

  /** The vrrp_track_process entries some binding uses: the watch tracks exactly these. */
  private configureProcesses(): void {
    const used = new Set(this.bound.filter((b) => b.binding.kind === 'process').map((b) => b.binding.name));
    this.processes.configure(this.config.trackProcesses.filter((p) => used.has(p.name)));
  }

  /** A tracker's current status (true/false for scripts, links and processes, the value for files). */
  statusOf(kind: TrackKind, name: string): boolean | number {
    return this.status(kind, name);
  }

  /** A vrrp_track_process as the JSON dump shows it; undefined when no instance tracks it. */
  processState(name: string): { count: number; up: boolean; pending: boolean } | undefined {
    return this.processes.state(name);
  }

  /** What a vrrp_script is doing now; undefined when no instance uses it (never run). */
  scriptRunState(name: string): ScriptRunState | undefined {
    return this.scripts.get(name)?.runState;
  }

  private status(kind: TrackKind, name: string): boolean | number {
    if (kind === 'interface') return this.links.get(name) ?? false;
    if (kind === 'script') return this.scripts.get(name)?.ok ?? true;
    if (kind === 'process') return this.processes.ok(name);
    return this.files.get(name)?.value ?? 0;
  }

  private push(kind: TrackKind, name: string): void {
    for (const { inst, binding } of this.bound) {
      if (binding.kind === kind && binding.name === name) inst.setTracker(binding.id, bindingEffect(binding, this.status(kind, name)));
    }
  }

  /** Interface names any binding tracks. */
  trackedInterfaces(): string[] {
    return [...new Set(this.bound.filter((b) => b.binding.kind === 'interface').map((b) => b.binding.name))];
  }

  /** Record an interface's running state; pushes when it changed. */
  linkChanged(name: string, running: boolean): void {
    if (this.links.get(name) === running) return;
    this.links.set(name, running);
    this.push('interface', name);
  }

  /** Read track files, count tracked processes, then give every bound instance its initial effects (before start). */
  applyInitial(): void {
    for (const f of this.files.values()) f.start();
    this.configureProcesses();
    for (const { inst, binding } of this.bound) {
      inst.setTracker(binding.id, bindingEffect(binding, this.status(binding.kind, binding.name)));
    }
  }

  /** Start running scripts. */
  start(): void {
    for (const s of this.scripts.values()) s.start();
  }

  stop(): void {
    for (const s of this.scripts.values()) s.stop();
    for (const f of this.files.values()) f.stop();
    this.processes.stop();
  }
}
