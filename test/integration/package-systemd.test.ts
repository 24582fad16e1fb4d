// kad as a director runs it: the .deb installed with dpkg inside a container booted with
// systemd (systemd-nspawn -b, test/helpers/nspawn.ts), then started, reloaded and stopped with systemctl. The proof of
// Type=notify is systemd's own journal (debug level): "Got notification message from PID
// <MainPID> (READY=1 ...)" and the unit's state changes; the proof of a clean stop is the
// priority-0 advert captured on the peer side of the container's veth.
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootContainer, nspawnUnavailableReason, type Container } from '../helpers/nspawn.js';
import { cleanupAll, createNetns, netnsUnavailableReason, startCapture, type Netns } from '../helpers/netns.js';
import { requirement } from '../helpers/requirement.js';
import { buildPackage, createScratchRoot, scratchRootUnavailableReason, type ScratchRoot } from '../helpers/scratch-root.js';

const skip = requirement('package-systemd', netnsUnavailableReason() ?? scratchRootUnavailableReason() ?? nspawnUnavailableReason());

const CONF = `vrrp_instance VI_1 {
  state MASTER
  interface kv0
  virtual_router_id 61
  priority 150
  advert_int 1
  virtual_ipaddress {
    10.201.0.100/24
  }
}
`;

describe.skipIf(skip)('kad.service under systemd', () => {
  let root: ScratchRoot;
  let peer: Netns;
  let ct: Container;
  let deb: string;

  const sh = (...cmd: string[]): string => {
    const r = ct.exec(cmd);
    if (r.status !== 0) throw new Error(`${cmd.join(' ')} exited ${r.status}: ${r.stderr}${r.stdout}`);
    return r.stdout;
  };
  const show = (): Record<string, string> =>
    Object.fromEntries(sh('systemctl', 'show', 'kad', '-p', 'ActiveState,SubState,MainPID,Type,UnitFileState')
      .trim().split('\n').map((l) => l.split('=', 2) as [string, string]));
  // The journal of kad.service (systemd's lines and kad's) from the last line containing `mark`.
  const journalSince = (mark: string): string[] => {
    const all = sh('journalctl', '-u', 'kad.service', '-o', 'cat', '--no-pager').split('\n');
    let from = -1;
    all.forEach((l, i) => { if (l.includes(mark)) from = i; });
    return from < 0 ? [] : all.slice(from);
  };
  // journald writes asynchronously: wait until `done(lines)` holds for the lines after `mark`
  // (a list of needles: every one is in them).
  const journalUntil = async (mark: string, done: string[] | ((lines: string[]) => boolean), timeoutMs = 5000): Promise<string[]> => {
    const holds = typeof done === 'function' ? done : (ls: string[]) => done.every((n) => ls.some((l) => l.includes(n)));
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const lines = journalSince(mark);
      if (holds(lines) || Date.now() > deadline) return lines;
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const vips = (): string => sh('ip', '-4', 'addr', 'show', 'dev', 'kv0');

  beforeAll(async () => {
    const built = buildPackage();
    deb = built.deb;
    root = createScratchRoot();
    peer = createNetns('kdp');
    peer.ip('link', 'add', 'kp0', 'type', 'veth', 'peer', 'name', 'kv0');
    peer.ip('addr', 'add', '10.201.0.2/24', 'dev', 'kp0');
    peer.ip('link', 'set', 'kp0', 'up');
    // This machine is a container image whose /usr/sbin/policy-rc.d (exit 101) forbids
    // maintainer scripts to start or stop services; a director has none.
    rmSync(root.path('usr/sbin/policy-rc.d'), { force: true });
    mkdirSync(root.path('var/tmp'), { recursive: true });
    copyFileSync(deb, root.path(`var/tmp/${basename(deb)}`));
    const t0 = Date.now();
    ct = await bootContainer(root);
    console.log(`container booted in ${Date.now() - t0} ms`);
    ct.adopt(peer, 'kv0');
    sh('ip', 'addr', 'add', '10.201.0.1/24', 'dev', 'kv0');
    sh('ip', 'link', 'set', 'kv0', 'up');
    sh('systemctl', 'log-level', 'debug');
  }, 240_000);
  afterAll(async () => {
    await ct?.poweroff();
    cleanupAll();
  });

  it('dpkg -i on a booted director enables kad.service and leaves it stopped without a configuration', () => {
    const t0 = Date.now();
    const out = sh('dpkg', '-i', `/var/tmp/${basename(deb)}`);
    console.log(`dpkg -i in the container: ${Date.now() - t0} ms`);
    expect(out).toContain('kad: not started: no configuration at /etc/keepalived/keepalived.conf');
    expect(show()).toMatchObject({ UnitFileState: 'enabled', ActiveState: 'inactive', Type: 'notify' });
  });

  it('systemctl start: the unit becomes active on kad\'s READY=1 and the VIP is up', async () => {
    mkdirSync(root.path('etc/keepalived'), { recursive: true });
    writeFileSync(root.path('etc/keepalived/keepalived.conf'), CONF);
    const check = ct.exec(['kad', '-t']);
    expect(check.status, check.stderr).toBe(0);
    const cap = await startCapture(peer, 'kp0', ['-vv'], ['ip', 'proto', '112']);
    const t0 = Date.now();
    sh('systemctl', 'start', 'kad');
    console.log(`systemctl start kad returned after ${Date.now() - t0} ms (READY=1)`);
    const st = show();
    expect(st).toMatchObject({ ActiveState: 'active', SubState: 'running' });
    const lines = await journalUntil('Starting kad.service', ['Changed start -> running']);
    const ready = lines.findIndex((l) => l.includes(`Got notification message from PID ${st.MainPID} (READY=1`));
    const running = lines.findIndex((l) => l.includes('Changed start -> running'));
    expect(ready, lines.join('\n')).toBeGreaterThanOrEqual(0);
    expect(running).toBeGreaterThan(ready);
    await cap.waitFor(/vrid 61, prio 150/, 5000);
    await cap.stop();
    expect(vips()).toContain('10.201.0.100/24');
  });

  it('systemctl reload: RELOADING=1 then READY=1, and the unit goes reload -> running', async () => {
    const pid = show().MainPID;
    sh('systemctl', 'reload', 'kad');
    // systemd 252 may end the reload job when ExecReload's kill exits, before kad's RELOADING=1;
    // it then enters reload again on RELOADING=1 and leaves it on READY=1. Either way the order
    // after RELOADING=1 is READY=1, then reload -> running.
    const fromReloading = (ls: string[]): string[] =>
      ls.slice(Math.max(0, ls.findIndex((l) => l.includes(`Got notification message from PID ${pid} (RELOADING=1`))));
    const lines = await journalUntil('Reloading kad.service', (ls) =>
      ls.some((l) => l.includes('(RELOADING=1')) && fromReloading(ls).some((l) => l.includes('Changed reload -> running')));
    const rest = fromReloading(lines);
    expect(rest[0], lines.join('\n')).toContain('(RELOADING=1');
    const ready = rest.findIndex((l) => l.includes(`Got notification message from PID ${pid} (READY=1`));
    expect(ready, rest.join('\n')).toBeGreaterThan(0);
    expect(rest.findIndex((l) => l.includes('Changed reload -> running')), rest.join('\n')).toBeGreaterThan(ready);
    expect(show()).toMatchObject({ ActiveState: 'active', MainPID: pid });
    expect(vips()).toContain('10.201.0.100/24');
  });

  it('dpkg -i again (an upgrade) restarts a running kad, which reports READY=1 again', async () => {
    const old = show().MainPID;
    sh('dpkg', '-i', `/var/tmp/${basename(deb)}`);
    const st = show();
    expect(st).toMatchObject({ ActiveState: 'active', SubState: 'running' });
    expect(st.MainPID).not.toBe(old);
    const lines = await journalUntil('Stopping kad.service', [`Got notification message from PID ${st.MainPID} (READY=1`]);
    expect(lines.some((l) => l.includes(`Got notification message from PID ${st.MainPID} (READY=1`)), lines.join('\n')).toBe(true);
    // Like keepalived, a restarted `state MASTER` instance below priority 255 starts as BACKUP and
    // takes MASTER after Master_Down_Interval (about 3.4 s here) when no advert arrives.
    const deadline = Date.now() + 8000;
    while (!vips().includes('10.201.0.100/24') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(vips()).toContain('10.201.0.100/24');
  });

  it('systemctl stop: STOPPING=1, a priority-0 advert on the wire, the VIP removed', async () => {
    const pid = show().MainPID;
    const cap = await startCapture(peer, 'kp0', ['-vv'], ['ip', 'proto', '112']);
    sh('systemctl', 'stop', 'kad');
    const text = await cap.waitFor(/vrid 61, prio 0/, 5000).catch((err: Error) => {
      throw new Error(`${err.message}\n${sh('journalctl', '-u', 'kad', '-o', 'cat', '--no-pager', '-n', '60')}`);
    });
    await cap.stop();
    expect(text).toMatch(/10\.201\.0\.1 > 224\.0\.0\.18: VRRPv2, Advertisement, vrid 61, prio 0/);
    const lines = await journalUntil('Stopping kad.service', ['(STOPPING=1']);
    expect(lines.some((l) => l.includes(`Got notification message from PID ${pid} (STOPPING=1`)), lines.join('\n')).toBe(true);
    expect(show()).toMatchObject({ ActiveState: 'inactive' });
    expect(vips()).not.toContain('10.201.0.100');
  });

  it('dpkg -r stops a running kad and masks the unit; --purge forgets it', () => {
    sh('systemctl', 'start', 'kad');
    expect(show()).toMatchObject({ ActiveState: 'active' });
    sh('dpkg', '-r', 'kad');
    expect(show()).toMatchObject({ ActiveState: 'inactive' });
    expect(ct.exec(['systemctl', 'is-enabled', 'kad']).stdout.trim()).toBe('masked');
    sh('dpkg', '--purge', 'kad');
    expect(ct.exec(['systemctl', 'is-enabled', 'kad']).stdout.trim()).not.toMatch(/enabled|masked/);
  });

  it('dpkg -i with a configuration in place starts kad (READY=1 before dpkg returns)', () => {
    const out = sh('dpkg', '-i', `/var/tmp/${basename(deb)}`);
    expect(out).not.toContain('not started');
    expect(show()).toMatchObject({ UnitFileState: 'enabled', ActiveState: 'active', SubState: 'running' });
    sh('systemctl', 'stop', 'kad');
  });
});
