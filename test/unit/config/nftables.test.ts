// The firewall keywords of global_defs reach the model: nftables [TABLE], nftables_priority,
// nftables_counters, nftables_ifindex; vrrp_iptables / vrrp_ipsets map to nftables with a
// warning and keepalived's `-t` exit 5 (Debian's keepalived 2.2.7, built without iptables).
import { describe, expect, it } from 'vitest';
import { codes, parseText } from './mem-io.js';

const VI = 'vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 7\n no_accept\n virtual_ipaddress {\n 10.0.0.1\n }\n}\n';

describe('nftables keywords', () => {
  it('no keyword: no options in the model (the firewall uses the defaults)', () => {
    const r = parseText(VI);
    expect(r.exitCode).toBe(0);
    expect(r.config?.global.nftables).toBeUndefined();
    expect(r.config?.vrrpInstances[0]?.accept).toBe(false);
  });

  it('reads the table name, priority, counters and ifindex', () => {
    const r = parseText(`global_defs {\n nftables kad_fw\n nftables_priority -5\n nftables_counters\n nftables_ifindex\n}\n${VI}`);
    expect(codes(r)).toEqual([]);
    expect(r.config?.global.nftables).toEqual({ table: 'kad_fw', priority: -5, counters: true, ifindex: true });
    expect(r.config?.global.passthrough).toEqual({});
  });

  it('nftables without a name keeps the default table', () => {
    const r = parseText(`global_defs {\n nftables\n}\n${VI}`);
    expect(r.config?.global.nftables).toEqual({ table: 'keepalived', priority: -1, counters: false, ifindex: false });
  });

  it('refuses a table name that is not an nft identifier', () => {
    const r = parseText(`global_defs {\n nftables "a b;flush ruleset"\n}\n${VI}`);
    expect(codes(r)).toEqual(['KAD_ERR_CONFIG_INVALID_VALUE']);
    expect(r.config?.global.nftables?.table).toBe('keepalived');
  });

  it('vrrp_iptables warns and uses nftables, vrrp_ipsets is unknown (keepalived 2.2.7 with nftables); exit 5 like keepalived', () => {
    const r = parseText(`global_defs {\n nftables kad\n vrrp_iptables\n vrrp_ipsets keepalived\n}\n${VI}`);
    // Both change nothing in kad: the firewall is nftables only (KAD_WARN_UNSUPPORTED).
    expect(codes(r)).toEqual(['KAD_WARN_UNSUPPORTED', 'KAD_WARN_CONFIG_IPTABLES', 'KAD_ERR_CONFIG_UNKNOWN_KEYWORD', 'KAD_WARN_UNSUPPORTED']);
    expect(r.diagnostics[1]).toMatchObject({ line: 3, severity: 'warning' });
    expect(r.diagnostics[1]?.message).toContain("using nftables table 'kad'");
    expect(r.exitCode).toBe(5);
    expect(r.config?.global.nftables?.table).toBe('kad');
  });
});
