/**
 * /metrics: the status document as Prometheus metrics. keepalived-exporter's names and labels
 * where it has them (keepalived_up, keepalived_vrrp_state, the per-instance counters with labels
 * iname/intf/vrid/state, keepalived_script_status and _state, keepalived_lvs_vip_* and
 * keepalived_lvs_rs_* with addr/proto); kad's own under kad_*. Each scrape writes every family
 * from one fresh document, so a vanished instance or server disappears from the output.
 *
 * The text is written directly (src/status/exposition.ts), each label set formatted once per
 * scrape: prom-client's Registry formatted every label set of every sample again, which at 200
 * instances and 1000 real servers cost most of a scrape (docs/benchmarks.md).
 */
import { EXPOSITION_CONTENT_TYPE, Exposition, joinLabels, labelText, type FamilyDef, type MetricType } from '../status/exposition.js';
import { ChunkWriter, type ChunkAnswer } from '../status/metric-chunks.js';
import type {
  CheckReport, InstanceStatus, LvsCounters, ScriptRunState, StatusDocument, VirtualServerStatus, VrrpReport,
} from '../status/types.js';

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

/** keepalived-exporter's numbers for a vrrp_script's state (keepalived_script_state). */
export const SCRIPT_STATE_NUMBER: Readonly<Record<ScriptRunState, number>> = { idle: 0, running: 1, 'requested termination': 2, 'forcing termination': 3 };

/** IPVS counter → keepalived-exporter family suffix (keepalived_lvs_vip_*, keepalived_lvs_rs_*). */
const LVS_COUNTERS: readonly (readonly [keyof LvsCounters, string, string])[] = [
  ['inPkts', 'in_packets', 'in packets'],
  ['outPkts', 'out_packets', 'out packets'],
  ['inBytes', 'in_bytes', 'in bytes'],
  ['outBytes', 'out_bytes', 'out bytes'],
  ['conns', 'conn', 'connections'],
];

/** The label sets of one instance's series, kept between scrapes. */
interface InstanceLabels {
  /** What they were formatted from: interface, VRID, state and VIPs. */
  sig: string;
  /** keepalived_vrrp_state, one per VIP. */
  vips: string[];
  /** The keepalived-exporter counters (iname, intf, vrid, state). */
  common: string;
  /** kad's own instance series (iname, vrid). */
  inst: string;
}

/** The metrics kad exports, written from a status document at each scrape. */
export class StatusMetrics {
  readonly contentType = EXPOSITION_CONTENT_TYPE;
  private readonly families: FamilyDef[] = [];
  private readonly instanceLabels = new Map<string, InstanceLabels>();
  /** A child's answers from one scrape to the next (only the child's own families). */
  private readonly writer = new ChunkWriter();
  private readonly g = {
    up: this.gauge('keepalived_up', 'Status of kad: 1 when every configured child answered'),
    vrrpState: this.gauge('keepalived_vrrp_state', 'VRRP state (0 INIT, 1 BACKUP, 2 MASTER, 3 FAULT), one series per VIP'),
    script: this.gauge('keepalived_script_status', 'vrrp_script status (1 GOOD, 0 BAD)'),
    scriptState: this.gauge('keepalived_script_state', 'vrrp_script state (0 idle, 1 running, 2 requested termination, 3 forcing termination)'),
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
    lvsVip: LVS_COUNTERS.map(([key, suffix, help]) => [key, this.counter(`keepalived_lvs_vip_${suffix}`, `VIP ${help}`)] as const),
    lvsRs: LVS_COUNTERS.map(([key, suffix, help]) => [key, this.counter(`keepalived_lvs_rs_${suffix}`, `RS ${help}`)] as const),
  };

  private family(name: string, help: string, type: MetricType): FamilyDef {
    const f = { name, help, type };
    this.families.push(f);
    return f;
  }

  private gauge(name: string, help: string): FamilyDef {
    return this.family(name, help, 'gauge');
  }

  private counter(name: string, help: string): FamilyDef {
    return this.family(name, help, 'counter');
  }

  /** Every metric name this exports (dashboards and alerts may use only these). */
  names(): string[] {
    return this.families.map((f) => f.name);
  }

  /**
   * Write every metric from `doc`, plus the families the children wrote themselves (family name
   * → lines; `doc` then carries no instance or server); returns the exposition text.
   */
  render(doc: StatusDocument, children: readonly ReadonlyMap<string, string>[] = []): string {
    const out = new Exposition(this.families);
    this.fillProcess(out, doc);
    this.fillVrrp(out, doc);
    this.fillCheck(out, doc);
    return out.text(children);
  }

  /** The VRRP child's families (its answer to a metrics request; `since`: what the parent holds). */
  vrrpChunks(report: VrrpReport, since?: number): ChunkAnswer {
    const out = new Exposition(this.families);
    this.fillVrrp(out, report);
    return this.writer.answer(out, since);
  }

  /** The checker child's families. */
  checkChunks(report: CheckReport, since?: number): ChunkAnswer {
    const out = new Exposition(this.families);
    this.fillCheck(out, report);
    return this.writer.answer(out, since);
  }

  private fillVrrp(out: Exposition, r: VrrpReport): void {
    for (const i of r.instances) this.fillInstance(out, i);
    // Forget instances a reload removed.
    if (this.instanceLabels.size > r.instances.length) {
      const names = new Set(r.instances.map((i) => i.name));
      for (const name of this.instanceLabels.keys()) if (!names.has(name)) this.instanceLabels.delete(name);
    }
    for (const s of r.scripts) {
      const l = labelText({ name: s.name });
      if (s.status !== 'INIT') out.add(this.g.script, l, s.status === 'GOOD' ? 1 : 0);
      out.add(this.g.scriptState, l, SCRIPT_STATE_NUMBER[s.state]);
    }
  }

  private fillCheck(out: Exposition, r: CheckReport): void {
    for (const vs of r.virtualServers) {
      this.fillServer(out, vs);
      this.fillLvs(out, vs);
    }
  }

  private fillProcess(out: Exposition, doc: StatusDocument): void {
    const answered = Object.values(doc.sources).every((s) => s === 'ok' || s === 'not-configured');
    out.add(this.g.up, '', answered ? 1 : 0);
    out.add(this.g.ready, '', doc.ready ? 1 : 0);
    for (const [child, state] of Object.entries(doc.sources)) {
      if (state !== 'not-configured') out.add(this.g.childUp, labelText({ child }), state === 'ok' ? 1 : 0);
    }
    for (const p of doc.processes) if (p.kind !== 'parent') out.add(this.c.restarts, labelText({ child: p.kind }), p.restarts);
    out.add(this.c.reloads, '', doc.reloads.count);
    out.add(this.g.reloadDuration, '', (doc.reloads.lastDurationMs ?? 0) / 1000);
    out.add(this.g.reloadOk, '', doc.reloads.lastOk === true ? 1 : 0);
  }

  /** An instance's label sets, formatted again only when name, interface, VRID, state or VIPs change. */
  private labelsOf(i: InstanceStatus): InstanceLabels {
    const sig = `${i.interface}\n${i.vrid}\n${i.state}\n${i.vips.join(' ')}`;
    const had = this.instanceLabels.get(i.name);
    if (had?.sig === sig) return had;
    const vrid = String(i.vrid);
    const where = labelText({ iname: i.name, intf: i.interface, vrid });
    const l: InstanceLabels = {
      sig,
      vips: i.vips.map((vip) => joinLabels(where, labelText({ ip_address: vip.split('/')[0] ?? vip }))),
      common: joinLabels(where, labelText({ state: i.state })),
      inst: labelText({ iname: i.name, vrid }),
    };
    this.instanceLabels.set(i.name, l);
    return l;
  }

  private fillInstance(out: Exposition, i: InstanceStatus): void {
    const l = this.labelsOf(i);
    const state = STATE_NUMBER[i.state] ?? 0;
    for (const vip of l.vips) out.add(this.g.vrrpState, vip, state);
    for (const [key, counter] of this.c.vrrp) out.add(counter, l.common, i.counters[key] ?? 0);
    out.add(this.g.prio, l.inst, i.effectivePriority);
    for (const [reason, n] of Object.entries(i.transitions)) out.add(this.c.transitions, joinLabels(l.inst, labelText({ reason })), n);
    for (const [reason, n] of Object.entries(i.drops)) out.add(this.c.drops, joinLabels(l.inst, labelText({ reason })), n);
    const t = i.lastTransition;
    if (t) out.add(this.g.lastTransition, joinLabels(l.inst, labelText({ reason: t.reason, to: t.to })), Date.parse(t.at) / 1000);
  }

  private fillServer(out: Exposition, vs: VirtualServerStatus): void {
    const v = labelText({ vs: vs.name });
    out.add(this.g.quorum, v, vs.quorumUp ? 1 : 0);
    out.add(this.g.liveWeight, v, vs.liveWeight);
    // Check counters per virtual server and checker type: per real server they would be most
    // of the exposition at 1000 real servers; the status document keeps each checker's numbers.
    const byType = new Map<string, { seconds: number; attempts: number; failures: number }>();
    for (const rs of vs.realServers) {
      const l = joinLabels(v, labelText({ rs: rs.name }));
      out.add(this.g.rsAlive, l, rs.alive ? 1 : 0);
      out.add(this.g.rsWeight, l, rs.weight);
      for (const ck of rs.checkers) {
        const t = byType.get(ck.type) ?? { seconds: 0, attempts: 0, failures: 0 };
        t.seconds += ck.durationTotalMs / 1000;
        t.attempts += ck.attempts;
        t.failures += ck.failures;
        byType.set(ck.type, t);
      }
    }
    for (const [checker, t] of byType) {
      const cl = joinLabels(v, labelText({ checker }));
      out.add(this.c.checkSeconds, cl, t.seconds);
      out.add(this.c.checkAttempts, cl, t.attempts);
      out.add(this.c.checkFailures, cl, t.failures);
    }
  }

  /**
   * keepalived-exporter labels a service `addr` (address:port) and `proto` (protocol number), and
   * a destination the same way; kad adds `vip` (the service's addr) to the destination so a real
   * server in two virtual servers gives two series, not one duplicated.
   */
  private fillLvs(out: Exposition, vs: VirtualServerStatus): void {
    for (const svc of vs.lvs ?? []) {
      const proto = String(svc.proto);
      const sl = labelText({ addr: svc.addr, proto });
      for (const [key, f] of this.c.lvsVip) out.add(f, sl, svc.counters[key]);
      for (const d of svc.dests) {
        const dl = labelText({ addr: d.addr, proto, vip: svc.addr });
        for (const [key, f] of this.c.lvsRs) out.add(f, dl, d.counters[key]);
      }
    }
  }
}
