/**
 * Notifications of state transitions, as keepalived sends them, in this order: the
 * `notify_master`/`_backup`/`_fault`/`_stop`/`_deleted` script with no extra arguments, the
 * generic `notify` with `INSTANCE|GROUP NAME STATE PRIORITY` appended, the notify FIFO line, the
 * smtp_alert mail. Fire-and-forget: a script is started and a mail handed over, never awaited, so
 * a slow script or an unreachable SMTP server cannot delay an advert or a VIP change. A script
 * failure is logged when its result changes (not on every run) and counted. Priority changes
 * (notify_priority_changes) and MASTER_RX_LOWER_PRI go to the FIFOs only, as in keepalived.
 */
import type { GlobalDefs, NotifyScripts, ScriptSpec } from '../../config/model.js';
import type { Logger } from '../../core/log.js';
import { describeOutcome, succeeded, type ScriptRunner } from '../../script/types.js';
import { alertWanted, type Mailer } from '../../supervisor/mailer.js';
import type { EventSink } from '../../supervisor/notify-fifo.js';
import { priorityLine, rxLowerPriorityLine, stateLine, vrrpMail } from './notify-text.js';

/** Where notifications go besides scripts (both optional: unit tests leave them out). */
export interface NotifyOutputs {
  fifo?: EventSink;
  mailer?: Mailer;
  /** The current global_defs (smtp_alert defaults, no_email_faults, router_id). */
  global?: () => GlobalDefs;
}

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
  /** Last state mailed per instance or group: a state is mailed once, not again on a repeat. */
  private readonly lastMailed = new Map<string, NotifyState>();

  constructor(
    private readonly runner: ScriptRunner,
    private readonly log: Logger,
    private readonly out: NotifyOutputs = {},
  ) {}

  /**
   * Notify `state` of `name`: scripts, FIFO line, mail (when `smtpAlert`, its block's own
   * setting, or the global default asks for it). Returns at once; everything runs in the background.
   */
  notify(subject: NotifySubject, name: string, scripts: NotifyScripts, state: NotifyState, priority: number, smtpAlert?: boolean): void {
    const specific = scriptFor(scripts, state);
    if (specific) this.launch(specific, [], name, `notify_${state.toLowerCase()}`);
    if (scripts.any) this.launch(scripts.any, [subject, name, state, String(priority)], name, 'notify');
    this.out.fifo?.line(stateLine(subject, name, state, priority));
    this.mail(subject, name, state, smtpAlert);
  }

  /** A priority change (notify_priority_changes): a FIFO line only. */
  notifyPriority(name: string, master: boolean, priority: number): void {
    this.out.fifo?.line(priorityLine(name, master, priority));
  }

  /** Run `notify_master_rx_lower_pri` (master saw a lower-priority advert) and write its FIFO line. */
  notifyRxLowerPri(name: string, scripts: NotifyScripts, priority: number): void {
    if (scripts.masterRxLowerPri) this.launch(scripts.masterRxLowerPri, [], name, 'notify_master_rx_lower_pri');
    this.out.fifo?.line(rxLowerPriorityLine(name, priority));
  }

  private mail(subject: NotifySubject, name: string, state: NotifyState, smtpAlert: boolean | undefined): void {
    const g = this.out.global?.();
    if (!g || !this.out.mailer || !alertWanted(g, 'vrrp', smtpAlert)) return;
    if (state === 'FAULT' && g.noEmailFaults) return;
    const key = `${subject} ${name}`;
    if (this.lastMailed.get(key) === state) return;
    const m = vrrpMail(g.routerId, subject, name, state);
    if (!m) return;
    this.lastMailed.set(key, state);
    this.out.mailer.send(m);
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
