/**
 * The route and rule adapter: keeps what kad installed, and on each `sync` brings the kernel to
 * what route-plan.ts says is wanted now (static entries, and the virtual ones of the MASTER
 * instances). Changes run one at a time on one promise chain, each after the address queue
 * drained (a route with `src VIP` needs its VIP first). A change the kernel refuses is logged
 * and retried at the next sync. Survives reloads.
 */
import type { RouteSpec, RuleSpec } from '../../config/model.js';
import type { Logger } from '../../core/log.js';
import { addRoute, removeRoute, routeMessage, routeText } from '../../net/rtnl-route.js';
import { addRule, removeRule, ruleMessage, ruleText } from '../../net/rtnl-rule.js';
import type { LinkTable } from './links.js';
import { planRoutes, wantedEntries, type RouteEntry } from './route-plan.js';

/** See the file header. */
export class RouteInstaller {
  private readonly installed = new Map<string, RouteEntry>();
  private chain: Promise<void> = Promise.resolve();

  /** `wanted`: what should be in the kernel, asked when the change runs; `before`: the address queue. */
  constructor(
    private readonly links: LinkTable,
    private readonly log: Logger,
    private readonly wanted: () => RouteEntry[],
    private readonly before: () => Promise<void>,
  ) {}

  /** Resolves once every sync asked for so far reached the kernel. */
  get drained(): Promise<void> {
    return this.chain;
  }

  /** Queue bringing the kernel to what is wanted now. */
  sync(): void {
    this.chain = this.chain.then(() => this.before()).then(() => this.apply());
  }

  /** Remove the virtual routes and rules of instances that start as BACKUP (left by a crash), as keepalived does. */
  async clearStale(routes: readonly RouteSpec[], rules: readonly RuleSpec[], owner: string): Promise<void> {
    for (const e of wantedEntries({ routes, rules }, [])) {
      if (!this.installed.has(e.key)) await this.change({ ...e, owner }, false);
    }
  }

  private async apply(): Promise<void> {
    const plan = planRoutes(this.installed, this.wanted());
    for (const e of plan.remove) if (await this.change(e, false)) this.installed.delete(e.key);
    for (const e of plan.add) if (await this.change(e, true)) this.installed.set(e.key, e);
  }

  /** One add or remove; true when the kernel now matches (an existing or missing entry counts). */
  private async change(e: RouteEntry, add: boolean): Promise<boolean> {
    const what = e.kind === 'route' ? routeText(e.spec) : ruleText(e.spec);
    const rt = this.links.rtnl;
    try {
      let outcome: string;
      if (e.kind === 'route') {
        const m = routeMessage(e.spec, { ifIndex: (n) => this.links.get(n)?.index });
        outcome = add ? await addRoute(rt, m, what) : await removeRoute(rt, m, what);
      } else {
        const m = ruleMessage(e.spec);
        outcome = add ? await addRule(rt, m, what) : await removeRule(rt, m, what);
      }
      this.log.debug({ owner: e.owner, kind: e.kind, outcome }, `(${e.owner}) ${e.kind} ${what}: ${outcome}`);
      return true;
    } catch (err) {
      const code = e.kind === 'route' ? 'KAD_ERR_VRRP_ROUTE' : 'KAD_ERR_VRRP_RULE';
      this.log.error({ code, owner: e.owner, err: (err as Error).message }, `(${e.owner}) cannot ${add ? 'add' : 'remove'} ${e.kind} ${what}: ${(err as Error).message}`);
      return !add;
    }
  }
}
