// Sync group members and tracking weights, as keepalived 2.2.7 reads them: without
// sync_group_tracking_weight a member's weighted vrrp_script / track_file is dropped and a
// weighted track_interface loses its weight (exit 5); with it, the member keeps them. The
// instance's own interface is never tracked twice. global_tracking is deprecated (exit 5).
import { describe, expect, it } from 'vitest';
import { codes, parseText } from './mem-io.js';

const conf = (groupLines: string, track: string): string => `
global_defs {
  enable_script_security
  script_user root
}
vrrp_script chk {
  script "/bin/true"
  weight -20
}
track_file tf {
  file /nonexistent/kad-tf
  weight -10
}
vrrp_sync_group G1 {
  group {
    VI_1
    VI_2
  }
${groupLines}}
vrrp_instance VI_1 {
  interface eth0
  virtual_router_id 51
  virtual_ipaddress {
    10.0.0.9/24
  }
${track}}
vrrp_instance VI_2 {
  interface eth0
  virtual_router_id 52
  virtual_ipaddress {
    10.0.0.10/24
  }
}
`;
const TRACK = '  track_script {\n    chk\n  }\n  track_file {\n    tf\n  }\n  track_interface {\n    eth1 weight -5\n  }\n';

describe('tracking weights in sync groups', () => {
  it('without sync_group_tracking_weight: weighted script and file dropped, interface kept without its weight', () => {
    const r = parseText(conf('', TRACK));
    expect(r.exitCode).toBe(5);
    const i = r.config!.vrrpInstances.find((v) => v.name === 'VI_1')!;
    expect(i.trackScripts).toEqual([]);
    expect(i.trackFiles).toEqual([]);
    expect(i.trackInterfaces).toEqual([{ name: 'eth1', weight: 0, reverse: false }]);
    expect(codes(r).filter((c) => c === 'KAD_ERR_CONFIG_INCONSISTENT').length).toBe(3);
  });

  it('a track entry with weight 0 keeps the tracker (it can only fault the group)', () => {
    const r = parseText(conf('', '  track_script {\n    chk weight 0\n  }\n'));
    expect(r.exitCode, JSON.stringify(r.diagnostics)).toBe(0);
    expect(r.config!.vrrpInstances[0]!.trackScripts).toEqual([{ name: 'chk', weight: 0, reverse: false }]);
  });

  it('with sync_group_tracking_weight the member keeps every weight', () => {
    const r = parseText(conf('  sync_group_tracking_weight\n', TRACK));
    expect(codes(r)).not.toContain('KAD_ERR_CONFIG_INCONSISTENT');
    const i = r.config!.vrrpInstances.find((v) => v.name === 'VI_1')!;
    expect(i.trackScripts.map((t) => t.name)).toEqual(['chk']);
    expect(i.trackFiles.map((t) => t.name)).toEqual(['tf']);
    expect(i.trackInterfaces).toEqual([{ name: 'eth1', weight: -5, reverse: false }]);
  });

  it('global_tracking is deprecated; the own interface is not tracked', () => {
    expect(codes(parseText(conf('  global_tracking\n', '')))).toContain('KAD_WARN_CONFIG_DEPRECATED');
    const r = parseText(conf('', '  track_interface {\n    eth0 weight -10\n    eth1\n  }\n'));
    expect(r.exitCode).toBe(5);
    expect(r.config!.vrrpInstances[0]!.trackInterfaces.map((t) => t.name)).toEqual(['eth1']);
  });
});
