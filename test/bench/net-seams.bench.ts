// Cost of kad's network seams on a real kernel (run: `npx tsx test/bench/net-seams.bench.ts`,
// as root). Two namespaces on a bridge; every timing is taken inside the namespace process:
//  - advert round trip: multicast advert out, unicast echo back (two sends, two receives);
//  - one advert send(2) and one GARP send(2);
//  - VIP add and remove through rtnetlink, one address at a time, as a takeover does;
//  - the same add/remove through iproute2 (`ip -batch`, C, same netlink calls) as the baseline
//    keepalived's own netlink code compares to (keepalived itself is not run here: it has no way
//    to time one seam alone).
import { performance } from 'node:perf_hooks';
import { startAgent } from '../fixtures/net/agent-client.js';
import { cleanupAll, createLan, netnsUnavailableReason } from '../helpers/netns.js';

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
    const rtt = await a!.call('bench-rtt', { ifName: 'eth0', source: '10.91.255.1', count: N });
    const send = await a!.call('bench-send', { ifName: 'eth0', source: '10.91.255.1', mac, count: N });
    const addr = await a!.call('bench-addr', { ifName: 'eth0', count: Math.min(N, 1000) });
    const iproute = ipBatch(lan.nodes[1]!, Math.min(N, 1000));
    console.log(JSON.stringify({ samples: N, rtt, send, addr, iprouteBatchPerOp: iproute }, null, 2));
  } finally {
    await Promise.all([a?.stop(), b?.stop()]);
    cleanupAll();
  }
}

await main();
