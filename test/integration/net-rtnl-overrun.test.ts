// Lost rtnetlink notifications (ENOBUFS on a full receive buffer) must not crash kad: the link
// watcher reports an `overrun` so the runtime re-reads links and addresses, and keeps working.
// (npm netlink's own reader aborts the process here: "terminate called after throwing an
// instance of 'Napi::Error'", which is why src/net/rtnl-notify.ts reads notifications itself.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAgent, type Agent } from '../fixtures/net/agent-client.js';
import { cleanupAll, createLan, netnsUnavailableReason, type Lan } from '../helpers/netns.js';
import { requirement } from '../helpers/requirement.js';

const skip = requirement('net-rtnl-overrun', netnsUnavailableReason()) !== undefined;

describe.skipIf(skip)('rtnetlink notification overrun (network namespace)', () => {
  let lan: Lan;
  let agent: Agent;

  beforeAll(async () => {
    lan = createLan({ nodes: 1, prefix: 'ro' });
    agent = await startAgent(lan.nodes[0]!);
  });
  afterAll(async () => {
    await agent?.stop();
    cleanupAll();
  });

  it('reports ENOBUFS as an overrun event and keeps delivering notifications', async () => {
    await agent.call('watch', { recvBufferBytes: 1 });
    const blocked = agent.call('block', { ms: 500 });
    const batch = Array.from({ length: 400 }, (_, i) => `addr add 10.82.${i >> 8}.${i & 255}/32 dev eth0`).join('\n');
    lan.nodes[0]!.exec('ip', ['-batch', '-'], `${batch}\n`);
    await blocked;
    const overrun = await agent.waitEvent((e) => e.event === 'overrun');
    expect(overrun).toMatchObject({ code: 'KAD_ERR_NET_SYSCALL', errno: { errno: 105, code: 'ENOBUFS', syscall: 'recvmsg' } });
    lan.nodes[0]!.ip('link', 'set', 'eth0', 'down');
    await agent.waitEvent((e) => e.event === 'link' && e.name === 'eth0' && e.up === false);
  });
});
