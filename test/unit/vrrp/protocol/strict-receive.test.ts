// Receive policy of a vrrp_strict instance, built the way the daemon builds it (config text →
// model → wireSetup). keepalived 2.2.7's receive path (vrrp_check_packet and its callers) has no
// strict-only branch: strict acts through the configuration it pins (no auth, no unicast TTL
// relaxation, the configured interval), so each check below is the generic one fed a strict
// model. The address owner processes adverts like any master (no drop for being the owner).
import { describe, expect, it } from 'vitest';
import { passwordBytes } from '../../../../src/vrrp/protocol/auth.js';
import { buildIpv4Frame } from '../../../../src/vrrp/protocol/frame.js';
import { wireSetup } from '../../../../src/vrrp/protocol/instance-setup.js';
import { encodeAdvert, AUTH_PASS, type AdvertFields } from '../../../../src/vrrp/protocol/packet.js';
import { checkReceived, DROP_STAT, type ReceivePolicy } from '../../../../src/vrrp/protocol/receive.js';
import { parseText } from '../../config/mem-io.js';

const PEER = '10.0.0.2';
const GROUP = '224.0.0.18';

function strictPolicy(body: string): ReceivePolicy {
  const r = parseText(`global_defs {\n vrrp_strict\n}\nvrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n${body}\n virtual_ipaddress {\n 10.0.0.100/24\n }\n}\n`);
  return wireSetup(r.config!.vrrpInstances[0]!, '10.0.0.1').policy;
}

function advert(over: Partial<AdvertFields> = {}): Uint8Array {
  return encodeAdvert({ version: 2, vrid: 51, priority: 100, advertIntMs: 1000, addrs: ['10.0.0.100'], family: 4, ...over }, { checksumMode: 'plain' });
}

const rx = (p: ReceivePolicy, vrrp: Uint8Array, ttl = 255, dst = GROUP) =>
  checkReceived(buildIpv4Frame(vrrp, { src: PEER, dst, id: 1, ttl }), {}, p);

describe('vrrp_strict receive policy', () => {
  const backup = strictPolicy(' priority 100\n authentication {\n auth_type PASS\n auth_pass secret\n }');

  it('accepts a plain RFC advert', () => {
    expect(rx(backup, advert())).toMatchObject({ ok: true });
  });
  it('authTypeMismatch: an advert carrying a password (strict drops the configured auth)', () => {
    const r = rx(backup, advert({ authType: AUTH_PASS, authData: passwordBytes('secret') }));
    expect(r).toMatchObject({ ok: false, drop: 'authTypeMismatch' });
    expect(DROP_STAT.authTypeMismatch).toBe('authtype_mismatch');
  });
  it('ttlInvalid: TTL below 255 (strict has no unicast peers to relax it)', () => {
    expect(rx(backup, advert(), 254)).toMatchObject({ ok: false, drop: 'ttlInvalid' });
    expect(DROP_STAT.ttlInvalid).toBe('ip_ttl_err');
  });
  it('intervalMismatch: a VRRPv2 advert with another interval', () => {
    expect(rx(backup, advert({ advertIntMs: 2000 }))).toMatchObject({ ok: false, drop: 'intervalMismatch' });
    expect(DROP_STAT.intervalMismatch).toBe('advert_interval_err');
  });
  it('addressListMismatch: another VIP list', () => {
    expect(rx(backup, advert({ addrs: ['10.0.0.101'] }))).toMatchObject({ ok: false, drop: 'addressListMismatch' });
    expect(DROP_STAT.addressListMismatch).toBe('addr_list_err');
  });
  it('castMismatch: a unicast advert to a multicast (strict) instance', () => {
    expect(rx(backup, advert(), 255, '10.0.0.1')).toMatchObject({ ok: false, drop: 'castMismatch' });
    expect(DROP_STAT.castMismatch).toBe('addr_list_err');
  });
  it('the address owner still processes adverts (keepalived answers priority 0, detects a second owner)', () => {
    const owner = strictPolicy(' priority 255');
    expect(rx(owner, advert({ priority: 0 }))).toMatchObject({ ok: true, advert: { priority: 0 } });
    expect(rx(owner, advert({ priority: 255 }))).toMatchObject({ ok: true });
  });
});
