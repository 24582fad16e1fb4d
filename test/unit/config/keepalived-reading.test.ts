// Reading configs the way keepalived 2.2.7 reads them (each rule measured live; the exit codes
// of the cases/*.conf probes are in keepalived-exit.json): what kad's model and diagnostics
// say for the inputs where keepalived does something unexpected.
import { describe, expect, it } from 'vitest';
import { codes, parseText, TEST_ENV, VRRP } from './mem-io.js';

const VS = (head: string, extra = ''): string => `virtual_server ${head} {
    lb_algo rr
    lb_kind NAT
    protocol TCP
${extra}
    real_server 10.0.1.1 80 {
        TCP_CHECK {
        }
    }
}
`;

describe('keepalived 2.2.7 reading rules', () => {
  it('stops with exit 2 on a keyword that must have a value, naming file:line', () => {
    const r = parseText(VRRP.replace('state BACKUP', 'state'));
    expect(r.exitCode).toBe(2);
    expect(r.config).toBeUndefined();
    expect(r.diagnostics[0]).toMatchObject({ code: 'KAD_ERR_CONFIG_NO_VALUE', file: '/etc/kad/main.conf', line: 2, col: 5 });
    expect(r.diagnostics[0]!.message).toContain('exits 2 without starting');
    const jinja = parseText(VRRP.replace('interface eth0', 'interface {{ iface }}'));
    expect(jinja.exitCode).toBe(2);
    expect(jinja.diagnostics.find((d) => d.code === 'KAD_ERR_CONFIG_NO_VALUE')!.message).toContain('{{ var }}');
    // A keyword keepalived checks itself stays class 5.
    expect(parseText('global_defs {\n  router_id\n}\n' + VRRP).exitCode).toBe(5);
  });

  it('drops a prefix from unicast addresses, warns, and keeps the peers', () => {
    const r = parseText(VRRP.replace('advert_int 1', 'unicast_src_ip 10.0.0.1/24\nunicast_peer {\n10.0.0.2/24\n10.0.0.3\n}'));
    expect(r.exitCode).toBe(0);
    expect(codes(r)).toEqual(['KAD_WARN_CONFIG_ADDRESS_SUFFIX', 'KAD_WARN_CONFIG_ADDRESS_SUFFIX']);
    const vi = r.config!.vrrpInstances[0]!;
    expect(vi.unicastSrcIp).toBe('10.0.0.1');
    expect(vi.unicastPeers.map((p) => p.address)).toEqual(['10.0.0.2', '10.0.0.3']);
  });

  it('resolves an smtp_server host name once the file is read', () => {
    const g = (host: string): string => `global_defs {\n  notification_email {\n    root@localhost\n  }\n  smtp_server ${host}\n}\n` + VRRP;
    const env = { ...TEST_ENV, resolveHost: (n: string) => (n === 'localhost' ? '127.0.0.1' : undefined) };
    const ok = parseText(g('localhost'), {}, {}, env);
    expect(ok.exitCode).toBe(0);
    expect(ok.config!.global.smtpServer).toEqual({ host: '127.0.0.1', port: 25 });
    expect('smtpServerAt' in ok.config!.global).toBe(false);
    const bad = parseText(g('mail.invalid'), {}, {}, env);
    expect(bad.exitCode).toBe(5);
    expect(bad.config!.global.smtpServer).toBeUndefined();
  });

  it('keeps the first of a virtual server defined twice (keepalived accepts it)', () => {
    const r = parseText(VS('10.0.0.100 80') + VS('10.0.0.100 80').replace('lb_algo rr', 'lb_algo wlc'));
    expect(r.exitCode).toBe(0);
    expect(codes(r)).toEqual(['KAD_WARN_CONFIG_DUPLICATE_SERVICE']);
    expect(r.config!.virtualServers.map((v) => v.scheduler)).toEqual(['rr']);
  });

  it('reads a virtual_server_group subnet as the range of its addresses', () => {
    const r = parseText('virtual_server_group G {\n  10.0.0.0/30 80\n  fd00::/126 80\n  10.0.0.5/24 80\n}\n' + VS('group G'));
    expect(r.config!.virtualServerGroups[0]!.entries).toEqual([
      { kind: 'range', address: '10.0.0.0', lastAddress: '10.0.0.3', family: 4, port: 80 },
      { kind: 'range', address: 'fd00::', lastAddress: 'fd00::3', family: 6, port: 80 },
    ]);
    expect(r.diagnostics.map((d) => [d.line, d.code])).toEqual([[4, 'KAD_ERR_CONFIG_INVALID_ADDRESS']]);
  });

  it('reports what keepalived refuses: a descending range, an empty group, a port-less entry', () => {
    expect(codes(parseText('virtual_server_group G {\n  10.0.0.100-1 80\n}\n' + VS('group G'))))
      .toEqual(['KAD_ERR_CONFIG_INVALID_ADDRESS', 'KAD_ERR_CONFIG_MISSING_REQUIRED']);
    const portless = parseText('virtual_server_group G {\n  10.0.0.100-110\n}\n' + VS('group G'));
    expect(codes(portless)).toEqual(['KAD_ERR_CONFIG_INCONSISTENT']);
    expect(portless.config!.virtualServers[0]!.persistenceTimeoutS).toBe(360);
  });

  it('resolves track_script top to bottom and keeps the first notify script', () => {
    const script = 'vrrp_script chk {\n  script "/bin/true"\n}\n';
    const inst = VRRP.replace('advert_int 1', 'track_script {\n  chk\n}\nnotify_master /bin/true\nnotify_master /usr/bin/true');
    const late = parseText('global_defs {\n  enable_script_security\n  script_user root\n}\n' + inst + script);
    expect(codes(late)).toEqual(['KAD_ERR_CONFIG_DUPLICATE', 'KAD_ERR_CONFIG_UNKNOWN_REFERENCE']);
    expect(late.config!.vrrpInstances[0]!.trackScripts).toEqual([]);
    expect(late.config!.vrrpInstances[0]!.notify.master!.argv[0]).toBe('/bin/true');
  });

  it('says which keywords Debian keepalived 2.2.7 does not know', () => {
    const r = parseText('global_defs {\n  lvs_id LVS1\n}\n' + VRRP);
    expect(r.exitCode).toBe(5);
    expect(r.diagnostics[0]!.message).toContain("keepalived 2.2.7 does not know 'lvs_id'");
  });

  it('splits braces out of words: an unrendered ${VAR} closes the block early, with a warning', () => {
    const r = parseText(VRRP.replace('interface eth0', 'interface ${IFACE}'));
    const vi = r.config!.vrrpInstances[0]!;
    expect(vi.interface).toBe('$');
    // virtual_router_id and what follows were read at the top level, as keepalived reads them.
    expect(vi.vips).toEqual([]);
    expect(r.diagnostics.some((d) => d.code === 'KAD_ERR_CONFIG_UNKNOWN_KEYWORD' && d.message.includes("'virtual_router_id' in the top level"))).toBe(true);
    const warn = r.diagnostics.find((d) => d.code === 'KAD_WARN_CONFIG_BLOCK_SHAPE')!;
    expect(warn).toMatchObject({ line: 3 });
    expect(warn.message).toContain('closes vrrp_instance VI_1 (line 1)');
    expect(codes(r)).toContain('KAD_ERR_CONFIG_UNEXPECTED_BRACE');
  });

  it('lets an inline track_interface swallow the lines after it, as keepalived does', () => {
    const r = parseText(VRRP.replace('advert_int 1', 'track_interface eth1'));
    const vi = r.config!.vrrpInstances[0]!;
    expect(vi.vips).toEqual([]);
    const warn = r.diagnostics.find((d) => d.code === 'KAD_WARN_CONFIG_BLOCK_SHAPE')!;
    expect(warn.message).toContain("ignores 'eth1'");
    expect(r.exitCode).toBe(5);
  });
});
