// A child's metric families from one scrape to the next: only the families that changed cross
// the IPC channel, the parent's text equals a full rendering at every scrape, and anything out of
// step (a lost answer, a respawned child) ends in a full answer rather than stale or missing
// series. The collector shares one gathering between concurrent scrapes and asks with the
// generation it holds.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/core/clock.js';
import { Exposition, type FamilyDef } from '../../../src/status/exposition.js';
import { ChunkStore, ChunkWriter } from '../../../src/status/metric-chunks.js';
import type { ChildKind } from '../../../src/supervisor/ipc.js';
import { StatusCollector, type ChildFacts } from '../../../src/supervisor/status-collector.js';
import { StatusMetrics } from '../../../src/supervisor/status-metrics.js';
import type { InstanceStatus, VrrpReport } from '../../../src/status/types.js';
import { parseExposition, sample } from '../../helpers/prom.js';

const sent: FamilyDef = { name: 'sent_total', help: 'sent', type: 'counter' };
const errs: FamilyDef = { name: 'errors_total', help: 'errors', type: 'counter' };
const state: FamilyDef = { name: 'state', help: 'state', type: 'gauge' };
const FAMILIES = [sent, errs, state];

function scrape(sentValue: number, errValue: number, withState = true): Exposition {
  const e = new Exposition(FAMILIES);
  e.add(sent, 'i="a"', sentValue);
  e.add(sent, 'i="b"', 1);
  e.add(errs, 'i="a"', errValue);
  if (withState) e.add(state, '', 2);
  return e;
}

/** What the parent serves for one child's families. */
const served = (families: ReadonlyMap<string, string> | undefined): string => new Exposition(FAMILIES).text(families ? [families] : []);

describe('metric chunks', () => {
  it('sends every family first, then only those that changed; the parent text equals a full rendering', () => {
    const w = new ChunkWriter();
    const store = new ChunkStore();
    const first = w.answer(scrape(10, 0), store.since());
    expect(first.base).toBeUndefined();
    expect(Object.values(first.families).every((t) => typeof t === 'string')).toBe(true);
    expect(served(store.take(first))).toBe(scrape(10, 0).text());

    const second = w.answer(scrape(11, 0), store.since());
    expect(second.base).toBe(first.gen);
    expect(second.families).toEqual({ sent_total: 'sent_total{i="a"} 11\nsent_total{i="b"} 1', errors_total: null, state: null });
    expect(served(store.take(second))).toBe(scrape(11, 0).text());

    // A family that lost its samples is gone from the parent's text too.
    const third = w.answer(scrape(11, 1, false), store.since());
    expect(third.families).toEqual({ sent_total: null, errors_total: 'errors_total{i="a"} 1' });
    expect(served(store.take(third))).toBe(scrape(11, 1, false).text());
  });

  it('an answer the parent never stored (timed out) makes the next one full', () => {
    const w = new ChunkWriter();
    const store = new ChunkStore();
    store.take(w.answer(scrape(1, 0), store.since()));
    w.answer(scrape(2, 0), store.since()); // lost on the way
    const next = w.answer(scrape(3, 0), store.since());
    expect(next.base).toBeUndefined();
    expect(served(store.take(next))).toBe(scrape(3, 0).text());
  });

  it('a respawned child answers in full; an answer referring to text the store lacks is refused, then full again', () => {
    const store = new ChunkStore();
    const old = new ChunkWriter();
    store.take(old.answer(scrape(1, 0), undefined));
    store.take(old.answer(scrape(2, 0), store.since()));
    const fresh = new ChunkWriter();
    const a = fresh.answer(scrape(5, 0), store.since());
    expect(a.base).toBeUndefined();
    expect(served(store.take(a))).toBe(scrape(5, 0).text());

    // An incremental answer against a generation this store does not hold.
    const stray = new ChunkWriter();
    stray.answer(scrape(1, 0), undefined);
    const inc = stray.answer(scrape(1, 0), 1);
    expect(inc.base).toBe(1);
    const other = new ChunkStore();
    expect(other.take(inc)).toBeUndefined();
    expect(other.since()).toBeUndefined();
    expect(stray.answer(scrape(1, 0), other.since()).base).toBeUndefined();
  });
});

const instance = (sentCount: number): InstanceStatus => ({
  name: 'VI_1', vrid: 51, interface: 'eth0', family: 4, state: 'MASTER', basePriority: 100, effectivePriority: 100,
  vips: ['10.0.0.100/24'], advertIntMs: 1000, masterAdverIntMs: 1000, faults: [],
  transitions: { masterDownTimerExpired: 1 }, counters: { advert_rcvd: 7, advert_sent: sentCount }, drops: {}, tracked: [],
});

describe('status collector with metric chunks', () => {
  const facts: ChildFacts[] = [
    { kind: 'vrrp', planned: true, running: true, ready: true, respawning: false, restarts: 0, pid: 100 },
    { kind: 'checker', planned: false, running: false, ready: false, respawning: false, restarts: 0 },
  ];

  it('concurrent scrapes share one request; later scrapes ask with the generation held and serve fresh values', async () => {
    const clock = new ManualClock();
    const asked: { kind: ChildKind; id: number; since?: number }[] = [];
    const c = new StatusCollector({
      clock, parentStartedWallMs: clock.wallMs(), facts: () => facts, reloads: () => ({ count: 0 }),
      ask: (kind, id, _view, since) => (asked.push({ kind, id, since }), true),
    }, 1000);
    const parent = new StatusMetrics();
    const child = new StatusMetrics();
    const report = (n: number): VrrpReport => ({ instances: [instance(n)], scripts: [] });

    const [p1, p2] = [c.collectMetrics(), c.collectMetrics()];
    expect(asked).toHaveLength(1);
    expect(asked[0]!.since).toBeUndefined();
    c.answer({ type: 'status', id: asked[0]!.id, metrics: child.vrrpChunks(report(3), asked[0]!.since) });
    const [r1, r2] = await Promise.all([p1, p2]);
    expect(r2).toBe(r1);
    expect(sample(parseExposition(parent.render(r1.doc, r1.families)), 'keepalived_advertisements_sent_total', { iname: 'VI_1' })).toBe(3);

    const p3 = c.collectMetrics();
    expect(asked[1]!.since).toBe(1);
    const a = child.vrrpChunks(report(4), asked[1]!.since);
    expect(a.families.keepalived_advertisements_received_total).toBeNull();
    c.answer({ type: 'status', id: asked[1]!.id, metrics: a });
    const r3 = await p3;
    const m = parseExposition(parent.render(r3.doc, r3.families));
    expect(sample(m, 'keepalived_advertisements_sent_total', { iname: 'VI_1' })).toBe(4);
    expect(sample(m, 'keepalived_advertisements_received_total', { iname: 'VI_1' })).toBe(7);
  });
});
