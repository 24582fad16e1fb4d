// The exposition kad writes itself, read back by a real parser (parse-prometheus-text-format):
// label values that need escaping survive, every declared family keeps HELP and TYPE without
// samples, and the document's vrrp_script states and IPVS counters come out under
// keepalived-exporter's names and labels.
import { describe, expect, it } from 'vitest';
import { Exposition, labelText } from '../../../src/status/exposition.js';
import type { InstanceStatus, LvsCounters, StatusDocument } from '../../../src/status/types.js';
import { SCRIPT_STATE_NUMBER, StatusMetrics } from '../../../src/supervisor/status-metrics.js';
import { parseExposition, sample } from '../../helpers/prom.js';

const n = (conns: number, inPkts: number, outPkts: number, inBytes: number, outBytes: number): LvsCounters => ({ conns, inPkts, outPkts, inBytes, outBytes });

function doc(over: Partial<StatusDocument> = {}): StatusDocument {
  return {
    version: 1, generatedAt: '2026-01-01T00:00:00.000Z', ready: true, processes: [], reloads: { count: 0 },
    sources: { vrrp: 'ok', checker: 'ok' }, instances: [], scripts: [], virtualServers: [], ...over,
  };
}

describe('exposition', () => {
  it('escapes label values the way the parser reads them back', () => {
    const f = { name: 'kad_test', help: 'A test\nfamily', type: 'gauge' as const };
    const out = new Exposition([f]);
    const nasty = 'a "quoted" back\\slash\nnew line';
    out.add(f, labelText({ name: nasty, plain: 'x' }), 1.5);
    out.add(f, labelText({ name: 'inf' }), Infinity);
    const m = parseExposition(out.text());
    expect(sample(m, 'kad_test', { name: nasty, plain: 'x' })).toBe(1.5);
    expect(m.get('kad_test')?.metrics.find((s) => s.labels?.name === 'inf')?.value).toBe('+Inf');
  });

  it('keeps HELP and TYPE for every family, with or without samples', () => {
    const metrics = new StatusMetrics();
    const m = parseExposition(metrics.render(doc()));
    expect([...m.keys()].sort()).toEqual(metrics.names().sort());
    expect(m.get('keepalived_lvs_vip_in_bytes')).toMatchObject({ type: 'COUNTER', help: 'VIP in bytes', metrics: [] });
    expect(m.get('keepalived_script_state')?.type).toBe('GAUGE');
  });

  it('exports every vrrp_script state as keepalived-exporter numbers it', () => {
    const states = Object.keys(SCRIPT_STATE_NUMBER) as (keyof typeof SCRIPT_STATE_NUMBER)[];
    const scripts = states.map((state, i) => ({ name: `chk_${i}`, status: i === 0 ? 'INIT' as const : 'GOOD' as const, state }));
    const m = parseExposition(new StatusMetrics().render(doc({ scripts })));
    expect(states.map((_, i) => sample(m, 'keepalived_script_state', { name: `chk_${i}` }))).toEqual([0, 1, 2, 3]);
    // keepalived_script_status only once the script has a result; its state is known from the start.
    expect(m.get('keepalived_script_status')?.metrics.map((s) => s.labels?.name)).toEqual(['chk_1', 'chk_2', 'chk_3']);
  });

  it('exports IPVS counters per service (addr, proto) and per destination (addr, proto, vip)', () => {
    const vs = {
      name: '[10.0.0.1]:tcp:80', protocol: 'TCP', scheduler: 'rr', quorum: 1, quorumUp: true, liveWeight: 2, realServers: [],
      lvs: [
        { addr: '10.0.0.1:80', proto: 6, counters: n(5, 50, 40, 5000, 40000), dests: [{ addr: '192.168.1.1:80', counters: n(3, 30, 24, 3000, 24000) }, { addr: '192.168.1.2:80', counters: n(2, 20, 16, 2000, 16000) }] },
        { addr: 'fwmark:7', proto: 0, counters: n(1, 2, 3, 4, 5), dests: [{ addr: '192.168.1.1:80', counters: n(1, 2, 3, 4, 5) }] },
      ],
    };
    const m = parseExposition(new StatusMetrics().render(doc({ virtualServers: [vs] })));
    const vip = { addr: '10.0.0.1:80', proto: '6' };
    expect(['conn', 'in_packets', 'out_packets', 'in_bytes', 'out_bytes'].map((k) => sample(m, `keepalived_lvs_vip_${k}`, vip))).toEqual([5, 50, 40, 5000, 40000]);
    expect(sample(m, 'keepalived_lvs_rs_in_bytes', { addr: '192.168.1.2:80', proto: '6', vip: '10.0.0.1:80' })).toBe(2000);
    expect(sample(m, 'keepalived_lvs_rs_conn', { addr: '192.168.1.1:80', vip: 'fwmark:7', proto: '0' })).toBe(1);
    expect(m.get('keepalived_lvs_rs_out_bytes')?.metrics).toHaveLength(3);
  });

  it('formats an instance\'s labels again when its state or VIPs change, and forgets removed ones', () => {
    const metrics = new StatusMetrics();
    const inst = (state: string, vips: string[]): InstanceStatus => ({
      name: 'VI_1', vrid: 51, interface: 'eth0', family: 4, state, basePriority: 100, effectivePriority: 100, vips, advertIntMs: 1000,
      masterAdverIntMs: 1000, faults: [], transitions: {}, counters: { advert_sent: 3 }, drops: {}, tracked: [],
    });
    const scrape = (i: InstanceStatus[]): ReturnType<typeof parseExposition> => parseExposition(metrics.render(doc({ instances: i })));
    expect(sample(scrape([inst('BACKUP', ['10.0.0.1/24'])]), 'keepalived_advertisements_sent_total', { state: 'BACKUP' })).toBe(3);
    const m = scrape([inst('MASTER', ['10.0.0.2/24'])]);
    expect(m.get('keepalived_advertisements_sent_total')?.metrics.map((x) => x.labels?.state)).toEqual(['MASTER']);
    expect(m.get('keepalived_vrrp_state')?.metrics.map((x) => [x.labels?.ip_address, x.value])).toEqual([['10.0.0.2', '2']]);
    expect(scrape([]).get('keepalived_vrrp_state')?.metrics).toEqual([]);
  });
});

describe('exposition compared with prom-client', () => {
  it('writes byte for byte what prom-client\'s Registry writes for the same samples', async () => {
    const { Counter, Gauge, Registry } = await import('prom-client');
    const inst = (name: string, state: string): InstanceStatus => ({
      name, vrid: 7, interface: 'eth "0"', family: 4, state, basePriority: 100, effectivePriority: 90, vips: ['10.0.0.1/24', '10.0.0.2/32'],
      advertIntMs: 1000, masterAdverIntMs: 1000, faults: [], transitions: { startupBackup: 1 }, counters: { advert_rcvd: 12, advert_sent: 0.5 }, drops: { ttl: 2 }, tracked: [],
      lastTransition: { from: 'INIT', to: state, reason: 'startupBackup', at: '2026-01-01T00:00:00.000Z' },
    });
    const metrics = new StatusMetrics();
    const ours = metrics.render(doc({
      processes: [{ kind: 'vrrp', state: 'running', ready: true, restarts: 3 }], reloads: { count: 2, lastDurationMs: 25, lastOk: true },
      instances: [inst('VI_1', 'MASTER'), inst('VI\\2\n', 'BACKUP')],
      scripts: [{ name: 'chk', status: 'BAD', state: 'running' }],
      virtualServers: [{
        name: 'vs1', protocol: 'TCP', scheduler: 'rr', quorum: 1, quorumUp: false, liveWeight: 0,
        realServers: [{ name: 'rs1', address: '10.0.0.9', port: 80, alive: false, weight: 0, configuredWeight: 1, checkers: [{ type: 'TCP_CHECK', target: 't', up: false, attempts: 4, failures: 4, durationTotalMs: 1234.5 }] }],
        lvs: [{ addr: '10.0.0.1:80', proto: 6, counters: n(1, 2, 3, 4, 5), dests: [{ addr: '10.0.0.9:80', counters: n(1, 2, 3, 4, 5) }] }],
      }],
    }));
    // The same samples through prom-client's own metric objects.
    const registry = new Registry();
    for (const f of parseExposition(ours).values()) {
      const labelNames = [...new Set(f.metrics.flatMap((s) => Object.keys(s.labels ?? {})))];
      const cfg = { name: f.name, help: f.help, labelNames: labelNames.length > 0 || f.metrics.length > 0 ? labelNames : ['unused'], registers: [registry] };
      if (f.type === 'COUNTER') {
        const c = new Counter(cfg);
        for (const s of f.metrics) c.inc(s.labels ?? {}, Number(s.value));
      } else {
        const g = new Gauge(cfg);
        for (const s of f.metrics) g.set(s.labels ?? {}, Number(s.value));
      }
    }
    expect(ours).toBe(await registry.metrics());
  });
});
