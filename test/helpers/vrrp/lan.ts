/**
 * An in-memory LAN (pure): links VRRP instances so that what one sends the others receive, through
 * the same `InstancePorts` a real socket would implement, with delivery scheduled on the shared
 * clock. Used by the replay runner and the convergence tests; nodes can be cut off (cable pulled)
 * or crashed (stop without a goodbye).
 */
import type { Clock } from '../../../src/core/clock.js';
import type { IpAddress } from '../../../src/config/model.js';
import type { NotifyState, StepReason, VrrpState } from '../../../src/vrrp/protocol/fsm.js';
import type { InstancePorts, ReceiveOutcome } from '../../../src/vrrp/protocol/instance-types.js';
import { decodeReceived, type ReceiveMeta } from '../../../src/vrrp/protocol/receive.js';
import type { Instance } from '../../../src/vrrp/protocol/instance.js';
import { decodeAdvert } from '../../../src/vrrp/protocol/packet.js';
import { parseIpv4Frame } from '../../../src/vrrp/protocol/frame.js';

/** One thing an instance did, as recorded at its ports. */
export interface PortRecord {
  atMs: number;
  kind: 'advert' | 'addVips' | 'removeVips' | 'garp' | 'notify' | 'priority' | 'state' | 'rxLower';
  master?: boolean;
  priority?: number;
  dest?: string;
  state?: NotifyState;
  from?: VrrpState;
  to?: VrrpState;
  reason?: StepReason;
  vips?: string[];
}

/** Priority carried by an advert packet (IPv4 frame or bare VRRP message). */
export function advertPriority(bytes: Uint8Array): number | undefined {
  const f = parseIpv4Frame(bytes);
  const payload = f.ok ? f.payload : bytes;
  const d = decodeAdvert(payload, { family: f.ok ? 4 : 6 });
  if (d.ok) return d.advert.priority;
  return payload.length >= 3 ? payload[2] : undefined;
}

/** Ports that record every call, and forward adverts to a sink. */
export function recordingPorts(
  clock: Clock,
  records: PortRecord[],
  onAdvert?: (bytes: Uint8Array, dest: string) => void,
): InstancePorts {
  const vipList = (v: readonly IpAddress[]): string[] => v.map((x) => x.address);
  const at = (): number => clock.nowMs();
  return {
    sendAdvert(bytes, dest) {
      records.push({ atMs: at(), kind: 'advert', priority: advertPriority(bytes), dest });
      onAdvert?.(bytes, dest);
    },
    addVips: (v) => void records.push({ atMs: at(), kind: 'addVips', vips: vipList(v) }),
    removeVips: (v) => void records.push({ atMs: at(), kind: 'removeVips', vips: vipList(v) }),
    sendGratuitous: (v) => void records.push({ atMs: at(), kind: 'garp', vips: vipList(v) }),
    notify: (state, priority) => void records.push({ atMs: at(), kind: 'notify', state, priority }),
    notifyPriority: (master, priority) => void records.push({ atMs: at(), kind: 'priority', master, priority }),
    notifyRxLowerPriority: (priority) => void records.push({ atMs: at(), kind: 'rxLower', priority }),
    stateChanged: (from, to, reason) => void records.push({ atMs: at(), kind: 'state', from, to, reason }),
  };
}

interface Node {
  instance: Instance | undefined;
  address: string;
  linked: boolean;
}

/** A shared segment: every advert a node sends reaches every other linked node after `delayMs`. */
export class MemoryLan {
  private readonly nodes = new Map<string, Node>();

  constructor(
    private readonly clock: Clock,
    private readonly delayMs = 0.1,
  ) {}

  /** Registers a node by name and source address; returns the advert sink for its ports. */
  join(name: string, address: string): (bytes: Uint8Array, dest: string) => void {
    this.nodes.set(name, { instance: undefined, address, linked: true });
    return (bytes, dest) => this.deliver(name, bytes, dest);
  }

  /** Binds the instance that receives for `name` (after construction). */
  bind(name: string, instance: Instance | undefined): void {
    const n = this.nodes.get(name);
    if (n) n.instance = instance;
  }

  /** Pulls (false) or plugs back (true) a node's cable. */
  setLinked(name: string, linked: boolean): void {
    const n = this.nodes.get(name);
    if (n) n.linked = linked;
  }

  private deliver(fromName: string, bytes: Uint8Array, dest: string): void {
    const from = this.nodes.get(fromName);
    if (!from?.linked) return;
    const copy = Uint8Array.from(bytes);
    for (const [name, n] of this.nodes) {
      if (name === fromName) continue;
      this.clock.setTimer(this.delayMs, () => {
        if (n.linked && from.linked && n.instance) {
          deliver(n.instance, copy, { srcAddress: from.address, dstAddress: dest, ttl: 255 });
        }
      });
    }
  }
}

/** Decodes `bytes` as a socket would deliver them and hands them to `inst` (IPv4: the whole IP packet). */
export function deliver(inst: Instance, bytes: Uint8Array, meta: ReceiveMeta = {}): ReceiveOutcome {
  return inst.receive(decodeReceived(bytes, meta, inst.spec.family));
}
