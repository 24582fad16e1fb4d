import { describe, expect, it } from 'vitest';
import { codes, parseText, VRRP } from './mem-io.js';

describe('vrrp_instance model', () => {
  it('applies keepalived defaults', () => {
    const r = parseText('vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 7\n virtual_ipaddress {\n 10.0.0.1\n }\n}');
    expect(r.exitCode).toBe(0);
    const v = r.config!.vrrpInstances[0]!;
    expect(v).toMatchObject({
      name: 'VI_1', initialState: 'BACKUP', interface: 'eth0', vrid: 7, priority: 100, advertIntMs: 1000, version: 2,
      family: 4, accept: true, preempt: true, auth: { type: 'none' }, unicastTtl: 255, downTimerAdverts: 3,
      garpMasterDelayMs: 5000, garpMasterRepeat: 5, strict: false, source: { file: '/etc/kad/main.conf', line: 1 },
    });
    expect(v.vips[0]).toMatchObject({ address: '10.0.0.1', prefixLen: 32, family: 4, noDad: false });
  });

  it('reads VIP options, auth, unicast peers, tracking and notify scripts', () => {
    const r = parseText(`vrrp_script chk {
  script "/bin/true arg"
  weight -20
}
vrrp_instance VI_1 {
  state MASTER
  interface eth0
  virtual_router_id 51
  priority 150
  advert_int 2
  authentication {
    auth_type PASS
    auth_pass s3cret
  }
  unicast_src_ip 10.0.0.1
  unicast_peer {
    10.0.0.2
    10.0.0.3 min_ttl 250 max_ttl 255
  }
  virtual_ipaddress {
    10.0.0.100/24 dev eth1 label eth1:0 scope link
    fe80::1/64 dev eth1
  }
  virtual_ipaddress_excluded {
    2001:db8:0:0::10/64
  }
  track_interface {
    eth1 weight -10
  }
  track_script {
    chk weight 5 reverse
  }
  notify_master "/bin/true master" root
}`);
    const v = r.config!.vrrpInstances[0]!;
    expect(v).toMatchObject({ initialState: 'MASTER', priority: 150, advertIntMs: 2000, auth: { type: 'PASS', password: 's3cret' }, unicastSrcIp: '10.0.0.1' });
    expect(v.unicastPeers).toEqual([{ address: '10.0.0.2' }, { address: '10.0.0.3', minTtl: 250, maxTtl: 255 }]);
    expect(v.vips[0]).toMatchObject({ address: '10.0.0.100', prefixLen: 24, dev: 'eth1', label: 'eth1:0', scope: 'link' });
    expect(v.excludedVips[0]!.address).toBe('2001:db8::10');
    expect(v.trackInterfaces).toEqual([{ name: 'eth1', weight: -10, reverse: false }]);
    expect(v.trackScripts).toEqual([{ name: 'chk', weight: 5, reverse: true }]);
    expect(v.notify.master).toEqual({ text: '/bin/true master', argv: ['/bin/true', 'master'], user: 'root' });
    expect(r.config!.vrrpScripts[0]).toMatchObject({ name: 'chk', weight: -20, intervalMs: 1000, timeoutMs: 1000, script: { argv: ['/bin/true', 'arg'] } });
    // VIP family mix and /bin/true running as root are both reported.
    expect(codes(r)).toEqual(['KAD_ERR_CONFIG_INCONSISTENT', 'KAD_ERR_CONFIG_SCRIPT_SECURITY', 'KAD_ERR_CONFIG_SCRIPT_SECURITY']);
    expect(r.exitCode).toBe(6);
  });

  it('suggests the keyword meant on a typo', () => {
    const r = parseText(VRRP.replace('priority 100', 'priorty 100').replace('advert_int 1', 'lvs_sync_daemon_inteface eth0'));
    expect(r.diagnostics.map((d) => d.message)).toEqual([
      "unknown keyword 'priorty' in vrrp_instance VI_1; did you mean 'priority'?",
      "unknown keyword 'lvs_sync_daemon_inteface' in vrrp_instance VI_1; did you mean 'lvs_sync_daemon_interface'?",
    ]);
    expect(r.diagnostics[0]).toMatchObject({ line: 5, col: 5, severity: 'error' });
    expect(r.exitCode).toBe(5);
  });

  it('says where a misplaced keyword belongs', () => {
    const r = parseText(VRRP.replace('advert_int 1', 'auth_pass secret\nlb_algo rr'));
    expect(r.diagnostics.map((d) => d.message)).toEqual([
      "unknown keyword 'auth_pass' in vrrp_instance VI_1; 'auth_pass' belongs in authentication",
      "unknown keyword 'lb_algo' in vrrp_instance VI_1; 'lb_algo' belongs in virtual_server",
    ]);
  });

  it('checks ranges, references, duplicates and interfaces, reporting every error', () => {
    const r = parseText(VRRP.replace('virtual_router_id 51', 'virtual_router_id 256').replace('priority 100', 'priority 0') +
      VRRP.replace('VI_1', 'VI_2').replace('interface eth0', 'interface nosuch0') + VRRP.replace('VI_1', 'VI_3') +
      'vrrp_sync_group G { group {\n VI_2\n VI_9\n }\n}\n');
    expect(codes(r)).toEqual([
      'KAD_ERR_CONFIG_INVALID_NUMBER', 'KAD_ERR_CONFIG_INVALID_NUMBER', 'KAD_ERR_CONFIG_MISSING_REQUIRED',
      'KAD_ERR_CONFIG_INTERFACE_MISSING', 'KAD_ERR_CONFIG_UNKNOWN_REFERENCE', 'KAD_ERR_CONFIG_INCONSISTENT',
    ]);
    expect(r.diagnostics.some((d) => d.code === 'KAD_ERR_CONFIG_DUPLICATE')).toBe(false);
    const dup = parseText(VRRP + VRRP.replace('VI_1', 'VI_2'));
    expect(codes(dup)).toEqual(['KAD_ERR_CONFIG_DUPLICATE']);
    expect(dup.diagnostics[0]!.message).toContain('already used by VI_1 (/etc/kad/main.conf:1)');
  });

  it('warns loudly on the known traps', () => {
    const strict = parseText('global_defs {\n vrrp_strict\n}\n' + VRRP);
    expect(codes(strict)).toEqual(['KAD_WARN_CONFIG_STRICT_NO_ACCEPT']);
    expect(strict.exitCode).toBe(0);
    const empty = parseText(VRRP.replace('advert_int 1', 'unicast_peer {\n}'));
    expect(codes(empty)).toEqual(['KAD_ERR_CONFIG_UNICAST_NO_PEERS']);
    const v3 = parseText(VRRP.replace('advert_int 1', 'version 3'));
    expect(codes(v3)).toEqual(['KAD_WARN_CONFIG_V3_CHECKSUM']);
    // kad acts on v3_checksum_as_v2; Debian's keepalived 2.2.7 does not know it (exit 5).
    expect(codes(parseText(VRRP.replace('advert_int 1', 'version 3\nv3_checksum_as_v2')))).toEqual(['KAD_ERR_CONFIG_UNKNOWN_KEYWORD']);
    const inc = parseText('include /etc/kad/missing/*.conf\n' + VRRP);
    expect(inc.diagnostics[0]).toMatchObject({ code: 'KAD_WARN_CONFIG_INCLUDE_MISSING', severity: 'warning', line: 1, col: 9 });
    expect(inc.exitCode).toBe(0);
  });

  it('uses VRRPv3 for IPv6 and centisecond intervals', () => {
    const v = parseText(VRRP.replace('10.0.0.100/24', 'fe80::10').replace('advert_int 1', 'advert_int 0.25')).config!.vrrpInstances[0]!;
    expect(v).toMatchObject({ version: 3, family: 6, advertIntMs: 250 });
  });

  it('rounds a fractional VRRPv2 interval with an error, as keepalived does', () => {
    const r = parseText(VRRP.replace('advert_int 1', 'advert_int 2.6'));
    expect(r.config!.vrrpInstances[0]!.advertIntMs).toBe(3000);
    expect(codes(r)).toEqual(['KAD_ERR_CONFIG_INVALID_VALUE']);
  });

  it('produces a JSON-serialisable model', () => {
    const r = parseText(VRRP);
    expect(JSON.parse(JSON.stringify(r.config))).toEqual(r.config);
  });
});
