// The checker child as the supervisor runs it: forked from dist/check/daemon.js, reads the
// config, reports ready, follows real servers, writes keepalived_check.data on a dump request,
// keeps state across a reload, exits when the channel closes, and exits FATAL without IPVS.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runKad } from '../helpers/run-kad.js';
import { ensureCheckBuilt, forkChecker } from '../fixtures/check/daemon.js';
import { freePort, startHttp, type Route } from '../fixtures/check/servers.js';
import { requirement } from '../helpers/requirement.js';

const hasIpvs = requirement('check-daemon ("no IPVS → FATAL")',
  existsSync('/proc/net/ip_vs') ? 'this kernel has IPVS, so the no-IPVS exit cannot be shown on it' : undefined) !== undefined;
const dir = mkdtempSync(join(tmpdir(), 'kad-chkd-'));
beforeAll(() => ensureCheckBuilt());
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function conf(httpPort: number, tcpPort: number): string {
  return `global_defs {
  router_id kadtest
}
virtual_server 127.0.0.1 80 {
  delay_loop 1
  lb_algo rr
  lb_kind NAT
  protocol TCP
  real_server 127.0.0.1 ${httpPort} {
    weight 2
    HTTP_GET {
      url {
        path /
        status_code 200
      }
      connect_timeout 1
      retry 0
      warmup 0
    }
  }
  real_server 127.0.0.1 ${tcpPort} {
    TCP_CHECK {
      connect_timeout 1
      retry 0
      warmup 0
    }
  }
}
`;
}

describe('checker child', () => {
  it('ready, follows real servers, dumps data, reloads keeping state, exits on disconnect', async () => {
    const http = await startHttp(new Map<string, Route>([['/', { body: 'ok' }]]));
    const tcpPort = await freePort();
    const file = join(dir, 'keepalived.conf');
    writeFileSync(file, conf(http.port, tcpPort));
    const c = forkChecker(file, { KAD_CHECK_DRY_RUN: '1', TMPDIR: dir });
    try {
      await c.waitFor(() => c.messages.find((m) => m.type === 'ready'));
      const removed = `Removing service [127.0.0.1]:tcp:${tcpPort} to VS [127.0.0.1]:tcp:80`;
      await c.waitFor(() => c.logs.find((l) => l.msg === removed));
      expect(c.logs.some((l) => l.msg.includes(`[127.0.0.1]:tcp:${http.port} to VS`))).toBe(false);

      c.proc.send({ type: 'dump', what: 'data' });
      const dumped = await c.waitFor(() => c.messages.find((m) => m.type === 'dumped'));
      expect(dumped).toEqual({ type: 'dumped', what: 'data', file: join(dir, 'keepalived_check.data') });
      const data = readFileSync(join(dir, 'keepalived_check.data'), 'utf8');
      expect(data).toContain(`   Real Server = [127.0.0.1]:tcp:${http.port}\n     weight = 2\n     alive = yes`);
      expect(data).toContain(`   Real Server = [127.0.0.1]:tcp:${tcpPort}\n     weight = 1\n     alive = no`);

      const before = c.logs.length;
      c.reload();
      await c.waitFor(() => c.messages.find((m) => m.type === 'reloaded'));
      expect(c.messages.find((m) => m.type === 'reloaded')).toEqual({ type: 'reloaded', ok: true });
      await http.close();
      const httpDown = `Removing service [127.0.0.1]:tcp:${http.port} to VS [127.0.0.1]:tcp:80`;
      await c.waitFor(() => c.logs.find((l) => l.msg === httpDown));
      // The TCP server was already down before the reload: no new transition for it.
      expect(c.logs.slice(before).filter((l) => l.msg.includes(`:${tcpPort} to VS`))).toEqual([]);
      c.proc.disconnect();
      expect(await c.exited).toBe(0);
    } finally {
      c.proc.kill('SIGKILL');
      await http.close().catch(() => undefined);
    }
  });

  it('ha_suspend: checks start only when the VRRP instance holding the VIP reports MASTER', async () => {
    const tcpPort = await freePort();
    const file = join(dir, 'ha.conf');
    writeFileSync(file, `vrrp_instance VI_1 {
  interface lo
  virtual_router_id 51
  priority 100
  virtual_ipaddress {
    127.0.0.100/32
  }
}
virtual_server 127.0.0.100 80 {
  delay_loop 1
  ha_suspend
  lb_algo rr
  lb_kind NAT
  protocol TCP
  real_server 127.0.0.1 ${tcpPort} {
    TCP_CHECK {
      connect_timeout 1
      retry 0
      warmup 0
    }
  }
}
`);
    const c = forkChecker(file, { KAD_CHECK_DRY_RUN: '1', TMPDIR: dir });
    try {
      await c.waitFor(() => c.messages.find((m) => m.type === 'ready'));
      await new Promise((r) => setTimeout(r, 1500));
      expect(c.logs.filter((l) => l.msg.includes('TCP connection'))).toEqual([]);
      c.proc.send({ type: 'vrrp-state', instance: 'VI_1', state: 'MASTER' });
      await c.waitFor(() => c.logs.find((l) => l.msg === `Removing service [127.0.0.1]:tcp:${tcpPort} to VS [127.0.0.100]:tcp:80`));
    } finally {
      c.proc.kill('SIGKILL');
      await c.exited;
    }
  });

  it('lvs_sync_daemon follows the VRRP state of its instance once it is known; without an instance master and backup run from the start', async () => {
    const tcpPort = await freePort();
    const vs = `virtual_server 127.0.0.100 80 {
  delay_loop 1
  lb_algo rr
  lb_kind NAT
  protocol TCP
  real_server 127.0.0.1 ${tcpPort} {
    TCP_CHECK {
      connect_timeout 1
    }
  }
}
`;
    const vi = 'vrrp_instance VI_1 {\n  interface lo\n  virtual_router_id 51\n  priority 100\n  virtual_ipaddress {\n    127.0.0.100/32\n  }\n}\n';
    const roles = (c: ReturnType<typeof forkChecker>): string[] => c.logs.filter((l) => l.msg.startsWith('IPVS sync daemon: ')).map((l) => l.msg.slice(18));
    const withInstance = join(dir, 'sync1.conf');
    writeFileSync(withInstance, `global_defs {\n  lvs_sync_daemon lo VI_1\n}\n${vi}${vs}`);
    const c = forkChecker(withInstance, { KAD_CHECK_DRY_RUN: '1', TMPDIR: dir });
    try {
      // Until the VRRP child reports VI_1 (BACKUP at its start) the role waits.
      await c.waitFor(() => c.messages.find((m) => m.type === 'ready'));
      await new Promise((r) => setTimeout(r, 200));
      expect(roles(c)).toEqual([]);
      c.proc.send({ type: 'vrrp-state', instance: 'VI_1', state: 'BACKUP' });
      // Log records come over stdout, IPC messages over the channel: wait for the record itself.
      await c.waitFor(() => (roles(c).length === 1 ? true : undefined));
      expect(roles(c)).toEqual(['backup']);
      c.proc.send({ type: 'vrrp-state', instance: 'VI_1', state: 'MASTER' });
      await c.waitFor(() => (roles(c).length === 2 ? true : undefined));
      c.proc.send({ type: 'vrrp-state', instance: 'VI_1', state: 'BACKUP' });
      await c.waitFor(() => (roles(c).length === 3 ? true : undefined));
      expect(roles(c)).toEqual(['backup', 'master', 'backup']);
    } finally {
      c.proc.kill('SIGKILL');
      await c.exited;
    }
    const noInstance = join(dir, 'sync2.conf');
    writeFileSync(noInstance, `global_defs {\n  lvs_sync_daemon lo\n}\n${vs}`);
    const d = forkChecker(noInstance, { KAD_CHECK_DRY_RUN: '1', TMPDIR: dir });
    try {
      await d.waitFor(() => (roles(d).length === 1 ? true : undefined));
      expect(roles(d)).toEqual(['both']);
    } finally {
      d.proc.kill('SIGKILL');
      await d.exited;
    }
    // The states the instances reached before the checker was running, replayed right after the
    // configuration (what the supervisor does), another instance's first, whether they arrive
    // before the checker has started or after: the daemon becomes master once, never backup on
    // the way (that would stop a running master daemon).
    const two = join(dir, 'sync4.conf');
    writeFileSync(two, `global_defs {\n  lvs_sync_daemon lo VI_1\n}\n${vi}${vi.replace('VI_1', 'VI_2').replace('51', '52')}${vs}`);
    const e = forkChecker(two, { KAD_CHECK_DRY_RUN: '1', TMPDIR: dir }, [
      { type: 'vrrp-state', instance: 'VI_2', state: 'BACKUP' },
      { type: 'vrrp-state', instance: 'VI_1', state: 'MASTER' },
    ]);
    try {
      await e.waitFor(() => (roles(e).at(-1) === 'master' ? true : undefined));
      await new Promise((r) => setTimeout(r, 200));
      expect(roles(e)).toEqual(['master']);
    } finally {
      e.proc.kill('SIGKILL');
      await e.exited;
    }
    const late = forkChecker(two, { KAD_CHECK_DRY_RUN: '1', TMPDIR: dir });
    try {
      await late.waitFor(() => late.messages.find((m) => m.type === 'ready'));
      late.proc.send({ type: 'vrrp-state', instance: 'VI_2', state: 'BACKUP' });
      late.proc.send({ type: 'vrrp-state', instance: 'VI_1', state: 'MASTER' });
      await late.waitFor(() => (roles(late).at(-1) === 'master' ? true : undefined));
      await new Promise((r) => setTimeout(r, 200));
      expect(roles(late)).toEqual(['master']);
    } finally {
      late.proc.kill('SIGKILL');
      await late.exited;
    }
    // No lvs_sync_daemon: the checker leaves the kernel's daemons alone (no role applied).
    const none = join(dir, 'sync3.conf');
    writeFileSync(none, vs);
    const f = forkChecker(none, { KAD_CHECK_DRY_RUN: '1', TMPDIR: dir });
    try {
      await f.waitFor(() => f.messages.find((m) => m.type === 'ready'));
      await new Promise((r) => setTimeout(r, 200));
      expect(roles(f)).toEqual([]);
    } finally {
      f.proc.kill('SIGKILL');
      await f.exited;
    }
  });

  it.skipIf(hasIpvs)('exits FATAL (1) without IPVS, like keepalived', async () => {
    const file = join(dir, 'noipvs.conf');
    writeFileSync(file, conf(await freePort(), await freePort()));
    const c = forkChecker(file, { TMPDIR: dir });
    expect(await c.exited).toBe(1);
    expect(c.messages).toContainEqual({ type: 'fatal', exitCode: 1, message: "IPVS: Can't initialize ipvs" });
    expect(c.logs.some((l) => l.msg === "IPVS: Can't initialize ipvs")).toBe(true);
  });

  it.skipIf(hasIpvs)('the whole daemon (kad -C) stops with exit code 1 when the checker cannot open IPVS', async () => {
    const file = join(dir, 'fatal.conf');
    writeFileSync(file, conf(await freePort(), await freePort()));
    const pids = ['p', 'c', 'r'].flatMap((k) => [`-${k}`, join(dir, `${k}.pid`)]);
    const r = await runKad(['-n', '-l', '-C', '-f', file, ...pids], { timeoutMs: 20_000 });
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toContain("IPVS: Can't initialize ipvs");
  });
});
