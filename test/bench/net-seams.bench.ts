// Cost of kad's network seams on a real kernel (run: `npx tsx test/bench/net-seams.bench.ts`,
// as root). Two namespaces on a bridge; every timing is taken inside the namespace process:
//  - advert round trip: multicast advert out, unicast echo back (two sends, two receives);
//  - one advert send(2) and one GARP send(2);
//  - VIP add and remove through rtnetlink, one address at a time, as a takeover does;
//  - the same add/remove through iproute2 (`ip -batch`, C, same netlink calls) as the baseline
//    keepalived's own netlink code compares to (keepalived itself is not run here: it has no way
//    to time one seam alone).
// Env KAD_BENCH_N: samples per seam (default 2000). Prints a markdown table (and the raw JSON on
// stderr); under the runner (test/bench/run.ts) also writes the table as JSON.
import { performance } from 'node:perf_hooks';
import { startAgent } from '../fixtures/net/agent-client.js';
import { cleanupAll, createLan, netnsUnavailableReason } from '../helpers/netns.js';
import { emitResult, type Cell } from './report/result.js';

const N = Number(process.env.KAD_BENCH_N ?? 2000);

function ipBatch(ns: { exec: (c: string, a: string[], i?: string) => string }, count: number): { addUs: number; removeUs: number } {
  const lines = (verb: string): string =>
    Array.from({ length: count }, (_, i) => `addr ${verb} 10.91.${(i + 1) >> 8}.${(i + 1) & 255}/32 dev eth0`).join('\n') + '\n';
  let t0 = performance.now();
  ns.exec('ip', ['-batch', '-'], lines('add'));
  const addUs = ((performance.now() - t0) * 1000) / count;
  t0 = performance.now();
  ns.exec('ip', ['-batch', '-'], lines('del'));
  const removeUs = ((performance.now() - t0) * 1000) / count;
  return { addUs: Math.round(addUs * 10) / 10, removeUs: Math.round(removeUs * 10) / 10 };
}

type Summary = Record<string, number>;
const us = (x: number | undefined): Cell => (x === undefined ? null : Math.round(x * 10) / 10);
const seamRow = (name: string, s: Summary | undefined): Cell[] => [name, us(s?.medianUs), us(s?.minUs), us(s?.p99Us), us(s?.maxUs)];

async function main(): Promise<void> {
  const reason = netnsUnavailableReason();
  if (reason) {
    console.warn(`net-seams bench skipped: ${reason}`);
    return;
  }
  const lan = createLan({ nodes: 2, ipv4Prefix: '10.91.255', prefix: 'nb' });
  const [a, b] = await Promise.all(lan.nodes.map(startAgent));
  try {
    const mac = lan.nodes[0]!.ipJson<{ address: string }[]>('link', 'show', 'dev', 'eth0')[0]!.address;
    await b!.call('bench-echo', { ifName: 'eth0', source: '10.91.255.2' });
    const rtt = await a!.call('bench-rtt', { ifName: 'eth0', source: '10.91.255.1', count: N }) as Summary;
    const send = await a!.call('bench-send', { ifName: 'eth0', source: '10.91.255.1', mac, count: N }) as { advert: Summary; garp: Summary };
    const addr = await a!.call('bench-addr', { ifName: 'eth0', count: Math.min(N, 1000) }) as { add: Summary; remove: Summary };
    const iproute = ipBatch(lan.nodes[1]!, Math.min(N, 1000));
    process.stderr.write(JSON.stringify({ samples: N, rtt, send, addr, iprouteBatchPerOp: iproute }, null, 2) + '\n');
    emitResult({
      bench: 'net-seams',
      params: { samples: N, addressSamples: Math.min(N, 1000) },
      tables: [{
        section: 'net-seams',
        caption: 'Timed inside the namespace process around the seam call, µs.',
        columns: ['seam', 'median', 'min', 'p99', 'max'],
        rows: [
          seamRow('advert send(2) (IPv4, IP_HDRINCL, 40 bytes)', send.advert),
          seamRow('GARP send(2) (AF_PACKET, 42 bytes)', send.garp),
          seamRow('advert round trip: multicast out, unicast echo back', rtt),
          seamRow('VIP add (rtnetlink, one /32, await ACK)', addr.add),
          seamRow('VIP remove', addr.remove),
          ['iproute2 `ip -batch` add, per address', iproute.addUs, null, null, null],
          ['iproute2 `ip -batch` remove, per address', iproute.removeUs, null, null, null],
        ],
      }],
    });
  } finally {
    await Promise.all([a?.stop(), b?.stop()]);
    cleanupAll();
  }
}

await main();
