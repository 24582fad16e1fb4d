// VRRP keywords from config text to the running instance (pure core, manual clock): each case
// parses a keepalived.conf snippet, runs the instance it yields and checks what the keyword
// changes against the same config without it (the default).
import { describe, expect, it } from 'vitest';
import type { VrrpInstance } from '../../../../src/config/model.js';
import { wireSetup } from '../../../../src/vrrp/protocol/instance-setup.js';
import { runScenario, type ScenarioLine } from '../../../helpers/vrrp/replay.js';
import { parseText } from '../../config/mem-io.js';

/** The first instance of a config: `body` goes inside vrrp_instance, `globals` inside global_defs. */
function spec(body: string, globals = ''): VrrpInstance {
  const r = parseText(`global_defs {\n${globals}}\nvrrp_instance VI_1 {\n interface eth0\n virtual_ipaddress {\n 10.0.0.100/24\n }\n${body}}\n`);
  expect(r.config, JSON.stringify(r.diagnostics)).toBeDefined();
  return JSON.parse(JSON.stringify(r.config!.vrrpInstances[0]!)) as VrrpInstance;
}

const BASE = ' virtual_router_id 51\n priority 100\n';

function run(s: VrrpInstance, lines: ScenarioLine[]): string[] {
  return runScenario([{ scenario: 'keywords', instances: [{ ...s, primary: '10.0.0.1' }] }, { at: 0, do: 'start' }, ...lines]).failures;
}

/** The time (ms) the instance first becomes MASTER with no peer, rounded up to the next ms. */
function masterAt(s: VrrpInstance, limitMs = 20_000): number {
  const r = runScenario([{ scenario: 'alone', instances: [{ ...s, primary: '10.0.0.1' }] }, { at: 0, do: 'start' }, { at: limitMs, do: 'clearStats' }]);
  const rec = r.records.VI_1!.find((x) => x.kind === 'state' && (x as unknown as { to: string }).to === 'MASTER');
  return rec ? Math.ceil(rec.atMs) : -1;
}

describe('instance identity and timers', () => {
  it('state MASTER without priority is the address owner (255): MASTER at once; state BACKUP waits the down timer', () => {
    expect(masterAt(spec(' virtual_router_id 51\n state MASTER\n'))).toBe(0);
    expect(masterAt(spec(' virtual_router_id 51\n state BACKUP\n'))).toBeGreaterThan(3000);
  });

  it('priority and advert_int set the master-down interval (3 × advert_int + skew, RFC 3768 §6.1) and the advert', () => {
    // 3 × 2 s + (256 − 150) / 256 × 2 s
    const s = spec(' virtual_router_id 51\n priority 150\n advert_int 2\n');
    expect(masterAt(s)).toBe(6829);
    expect(run(s, [{ at: 6829 + 3 * 2000, expect: 'count', kind: 'advert', priority: 150, count: 4 }])).toEqual([]);
  });

  it('version 3 and vrrp_version 3 take centisecond intervals', () => {
    const v3 = masterAt(spec(' virtual_router_id 51\n priority 100\n version 3\n advert_int 0.5\n'));
    expect(v3).toBeGreaterThan(1500);
    expect(v3).toBeLessThan(2000);
    expect(masterAt(spec(' virtual_router_id 51\n priority 100\n advert_int 0.5\n', ' vrrp_version 3\n'))).toBe(v3);
  });

  it('virtual_router_id: adverts of another VRID are dropped', () => {
    const s = spec(' virtual_router_id 77\n priority 100\n');
    expect(run(s, [{ at: 10, do: 'advert', vrid: 51 }, { at: 10, expect: 'receive', drop: 'vridMismatch' }])).toEqual([]);
    expect(run(s, [{ at: 10, do: 'advert', vrid: 77, priority: 200 }, { at: 10, expect: 'receive', reason: 'advertAccepted' }])).toEqual([]);
  });

  it('down_timer_adverts and vrrp_down_timer_adverts set how many adverts may be missed', () => {
    expect(masterAt(spec(BASE))).toBe(3610);
    expect(masterAt(spec(`${BASE} down_timer_adverts 5\n`))).toBe(5610);
    expect(masterAt(spec(BASE, ' vrrp_down_timer_adverts 5\n'))).toBe(5610);
  });

  it('preempt_delay: a higher priority backup does not take over from a lower master until the delay has passed', () => {
    const adverts = Array.from({ length: 12 }, (_, k) => ({ at: 100 + k * 1000, do: 'advert', priority: 50 }));
    const hi = ' virtual_router_id 51\n priority 150\n';
    expect(run(spec(hi), [...adverts.slice(0, 5), { at: 4500, expect: 'state', state: 'MASTER' }])).toEqual([]);
    const delayed = spec(`${hi} preempt\n preempt_delay 8\n`);
    expect(run(delayed, [...adverts.slice(0, 5), { at: 4500, expect: 'state', state: 'BACKUP' }])).toEqual([]);
    expect(run(delayed, [...adverts, { at: 12_000, expect: 'state', state: 'MASTER' }])).toEqual([]);
  });

  it('unicast_fault_no_peer: unicast without peers is FAULT', () => {
    const body = `${BASE} unicast_src_ip 10.0.0.1\n`;
    expect(run(spec(`${body} unicast_fault_no_peer\n`), [{ at: 10, expect: 'state', state: 'FAULT' }])).toEqual([]);
    expect(run(spec(body), [{ at: 10, expect: 'state', state: 'BACKUP' }])).toEqual([]);
  });

  it('no_virtual_ipaddress: an instance without VIPs runs, adding and announcing no address', () => {
    // keepalived 2.2.7 does not know the keyword (exit 5); kad reads it.
    const r = parseText(`vrrp_instance VI_1 {\n interface eth0\n${BASE} no_virtual_ipaddress\n}\n`);
    expect(r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)).toEqual(['KAD_ERR_CONFIG_UNKNOWN_KEYWORD']);
    const s = JSON.parse(JSON.stringify(r.config!.vrrpInstances[0]!)) as VrrpInstance;
    const out = runScenario([{ scenario: 'no-vip', instances: [{ ...s, primary: '10.0.0.1' }] }, { at: 0, do: 'start' }, { at: 3610, expect: 'state', state: 'MASTER' }]);
    expect(out.failures).toEqual([]);
    const touched = out.records.VI_1!.filter((x) => x.kind === 'addVips' || x.kind === 'garp');
    expect(touched.length).toBeGreaterThan(0);
    expect(touched.flatMap((x) => (x as unknown as { vips: string[] }).vips)).toEqual([]);
  });
});

describe('gratuitous ARP keywords', () => {
  const garps = (s: VrrpInstance, at: number, count: number): string[] => run(s, [{ at, expect: 'count', kind: 'garp', count }]);

  it('garp_master_repeat and garp_master_delay (and the vrrp_ globals): a burst at takeover and one after the delay', () => {
    for (const s of [spec(`${BASE} garp_master_repeat 2\n garp_master_delay 3\n`), spec(BASE, ' vrrp_garp_master_repeat 2\n vrrp_garp_master_delay 3\n')]) {
      expect(garps(s, 3610, 2)).toEqual([]);
      expect(garps(s, 3610 + 2999, 2)).toEqual([]);
      expect(garps(s, 3610 + 3000, 4)).toEqual([]);
    }
    expect(garps(spec(BASE), 3610, 5)).toEqual([]);
  });

  it('garp_master_refresh and garp_master_refresh_repeat (and the vrrp_ globals): rounds every refresh interval', () => {
    const body = `${BASE} garp_master_repeat 1\n garp_master_delay 0\n`;
    for (const s of [spec(`${body} garp_master_refresh 10\n garp_master_refresh_repeat 3\n`), spec(body, ' vrrp_garp_master_refresh 10\n vrrp_garp_master_refresh_repeat 3\n')]) {
      expect(garps(s, 3610 + 9999, 1)).toEqual([]);
      expect(garps(s, 3610 + 10_000, 4)).toEqual([]);
      expect(garps(s, 3610 + 20_000, 7)).toEqual([]);
    }
    expect(garps(spec(body), 3610 + 20_000, 1)).toEqual([]);
  });

  it('garp_lower_prio_repeat and garp_lower_prio_delay: a master hearing a lower priority announces again', () => {
    const s = spec(`${BASE} garp_master_repeat 1\n garp_master_delay 0\n garp_lower_prio_repeat 2\n garp_lower_prio_delay 4\n`);
    const heard = [{ at: 4000, do: 'advert', priority: 50 }];
    expect(run(s, [...heard, { at: 4000, expect: 'count', kind: 'garp', count: 3 }, { at: 8000, expect: 'count', kind: 'garp', count: 5 }])).toEqual([]);
  });
});

describe('advert answering keywords', () => {
  const adverts = (s: VrrpInstance, peer: number): string[] =>
    run(s, [{ at: 3610, expect: 'state', state: 'MASTER' }, { at: 3700, do: 'advert', priority: peer }, { at: 3700, expect: 'count', kind: 'advert', count: 2 }]);

  it('lower_prio_no_advert and vrrp_lower_prio_no_advert: no advert in answer to a lower priority', () => {
    expect(adverts(spec(BASE), 50)).toEqual([]);
    expect(adverts(spec(`${BASE} lower_prio_no_advert\n`), 50)).not.toEqual([]);
    expect(run(spec(`${BASE} lower_prio_no_advert\n`), [{ at: 3700, do: 'advert', priority: 50 }, { at: 3700, expect: 'count', kind: 'advert', count: 1 }])).toEqual([]);
    expect(run(spec(BASE, ' vrrp_lower_prio_no_advert\n'), [{ at: 3700, do: 'advert', priority: 50 }, { at: 3700, expect: 'count', kind: 'advert', count: 1 }])).toEqual([]);
  });

  it('higher_prio_send_advert: one more advert before yielding to a higher priority', () => {
    const yieldTo = (s: VrrpInstance, count: number): string[] =>
      run(s, [{ at: 3700, do: 'advert', priority: 200 }, { at: 3700, expect: 'state', state: 'BACKUP' }, { at: 3700, expect: 'count', kind: 'advert', count }]);
    expect(yieldTo(spec(BASE), 1)).toEqual([]);
    expect(yieldTo(spec(`${BASE} higher_prio_send_advert\n`), 2)).toEqual([]);
  });

  it('strict_mode: a lower priority advert is discarded, as with vrrp_strict', () => {
    const s = spec(' virtual_router_id 51\n priority 100\n version 3\n strict_mode\n');
    expect(s.strict).toBe(true);
    expect(run(s, [{ at: 3700, do: 'advert', priority: 50 }, { at: 3700, expect: 'receive', reason: 'lowerPriorityDiscarded' }])).toEqual([]);
    expect(run(spec(`${BASE} version 3\n`), [{ at: 3700, do: 'advert', priority: 50 }, { at: 3700, expect: 'receive', reason: 'lowerPriorityAnswered' }])).toEqual([]);
  });

  it('vrrp_notify_priority_changes: priority changes are reported (the default of notify_priority_changes)', () => {
    const change = [{ at: 100, do: 'priority', priority: 90 }, { at: 100, expect: 'count', kind: 'priority' }];
    expect(run(spec(BASE, ' vrrp_notify_priority_changes\n'), [{ ...change[0]! }, { ...change[1]!, count: 1 }])).toEqual([]);
    expect(run(spec(BASE), [{ ...change[0]! }, { ...change[1]!, count: 0 }])).toEqual([]);
  });
});

describe('receive policy and addresses', () => {
  it('mcast_src_ip is the advert source; mcast_dst_ip the group adverts go to', () => {
    const s = spec(`${BASE} mcast_src_ip 10.0.0.9\n mcast_dst_ip 224.0.0.99\n`);
    expect([...wireSetup(s, '10.0.0.1').primaryBytes]).toEqual([10, 0, 0, 9]);
    expect(runScenario([{ scenario: 'dst', instances: [{ ...s, primary: '10.0.0.1' }] }, { at: 0, do: 'start' },
      { at: 3610, expect: 'outputs', outputs: [{ kind: 'removeVips' }, { kind: 'notify' }, { kind: 'advert', dest: '224.0.0.99' }, { kind: 'addVips' }, { kind: 'garp', times: 5 }, { kind: 'notify', state: 'MASTER' }] }]).failures).toEqual([]);
  });

  it('vrrp_skip_check_adv_addr: an advert with other addresses is accepted', () => {
    const other = [{ at: 10, do: 'advert', priority: 200, addrs: ['10.0.0.77'] }];
    expect(run(spec(BASE), [...other, { at: 10, expect: 'receive', drop: 'addressListMismatch' }])).toEqual([]);
    expect(run(spec(BASE, ' vrrp_skip_check_adv_addr\n'), [...other, { at: 10, expect: 'receive', reason: 'advertAccepted' }])).toEqual([]);
  });

  it('vrrp_check_unicast_src: an advert from an address that is no peer is dropped', () => {
    const body = `${BASE} unicast_src_ip 10.0.0.1\n unicast_peer {\n 10.0.0.2\n }\n`;
    const stranger = [{ at: 10, do: 'advert', from: '10.0.0.3', priority: 200 }];
    expect(run(spec(body, ' vrrp_check_unicast_src\n'), [...stranger, { at: 10, expect: 'receive', drop: 'unicastSourceUnknown' }])).toEqual([]);
    expect(run(spec(body), [...stranger, { at: 10, expect: 'receive', reason: 'advertAccepted' }])).toEqual([]);
  });
});
