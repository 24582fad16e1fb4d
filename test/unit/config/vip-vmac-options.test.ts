// VIP and VMAC options as keepalived 2.2.7's `-t` reads them (measured): preferred_lft N|forever
// (anything else is an error), valid_lft unknown (the word and its value), use_vmac [NAME] [MAC]
// with a 5-octet MAC completed by the VRID, use_vmac_addr read, use_ipvlan reported unsupported.
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
  it('use_vmac_addr is kept on the model; use_ipvlan: a warning at its line, exit code unchanged', () => {
    const r = parseText(instance('use_vmac_addr\n  use_ipvlan'));
    expect(r.exitCode).toBe(0);
    expect(r.config!.vrrpInstances[0]!.useVmacAddr).toBe(true);
    expect(r.diagnostics.filter((d) => d.code === 'KAD_WARN_CONFIG_IGNORED').map((d) => [d.line, /not supported/.test(d.message)])).toEqual([[5, true]]);
  });
});
