/**
 * `interface_up_down_delays`: a link going down (up) reaches the instances and trackers only
 * once it has stayed down (up) for the interface's delay; a flap back to the state they know
 * before the delay ends is never seen. An interface that appears or is deleted is passed on at
 * once (its instances are rebuilt either way). `Netlink reports IF up|down` is logged here, when
 * the instances are told, as keepalived 2.2.7 logs it (measured: nothing at all for a flap
 * shorter than the delay). Pure: time from the injected Clock.
 */
import type { Clock, TimerHandle } from '../../core/clock.js';
import type { Logger } from '../../core/log.js';
import type { Config, LinkDelay } from '../../config/model.js';
import type { LinkChange } from './links.js';
import { vmacNameOf } from './vmac-plan.js';

/** An interface's interface_up_down_delays; an instance's macvlan has its base interface's. */
export function linkDelayOf(config: Config, name: string): LinkDelay | undefined {
  const delays = config.linkDelays ?? [];
  const own = delays.find((d) => d.name === name);
  if (own) return own;
  const spec = config.vrrpInstances.find((s) => s.useVmac && vmacNameOf(s) === name);
  const base = spec ? spec.interface ?? config.global.defaultInterface : undefined;
  return delays.find((d) => d.name === base);
}

type Forward = (name: string, running: boolean, change: LinkChange) => void;

/** See the file header. */
export class LinkDebounce {
  /** The running state the instances were last told, by interface. */
  private readonly told = new Map<string, boolean>();
  private readonly pending = new Map<string, { running: boolean; timer: TimerHandle }>();

  /** `delayOf`: the delays of an interface (undefined: none). */
  constructor(
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly delayOf: (name: string) => LinkDelay | undefined,
    private readonly forward: Forward,
  ) {}

  /** A link event from the link table (its running state changed, or it appeared or went away). */
  onLink(name: string, running: boolean, change: LinkChange): void {
    if (change.appeared || change.deleted) return this.pass(name, running, change);
    // The link table reports changes only: before the first one, the instances knew the opposite.
    if (!this.told.has(name)) this.told.set(name, !running);
    if (running === this.told.get(name)) {
      // Back to what the instances know before the delay ended: the flap is ignored.
      this.cancel(name);
      return;
    }
    const delay = this.delayOf(name);
    const delayMs = delay === undefined ? 0 : running ? delay.upMs : delay.downMs;
    if (delayMs <= 0) return this.pass(name, running, change);
    if (this.pending.get(name)?.running === running) return;
    this.cancel(name);
    const timer = this.clock.setTimer(delayMs, () => {
      this.pending.delete(name);
      this.pass(name, running, { appeared: false, deleted: false });
    });
    this.pending.set(name, { running, timer });
  }

  /** Forget every pending change (stop). */
  close(): void {
    for (const name of [...this.pending.keys()]) this.cancel(name);
  }

  private pass(name: string, running: boolean, change: LinkChange): void {
    this.cancel(name);
    if (this.told.get(name) !== running) this.log.info({ interface: name, running }, `Netlink reports ${name} ${running ? 'up' : 'down'}`);
    this.told.set(name, running);
    this.forward(name, running, change);
  }

  private cancel(name: string): void {
    const p = this.pending.get(name);
    if (!p) return;
    this.clock.clearTimer(p.timer);
    this.pending.delete(name);
  }
}
