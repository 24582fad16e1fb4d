/**
 * Notify scripts on state transitions, as keepalived runs them: `notify_master`, `notify_backup`,
 * `notify_fault`, `notify_stop` with no extra arguments, and the generic `notify` with
 * `INSTANCE|GROUP NAME STATE PRIORITY` appended. Fire-and-forget: a script is started and never
 * awaited by the caller, so a slow or hanging script cannot delay an advert or a VIP change.
 * A failure is logged when a script's result changes (not on every run) and counted.
 */
import type { NotifyScripts, ScriptSpec } from '../../config/model.js';
import type { Logger } from '../../core/log.js';
import { describeOutcome, succeeded, type ScriptRunner } from '../../script/types.js';

/** States a notify script is told about. */
export type NotifyState = 'MASTER' | 'BACKUP' | 'FAULT' | 'STOP' | 'DELETED';

/** What the transition concerns: one instance or a sync group. */
export type NotifySubject = 'INSTANCE' | 'GROUP';

function scriptFor(scripts: NotifyScripts, state: NotifyState): ScriptSpec | undefined {
  switch (state) {
    case 'MASTER':
      return scripts.master;
    case 'BACKUP':
      return scripts.backup;
    case 'FAULT':
      return scripts.fault;
    case 'STOP':
      return scripts.stop;
    case 'DELETED':
      return scripts.deleted;
  }
}

export class Notifier {
  /** Scripts started, for stats and tests. */
  started = 0;
  /** Scripts that failed (non-zero exit, signal, refused, could not start). */
  failed = 0;
  private readonly lastFailed = new Map<string, string>();
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly runner: ScriptRunner,
    private readonly log: Logger,
  ) {}

  /**
   * Run the scripts configured for `state` on `name`. Returns at once; the scripts run in the
   * background.
   */
  notify(subject: NotifySubject, name: string, scripts: NotifyScripts, state: NotifyState, priority: number): void {
    const specific = scriptFor(scripts, state);
    if (specific) this.launch(specific, [], name, `notify_${state.toLowerCase()}`);
    if (scripts.any) this.launch(scripts.any, [subject, name, state, String(priority)], name, 'notify');
  }

  /** Run `notify_master_rx_lower_pri` (master saw a lower-priority advert). */
  notifyRxLowerPri(name: string, scripts: NotifyScripts): void {
    if (scripts.masterRxLowerPri) this.launch(scripts.masterRxLowerPri, [], name, 'notify_master_rx_lower_pri');
  }

  /** Wait for the scripts still running (graceful stop, tests); never needed for correctness. */
  async settle(): Promise<void> {
    await Promise.all([...this.running]);
  }

  private launch(spec: ScriptSpec, args: readonly string[], owner: string, kind: string): void {
    this.started++;
    const what = `(${owner}) ${kind}`;
    const p = this.runner.run(spec, { args, what }).then((r) => {
      const result = describeOutcome(r);
      if (succeeded(r)) {
        this.lastFailed.delete(what);
        return;
      }
      this.failed++;
      // The runner already logged a script it refused or could not start.
      if (r.kind === 'refused' || r.kind === 'spawn-error' || this.lastFailed.get(what) === result) return;
      this.lastFailed.set(what, result);
      this.log.warn({ code: 'KAD_WARN_VRRP_NOTIFY', instance: owner, script: spec.text, result }, `${what} script ${spec.text} failed: ${result}`);
    });
    const tracked = p.finally(() => this.running.delete(tracked));
    this.running.add(tracked);
  }
}
