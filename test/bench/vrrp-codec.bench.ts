// VRRP codec micro-benchmark: decode+validate and encode per advert, the golden adverts as input.
// Run: npx tsx test/bench/vrrp-codec.bench.ts (env BENCH_N: iterations per run, default 200000).
// Prints a markdown table; under the runner (test/bench/run.ts) also writes it as JSON.
import type { Clock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/log.js';
import { AdvertTx } from '../../src/vrrp/protocol/advert-tx.js';
import { Instance } from '../../src/vrrp/protocol/instance.js';
import { defaultSpec } from '../helpers/vrrp/spec-defaults.js';
import { passwordBytes } from '../../src/vrrp/protocol/auth.js';
import { parseAddress } from '../../src/core/addr.js';
import { decodeAdvert, encodeAdvert } from '../../src/vrrp/protocol/packet.js';
import { checkReceived, decodeReceived, type ReceivePolicy } from '../../src/vrrp/protocol/receive.js';
import { emitResult, stats, type Stats } from './report/result.js';

const hex = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, 'hex'));
// keepalived 2.2.7 adverts from /work/shared/captures (v2-pass frame 3, v3-ipv4 frame 3, v3-ipv6 frame 3).
const V2_PASS_IP = hex('45c0002800010000ff70cf9f0ae8000be000001221336401010101320ae800647365637265743100');
const V3_IPV4_IP = hex('45c0002000010000ff70cfa70ae8000be000001231336401006473990ae80064');
const V3_IPV6 = hex('3134640100643e79fd000232000000000000000000000100');
const V2_AH_IP = hex('45c0004000010000ff33cfc40ae8000be000001270040000' + '0ae8000b000000010f41ce1f8d41d3e5135ef70c2133640102016d7e0ae800640000000000000000');

function policy(over: Partial<ReceivePolicy>): ReceivePolicy {
  return {
    family: 4, version: 2, vrid: 51, advertIntMs: 1000, authType: 0, authKey: new Uint8Array(8),
    vips: ['10.232.0.100'], skipCheckAdvAddr: false, unicastPeers: [], checkUnicastSrc: false, mcastGroup: '224.0.0.18', ...over,
  };
}

/** CPU ns per call (user+system of this process, so time spent descheduled by other load does
 * not count): median and range of RUNS runs after a warm-up. */
function nsPerOp(fn: () => unknown, iterations: number): Stats {
  for (let i = 0; i < 20_000; i++) fn(); // warm-up (JIT)
  const runs: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const c0 = process.cpuUsage();
    for (let i = 0; i < iterations; i++) fn();
    const c = process.cpuUsage(c0);
    runs.push(((c.user + c.system) * 1000) / iterations);
  }
  return stats(runs, 0)!;
}

const RUNS = 5;
const N = Number(process.env.BENCH_N ?? 200_000);
const pass = passwordBytes('secret1');
const src4 = parseAddress('10.232.0.11', 4);
const dst4 = parseAddress('224.0.0.18', 4);
const v6src = parseAddress('fe80::90c2:14ff:fea8:8931', 6);
const v6dst = parseAddress('ff02::12', 6);
const txV2 = new AdvertTx({ version: 2, family: 4, vrid: 51, advertIntMs: 1000, srcAddress: '10.232.0.11', vips: ['10.232.0.100'], authType: 1, authKey: pass, v3ChecksumAsV2: false, destinations: ['224.0.0.18'], unicastTtl: 255, unicast: false });
const txV3 = new AdvertTx({ version: 3, family: 4, vrid: 51, advertIntMs: 1000, srcAddress: '10.232.0.11', vips: ['10.232.0.100'], authType: 0, authKey: pass, v3ChecksumAsV2: false, destinations: ['224.0.0.18'], unicastTtl: 255, unicast: false });
const txV6 = new AdvertTx({ version: 3, family: 6, vrid: 52, advertIntMs: 1000, srcAddress: 'fe80::90c2:14ff:fea8:8931', vips: ['fd00:232::100'], authType: 0, authKey: pass, v3ChecksumAsV2: false, destinations: ['ff02::12'], unicastTtl: 255, unicast: false });
const txAh = new AdvertTx({ version: 2, family: 4, vrid: 51, advertIntMs: 1000, srcAddress: '10.232.0.11', vips: ['10.232.0.100'], authType: 2, authKey: pass, v3ChecksumAsV2: false, destinations: ['224.0.0.18'], unicastTtl: 255, unicast: false });

// A BACKUP instance (kad's full receive path: policy, FSM step, timer re-arm, stats) on a clock
// whose timers cost nothing, so the row shows the core's own cost per advert heard.
const nullClock: Clock = { nowMs: () => 0, wallMs: () => 0, setTimer: () => ({ id: 0 }), clearTimer: () => undefined };
const nullPorts = { sendAdvert() {}, addVips() {}, removeVips() {}, sendGratuitous() {}, notify() {}, stateChanged() {} };
const backup = new Instance(
  defaultSpec({ priority: 90, auth: { type: 'PASS', password: 'secret1' }, vips: ['10.232.0.100/24'] }),
  { clock: nullClock, log: silentLogger(), ports: nullPorts, primaryAddress: '10.232.0.12' },
);
backup.start();

const rows: [string, Stats][] = [
  ['decode only, v2 PASS (VRRP message)', nsPerOp(() => decodeAdvert(V2_PASS_IP.subarray(20), { family: 4 }), N)],
  ['decode only, v3 IPv4 pseudo-header checksum', nsPerOp(() => decodeAdvert(V3_IPV4_IP.subarray(20), { family: 4, src: src4, dst: dst4 }), N)],
  ['decode+validate, v2 PASS (IP packet → accepted)', nsPerOp(() => checkReceived(V2_PASS_IP, {}, policy({ authType: 1, authKey: pass })), N)],
  ['decode+validate, v3 IPv4 (IP packet → accepted)', nsPerOp(() => checkReceived(V3_IPV4_IP, {}, policy({ version: 3 })), N)],
  ['decode+validate, v3 IPv6 (message + addresses as the socket reads them → accepted)', nsPerOp(() => checkReceived(V3_IPV6, { srcAddress: 'fe80::90c2:14ff:fea8:8931', dstAddress: 'ff02::12', srcBytes: v6src, dstBytes: v6dst, ttl: 255 }, policy({ family: 6, version: 3, vrid: 52, vips: ['fd00:232::100'], mcastGroup: 'ff02::12' })), N)],
  ['decode+validate, v2 AH (HMAC-MD5 verify)', nsPerOp(() => checkReceived(V2_AH_IP, {}, policy({ authType: 2, authKey: pass })), N / 4)],
  ['instance.receive as BACKUP, v2 PASS (policy + FSM + timer re-arm + stats)', nsPerOp(() => backup.receive(decodeReceived(V2_PASS_IP, {}, 4)), N)],
  ['encode only, v2 PASS message', nsPerOp(() => encodeAdvert({ version: 2, vrid: 51, priority: 100, advertIntMs: 1000, addrs: ['10.232.0.100'], family: 4, authType: 1, authData: pass }, { checksumMode: 'plain' }), N)],
  ['encode only, v3 IPv6 message', nsPerOp(() => encodeAdvert({ version: 3, vrid: 52, priority: 100, advertIntMs: 1000, addrs: ['fd00:232::100'], family: 6 }, { checksumMode: 'pseudo6', src: v6src, dst: v6dst }), N)],
  ['encode+frame, v2 PASS (instance transmitter, IP packet)', nsPerOp(() => txV2.build(100), N)],
  ['encode+frame, v3 IPv4 (instance transmitter, IP packet)', nsPerOp(() => txV3.build(100), N)],
  ['encode, v3 IPv6 (instance transmitter)', nsPerOp(() => txV6.build(100), N)],
  ['encode+frame+sign, v2 AH (HMAC-MD5)', nsPerOp(() => txAh.build(100), N / 4)],
];

emitResult({
  bench: 'vrrp-codec',
  params: { runs: RUNS, iterations: N, ahIterations: N / 4, node: process.version, arch: process.arch },
  tables: [{
    section: 'vrrp-codec',
    caption: `node ${process.version}, ${process.arch}; process CPU time, ${RUNS} runs of ${N} iterations (AH: ${N / 4})`,
    columns: ['operation', 'CPU ns per advert, median (min–max)'],
    rows: rows.map(([name, ns]) => [name, ns]),
  }],
});
