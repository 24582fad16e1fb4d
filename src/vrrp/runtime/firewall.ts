/**
 * The VRRP runtime's firewall adapter: keeps the nftables drop sets in step with which
 * instances hold their VIPs (src/vrrp/firewall/rules.ts says what the sets contain and why).
 *
 * Order against the addresses: an instance's drop goes in before its VIPs are added (`raise`
 * applies at once, synchronously, before the netlink request is queued), and comes out only
 * after they are gone (`lower` records the change; `apply` runs once the address queue has
 * drained). The first install is one atomic replace, so a table left by a killed predecessor
 * never doubles up; after any failed batch (someone deleted the table, nft missing) a full
 * replace is retried every {@link RETRY_MS} until one succeeds. Failures are counted and logged
 * rate-limited, never thrown.
 */
import type { Config, IpAddress, VrrpInstance } from '../../config/model.js';
import { NFTABLES_DEFAULTS } from '../../config/blocks/global.js';
import type { Clock, TimerHandle } from '../../core/clock.js';
import type { Logger } from '../../core/log.js';
import { RateLimiter } from '../../core/rate-limit.js';
import type { NftPort } from '../../net/nftables.js';
import {
  coveredAddresses, diffMembers, diffScript, emptyDiff, firewalled, installScript, membersOf, NO_MEMBERS, planFirewall,
  removeScript, SET_KEYS, type FirewallPlan, type Members,
} from '../firewall/rules.js';
import { sameModel } from './reload-plan.js';

/** Delay before a failed batch is retried as a full replace. */
export const RETRY_MS = 1000;

export interface FirewallDeps {
  config: Config;
  clock: Clock;
  log: Logger;
  /** The process's nftables context (opened on first use). */
  open: () => NftPort;
  /** The context if this process already opened one. */
  opened: () => NftPort | undefined;
  /** The device an address of an instance goes on. */
  devOf: (spec: VrrpInstance, a: IpAddress) => string;
}

/** See the file header. */
export class VipFirewall {
  /** Failed nft batches since start. */
  failures = 0;
  private plan: FirewallPlan | undefined;
  private readonly holding = new Map<string, VrrpInstance>();
  private readonly errLog = new RateLimiter(10, 1);
  private current: Members = NO_MEMBERS;
  private port: NftPort | undefined;
  /** The kernel's table is unknown (not installed yet, or a batch failed): replace it whole. */
  private replace = true;
  private retry: TimerHandle | undefined;

  constructor(private d: FirewallDeps) {
    this.plan = planFirewall(d.config.vrrpInstances, d.config.global.nftables ?? NFTABLES_DEFAULTS);
  }

  /** Whether any instance needs drop rules. */
  get active(): boolean {
    return this.plan !== undefined;
  }

  /**
   * Install the table with the drops of `holders` (instances resuming MASTER with their VIPs).
   * Without a plan, tables a previous runtime of this process left (reload) are removed.
   */
  start(holders: readonly VrrpInstance[]): void {
    if (!this.plan) {
      const prev = this.d.opened();
      if (prev) this.remove(prev, [...prev.installed]);
      return;
    }
    this.port = this.d.open();
    const table = this.plan.options.table;
    this.remove(this.port, [...this.port.installed].filter((t) => t !== table));
    this.d.log.info({ table: this.plan.options.table, families: this.plan.families, via: this.port.via },
      `VRRP firewall: nftables table ${this.plan.options.table} (${this.plan.families.join(', ')}) through ${this.port.via}`);
    for (const s of holders) if (firewalled(s)) this.holding.set(s.name, s);
    this.apply();
  }

  /**
   * Reload: the tables of `config` for `holders` (the instances holding their VIPs). With the
   * same plan only the set members move (nothing when none did); a changed plan is one replace.
   */
  reload(config: Config, holders: readonly VrrpInstance[]): void {
    this.d = { ...this.d, config };
    const plan = planFirewall(config.vrrpInstances, config.global.nftables ?? NFTABLES_DEFAULTS);
    this.holding.clear();
    if (this.port && sameModel(plan, this.plan)) {
      for (const s of holders) if (firewalled(s)) this.holding.set(s.name, s);
      this.apply();
      return;
    }
    this.plan = plan;
    this.replace = true;
    this.start(holders);
  }

  /** `spec` is about to add its VIPs: its drop goes in now. */
  raise(spec: VrrpInstance): void {
    if (!this.plan || !firewalled(spec)) return;
    this.holding.set(spec.name, spec);
    this.apply(true);
  }

  /** `spec` is removing its VIPs: its drop comes out at the next {@link apply}. */
  lower(spec: VrrpInstance): void {
    if (this.plan) this.holding.delete(spec.name);
  }

  /** Bring the sets to what the holders need; with `addOnly`, remove nothing yet. */
  apply(addOnly = false): void {
    const plan = this.plan;
    const port = this.port;
    if (!plan || !port) return;
    let desired = membersOf([...this.holding.values()].flatMap((s) =>
      coveredAddresses(s).map((a) => ({ address: a.address, family: a.family, dev: this.d.devOf(s, a) }))));
    if (addOnly) desired = union(this.current, desired);
    const diff = diffMembers(this.current, desired);
    if (!this.replace && emptyDiff(diff)) return;
    const script = this.replace ? installScript(plan, desired) : diffScript(plan, diff);
    const r = port.run(script);
    if (!r.ok) {
      this.fail(r.error);
      this.replace = true;
      this.retry ??= this.d.clock.setTimer(RETRY_MS, () => {
        this.retry = undefined;
        this.apply();
      });
      return;
    }
    this.current = desired;
    if (this.replace) port.installed.add(plan.options.table);
    this.replace = false;
  }

  /** Remove the tables (graceful stop). */
  stop(): void {
    this.d.clock.clearTimer(this.retry);
    this.retry = undefined;
    if (!this.plan || !this.port) return;
    this.remove(this.port, [...this.port.installed]);
    // Nothing applies after a stop: a late apply would install the table again.
    this.port = undefined;
    this.current = NO_MEMBERS;
  }

  /** Delete the named tables (both families) and forget them. */
  private remove(port: NftPort, tables: readonly string[]): void {
    for (const t of tables) {
      const r = port.run(removeScript(t));
      if (r.ok) port.installed.delete(t);
      else this.fail(r.error);
    }
  }

  private fail(error: string): void {
    this.failures++;
    const suppressed = this.errLog.take(this.d.clock.nowMs());
    if (suppressed < 0) return;
    this.d.log.error({ code: 'KAD_ERR_VRRP_FIREWALL', err: error, failures: this.failures, suppressed },
      // nft's text is the error, the failing command and a caret line: the first two say it.
      `VRRP firewall: nft failed: ${error.split('\n').slice(0, 2).join(': ')}`);
  }
}

function union(a: Members, b: Members): Members {
  const out = { ...NO_MEMBERS };
  for (const k of SET_KEYS) out[k] = [...new Set([...a[k], ...b[k]])].sort();
  return out;
}
