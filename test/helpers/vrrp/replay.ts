/**
 * Replay scenarios over the pure core (no I/O: the caller reads the JSONL text).
 *
 * A scenario is JSON lines. The first line describes the instances:
 *   {"scenario": "name", "instances": [{"name": "VI_1", "primary": "10.0.0.1", ...spec overrides}],
 *    "syncGroups": {"G1": ["VI_1", "VI_2"]}, "lan": true}
 * With `lan`, the instances share an in-memory LAN; otherwise peers are simulated by `advert`
 * events. Every other line has `at` (ms, non-decreasing) and either `do` (an input) or `expect`:
 *   do: start | advert | link | track | priority | shutdown | crash | restart | unplug | plug | clearStats
 *   expect: state | outputs | count | stats | receive | oneMaster | masters
 * `outputs` compares, in order, what the instance did at its ports since the previous `outputs`
 * check (entries match on the fields given; `"times": n` repeats an entry).
 */
import { ManualClock } from '../../../src/core/clock.js';
import { silentLogger } from '../../../src/core/log.js';
import type { VrrpInstance } from '../../../src/config/model.js';
import { passwordBytes } from '../../../src/vrrp/protocol/auth.js';
import { buildIpv4Frame } from '../../../src/vrrp/protocol/frame.js';
import { parseAddress } from '../../../src/core/addr.js';
import { Instance } from '../../../src/vrrp/protocol/instance.js';
import { trackerEffect, type ReceiveOutcome } from '../../../src/vrrp/protocol/instance-types.js';
import { deliver, MemoryLan, recordingPorts, type PortRecord } from './lan.js';
import { encodeAdvert } from '../../../src/vrrp/protocol/packet.js';
import { SyncGroupRuntime } from '../../../src/vrrp/protocol/sync-group.js';
import { defaultSpec } from './spec-defaults.js';

/** A parsed scenario line (loosely typed: scenarios are data). */
export type ScenarioLine = Record<string, unknown>;

/** The outcome of running a scenario. */
export interface ReplayResult {
  name: string;
  failures: string[];
  records: Record<string, PortRecord[]>;
  checks: number;
}

interface Slot {
  spec: VrrpInstance;
  primary: string;
  instance: Instance;
  records: PortRecord[];
  cursor: number;
  lastReceive?: ReceiveOutcome;
}

/** Parses JSONL text into lines, skipping blanks and `//` comments. */
export function parseScenario(text: string): ScenarioLine[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('//'))
    .map((l) => JSON.parse(l) as ScenarioLine);
}

const str = (v: unknown, d = ''): string => (typeof v === 'string' ? v : d);
const num = (v: unknown, d: number): number => (typeof v === 'number' ? v : d);

class Runner {
  readonly clock = new ManualClock();
  readonly slots = new Map<string, Slot>();
  readonly failures: string[] = [];
  checks = 0;
  private readonly lan: MemoryLan | undefined;

  constructor(head: ScenarioLine) {
    this.lan = head.lan ? new MemoryLan(this.clock) : undefined;
    for (const raw of (head.instances as ScenarioLine[] | undefined) ?? []) this.addInstance(raw);
    for (const [name, members] of Object.entries((head.syncGroups as Record<string, string[]> | undefined) ?? {})) {
      new SyncGroupRuntime(name, members.map((m) => this.slot(m).instance), silentLogger());
    }
  }

  private addInstance(raw: ScenarioLine): void {
    const { primary, ...over } = raw;
    const spec = defaultSpec(over as Partial<VrrpInstance>);
    const records: PortRecord[] = [];
    const sink = this.lan?.join(spec.name, str(primary));
    const slot: Slot = { spec, primary: str(primary), records, cursor: 0, instance: undefined as unknown as Instance };
    slot.instance = this.build(slot, sink);
    this.slots.set(spec.name, slot);
  }

  private build(slot: Slot, sink?: (b: Uint8Array, d: string) => void): Instance {
    const ports = recordingPorts(this.clock, slot.records, sink);
    const inst = new Instance(slot.spec, { clock: this.clock, log: silentLogger(), ports, primaryAddress: slot.primary });
    this.lan?.bind(slot.spec.name, inst);
    return inst;
  }

  slot(name: string): Slot {
    const s = this.slots.get(name);
    if (!s) throw new Error(`unknown instance ${name}`);
    return s;
  }

  targets(line: ScenarioLine): Slot[] {
    return line.instance ? [this.slot(str(line.instance))] : [...this.slots.values()];
  }

  fail(line: ScenarioLine, msg: string): void {
    this.failures.push(`at ${num(line.at, 0)} ms: ${msg}`);
  }

  /** Builds the packet a peer would send, as the real socket would deliver it. */
  peerPacket(s: Slot, line: ScenarioLine): { bytes: Uint8Array; meta: Record<string, unknown> } {
    const sp = s.spec;
    const from = str(line.from, '10.0.0.2');
    // A unicast instance hears adverts sent to its own address, a multicast one on the group.
    const group = sp.unicastPeers.length > 0 ? sp.unicastSrcIp ?? s.primary : sp.family === 4 ? '224.0.0.18' : 'ff02::12';
    const pw = typeof line.password === 'string' ? line.password : sp.auth.type === 'PASS' ? sp.auth.password : undefined;
    const vrrp = encodeAdvert(
      {
        version: (line.version as 2 | 3 | undefined) ?? sp.version,
        vrid: num(line.vrid, sp.vrid),
        priority: num(line.priority, 100),
        advertIntMs: num(line.advertIntMs, sp.advertIntMs),
        addrs: (line.addrs as string[] | undefined) ?? sp.vips.map((v) => v.address),
        family: sp.family,
        authType: num(line.authType, sp.auth.type === 'PASS' ? 1 : sp.auth.type === 'AH' ? 2 : 0),
        authData: pw ? passwordBytes(pw) : undefined,
      },
      {
        checksumMode: sp.version === 2 ? 'plain' : sp.family === 6 ? 'pseudo6' : 'pseudo4',
        src: parseAddress(from, sp.family),
        dst: parseAddress(group, sp.family),
      },
    );
    const ttl = num(line.ttl, 255);
    if (sp.family === 6) return { bytes: vrrp, meta: { srcAddress: from, ttl, dstAddress: group } };
    return { bytes: buildIpv4Frame(vrrp, { src: from, dst: group, id: 1, ttl }), meta: {} };
  }

  input(line: ScenarioLine): void {
    const op = str(line.do);
    for (const s of this.targets(line)) {
      const i = s.instance;
      if (op === 'start') i.start({ resumeMaster: line.resumeMaster === true, garp: line.garp !== false });
      else if (op === 'advert') {
        const p = this.peerPacket(s, line);
        s.lastReceive = deliver(i, p.bytes, p.meta);
      } else if (op === 'raw') {
        const meta = line.from ? { srcAddress: str(line.from), ttl: num(line.ttl, 255), dstAddress: str(line.dst, 'ff02::12') } : {};
        s.lastReceive = deliver(i, new Uint8Array(Buffer.from(str(line.hex), 'hex')), meta);
      }
      else if (op === 'link') i.linkChanged(line.up !== false);
      else if (op === 'track') i.setTracker(str(line.id, 'script'), trackerEffect(line.up !== false, num(line.weight, 0), line.reverse === true));
      else if (op === 'priority') i.setBasePriority(num(line.priority, 100));
      else if (op === 'shutdown') i.shutdown();
      else if (op === 'clearStats') i.clearStats();
      else this.lanInput(op, s, line);
    }
  }

  private lanInput(op: string, s: Slot, line: ScenarioLine): void {
    const name = s.spec.name;
    if (op === 'crash') {
      this.lan?.setLinked(name, false);
      s.instance.shutdown();
      this.lan?.bind(name, undefined);
    } else if (op === 'restart') {
      s.instance = this.build(s, this.lan?.join(name, s.primary));
      s.instance.start({ resumeMaster: line.resumeMaster === true });
    } else if (op === 'unplug' || op === 'plug') this.lan?.setLinked(name, op === 'plug');
    else this.fail(line, `unknown input ${op}`);
  }
}

function matches(rec: PortRecord, want: Record<string, unknown>): boolean {
  return Object.entries(want).every(([k, v]) => k === 'times' || JSON.stringify((rec as unknown as Record<string, unknown>)[k]) === JSON.stringify(v));
}

function checkOutputs(r: Runner, s: Slot, line: ScenarioLine): void {
  const want = ((line.outputs as Record<string, unknown>[] | undefined) ?? []).flatMap((w) =>
    new Array<Record<string, unknown>>(num(w.times, 1)).fill(w),
  );
  const got = s.records.slice(s.cursor).filter((x) => x.kind !== 'state');
  s.cursor = s.records.length;
  const show = (x: PortRecord): string => JSON.stringify({ ...x, atMs: undefined });
  if (got.length !== want.length || !want.every((w, k) => matches(got[k]!, w))) {
    r.fail(line, `${s.spec.name} outputs: want ${JSON.stringify(want)} got [${got.map(show).join(', ')}]`);
  }
}

function expectation(r: Runner, line: ScenarioLine): void {
  r.checks++;
  const what = str(line.expect);
  const masters = [...r.slots.values()].filter((s) => s.instance.state === 'MASTER').map((s) => s.spec.name);
  if (what === 'oneMaster') {
    if (masters.length !== 1) r.fail(line, `expected exactly one master, got [${masters.join(', ')}]`);
    return;
  }
  if (what === 'masters') {
    const want = JSON.stringify(line.masters);
    if (JSON.stringify(masters) !== want) r.fail(line, `masters ${JSON.stringify(masters)}, want ${want}`);
    return;
  }
  for (const s of r.targets(line)) {
    const i = s.instance;
    if (what === 'state') {
      if (i.state !== line.state) r.fail(line, `${s.spec.name} state ${i.state}, want ${str(line.state)}`);
      if (line.priority !== undefined && i.effectivePriority !== line.priority) {
        r.fail(line, `${s.spec.name} priority ${i.effectivePriority}, want ${num(line.priority, 0)}`);
      }
    } else if (what === 'outputs') checkOutputs(r, s, line);
    else if (what === 'count') {
      const n = s.records.filter((x) => x.kind === line.kind && (line.priority === undefined || x.priority === line.priority)).length;
      if (n !== line.count) r.fail(line, `${s.spec.name} ${str(line.kind)} count ${n}, want ${num(line.count, 0)}`);
    }
    else if (what === 'stats') {
      const stats = i.snapshot().stats as unknown as Record<string, number>;
      for (const [k, v] of Object.entries(line.stats as Record<string, number>)) {
        if (stats[k] !== v) r.fail(line, `${s.spec.name} stats.${k} = ${stats[k]}, want ${v}`);
      }
    } else if (what === 'receive') {
      const got = s.lastReceive;
      const gotText = got ? (got.accepted ? `accepted:${got.reason}` : `drop:${got.drop}`) : 'none';
      const wantText = line.drop ? `drop:${str(line.drop)}` : `accepted:${str(line.reason)}`;
      if (gotText !== wantText) r.fail(line, `${s.spec.name} receive ${gotText}, want ${wantText}`);
    } else r.fail(line, `unknown expectation ${what}`);
  }
}

/** Runs a parsed scenario to its end. Never throws on scenario content; problems are failures. */
export function runScenario(lines: ScenarioLine[]): ReplayResult {
  const [head, ...rest] = lines;
  const name = str(head?.scenario, 'unnamed');
  let r: Runner;
  try {
    r = new Runner(head ?? {});
  } catch (e) {
    return { name, failures: [`setup: ${(e as Error).message}`], records: {}, checks: 0 };
  }
  let last = 0;
  for (const line of rest) {
    const at = num(line.at, last);
    if (at < last) r.fail(line, `time goes backwards (${at} < ${last})`);
    last = Math.max(last, at);
    r.clock.advanceTo(last);
    try {
      if (line.do !== undefined) r.input(line);
      else if (line.expect !== undefined) expectation(r, line);
      else r.fail(line, 'line has neither "do" nor "expect"');
    } catch (e) {
      r.fail(line, (e as Error).message);
    }
  }
  const records = Object.fromEntries([...r.slots].map(([k, s]) => [k, s.records]));
  return { name, failures: r.failures, records, checks: r.checks };
}
