// The parent's status collector on a manual clock: children that answer, one that does not
// (timeout, no hang), one down or restarting; readiness; and the document rendered as metrics
// read back through a real exposition parser, and as the `kad status` table.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/core/clock.js';
import type { ChildKind } from '../../../src/supervisor/ipc.js';
import { StatusCollector, type ChildFacts } from '../../../src/supervisor/status-collector.js';
import { StatusMetrics } from '../../../src/supervisor/status-metrics.js';
import { formatStatus } from '../../../src/status/table.js';
import { TransitionLog } from '../../../src/status/transitions.js';
import { parseListenAddress } from '../../../src/status/listen-address.js';
import type { InstanceStatus } from '../../../src/status/types.js';
import { parseExposition, sample } from '../../helpers/prom.js';

const instance = (over: Partial<InstanceStatus> = {}): InstanceStatus => ({
  name: 'VI_1', vrid: 51, interface: 'eth0', family: 4, state: 'MASTER', basePriority: 100, effectivePriority: 100,
  vips: ['10.0.0.100/24'], advertIntMs: 1000, masterAdverIntMs: 1000, faults: [],
  lastTransition: { from: 'BACKUP', to: 'MASTER', reason: 'masterDownTimerExpired', at: '2026-01-01T00:00:00.000Z', peer: '10.0.0.1' },
  transitions: { startupBackup: 1, masterDownTimerExpired: 1 }, counters: { advert_rcvd: 7, advert_sent: 3, become_master: 1 },
  drops: { authFailure: 2 }, tracked: [], ...over,
});

function setup(facts: ChildFacts[]) {
  const clock = new ManualClock();
  const asked: { kind: ChildKind; id: number; view: string; since?: number }[] = [];
  const c = new StatusCollector({
    clock, parentStartedWallMs: clock.wallMs(), facts: () => facts, reloads: () => ({ count: 0 }),
    ask: (kind, id, view, since) => (asked.push({ kind, id, view, since }), true),
  }, 1000);
  return { clock, asked, c };
}

const running = (kind: ChildKind, over: Partial<ChildFacts> = {}): ChildFacts =>
  ({ kind, planned: true, running: true, ready: true, respawning: false, restarts: 0, pid: 100, ...over });

describe('status collector', () => {
  it('merges both answers; a child that does not answer is a timeout after 1 s, not a hang', async () => {
    const { clock, asked, c } = setup([running('vrrp'), running('checker')]);
    const doc = c.collect();
    expect(asked.map((a) => a.kind)).toEqual(['vrrp', 'checker']);
    c.answer({ type: 'status', id: asked[0]!.id, vrrp: { instances: [instance()], scripts: [] } });
    clock.advance(999);
    let done = false;
    void doc.then(() => (done = true));
    await Promise.resolve();
    expect(done).toBe(false);
    clock.advance(1);
    const d = await doc;
    expect(d.sources).toEqual({ vrrp: 'ok', checker: 'timeout' });
    expect(d.instances.map((i) => i.name)).toEqual(['VI_1']);
    expect(d.ready).toBe(true);
    // A late answer is ignored.
    c.answer({ type: 'status', id: asked[1]!.id, check: { virtualServers: [] } });
  });

  it('does not ask a child that is down or restarting; not ready until every planned child is', async () => {
    const { asked, c } = setup([running('vrrp', { running: false, respawning: true, restarts: 2 }), running('checker', { planned: false, running: false })]);
    const d = await c.collect();
    expect(asked).toEqual([]);
    expect(d.sources).toEqual({ vrrp: 'restarting', checker: 'not-configured' });
    expect(d.processes.map((p) => [p.kind, p.state, p.restarts])).toEqual([['parent', 'running', 0], ['vrrp', 'restarting', 2], ['checker', 'not-configured', 0]]);
    expect(c.ready()).toBe(false);
  });

  it('renders metrics that a real parser reads back', async () => {
    const { asked, c } = setup([running('vrrp'), running('checker', { planned: false, running: false })]);
    const p = c.collect();
    c.answer({ type: 'status', id: asked[0]!.id, vrrp: { instances: [instance()], scripts: [{ name: 'chk', status: 'BAD', state: 'requested termination' }] } });
    const m = parseExposition(new StatusMetrics().render(await p));
    expect(sample(m, 'keepalived_up')).toBe(1);
    expect(sample(m, 'keepalived_vrrp_state', { iname: 'VI_1', intf: 'eth0', vrid: '51', ip_address: '10.0.0.100' })).toBe(2);
    expect(sample(m, 'keepalived_advertisements_received_total', { iname: 'VI_1', state: 'MASTER' })).toBe(7);
    expect(sample(m, 'kad_vrrp_transitions_total', { reason: 'masterDownTimerExpired' })).toBe(1);
    expect(sample(m, 'kad_vrrp_drops_total', { reason: 'authFailure' })).toBe(2);
    expect(sample(m, 'keepalived_script_status', { name: 'chk' })).toBe(0);
    expect(sample(m, 'keepalived_script_state', { name: 'chk' })).toBe(2);
    expect(m.get('keepalived_vrrp_state')?.type).toBe('GAUGE');
    expect(m.has('kad_child_up')).toBe(true);
    expect(sample(m, 'kad_child_up', { child: 'vrrp' })).toBe(1);
  });

  it('for /metrics asks for the metrics view and merges the samples each child wrote', async () => {
    const { asked, c } = setup([running('vrrp'), running('checker')]);
    const views: string[] = [];
    const metrics = new StatusMetrics();
    const vrrpChild = new StatusMetrics();
    const checkChild = new StatusMetrics();
    const p = c.collectMetrics();
    expect(asked.map((a) => [a.kind, a.view])).toEqual([['vrrp', 'metrics'], ['checker', 'metrics']]);
    // What the children send: their own families as lines, written from their reports.
    c.answer({ type: 'status', id: asked[0]!.id, metrics: vrrpChild.vrrpChunks({ instances: [instance()], scripts: [{ name: 'chk', status: 'GOOD', state: 'running' }] }) });
    c.answer({ type: 'status', id: asked[1]!.id, metrics: checkChild.checkChunks({ virtualServers: [{ name: 'vs1', protocol: 'TCP', scheduler: 'rr', quorum: 1, quorumUp: true, liveWeight: 1, realServers: [] }] }) });
    const { doc, families: samples } = await p;
    views.push(...samples.flatMap((t) => [...t.keys()]));
    expect(doc.instances).toEqual([]);
    const m = parseExposition(metrics.render(doc, samples));
    expect(sample(m, 'keepalived_up')).toBe(1);
    expect(sample(m, 'keepalived_advertisements_received_total', { iname: 'VI_1', state: 'MASTER' })).toBe(7);
    expect(sample(m, 'keepalived_script_state', { name: 'chk' })).toBe(1);
    expect(sample(m, 'kad_virtual_server_quorum_up', { vs: 'vs1' })).toBe(1);
    expect(views).toContain('keepalived_vrrp_state');
    // The same numbers as rendering the whole document in the parent.
    const whole = c.collect();
    c.answer({ type: 'status', id: asked[2]!.id, vrrp: { instances: [instance()], scripts: [{ name: 'chk', status: 'GOOD', state: 'running' }] } });
    c.answer({ type: 'status', id: asked[3]!.id, check: { virtualServers: [{ name: 'vs1', protocol: 'TCP', scheduler: 'rr', quorum: 1, quorumUp: true, liveWeight: 1, realServers: [] }] } });
    const strip = (t: string): string => t.replace(/^kad_.*timestamp.*$/gm, '');
    expect(strip(metrics.render(await whole))).toBe(strip(metrics.render(doc, samples)));
  });

  it('prints the table with the last change, its reason and peer', async () => {
    const { asked, c } = setup([running('vrrp'), running('checker', { planned: false, running: false })]);
    const p = c.collect();
    c.answer({ type: 'status', id: asked[0]!.id, vrrp: { instances: [instance()], scripts: [] } });
    const text = formatStatus(await p);
    expect(text).toMatch(/^VI_1\s+51\s+eth0\s+MASTER\s+100\s+-\s+10\.0\.0\.100\/24\s+BACKUP->MASTER masterDownTimerExpired 2026-01-01 00:00:00Z peer 10\.0\.0\.1$/m);
    expect(text).toContain('no virtual server (checker: not-configured)');
  });

  it('prints check durations at 0.1 ms, not with the float noise the document carries', async () => {
    const { asked, c } = setup([running('vrrp', { planned: false, running: false }), running('checker')]);
    const p = c.collect();
    const last = { ok: true, at: '2026-01-01T00:00:02.000Z', durationMs: 32.69785600001342 };
    const rs = { name: '10.0.0.2:80', address: '10.0.0.2', port: 80, alive: true, weight: 1, configuredWeight: 1,
      checkers: [{ type: 'TCP_CHECK', target: '10.0.0.2:80', up: true, attempts: 1, failures: 0, durationTotalMs: last.durationMs, last }] };
    c.answer({ type: 'status', id: asked[0]!.id, check: { virtualServers: [{ name: 'vs1', protocol: 'TCP', scheduler: 'rr', quorum: 1, quorumUp: true, liveWeight: 1, realServers: [rs] }] } });
    const text = formatStatus(await p);
    expect(text).toMatch(/^\s+10\.0\.0\.2:80\s+alive\s+1\s+ok 2026-01-01 00:00:02Z 32\.7 ms$/m);
  });
});

describe('transition log', () => {
  it('keeps the last transition with the master heard before it, and counts per reason', () => {
    const log = new TransitionLog();
    log.record('VI_1', 'BACKUP', 'startupBackup', 0);
    log.notePeer('VI_1', '10.0.0.1');
    log.record('VI_1', 'MASTER', 'masterDownTimerExpired', 1000);
    expect(log.lastOf('VI_1')).toEqual({ from: 'BACKUP', to: 'MASTER', reason: 'masterDownTimerExpired', at: '1970-01-01T00:00:01.000Z', peer: '10.0.0.1' });
    expect(log.countsOf('VI_1')).toEqual({ startupBackup: 1, masterDownTimerExpired: 1 });
  });
});

describe('--metrics address', () => {
  it('takes ADDR:PORT and [V6]:PORT, and names what is wrong otherwise', () => {
    expect(parseListenAddress('127.0.0.1:9650')).toEqual({ host: '127.0.0.1', port: 9650 });
    expect(parseListenAddress('[::1]:9650')).toEqual({ host: '::1', port: 9650 });
    expect(parseListenAddress(':9650')).toHaveProperty('error');
    expect(parseListenAddress('127.0.0.1:70000')).toEqual({ error: 'port 70000 is out of range 1-65535' });
  });
});
