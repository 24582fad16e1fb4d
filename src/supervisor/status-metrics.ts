/**
 * /metrics: the status document as Prometheus metrics, formatted by a prom-client Registry.
 * keepalived-exporter's names and labels where it has them (keepalived_up, keepalived_vrrp_state,
 * the per-instance counters with labels iname/intf/vrid/state, keepalived_script_status); kad's
 * own under kad_*. Each scrape resets and refills every family from one fresh document, so a
 * vanished instance or server disappears from the output.
 *
 * The families are plain value lists registered with the Registry (which only calls get() and
 * reset()): prom-client's Gauge/Counter hash every label set on each set(), which at 200
 * instances and 1000 real servers cost more than the formatting itself (docs/benchmarks.md).
 */
import { Registry, type Metric, type MetricValue } from 'prom-client';
import type { InstanceStatus, StatusDocument } from '../status/types.js';

/** keepalived's state numbers (vrrp.h VRRP_STATE_*), as keepalived-exporter exports them. */
export const STATE_NUMBER: Readonly<Record<string, number>> = { INIT: 0, STOP: 0, BACKUP: 1, MASTER: 2, FAULT: 3 };

/** keepalived stats key → keepalived-exporter counter name. */
export const VRRP_COUNTERS: readonly (readonly [string, string, string])[] = [
  ['advert_rcvd', 'keepalived_advertisements_received_total', 'Advertisements received'],
  ['advert_sent', 'keepalived_advertisements_sent_total', 'Advertisements sent'],
  ['become_master', 'keepalived_become_master_total', 'Became master'],
  ['release_master', 'keepalived_release_master_total', 'Released master'],
  ['packet_len_err', 'keepalived_packet_length_errors_total', 'Packet length errors'],
  ['advert_interval_err', 'keepalived_advertisements_interval_errors_total', 'Advertisement interval errors'],
  ['ip_ttl_err', 'keepalived_ip_ttl_errors_total', 'TTL errors'],
  ['invalid_type_rcvd', 'keepalived_invalid_type_received_total', 'Invalid type errors'],
  ['addr_list_err', 'keepalived_address_list_errors_total', 'Address list errors'],
  ['invalid_authtype', 'keepalived_authentication_invalid_total', 'Authentication invalid'],
  ['authtype_mismatch', 'keepalived_authentication_mismatch_total', 'Authentication mismatch'],
  ['auth_failure', 'keepalived_authentication_failure_total', 'Authentication failure'],
  ['pri_zero_rcvd', 'keepalived_priority_zero_received_total', 'Priority zero received'],
  ['pri_zero_sent', 'keepalived_priority_zero_sent_total', 'Priority zero sent'],
];

type Labels = Record<string, string>;

/** One metric family: the values of the current scrape. */
class Family {
  private values: MetricValue<string>[] = [];

  constructor(readonly name: string, readonly help: string, readonly type: 'gauge' | 'counter') {}

  /** Counters and gauges alike take the value the document carries. */
  set(labels: Labels, value: number): void {
    this.values.push({ labels, value });
  }

  inc(labels: Labels, value: number): void {
    this.set(labels, value);
  }

  get(): { name: string; help: string; type: string; values: MetricValue<string>[]; aggregator: 'sum' } {
    return { name: this.name, help: this.help, type: this.type, values: this.values, aggregator: 'sum' };
  }

  reset(): void {
    this.values = [];
  }
}

/** The metrics kad exports, filled from a status document at each scrape. */
export class StatusMetrics {
  readonly registry = new Registry();
  private readonly g = {
    up: this.gauge('keepalived_up', 'Status of kad: 1 when every configured child answered'),
    vrrpState: this.gauge('keepalived_vrrp_state', 'VRRP state (0 INIT, 1 BACKUP, 2 MASTER, 3 FAULT), one series per VIP'),
    script: this.gauge('keepalived_script_status', 'vrrp_script status (1 GOOD, 0 BAD)'),
    prio: this.gauge('kad_vrrp_effective_priority', 'Effective priority of the instance'),
    lastTransition: this.gauge('kad_vrrp_last_transition_timestamp_seconds', 'Time of the last state change, with its reason'),
    ready: this.gauge('kad_ready', '1 once every configured child read the configuration and reported ready'),
    childUp: this.gauge('kad_child_up', '1 while the child runs and answers status requests'),
    reloadDuration: this.gauge('kad_reload_last_duration_seconds', 'Duration of the last reload'),
    reloadOk: this.gauge('kad_reload_last_success', '1 when the last reload completed'),
    quorum: this.gauge('kad_virtual_server_quorum_up', '1 while the virtual server has quorum'),
    liveWeight: this.gauge('kad_virtual_server_live_weight', 'Sum of the weights of the live real servers'),
    rsAlive: this.gauge('kad_real_server_alive', '1 while every checker of the real server succeeds'),
    rsWeight: this.gauge('kad_real_server_weight', 'Weight the real server carries in IPVS (0 when down)'),
  };
  private readonly c = {
    vrrp: VRRP_COUNTERS.map(([key, name, help]) => [key, this.counter(name, help)] as const),
    transitions: this.counter('kad_vrrp_transitions_total', 'State changes per reason'),
    drops: this.counter('kad_vrrp_drops_total', 'Received adverts dropped, per reason'),
    reloads: this.counter('kad_reloads_total', 'Reloads finished (any outcome)'),
    restarts: this.counter('kad_child_restarts_total', 'Child restarts since kad started'),
    checkSeconds: this.counter('kad_check_duration_seconds_total', 'Time spent in check attempts'),
    checkAttempts: this.counter('kad_check_attempts_total', 'Check attempts started'),
    checkFailures: this.counter('kad_check_failures_total', 'Check attempts that failed'),
  };

  private family(name: string, help: string, type: 'gauge' | 'counter'): Family {
    const f = new Family(name, help, type);
    this.registry.registerMetric(f as unknown as Metric);
    return f;
  }

  private gauge(name: string, help: string): Family {
    return this.family(name, help, 'gauge');
  }

  private counter(name: string, help: string): Family {
    return this.family(name, help, 'counter');
  }

  /** Every metric name this registry exports (dashboards and alerts may use only these). */
  names(): string[] {
    return this.registry.getMetricsAsArray().map((m) => m.name);
  }

  /** Reset and refill every metric from `doc`; returns the exposition text. */
  async render(doc: StatusDocument): Promise<string> {
    this.registry.resetMetrics();
    this.fillProcess(doc);
    for (const i of doc.instances) this.fillInstance(i);
    for (const s of doc.scripts) if (s.status !== 'INIT') this.g.script.set({ name: s.name }, s.status === 'GOOD' ? 1 : 0);
    this.fillServers(doc);
    return this.registry.metrics();
  }

  private fillProcess(doc: StatusDocument): void {
    const answered = Object.values(doc.sources).every((s) => s === 'ok' || s === 'not-configured');
    this.g.up.set({}, answered ? 1 : 0);
    this.g.ready.set({}, doc.ready ? 1 : 0);
    for (const [child, state] of Object.entries(doc.sources)) {
      if (state !== 'not-configured') this.g.childUp.set({ child }, state === 'ok' ? 1 : 0);
    }
    for (const p of doc.processes) if (p.kind !== 'parent') this.c.restarts.inc({ child: p.kind }, p.restarts);
    this.c.reloads.inc({}, doc.reloads.count);
    this.g.reloadDuration.set({}, (doc.reloads.lastDurationMs ?? 0) / 1000);
    this.g.reloadOk.set({}, doc.reloads.lastOk === true ? 1 : 0);
  }

  private fillInstance(i: InstanceStatus): void {
    const vrid = String(i.vrid);
    const common = { iname: i.name, intf: i.interface, vrid, state: i.state };
    for (const vip of i.vips) {
      this.g.vrrpState.set({ iname: i.name, intf: i.interface, vrid, ip_address: vip.split('/')[0] ?? vip }, STATE_NUMBER[i.state] ?? 0);
    }
    for (const [key, counter] of this.c.vrrp) counter.inc(common, i.counters[key] ?? 0);
    const inst = { iname: i.name, vrid };
    this.g.prio.set(inst, i.effectivePriority);
    for (const [reason, n] of Object.entries(i.transitions)) this.c.transitions.inc({ ...inst, reason }, n);
    for (const [reason, n] of Object.entries(i.drops)) this.c.drops.inc({ ...inst, reason }, n);
    const t = i.lastTransition;
    if (t) this.g.lastTransition.set({ ...inst, reason: t.reason, to: t.to }, Date.parse(t.at) / 1000);
  }

  private fillServers(doc: StatusDocument): void {
    for (const vs of doc.virtualServers) {
      this.g.quorum.set({ vs: vs.name }, vs.quorumUp ? 1 : 0);
      this.g.liveWeight.set({ vs: vs.name }, vs.liveWeight);
      // Check counters per virtual server and checker type: per real server they would be most
      // of the exposition at 1000 real servers; the status document keeps each checker's numbers.
      const byType = new Map<string, { seconds: number; attempts: number; failures: number }>();
      for (const rs of vs.realServers) {
        const l = { vs: vs.name, rs: rs.name };
        this.g.rsAlive.set(l, rs.alive ? 1 : 0);
        this.g.rsWeight.set(l, rs.weight);
        for (const ck of rs.checkers) {
          const t = byType.get(ck.type) ?? { seconds: 0, attempts: 0, failures: 0 };
          t.seconds += ck.durationTotalMs / 1000;
          t.attempts += ck.attempts;
          t.failures += ck.failures;
          byType.set(ck.type, t);
        }
      }
      for (const [checker, t] of byType) {
        const cl = { vs: vs.name, checker };
        this.c.checkSeconds.inc(cl, t.seconds);
        this.c.checkAttempts.inc(cl, t.attempts);
        this.c.checkFailures.inc(cl, t.failures);
      }
    }
  }
}
