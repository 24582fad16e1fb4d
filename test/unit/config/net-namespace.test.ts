// `net_namespace NAME` reaches the model (top level, global_defs, `-s` overriding both), names
// are one path component, duplicates keep the first, and validation asks the namespace about
// interfaces when it can look into it (the children run there), the host otherwise; the
// top-level keyword still leaves vrrp_scripts unvetted, as keepalived 2.2.7's -t does.
// `net_namespace_ipvs [NAME]` likewise (no name: the default namespace).
import { describe, expect, it } from 'vitest';
import type { ConfigEnv } from '../../../src/config/env.js';
import { codes, parseText, TEST_ENV } from './mem-io.js';

const VI = (ifName: string): string =>
  `vrrp_instance VI_1 {\n interface ${ifName}\n virtual_router_id 7\n priority 100\n virtual_ipaddress {\n 10.0.0.1/24\n }\n}\n`;

/** The host has eth0..eth2; namespace `blue` holds only `inside0` (MTU 9000); others cannot be looked into. */
const ENV: ConfigEnv = {
  ...TEST_ENV,
  netNamespace: (name) => (name === 'blue'
    ? { interfaceExists: (n) => n === 'inside0', interfaceMtu: (n) => (n === 'inside0' ? 9000 : undefined) }
    : undefined),
};

describe('net_namespace', () => {
  it('top level: the name is in the model, interfaces are those of the namespace', () => {
    const r = parseText(`net_namespace blue\n${VI('inside0')}`, {}, {}, ENV);
    expect(codes(r)).toEqual([]);
    expect(r.config?.global.netNamespace).toBe('blue');
    expect(r.config?.vrrpInstances.map((i) => i.name)).toEqual(['VI_1']);
  });

  it('an interface of the host only does not exist for the children in the namespace', () => {
    const r = parseText(`net_namespace blue\n${VI('eth0')}`, {}, {}, ENV);
    expect(codes(r)).toContain('KAD_ERR_CONFIG_INTERFACE_MISSING');
  });

  it('a namespace that cannot be looked into leaves the host answers (kad -t as before)', () => {
    const r = parseText(`net_namespace kadtest\n${VI('eth0')}`, {}, {}, ENV);
    expect(codes(r)).toEqual([]);
    expect(r.config?.global.netNamespace).toBe('kadtest');
    expect(codes(parseText(`net_namespace kadtest\n${VI('inside0')}`, {}, {}, ENV))).toContain('KAD_ERR_CONFIG_INTERFACE_MISSING');
  });

  it('global_defs: read, and reported as unknown to keepalived 2.2.7 (exit 5)', () => {
    const r = parseText(`global_defs {\n net_namespace blue\n}\n${VI('inside0')}`, {}, {}, ENV);
    expect(codes(r)).toEqual(['KAD_ERR_CONFIG_UNKNOWN_KEYWORD']);
    expect(r.diagnostics[0]?.message).toContain('kad still reads it');
    expect(r.config?.global.netNamespace).toBe('blue');
    expect(r.config?.global.passthrough).toEqual({});
  });

  it('-s overrides the configuration, and the interfaces are those of the -s namespace', () => {
    const r = parseText(`net_namespace kadtest\n${VI('inside0')}`, {}, { netNamespace: 'blue' }, ENV);
    expect(codes(r)).toEqual([]);
    expect(r.config?.global.netNamespace).toBe('blue');
    expect(parseText(VI('inside0'), {}, { netNamespace: 'blue' }, ENV).config?.global.netNamespace).toBe('blue');
  });

  it('without net_namespace there is none, and the namespace view is not asked', () => {
    let asked = 0;
    const env: ConfigEnv = { ...ENV, netNamespace: () => { asked++; return undefined; } };
    const r = parseText(VI('eth0'), {}, {}, env);
    expect(r.config?.global.netNamespace).toBeUndefined();
    expect(asked).toBe(0);
  });

  it('a name that is not one path component is an error and the line is ignored', () => {
    for (const bad of ['../etc', 'a/b', '..']) {
      const r = parseText(`net_namespace ${bad}\n${VI('eth0')}`, {}, {}, ENV);
      expect(codes(r)).toEqual(['KAD_ERR_CONFIG_INVALID_VALUE']);
      expect(r.config?.global.netNamespace).toBeUndefined();
    }
  });

  it('top level without a name: reported, as keepalived 2.2.7 does, and ignored', () => {
    const r = parseText(`net_namespace\n${VI('eth0')}`, {}, {}, ENV);
    expect(codes(r)).toEqual(['KAD_ERR_CONFIG_MISSING_PARAMETER']);
    expect(r.config?.global.netNamespace).toBeUndefined();
  });

  it('top level: vrrp_scripts that are not found are not held against the instances (keepalived 2.2.7 -t)', () => {
    const script = 'vrrp_script chk {\n script "/no/such/check"\n}\n';
    const tracked = VI('inside0').replace(' priority 100\n', ' priority 100\n track_script {\n chk\n }\n');
    expect(codes(parseText(`net_namespace blue\n${script}${tracked}`, {}, {}, ENV))).not.toContain('KAD_ERR_CONFIG_SCRIPT_NOT_FOUND');
    expect(codes(parseText(`${script}${tracked.replace('inside0', 'eth0')}`, {}, {}, ENV))).toContain('KAD_ERR_CONFIG_SCRIPT_NOT_FOUND');
  });

  it('a second net_namespace is reported and the first is kept (keepalived: "Duplicate net_namespace definition")', () => {
    const r = parseText(`net_namespace blue\nnet_namespace red\n${VI('inside0')}`, {}, {}, ENV);
    expect(codes(r)).toEqual(['KAD_ERR_CONFIG_DUPLICATE']);
    expect(r.config?.global.netNamespace).toBe('blue');
  });
});

describe('net_namespace_ipvs', () => {
  it('top level, with a name or none (the default namespace, as keepalived)', () => {
    expect(parseText(`net_namespace_ipvs lvs\n${VI('eth0')}`).config?.global.netNamespaceIpvs).toBe('lvs');
    const bare = parseText(`net_namespace_ipvs\n${VI('eth0')}`);
    expect(codes(bare)).toEqual([]);
    expect(bare.config?.global.netNamespaceIpvs).toBe('');
    expect(parseText(VI('eth0')).config?.global.netNamespaceIpvs).toBeUndefined();
  });

  it('global_defs: read, reported as unknown to keepalived 2.2.7; duplicates and bad names reported', () => {
    const r = parseText(`global_defs {\n net_namespace_ipvs lvs\n}\n${VI('eth0')}`);
    expect(codes(r)).toEqual(['KAD_ERR_CONFIG_UNKNOWN_KEYWORD']);
    expect(r.config?.global.netNamespaceIpvs).toBe('lvs');
    const dup = parseText(`net_namespace_ipvs lvs\nnet_namespace_ipvs\n${VI('eth0')}`);
    expect(codes(dup)).toEqual(['KAD_ERR_CONFIG_DUPLICATE']);
    expect(dup.config?.global.netNamespaceIpvs).toBe('lvs');
    expect(codes(parseText(`net_namespace_ipvs a/b\n${VI('eth0')}`))).toEqual(['KAD_ERR_CONFIG_INVALID_VALUE']);
  });
});
