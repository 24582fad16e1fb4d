/**
 * The trackers of one VRRP child: one ScriptTracker per vrrp_script and one FileTracker per
 * track_file that some instance uses, plus the link state of tracked interfaces. Every status
 * change is pushed to each instance bound to that tracker as `setTracker(id, effect)`.
 */
import type { Config } from '../../config/model.js';
import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/log.js';
import type { Instance } from '../protocol/instance.js';
import { bindingEffect, bindingsFor, type TrackBinding, type TrackKind } from './effect.js';
import type { ScriptRunner } from '../../script/types.js';
import { FileTracker } from './file.js';
import { ScriptTracker } from './script.js';

interface Bound {
  inst: Instance;
  binding: TrackBinding;
}

export class TrackerRegistry {
  private readonly scripts = new Map<string, ScriptTracker>();
  private readonly files = new Map<string, FileTracker>();
  private readonly links = new Map<string, boolean>();
  private readonly bound: Bound[] = [];

  constructor(
    private readonly config: Config,
    private readonly clock: Clock,
    private readonly runner: ScriptRunner,
    private readonly log: Logger,
  ) {}

  /** Bind `inst` to the trackers its config names (creating them on first use). */
  attach(inst: Instance): void {
    for (const b of bindingsFor(inst.spec, this.config)) {
      if (b.kind === 'script') this.ensureScript(b.name);
      if (b.kind === 'file') this.ensureFile(b.name);
      this.bound.push({ inst, binding: b });
    }
  }

  private ensureScript(name: string): void {
    if (this.scripts.has(name)) return;
    const spec = this.config.vrrpScripts.find((s) => s.name === name);
    if (!spec) return;
    const t = new ScriptTracker(spec, this.clock, this.runner, this.log);
    t.onChange(() => this.push('script', name));
    this.scripts.set(name, t);
  }

  private ensureFile(name: string): void {
    if (this.files.has(name)) return;
    const spec = this.config.trackFiles.find((f) => f.name === name);
    if (!spec) return;
    const t = new FileTracker(spec, this.log);
    t.onChange(() => this.push('file', name));
    this.files.set(name, t);
  }

  private status(kind: TrackKind, name: string): boolean | number {
    if (kind === 'interface') return this.links.get(name) ?? false;
    if (kind === 'script') return this.scripts.get(name)?.ok ?? true;
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

  /** Read track files, then give every bound instance its initial effects (before start). */
  applyInitial(): void {
    for (const f of this.files.values()) f.start();
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
  }
}
