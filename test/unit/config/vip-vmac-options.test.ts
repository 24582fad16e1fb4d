// VIP and VMAC options as keepalived 2.2.7's `-t` reads them (measured): preferred_lft N|forever
// (anything else is an error), valid_lft unknown (the word and its value), use_vmac [NAME] [MAC]
// with a 5-octet MAC completed by the VRID, use_vmac_addr read, use_ipvlan [NAME] [ADDRESS] [bridge|private|vepa] in any order.
import { describe, expect, it } from 'vitest';
import { codes, parseText } from './mem-io.js';

const instance = (lines: string, vips = '10.0.0.100/24'): string => `vrrp_instance VI_1 {
  interface eth0
  virtual_router_id 51
  ${lines}
  virtual_ipaddress {
    ${vips}
  }
}`;

describe('virtual_ipaddress lifetimes', () => {
  it('reads preferred_lft seconds and forever', () => {
    const r = parseText(instance('', '10.0.0.1/24 preferred_lft 30\n    10.0.0.2/24 preferred_lft forever'));
    expect(r.exitCode).toBe(0);
    expect(r.config!.vrrpInstances[0]!.vips.map((v) => v.preferredLft)).toEqual([30, 'forever']);
  });
  it('reports an invalid preferred_lft at its line', () => {
    const r = parseText(instance('', '10.0.0.1/24 preferred_lft bogus\n    10.0.0.2/24 preferred_lft 5000000000'));
    expect(r.diagnostics.filter((d) => d.code === 'KAD_ERR_CONFIG_INVALID_VALUE').map((d) => d.line)).toEqual([6, 7]);
  });
  it('valid_lft is unknown, as in keepalived (the word and its value)', () => {
    const r = parseText(instance('', '10.0.0.1/24 valid_lft 100'));
    expect(r.diagnostics.filter((d) => d.code === 'KAD_ERR_CONFIG_INVALID_VALUE').map((d) => d.message)).toEqual([
      "unknown address option 'valid_lft'", "unknown address option '100'",
    ]);
  });
  it('no_track is kept on the model', () => {
    expect(parseText(instance('', '10.0.0.1/24 no_track')).config!.vrrpInstances[0]!.vips[0]!.noTrack).toBe(true);
  });
});

describe('use_vmac', () => {
  it('defaults: no name, no MAC, xmit from the macvlan', () => {
    const v = parseText(instance('use_vmac')).config!.vrrpInstances[0]!;
    expect(v).toMatchObject({ useVmac: true, vmacXmitBase: false });
    expect(v.vmacName).toBeUndefined();
    expect(v.vmacMac).toBeUndefined();
  });
  it('reads a name, a MAC (5 octets: the VRID is the sixth) and vmac_xmit_base', () => {
    const v = parseText(instance('use_vmac vmx51 02:00:5E:00:01\n  vmac_xmit_base')).config!.vrrpInstances[0]!;
    expect(v).toMatchObject({ vmacName: 'vmx51', vmacMac: '02:00:5e:00:01:33', vmacXmitBase: true });
  });
  it('refuses a name longer than an interface name', () => {
    expect(codes(parseText(instance('use_vmac a-much-too-long-name')))).toContain('KAD_ERR_CONFIG_INVALID_VALUE');
  });
  it('use_vmac_addr is kept on the model', () => {
    const r = parseText(instance('use_vmac_addr'));
    expect(r.exitCode).toBe(0);
    expect(r.config!.vrrpInstances[0]!.useVmacAddr).toBe(true);
  });
});

describe('use_ipvlan', () => {
  const ipvlanOf = (line: string): unknown => parseText(instance(line)).config!.vrrpInstances[0]!.ipvlan;

  it('defaults: named vrrp.VRID, bridge; its address becomes the adverts\' source', () => {
    const r = parseText(instance('use_ipvlan 10.0.0.5/24'));
    expect(r.exitCode).toBe(0);
    expect(r.diagnostics).toEqual([]);
    expect(r.config!.vrrpInstances[0]).toMatchObject({ ipvlan: { name: 'vrrp.51', mode: 'bridge', address: { address: '10.0.0.5', prefixLen: 24, family: 4 } }, mcastSrcIp: '10.0.0.5', useVmac: false });
  });
  it('takes its words in any order; mcast_src_ip stays the source', () => {
    expect(ipvlanOf('use_ipvlan private 10.0.0.5 ipv51')).toEqual({ name: 'ipv51', mode: 'private', address: { address: '10.0.0.5', prefixLen: 32, family: 4 } });
    expect(ipvlanOf('use_ipvlan ipv51 10.0.0.5/24 vepa')).toMatchObject({ mode: 'vepa' });
    expect(parseText(instance('mcast_src_ip 10.0.0.9\n  use_ipvlan 10.0.0.5/24')).config!.vrrpInstances[0]!.mcastSrcIp).toBe('10.0.0.9');
  });
  it('an IPv6 instance needs no address', () => {
    const r = parseText(instance('use_ipvlan', 'fd00::100/64'));
    expect(r.exitCode).toBe(0);
    expect(r.config!.vrrpInstances[0]!.ipvlan).toEqual({ name: 'vrrp.51', mode: 'bridge' });
  });
  it('second words of a kind and a second use_ipvlan are config errors, as in keepalived 2.2.7 (exit 5)', () => {
    const r = parseText(instance('use_ipvlan foo bar bridge vepa 10.0.0.5/24 10.0.0.6/24\n  use_ipvlan x'));
    expect(r.exitCode).not.toBe(0);
    expect(r.diagnostics.map((d) => [d.line, d.message])).toEqual([
      [4, "(VI_1) IPVLAN interface already specified - ignoring 'bar'"],
      [4, "(VI_1) ipvlan type already specified - ignoring 'vepa'"],
      [4, "(VI_1) ipvlan address already specified - ignoring '10.0.0.6/24'"],
      [5, '(VI_1) use_ipvlan already specified'],
    ]);
    expect(r.config!.vrrpInstances[0]!.ipvlan).toEqual({ name: 'foo', mode: 'bridge', address: { address: '10.0.0.5', prefixLen: 24, family: 4 } });
  });
  it('an IPv4 instance without an address (or with one of the other family, dropped): a config error', () => {
    for (const line of ['use_ipvlan', 'use_ipvlan fd00::5']) {
      const r = parseText(instance(line));
      expect(r.exitCode, line).not.toBe(0);
      expect(r.diagnostics.at(-1)!.message).toBe('(VI_1) IPv4 ipvlan requires a source ip address to be configured; the instance is not started');
      expect(r.config!.vrrpInstances[0]!.ipvlan, line).toEqual({ name: 'vrrp.51', mode: 'bridge' });
    }
  });
  it('with use_vmac the macvlan wins: a warning, exit code unchanged', () => {
    const r = parseText(instance('use_vmac\n  use_ipvlan 10.0.0.5/24'));
    expect(r.exitCode).toBe(0);
    expect(r.diagnostics.map((d) => [d.line, d.code])).toEqual([[5, 'KAD_WARN_CONFIG_IGNORED']]);
    expect(r.config!.vrrpInstances[0]).toMatchObject({ useVmac: true });
    expect(r.config!.vrrpInstances[0]!.ipvlan).toBeUndefined();
  });
});
