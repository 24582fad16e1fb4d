// The keywords that name kad's files reach the model: state/stats/json dump locations (both
// spellings), json_version, data_use_instance, and instance / net_namespace / use_pid_dir at the
// top level (keepalived 2.2.7's place for them) and in global_defs (later releases).
import { describe, expect, it } from 'vitest';
import { codes, parseText } from './mem-io.js';
import { formatGlobalDefs } from '../../../src/config/global-dump.js';

const VI = 'vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 7\n virtual_ipaddress {\n 10.0.0.1\n }\n}\n';

describe('dump location keywords', () => {
  it('nothing given: no locations, JSON version 1, no naming settings', () => {
    const g = parseText(VI).config?.global;
    expect(g).toMatchObject({ jsonVersion: 1 });
    for (const k of ['stateDumpFile', 'statsDumpFile', 'jsonDumpFile', 'dataUseInstance', 'instanceName', 'netNamespace', 'usePidDir']) {
      expect(g).not.toHaveProperty(k);
    }
  });

  it('reads both spellings of the three locations, json_version and data_use_instance', () => {
    const a = parseText(`global_defs {\n state_dump_file /var/ka/\n stats_dump_file /var/st.txt\n json_dump_file /srv/j.json\n json_version 2\n data_use_instance\n}\n${VI}`);
    expect(codes(a)).toEqual([]);
    expect(a.config?.global).toMatchObject({ stateDumpFile: '/var/ka/', statsDumpFile: '/var/st.txt', jsonDumpFile: '/srv/j.json', jsonVersion: 2, dataUseInstance: true });
    const b = parseText(`global_defs {\n state_file_location /a\n stats_file_location /b/\n json_file_location /c\n data_use_instance off\n}\n${VI}`);
    expect(b.config?.global).toMatchObject({ stateDumpFile: '/a', statsDumpFile: '/b/', jsonDumpFile: '/c', dataUseInstance: false });
    expect(b.config?.global.passthrough).toEqual({});
  });

  it('instance, net_namespace and use_pid_dir at the top level', () => {
    const r = parseText(`net_namespace blue\ninstance red\nuse_pid_dir\n${VI}`);
    expect(r.diagnostics.map((d) => d.message)).toEqual([]);
    expect(r.config?.global).toMatchObject({ netNamespace: 'blue', instanceName: 'red', usePidDir: true });
  });

  it('the same keywords in global_defs', () => {
    const r = parseText(`global_defs {\n net_namespace blue\n instance red\n use_pid_dir\n}\n${VI}`);
    expect(r.config?.global).toMatchObject({ netNamespace: 'blue', instanceName: 'red', usePidDir: true });
    expect(r.config?.global.passthrough).toEqual({});
  });

  it('refuses json_version 3 and a bad data_use_instance value, naming the line', () => {
    const r = parseText(`global_defs {\n json_version 3\n data_use_instance maybe\n}\n${VI}`);
    expect(r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.line)).toEqual([2, 3]);
    expect(r.config?.global.jsonVersion).toBe(1);
  });

  it("the data dumps name the namespace and the instance as keepalived 2.2.7's do", () => {
    const g = parseText(`net_namespace blue\ninstance red\n${VI}`).config?.global;
    if (!g) throw new Error('no model');
    expect(formatGlobalDefs(g, false).slice(0, 5)).toEqual([
      '------< Global definitions >------', ' Network namespace = blue', ' Network namespace ipvs = (main namespace)', ' Instance name = red', ' Router ID = node1',
    ]);
  });
});
