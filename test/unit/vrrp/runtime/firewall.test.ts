// The firewall adapter against a recording nft port: install once (atomic replace), drop before
// the VIPs come, lift only after they went, a failed batch is counted and logged and makes the
// next one a full replace, stop removes the tables, and no instance needing drops means no nft.
import { describe, expect, it } from 'vitest';
import type { VrrpInstance } from '../../../../src/config/model.js';
import { ManualClock } from '../../../../src/core/clock.js';
import { memoryLogger } from '../../../../src/core/log.js';
import type { NftPort, NftResult } from '../../../../src/net/nftables.js';
import { RETRY_MS, VipFirewall } from '../../../../src/vrrp/runtime/firewall.js';
import { defaultSpec } from '../../../helpers/vrrp/spec-defaults.js';
import { config } from '../../../fixtures/check/model.js';

class RecordingPort implements NftPort {
  readonly via = 'nft';
  readonly installed = new Set<string>();
  readonly scripts: string[] = [];
  failNext = false;

  run(script: string): NftResult {
    this.scripts.push(script);
    if (!this.failNext) return { ok: true, output: '' };
    this.failNext = false;
    return { ok: false, error: 'Error: Could not process rule: No such file or directory' };
  }
}

function setup(specs: VrrpInstance[], port = new RecordingPort(), opened?: NftPort) {
  const { log, records } = memoryLogger();
  const clock = new ManualClock();
  const fw = new VipFirewall({
    config: config([], { vrrpInstances: specs }), clock, log,
    open: () => port, opened: () => opened, devOf: (s, a) => a.dev ?? s.interface ?? 'eth0',
  });
  return { fw, port, records, clock };
}

const a = defaultSpec({ name: 'VI_A', accept: false, vips: ['10.0.0.1'] });
const b = defaultSpec({ name: 'VI_B', accept: false, vips: ['10.0.0.2'] });
const owner = defaultSpec({ name: 'VI_O', accept: false, priority: 255, vips: ['10.0.0.3'] });

describe('VipFirewall', () => {
  it('installs one atomic replace at start, with the resumed masters in the set', () => {
    const { fw, port } = setup([a, b]);
    fw.start([a]);
    expect(port.scripts).toHaveLength(1);
    expect(port.scripts[0]).toMatch(/^add table ip keepalived\ndelete table ip keepalived\nadd table ip keepalived\n/);
    expect(port.scripts[0]).toContain('add set ip keepalived vips { type ipv4_addr; elements = { 10.0.0.1 }; }');
    expect(port.installed).toEqual(new Set(['keepalived']));
  });

  it('raise adds at once; lower removes only at the next apply', () => {
    const { fw, port } = setup([a, b]);
    fw.start([]);
    fw.raise(a);
    expect(port.scripts[1]).toBe('add element ip keepalived vips { 10.0.0.1 }\n');
    fw.lower(a);
    fw.raise(b); // another instance's raise must not lift a's drop early
    expect(port.scripts[2]).toBe('add element ip keepalived vips { 10.0.0.2 }\n');
    fw.apply();
    expect(port.scripts[3]).toBe('delete element ip keepalived vips { 10.0.0.1 }\n');
    fw.apply();
    expect(port.scripts).toHaveLength(4); // nothing to change, nothing run
  });

  it('ignores the owner and accept-mode instances', () => {
    const { fw, port } = setup([a, owner]);
    fw.start([]);
    fw.raise(owner);
    expect(port.scripts).toHaveLength(1);
  });

  it('a failed batch is counted, logged with its code, and the next one replaces the table', () => {
    const { fw, port, records } = setup([a, b]);
    fw.start([]);
    port.failNext = true;
    fw.raise(a);
    expect(fw.failures).toBe(1);
    expect(records.find((r) => r.code === 'KAD_ERR_VRRP_FIREWALL')?.err).toContain('Could not process rule');
    fw.raise(b);
    expect(port.scripts[2]).toContain('delete table ip keepalived');
    expect(port.scripts[2]).toContain('elements = { 10.0.0.1, 10.0.0.2 }');
  });

  it('a failed batch is retried as a full replace after RETRY_MS, once, until it succeeds', () => {
    const { fw, port, clock } = setup([a]);
    fw.start([]);
    port.failNext = true;
    fw.raise(a);
    expect(port.scripts).toHaveLength(2);
    clock.advance(RETRY_MS - 1);
    expect(port.scripts).toHaveLength(2);
    clock.advance(1);
    expect(port.scripts).toHaveLength(3);
    expect(port.scripts[2]).toContain('delete table ip keepalived');
    expect(port.scripts[2]).toContain('elements = { 10.0.0.1 }');
    clock.advance(RETRY_MS * 3);
    expect(port.scripts).toHaveLength(3);
  });

  it('stop removes the tables; nothing applies after', () => {
    const { fw, port } = setup([a]);
    fw.start([]);
    fw.raise(a);
    fw.stop();
    expect(port.scripts[2]).toBe('add table ip keepalived\ndelete table ip keepalived\nadd table ip6 keepalived\ndelete table ip6 keepalived\n');
    expect(port.installed.size).toBe(0);
    fw.apply();
    expect(port.scripts).toHaveLength(3);
  });

  it('a reload that renames the table removes the old one first', () => {
    const port = new RecordingPort();
    port.installed.add('old_name');
    const { log } = memoryLogger();
    const fw = new VipFirewall({
      config: config([], { vrrpInstances: [a], global: { ...config([]).global, nftables: { table: 'new_name', priority: -1, counters: false, ifindex: false } } }),
      clock: new ManualClock(), log, open: () => port, opened: () => port, devOf: () => 'eth0',
    });
    fw.start([]);
    expect(port.scripts[0]).toBe('add table ip old_name\ndelete table ip old_name\nadd table ip6 old_name\ndelete table ip6 old_name\n');
    expect(port.scripts[1]).toContain('add table ip new_name');
    expect(port.installed).toEqual(new Set(['new_name']));
  });

  it('without firewalled instances: no nft at all, but tables an earlier runtime of the process left are removed', () => {
    const fresh = setup([owner]);
    fresh.fw.start([]);
    expect(fresh.fw.active).toBe(false);
    expect(fresh.port.scripts).toHaveLength(0);
    const earlier = new RecordingPort();
    earlier.installed.add('keepalived');
    const reloaded = setup([owner], new RecordingPort(), earlier);
    reloaded.fw.start([]);
    expect(earlier.scripts).toEqual(['add table ip keepalived\ndelete table ip keepalived\nadd table ip6 keepalived\ndelete table ip6 keepalived\n']);
    expect(earlier.installed.size).toBe(0);
  });
});
