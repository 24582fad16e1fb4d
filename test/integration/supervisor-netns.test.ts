// net_namespace and -s: kad is started from the host's own namespace, its configuration names a
// lab namespace X, and the VRRP instance's interface exists only inside X. Its VRRP and checker
// children run in X (their /proc/PID/ns/net is X's, the parent's is the host's), the VIP appears
// inside X and never on the host, a keepalived peer in another namespace on the bridge hears
// the adverts and stays BACKUP, and the scripts (vrrp_script and notify_master in the VRRP
// child, MISC_CHECK in the checker, startup_script in the parent) see X's interfaces through
// both rtnetlink (`ip -o link`) and sysfs (`ls /sys/class/net`). `-s X` does the same with a
// configuration naming another namespace. A HUP that moves net_namespace is refused (applied
// when -s decides), `kad -t` looks into the namespace for interfaces, and a namespace that does
// not exist stops kad at start with keepalived's message, no stack trace.
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Daemon, ensureBuilt, Lab, sleep, vrrpInstance, waitUntil } from '../helpers/lab.js';
import { cleanupAll, netnsUnavailableReason, onCleanup, run, uniqueName } from '../helpers/netns.js';
import { keepalivedUnavailableReason } from '../helpers/keepalived.js';
import { requirement } from '../helpers/requirement.js';
import { KAD_BIN, runKad } from '../helpers/run-kad.js';

const why = requirement('supervisor-netns', netnsUnavailableReason() ?? keepalivedUnavailableReason());
const VRID = 63;
const VIP = '10.233.0.100';

/** Interface names of the host's own namespace (the test runs there). */
const hostLinks = (): string[] => run('ls', ['/sys/class/net']).split('\n').filter(Boolean);
const hostHas = (address: string): boolean => run('ip', ['-o', 'addr', 'show']).includes(` ${address}/`);
/** The network namespace of a process, as the kernel names it (`net:[inode]`). */
const netnsOf = (pid: number): string => readlinkSync(`/proc/${pid}/ns/net`);
const childPids = (pid: number): number[] =>
  readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);

/** What a "where am I" script wrote: interface names by rtnetlink and by sysfs. */
function readWhere(file: string): { ip: string[]; sys: string[] } {
  const [, ip = '', sys = ''] = readFileSync(file, 'utf8').split(/^== (?:ip|sys)$/m);
  const names = (s: string): string[] => s.split('\n').map((l) => l.trim()).filter(Boolean).sort();
  return { ip: names(ip), sys: names(sys) };
}

describe.skipIf(why !== undefined)('net_namespace: kad started on the host runs its children in the named namespace', () => {
  let lab: Lab;
  let ifName: string;
  let where: string;

  beforeAll(() => {
    ensureBuilt();
    // A name no host interface has: the instance can only run where the lab put it.
    ifName = uniqueName('kx');
    lab = Lab.create({ directors: 2, segments: [{ ifName, ipv4Prefix: '10.233.0' }] });
    where = lab.writeFile('where.sh', [
      '#!/bin/sh',
      '{ echo "== ip"; ip -o link | awk -F": " \'{print $2}\' | sed "s/@.*//"; echo "== sys"; ls /sys/class/net; } > "$1.tmp"',
      'mv "$1.tmp" "$1"', '',
    ].join('\n'));
    chmodSync(where, 0o755);
  });
  afterAll(() => cleanupAll());

  /** kad started from the host's namespace (not through `ip netns exec`), as an operator would. */
  function startKadOnHost(conf: string, extra: string[] = []): Daemon {
    const tag = join(lab.dir, uniqueName('h'));
    const file = lab.writeFile(`${uniqueName('c')}.conf`, conf);
    const args = ['-n', '-l', '-D', '-f', file, '-p', `${tag}.pid`, '-r', `${tag}_vrrp.pid`, '-c', `${tag}_checkers.pid`, '--no-status-socket', ...extra];
    const proc = spawn(process.execPath, [KAD_BIN, ...args], {
      detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TMPDIR: lab.dir, KAD_CHECK_DRY_RUN: '1' },
    });
    const d = new Daemon('kad@host', proc, file);
    onCleanup(`kad ${proc.pid}`, () => d.signalTree('SIGKILL'));
    return d;
  }

  /** The configuration: one instance on `ifName`, the scripts writing what they see, a virtual server. */
  function config(netns: string, out: string): string {
    return [
      `net_namespace ${netns}`,
      `global_defs {\n  router_id kadns\n  startup_script "${where} ${out}-startup"\n}`,
      `vrrp_script where {\n  script "${where} ${out}-vrrp-script"\n  interval 1\n}`,
      vrrpInstance({
        vrid: VRID, priority: 150, iface: ifName, vips: [`${VIP}/24`],
        lines: `track_script {\n    where\n  }\n  notify_master "${where} ${out}-notify"`,
      }),
      `virtual_server 10.233.0.200 80 {\n  delay_loop 1\n  lb_kind DR\n  protocol TCP\n  real_server ${lab.ipv4(1)} 80 {\n`
      + `    MISC_CHECK {\n      misc_path "${where} ${out}-misc"\n    }\n  }\n}`,
      '',
    ].join('\n');
  }

  /**
   * A HUP with the configuration moved to the hub namespace: refused while net_namespace decides
   * (keepalived: "Cannot change network namespace at a reload"), applied when -s does.
   */
  async function reloadToHub(d: Daemon, out: string, refused: boolean): Promise<void> {
    writeFileSync(d.confFile, config(lab.hub.name, out));
    const seen = d.output.length;
    d.proc.kill('SIGHUP');
    await waitUntil(() => /Reload complete|not applied|Cannot change network namespace/.test(d.output.slice(seen)), 10_000, 'the reload to end');
    const text = d.output.slice(seen);
    if (refused) expect(text).toContain(`Cannot change network namespace at a reload (${lab.directors[0]!.name} to ${lab.hub.name}) - please restart kad; keeping the running configuration`);
    else expect(text).toContain('Reload complete');
    expect(lab.hasAddress(0, VIP)).toBe(true);
  }

  /** Start kad, prove where everything runs, stop it; `hub` must never get the VIP either. */
  async function provesNamespace(d: Daemon, out: string, reloadRefused: boolean): Promise<void> {
    const x = lab.directors[0]!;
    const xInode = `net:[${statSync(`/run/netns/${x.name}`).ino}]`;
    const hostNs = netnsOf(process.pid);
    expect(hostNs).not.toBe(xInode);
    const cap = await lab.startCapture();
    // The VIP comes up inside X; polled on the host at every step, it never appears there.
    let onHost = false;
    await waitUntil(() => {
      onHost ||= hostHas(VIP) || lab.hub.ipJson<{ addr_info: { local: string }[] }[]>('addr', 'show').some((a) => a.addr_info.some((i) => i.local === VIP));
      return lab.hasAddress(0, VIP);
    }, 20_000, `${VIP} inside ${x.name}`, 50);
    const t0 = performance.now();
    const peer = lab.startKeepalived(1, vrrpInstance({ vrid: VRID, priority: 100, iface: ifName, vips: [`${VIP}/24`] }));
    await peer.waitForOutput(/Entering BACKUP STATE/, 10_000);
    // Longer than the peer's Master_Down_Interval (3 s + skew): it hears kad's adverts throughout.
    while (performance.now() - t0 < 5_000) {
      onHost ||= hostHas(VIP);
      await sleep(100);
    }
    expect(peer.output).not.toMatch(/Entering MASTER STATE/);
    expect(lab.hasAddress(1, VIP)).toBe(false);
    await peer.stop();
    // Both children, and nothing else of kad, are in X.
    const kids = childPids(d.pid);
    expect(kids.length).toBe(2);
    expect(kids.map(netnsOf)).toEqual([xInode, xInode]);
    expect(netnsOf(d.pid)).toBe(hostNs);
    const seenBy = ['startup', 'vrrp-script', 'notify', 'misc'];
    await waitUntil(() => seenBy.every((s) => existsSync(`${out}-${s}`)), 10_000, 'every script to write what it sees');
    await reloadToHub(d, out, reloadRefused);
    expect(childPids(d.pid).map(netnsOf)).toEqual([xInode, xInode]);
    const packets = await cap.stop();
    await d.stop();
    const adverts = packets.filter((p) => p.kind === 'vrrp' && p.src === lab.ipv4(0) && p.vrid === VRID);
    console.log(`net_namespace ${x.name}: ${adverts.length} adverts from kad on the bridge; host interfaces ${hostLinks().join(',')}`);
    expect(adverts.length).toBeGreaterThanOrEqual(5);
    expect(onHost, 'the VIP on the host or in the hub namespace').toBe(false);
    for (const s of seenBy) {
      // X holds lo and the lab interface; the host's interfaces are not there, by either view.
      expect(readWhere(`${out}-${s}`), s).toEqual({ ip: [ifName, 'lo'].sort(), sys: [ifName, 'lo'].sort() });
    }
    expect(x.ip('-o', 'addr', 'show')).not.toContain(VIP);
    expect(run('ip', ['netns', 'pids', x.name]).trim(), 'kad processes left in the namespace').toBe('');
    expect(d.output).not.toMatch(/^\s+at /m);
  }

  it('net_namespace X: children, VIP and scripts in X; peer hears the adverts; nothing on the host', async () => {
    expect(hostLinks()).not.toContain(ifName);
    const out = join(lab.dir, 'conf');
    const d = startKadOnHost(config(lab.directors[0]!.name, out));
    await provesNamespace(d, out, true);
  }, 90_000);

  it('-s X overrides a configuration naming another namespace (the hub, which has no such interface)', async () => {
    const out = join(lab.dir, 'flag');
    const d = startKadOnHost(config(lab.hub.name, out), ['-s', lab.directors[0]!.name]);
    await provesNamespace(d, out, false);
  }, 90_000);

  it('kad -t looks into the namespace for interfaces (net_namespace, -s overriding it)', async () => {
    const x = lab.directors[0]!.name;
    const conf = (ns: string): string => lab.writeFile(`${uniqueName('t')}.conf`, `net_namespace ${ns}\n${vrrpInstance({ vrid: VRID, priority: 100, iface: ifName, vips: [`${VIP}/24`] })}`);
    const inX = await runKad(['-t', '-f', conf(x)]);
    expect(inX.code, inX.stderr).toBe(0);
    const inHub = await runKad(['-t', '-f', conf(lab.hub.name)]);
    expect(inHub.stderr).toContain(`interface '${ifName}' does not exist`);
    const overridden = await runKad(['-t', '-f', conf(lab.hub.name), '-s', x]);
    expect(overridden.code, overridden.stderr).toBe(0);
  }, 30_000);

  it('a namespace that does not exist: keepalived\'s message, exit 1, no child, no stack trace', async () => {
    const missing = uniqueName('kz');
    const d = startKadOnHost(config(missing, join(lab.dir, 'missing')));
    const { code } = await d.exited;
    expect(code).toBe(1);
    expect(d.output).toContain(`Unable to set network namespace ${missing} - exiting (/run/netns/${missing}: ENOENT)`);
    expect(d.output).not.toMatch(/Starting (VRRP|Healthcheck) child|Running startup script/);
    expect(d.output).not.toMatch(/^\s+at /m);
  }, 30_000);
});
