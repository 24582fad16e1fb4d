// vrrp_strict / strict_mode: what each rule hands the runtime (the model), next to the exit code
// keepalived 2.2.7 gives for the same input (recorded live in keepalived-exit.json; the probes are
// test/fixtures/config/cases/strict-*.conf).
import { describe, expect, it } from 'vitest';
import type { VrrpInstance } from '../../../src/config/model.js';
import { parseText, TEST_ENV } from './mem-io.js';

/** One instance under `vrrp_strict` with `body` lines and `globals` in global_defs. */
function strict(body: string, globals = '', vips = '10.0.0.100/24'): { exit: number; v: VrrpInstance; codes: string[] } {
  const r = parseText(`global_defs {\n vrrp_strict\n${globals}\n}\nvrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n${body}\n virtual_ipaddress {\n${vips}\n }\n}\n`);
  return { exit: r.exitCode, v: r.config!.vrrpInstances[0]!, codes: r.diagnostics.map((d) => d.code) };
}

describe('vrrp_strict model', () => {
  it('pins the runtime values even when nothing is set: no accept, no GARP repeats, silent on lower priority', () => {
    const { exit, v } = strict(' priority 100', ' vrrp_garp_lower_prio_repeat 3\n vrrp_garp_lower_prio_delay 5\n vrrp_higher_prio_send_advert\n vrrp_lower_prio_no_advert false');
    expect(exit).toBe(0);
    expect(v).toMatchObject({
      strict: true, accept: false, garpLowerPrioRepeat: 0, garpLowerPrioDelayMs: 0, lowerPrioNoAdvert: true,
      higherPrioSendAdvert: false, downTimerAdverts: 3, preemptDelayMs: 0, auth: { type: 'none' },
    });
  });

  const resets: [string, string, Partial<VrrpInstance>][] = [
    ['garp_lower_prio_repeat', ' garp_lower_prio_repeat 3', { garpLowerPrioRepeat: 0 }],
    ['garp_lower_prio_delay', ' garp_lower_prio_delay 5', { garpLowerPrioDelayMs: 0 }],
    ['lower_prio_no_advert off', ' lower_prio_no_advert false', { lowerPrioNoAdvert: true }],
    ['higher_prio_send_advert', ' higher_prio_send_advert', { higherPrioSendAdvert: false }],
    ['preempt_delay', ' preempt_delay 10', { preemptDelayMs: 0, preempt: true }],
    ['down_timer_adverts', ' down_timer_adverts 5', { downTimerAdverts: 3 }],
    ['authentication', ' authentication {\n auth_type PASS\n auth_pass secret\n }', { auth: { type: 'none' } }],
    ['accept under VRRPv2', ' accept', { accept: false }],
    ['use_vmac with a MAC', ' use_vmac vrrp.51 02:00:5e:00:01:33', { useVmac: true }],
    ['vmac_xmit_base', ' use_vmac\n vmac_xmit_base', { useVmac: true }],
  ];
  for (const [what, line, model] of resets) {
    it(`${what}: a config error (keepalived exit 5), value reset`, () => {
      const { exit, v, codes } = strict(` priority 100\n${line}`);
      expect(exit).toBe(5);
      expect(codes).toContain('KAD_ERR_CONFIG_INCONSISTENT');
      expect(v).toMatchObject(model);
    });
  }

  it('state follows ownership: BACKUP at 255 starts MASTER, MASTER below 255 starts BACKUP', () => {
    expect(strict(' state BACKUP\n priority 255')).toMatchObject({ exit: 5, v: { initialState: 'MASTER' } });
    expect(strict(' state MASTER\n priority 100')).toMatchObject({ exit: 5, v: { initialState: 'BACKUP' } });
    expect(strict(' state MASTER')).toMatchObject({ exit: 0, v: { initialState: 'MASTER', priority: 255 } });
    expect(strict(' priority 255')).toMatchObject({ exit: 0, v: { initialState: 'MASTER' } });
  });

  it('accept is allowed for VRRPv3 and for the owner; the owner keeps preempting', () => {
    expect(strict(' priority 100\n accept', ' vrrp_version 3')).toMatchObject({ exit: 0, v: { accept: true } });
    expect(strict(' priority 255\n accept')).toMatchObject({ exit: 0, v: { accept: true } });
    expect(strict(' priority 255\n nopreempt')).toMatchObject({ exit: 5, v: { preempt: true } });
  });

  it('IPv6: version 2 becomes 3, and the first VIP must be link-local', () => {
    expect(strict(' priority 100\n version 2', '', 'fe80::100\n2001:db8::100/64')).toMatchObject({ exit: 5, v: { version: 3 } });
    expect(strict(' priority 100', '', 'fe80::100\n2001:db8::100/64').exit).toBe(0);
    expect(strict(' priority 100', '', '2001:db8::100/64').exit).toBe(5);
  });

  it('no VIP is an error; unicast peers are accepted (keepalived 2.2.7 lets them through)', () => {
    const r = parseText('global_defs {\n vrrp_strict\n}\nvrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n priority 100\n}\n');
    expect(r.exitCode).toBe(5);
    expect(strict(' priority 100\n unicast_src_ip 10.0.0.1\n unicast_peer {\n 10.0.0.2\n }')).toMatchObject({ exit: 0 });
  });

  it('strict_mode on the instance alone applies, strict_mode off exempts it from the global', () => {
    const on = parseText('vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n priority 100\n strict_mode\n garp_lower_prio_repeat 2\n virtual_ipaddress {\n 10.0.0.1\n }\n}\n');
    expect(on.exitCode).toBe(5);
    expect(on.config!.vrrpInstances[0]).toMatchObject({ strict: true, garpLowerPrioRepeat: 0 });
    const off = strict(' priority 100\n strict_mode off\n garp_lower_prio_repeat 2\n authentication {\n auth_type PASS\n auth_pass secret\n }');
    expect(off).toMatchObject({ exit: 0, v: { strict: false, garpLowerPrioRepeat: 2, auth: { type: 'PASS' } } });
  });
});

describe('rules that hold with or without vrrp_strict', () => {
  it('VIPs beyond one advert move to the excluded list (255 IPv4 on MTU 1500, 89 IPv6)', () => {
    const v4 = Array.from({ length: 256 }, (_, i) => `10.1.${i >> 8}.${i & 255}`).join('\n');
    const r4 = strict(' priority 100', '', v4);
    expect(r4.exit).toBe(5);
    expect([r4.v.vips.length, r4.v.excludedVips.length]).toEqual([255, 1]);
    const v6 = ['fe80::1', ...Array.from({ length: 89 }, (_, i) => `2001:db8::${(i + 1).toString(16)}`)].join('\n');
    const r6 = strict(' priority 100', '', v6);
    expect([r6.exit, r6.v.vips.length, r6.v.excludedVips.length]).toEqual([5, 89, 1]);
  });

  it('the MTU of the interface bounds the VIP count', () => {
    const env = { ...TEST_ENV, interfaceMtu: () => 90 };
    const r = parseText('vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n virtual_ipaddress {\n 10.0.0.1\n 10.0.0.2\n 10.0.0.3\n 10.0.0.4\n 10.0.0.5\n 10.0.0.6\n 10.0.0.7\n 10.0.0.8\n 10.0.0.9\n 10.0.0.10\n 10.0.0.11\n 10.0.0.12\n }\n}\n', {}, {}, env);
    expect(r.exitCode).toBe(5);
    expect(r.config!.vrrpInstances[0]!.vips).toHaveLength(10);
  });

  it('VRRPv3 advert_int: 10 ms units, at most 40.95 s', () => {
    expect(strict(' priority 100\n advert_int 1.234', ' vrrp_version 3')).toMatchObject({ exit: 5, v: { advertIntMs: 1230 } });
    expect(strict(' priority 100\n advert_int 41', ' vrrp_version 3')).toMatchObject({ exit: 5, v: { advertIntMs: 40950 } });
    expect(strict(' priority 100\n advert_int 0.5', ' vrrp_version 3')).toMatchObject({ exit: 0, v: { advertIntMs: 500 } });
  });

  it('unicast_src_ip or unicast_ttl without peers is an error', () => {
    expect(strict(' priority 100\n unicast_src_ip 10.0.0.1').codes).toContain('KAD_ERR_CONFIG_UNICAST_NO_PEERS');
    expect(strict(' priority 100\n unicast_ttl 10').codes).toContain('KAD_ERR_CONFIG_UNICAST_NO_PEERS');
  });
});
