/**
 * A complete `VrrpInstance` model with keepalived's defaults, for replay scenarios, benchmarks
 * and tests (pure). VIPs may be given as plain address strings.
 */
import type { IpAddress, VrrpInstance } from '../../../src/config/model.js';

type SpecOverrides = Omit<Partial<VrrpInstance>, 'vips'> & { vips?: readonly (string | IpAddress)[] };

/** A VIP model entry for an address (`/prefix` optional). */
export function vip(text: string): IpAddress {
  const [address = '', prefix] = text.split('/');
  const family = address.includes(':') ? 6 : 4;
  return {
    address,
    prefixLen: prefix ? Number(prefix) : family === 4 ? 32 : 128,
    family,
    noDad: false,
    noPrefixRoute: false,
    noTrack: false,
    options: [],
    source: { file: 'replay', line: 0 },
  };
}

/** keepalived's defaults for one instance, overridden by `over`. */
export function defaultSpec(over: SpecOverrides = {}): VrrpInstance {
  const family = over.family ?? 4;
  const { vips, ...rest } = over;
  const vipList = (vips ?? [family === 4 ? '10.0.0.100' : 'fd00::100']).map((v) => (typeof v === 'string' ? vip(v) : v));
  return {
    name: 'VI_1',
    source: { file: 'replay', line: 0 },
    initialState: 'BACKUP',
    interface: 'eth0',
    vrid: 51,
    priority: 100,
    advertIntMs: 1000,
    version: 2,
    family,
    excludedVips: [],
    virtualRoutes: [],
    virtualRules: [],
    unicastPeers: [],
    unicastTtl: 255,
    unicastFaultNoPeer: false,
    checkUnicastSrc: false,
    useVmac: false,
    vmacXmitBase: false,
    accept: true,
    preempt: true,
    preemptDelayMs: 0,
    dontTrackPrimary: false,
    skipCheckAdvAddr: false,
    strict: false,
    v3ChecksumAsV2: false,
    lowerPrioNoAdvert: false,
    higherPrioSendAdvert: false,
    downTimerAdverts: 3,
    garpMasterDelayMs: 5000,
    garpMasterRepeat: 5,
    garpLowerPrioDelayMs: 5000,
    garpLowerPrioRepeat: 5,
    garpMasterRefreshMs: 0,
    garpMasterRefreshRepeat: 1,
    auth: { type: 'none' },
    trackInterfaces: [],
    trackScripts: [],
    trackFiles: [],
    trackProcesses: [],
    notify: {},
    notifyDeleted: false,
    notifyPriorityChanges: false,
    promoteSecondaries: false,
    ...rest,
    vips: vipList,
  };
}
