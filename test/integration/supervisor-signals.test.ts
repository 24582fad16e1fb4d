// Signals to kad's parent with real processes: dumps (USR1, USR2, 36, 63), reload (valid and
// invalid configuration), graceful stop timing, a child that ignores SIGTERM, and the
// sd_notify sequence received on a NOTIFY_SOCKET the test owns.
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, startParent, type FixtureEvent, type ParentRun } from '../fixtures/processes/harness.js';
import { startDatagramReceiver } from '../fixtures/processes/receiver.js';

let run: ParentRun | undefined;
beforeAll(() => ensureBuilt(), 120_000);
afterEach(() => {
  run?.cleanup();
  run = undefined;
});

const msgs = (evs: FixtureEvent[], kind: string, type: string): FixtureEvent[] =>
  evs.filter((e) => e.kind === kind && e.ev === 'msg' && e.msg?.type === type);

async function ready(r: ParentRun): Promise<void> {
  await r.waitFor(() => r.output().includes('Startup complete'), 10_000, 'startup');
}

describe('supervisor signals', () => {
  it('USR1 writes keepalived_parent.data in $TMPDIR and forwards to both children; USR2, 36, 63 go to the VRRP child only', async () => {
    run = startParent();
    const r = run;
    await ready(r);
    r.kill('SIGUSR1');
    await r.waitFor(() => existsSync(`${r.dir}/keepalived_parent.data`), 5_000, 'parent data');
    expect(readFileSync(`${r.dir}/keepalived_parent.data`, 'utf8')).toMatch(/^------< Global definitions >------\n/);
    // stdout is a pipe (asynchronous): the line may arrive after the file.
    await r.waitFor(() => /Printing parent data for process\(\d+\) on signal/.test(r.output()), 5_000, 'dump log line');
    r.kill('SIGUSR2');
    r.kill(36);
    r.kill(63);
    await r.waitFor(() => msgs(r.events(), 'vrrp', 'dump').length === 4, 5_000, 'vrrp dumps');
    const vrrp = msgs(r.events(), 'vrrp', 'dump').map((e) => e.msg?.what).sort();
    expect(vrrp).toEqual(['data', 'json', 'stats', 'stats-clear']);
    expect(msgs(r.events(), 'checker', 'dump').map((e) => e.msg?.what)).toEqual(['data']);
    // The parent survived the realtime signals (their default action would kill it).
    expect(r.proc.exitCode).toBeNull();
  });

  it('HUP with a valid config forwards reload; with an invalid one keeps the old config and logs the diagnostics', async () => {
    run = startParent();
    const r = run;
    await ready(r);
    const pids = r.events().filter((e) => e.ev === 'start').map((e) => e.pid).sort();
    r.kill('SIGHUP');
    await r.waitFor(() => r.output().includes('Reload complete'), 10_000, 'reload complete');
    expect(msgs(r.events(), 'vrrp', 'reload')).toHaveLength(1);
    expect(msgs(r.events(), 'checker', 'reload')).toHaveLength(1);
    // The children never read the file: the parent's validated model comes with each message.
    const model = (e: FixtureEvent | undefined): unknown => (e?.msg as { config?: { vrrpInstances: { name: string }[] } } | undefined)?.config?.vrrpInstances.map((i) => i.name);
    for (const kind of ['vrrp', 'checker']) {
      expect(msgs(r.events(), kind, 'config')).toHaveLength(1);
      expect(model(msgs(r.events(), kind, 'config')[0])).toEqual(['VI_1']);
      expect(model(msgs(r.events(), kind, 'reload')[0])).toEqual(['VI_1']);
    }

    appendFileSync(r.config, 'INVALID keyword\n');
    r.kill('SIGHUP');
    await r.waitFor(() => r.output().includes('keeping the running configuration'), 10_000, 'invalid reload');
    expect(r.output()).toMatch(/kad\.conf:7:1: error: unknown keyword 'INVALID'/);
    expect(msgs(r.events(), 'vrrp', 'reload')).toHaveLength(1);
    // Same children, still running.
    expect(r.events().filter((e) => e.ev === 'start').map((e) => e.pid).sort()).toEqual(pids);
    expect(r.proc.exitCode).toBeNull();
  });

  it('HUP starts a child the new config needs that was not running', async () => {
    run = startParent({ config: 'vrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 51\n}\n' });
    const r = run;
    await ready(r);
    expect(r.events().filter((e) => e.ev === 'start').map((e) => e.kind)).toEqual(['vrrp']);
    // A complete virtual server: the reload brings no new error, so it is applied.
    appendFileSync(r.config, 'virtual_server 10.0.0.1 80 {\n  lb_algo rr\n  lb_kind NAT\n  protocol TCP\n  real_server 10.0.0.2 80 {\n  }\n}\n');
    r.kill('SIGHUP');
    await r.waitFor(() => r.output().includes('Reload complete'), 10_000, 'reload');
    expect(r.events().filter((e) => e.ev === 'start').map((e) => e.kind).sort()).toEqual(['checker', 'vrrp']);
    expect(msgs(r.events(), 'vrrp', 'reload')).toHaveLength(1);
  });

  it('TERM: children get SIGTERM, kad exits within 100 ms of the last child and removes its pid files', async () => {
    run = startParent({ spec: { vrrp: { stopDelayMs: 300 }, checker: { stopDelayMs: 100 } } });
    const r = run;
    await ready(r);
    r.kill('SIGTERM');
    const done = await r.exited;
    expect(done.code).toBe(0);
    const exits = r.events().filter((e) => e.ev === 'exit');
    expect(exits).toHaveLength(2);
    const lastChildExit = Math.max(...exits.map((e) => e.t));
    const lagMs = done.atMs - lastChildExit;
    console.log(`graceful stop: parent exit ${lagMs} ms after the last child exited`);
    expect(lagMs).toBeLessThanOrEqual(100);
    for (const f of [r.pidFile, r.vrrpPid, r.checkersPid]) expect(existsSync(f)).toBe(false);
  });

  it('parent SIGKILLed: every child sees its IPC channel close and exits', async () => {
    run = startParent();
    const r = run;
    await ready(r);
    r.kill('SIGKILL');
    await r.exited;
    await r.waitFor(() => r.events().filter((e) => e.ev === 'exit').length === 2, 5_000, 'children exit');
    expect(r.events().filter((e) => e.ev === 'disconnect').map((e) => e.kind).sort()).toEqual(['checker', 'vrrp']);
  });

  it('a child ignoring SIGTERM is killed after child_wait_time', async () => {
    run = startParent({ spec: { checker: { ignoreTerm: true } }, env: { KAD_FIXTURE_CHILD_WAIT_MS: '300' } });
    const r = run;
    await ready(r);
    const t0 = Date.now();
    r.kill('SIGTERM');
    const done = await r.exited;
    expect(done.code).toBe(0);
    expect(done.atMs - t0).toBeGreaterThanOrEqual(290);
    expect(done.atMs - t0).toBeLessThan(3_000);
    expect(r.output()).toMatch(/did not exit in 300 ms; killing/);
  });

  it('sd_notify: READY=1 after the children are ready, RELOADING=1 then READY=1 on HUP, STOPPING=1 on TERM', async () => {
    const sock = `@kad-notify-${process.pid}-${Date.now()}`;
    const rx = await startDatagramReceiver(sock);
    try {
      run = startParent({ spec: { vrrp: { readyAfterMs: 200 } }, env: { NOTIFY_SOCKET: sock } });
      const r = run;
      await r.waitFor(() => rx.datagrams().some((l) => l.startsWith('READY=1')), 10_000, 'READY=1');
      const readyAt = Date.now();
      const vrrpStart = r.events().find((e) => e.kind === 'vrrp' && e.ev === 'start');
      // READY only once the slower child (200 ms) reported ready.
      expect(readyAt - (vrrpStart?.t ?? 0)).toBeGreaterThanOrEqual(200);
      expect(rx.datagrams()[0]).toContain(`MAINPID=${r.proc.pid}`);
      r.kill('SIGHUP');
      await r.waitFor(() => rx.datagrams().filter((l) => l.startsWith('READY=1')).length === 2, 10_000, 'READY after reload');
      r.kill('SIGTERM');
      await r.exited;
      await r.waitFor(() => rx.datagrams().some((l) => l.startsWith('STOPPING=1')), 5_000, 'STOPPING=1');
      expect(rx.datagrams().map((l) => l.split('\n')[0])).toEqual(['READY=1', 'RELOADING=1', 'READY=1', 'STOPPING=1']);
    } finally {
      rx.stop();
    }
  });
});
