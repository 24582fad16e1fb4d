/**
 * Gratuitous ARP / unsolicited NA scheduling for one instance (pure: clock injected). The frames
 * themselves are built and sent by the port; this decides when and how many.
 *
 * keepalived (measured): on takeover `garp_master_repeat` (5) rounds at once, another 5 after
 * `garp_master_delay` (5 s), then `garp_master_refresh_repeat` rounds every
 * `garp_master_refresh` (off by default). A master that hears a lower-priority advert sends
 * `garp_lower_prio_repeat` rounds at once and a second set after `garp_lower_prio_delay`.
 * One round = one GARP/NA per VIP.
 */
import type { Clock, TimerHandle } from '../../core/clock.js';

/** Schedule parameters, from the instance config. */
export interface AnnounceConfig {
  garpMasterDelayMs: number;
  garpMasterRepeat: number;
  garpMasterRefreshMs: number;
  garpMasterRefreshRepeat: number;
  garpLowerPrioDelayMs: number;
  garpLowerPrioRepeat: number;
}

export class AnnounceSchedule {
  private delayTimer: TimerHandle | undefined;
  private refreshTimer: TimerHandle | undefined;
  private lowerPrioTimer: TimerHandle | undefined;

  /** `sendRound` sends one GARP/NA per VIP. */
  constructor(
    private readonly clock: Clock,
    private readonly cfg: AnnounceConfig,
    private readonly sendRound: () => void,
  ) {}

  private burst(rounds: number): void {
    for (let i = 0; i < rounds; i++) this.sendRound();
  }

  /** Takeover: burst now, burst after the delay, then refresh if configured. */
  startMaster(): void {
    this.cancel();
    this.burst(this.cfg.garpMasterRepeat);
    if (this.cfg.garpMasterDelayMs > 0) {
      this.delayTimer = this.clock.setTimer(this.cfg.garpMasterDelayMs, () => {
        this.delayTimer = undefined;
        this.burst(this.cfg.garpMasterRepeat);
      });
    }
    if (this.cfg.garpMasterRefreshMs > 0) this.armRefresh();
  }

  private armRefresh(): void {
    this.refreshTimer = this.clock.setTimer(this.cfg.garpMasterRefreshMs, () => {
      this.burst(this.cfg.garpMasterRefreshRepeat);
      this.armRefresh();
    });
  }

  /** A lower-priority advert was heard as master: burst now and a second set later (once pending). */
  lowerPriority(): void {
    if (this.cfg.garpLowerPrioRepeat <= 0 || this.lowerPrioTimer) return;
    this.burst(this.cfg.garpLowerPrioRepeat);
    if (this.cfg.garpLowerPrioDelayMs > 0) {
      this.lowerPrioTimer = this.clock.setTimer(this.cfg.garpLowerPrioDelayMs, () => {
        this.lowerPrioTimer = undefined;
        this.burst(this.cfg.garpLowerPrioRepeat);
      });
    }
  }

  /** Stop everything pending (leaving MASTER). */
  cancel(): void {
    this.clock.clearTimer(this.delayTimer);
    this.clock.clearTimer(this.refreshTimer);
    this.delayTimer = undefined;
    this.refreshTimer = undefined;
    this.clock.clearTimer(this.lowerPrioTimer);
    this.lowerPrioTimer = undefined;
  }
}
