// Observability end to end (issue 12): two kad directors (VRRP child and checker child, the
// checker on an in-memory IPVS table) in the namespace lab serve /metrics inside their
// namespace and the status document on a unix socket. A hard kill of the master moves the VIP;
// the backup's metrics (parsed by a real exposition parser) and status document (validated
// against docs/status.schema.json) show the state change, its reason and peer, and `kad status`
// prints it. /readyz is false until both children are ready; a stopped or killed child shows
// as such without hanging the endpoint; scraping sends no signal (no dump file appears).
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getFromSocket } from '../../src/cli/status.js';
import type { StatusDocument } from '../../src/status/types.js';
import { ROOT } from '../helpers/build.js';
import { Daemon, ensureBuilt, Lab, sleep, vrrpInstance, waitForHolder, waitUntil } from '../helpers/lab.js';
import { cleanupAll, netnsUnavailableReason } from '../helpers/netns.js';
import { parseExposition, sample, samples } from '../helpers/prom.js';
import { requirement } from '../helpers/requirement.js';

const why = requirement('status-metrics', netnsUnavailableReason() ?? (existsSync('/usr/bin/curl') ? undefined : 'curl is not installed'));

const noPromtool = why === undefined ? requirement('status-metrics promtool', existsSync('/usr/bin/promtool') ? undefined : 'promtool (Debian package prometheus) is not installed') : why;

const VIP = '10.231.0.100';
const METRICS = '127.0.0.1:9650';
const conf = (prio: number): string => `${vrrpInstance({ name: 'VI_1', vrid: 51, priority: prio, vips: [`${VIP}/24`] })}
virtual_server 10.231.0.200 80 {
  delay_loop 1
  lb_algo rr
  lb_kind NAT
  protocol TCP
  quorum 1
  real_server 127.0.0.1 9650 {
    TCP_CHECK {
      connect_timeout 1
      retry 0
      warmup 0
    }
  }
  real_server 127.0.0.1 9 {
    TCP_CHECK {
      connect_timeout 1
      retry 0
      warmup 0
    }
  }
}
`;

describe.skipIf(why !== undefined)('status socket and /metrics in the namespace lab', () => {
  let lab: Lab;
  const daemons: Daemon[] = [];
  const sock = (i: number): string => join(lab.dir, `status${i}.sock`);
  const scrape = (i: number): string => lab.directors[i]!.exec('curl', ['-sS', '--max-time', '5', `http://${METRICS}/metrics`]);
  const status = async (i: number): Promise<StatusDocument> => JSON.parse((await getFromSocket(sock(i), '/status')).body) as StatusDocument;

  function start(i: number, prio: number): Daemon {
    const file = lab.writeFile(`st${i}-${daemons.length}.conf`, conf(prio));
    const base = join(lab.dir, `st${i}-${daemons.length}`);
    const args = [join(ROOT, 'bin/kad.js'), '-n', '-l', '-f', file, '-p', `${base}.pid`, '-r', `${base}_vrrp.pid`, '-c', `${base}_checkers.pid`,
      '--status-socket', sock(i), '--metrics', METRICS];
    const env = { ...process.env, TMPDIR: lab.dir, KAD_CHECK_DRY_RUN: '1' };
    const d = new Daemon(`kad@${i}`, lab.directors[i]!.spawn(process.execPath, args, { detached: true, env }), file);
    daemons.push(d);
    return d;
  }

  beforeAll(() => {
    ensureBuilt();
    lab = Lab.create({ directors: 2 });
  });
  afterAll(async () => {
    await Promise.all(daemons.map((d) => d.stop()));
    cleanupAll();
  });

  it('/readyz is 503 until both children are ready, then 200', async () => {
    start(1, 90);
    await waitUntil(() => existsSync(sock(1)), 10_000, 'status socket of director 1', 2);
    const seen: number[] = [];
    for (const end = performance.now() + 15_000; performance.now() < end;) {
      const r = await getFromSocket(sock(1), '/readyz');
      if (seen[seen.length - 1] !== r.status) seen.push(r.status);
      if (r.status === 200) break;
      await sleep(5);
    }
    expect(seen).toEqual([503, 200]);
    const doc = await status(1);
    expect(doc.ready).toBe(true);
    expect(doc.processes.map((p) => [p.kind, p.state])).toEqual([['parent', 'running'], ['vrrp', 'running'], ['checker', 'running']]);
    expect((await getFromSocket(sock(1), '/healthz')).status).toBe(200);
    // Root only: the socket is 0600.
    expect(execFileSync('stat', ['-c', '%a', sock(1)], { encoding: 'utf8' }).trim()).toBe('600');
  });

  it('a hard kill of the master shows in the backup\'s metrics, status document and kad status', async () => {
    const master = start(0, 100);
    await waitForHolder(lab, VIP, 0, 15_000);
    await waitUntil(() => existsSync(sock(0)), 5000, 'status socket of director 0');
    let m1 = parseExposition(scrape(1));
    expect(sample(m1, 'keepalived_vrrp_state', { iname: 'VI_1', vrid: '51', ip_address: VIP, intf: 'eth0' })).toBe(1);
    expect(sample(parseExposition(scrape(0)), 'keepalived_vrrp_state', { iname: 'VI_1', ip_address: VIP })).toBe(2);
    // Director 1 was MASTER alone before director 0 preempted it: count from here.
    const becameBefore = sample(m1, 'keepalived_become_master_total', { iname: 'VI_1', state: 'BACKUP' });
    const expiredBefore = sample(m1, 'kad_vrrp_transitions_total', { iname: 'VI_1', reason: 'masterDownTimerExpired' });
    expect(sample(m1, 'kad_vrrp_transitions_total', { iname: 'VI_1', reason: 'higherPriorityAdvert' })).toBe(1);
    const rcvdBefore = sample(m1, 'keepalived_advertisements_received_total', { iname: 'VI_1' });
    expect(rcvdBefore).toBeGreaterThan(0);
    expect(sample(m1, 'keepalived_up')).toBe(1);

    await master.hardKill();
    // The frozen master could not remove its VIP; the backup's taking it is what counts.
    await waitUntil(() => lab.hasAddress(1, VIP), 10_000, `${VIP} on director 1`);
    m1 = parseExposition(scrape(1));
    expect(sample(m1, 'keepalived_vrrp_state', { iname: 'VI_1', ip_address: VIP })).toBe(2);
    expect(sample(m1, 'keepalived_become_master_total', { iname: 'VI_1', state: 'MASTER' })).toBe(becameBefore + 1);
    expect(sample(m1, 'keepalived_advertisements_sent_total', { iname: 'VI_1' })).toBeGreaterThan(0);
    expect(sample(m1, 'kad_vrrp_transitions_total', { iname: 'VI_1', reason: 'masterDownTimerExpired' })).toBe(expiredBefore + 1);
    expect(sample(m1, 'kad_vrrp_last_transition_timestamp_seconds', { iname: 'VI_1', reason: 'masterDownTimerExpired', to: 'MASTER' }))
      .toBeGreaterThan(Date.now() / 1000 - 60);
    expect(m1.get('keepalived_become_master_total')?.type).toBe('COUNTER');
    // The checker's view: the metrics listener itself is the live real server, port 9 the dead one.
    await waitUntil(() => samples(parseExposition(scrape(1)), 'kad_check_attempts_total').every((s) => Number(s.value) > 0), 10_000, 'a check attempt on every real server');
    m1 = parseExposition(scrape(1));
    expect(sample(m1, 'kad_real_server_alive', { rs: '[127.0.0.1]:tcp:9650' })).toBe(1);
    expect(sample(m1, 'kad_real_server_alive', { rs: '[127.0.0.1]:tcp:9' })).toBe(0);
    expect(sample(m1, 'kad_virtual_server_quorum_up', { vs: '[10.231.0.200]:tcp:80' })).toBe(1);

    const doc = await status(1);
    const ajv = new Ajv({ allErrors: true, strict: true });
    const validate = ajv.compile(JSON.parse(readFileSync(join(ROOT, 'docs/status.schema.json'), 'utf8')) as object);
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    const vi = doc.instances.find((i) => i.name === 'VI_1');
    expect(vi?.state).toBe('MASTER');
    expect(vi?.lastTransition).toMatchObject({ from: 'BACKUP', to: 'MASTER', reason: 'masterDownTimerExpired', peer: lab.ipv4(0) });
    expect(doc.virtualServers[0]?.realServers.map((r) => [r.port, r.alive, r.checkers[0]?.last?.ok])).toEqual([[9650, true, true], [9, false, false]]);

    const table = execFileSync(process.execPath, [join(ROOT, 'bin/kad.js'), 'status', '--socket', sock(1)], { encoding: 'utf8' });
    expect(table).toMatch(/^VI_1\s+51\s+eth0\s+MASTER\s+90\s.*BACKUP->MASTER masterDownTimerExpired .* peer 10\.231\.0\.1$/m);
    expect(table).toMatch(/\[127\.0\.0\.1\]:tcp:9\s+DOWN\s+0\s+failed \(refused\)/);
    const json = JSON.parse(execFileSync(process.execPath, [join(ROOT, 'bin/kad.js'), 'status', '--json', '--socket', sock(1)], { encoding: 'utf8' })) as StatusDocument;
    expect(json.instances[0]?.state).toBe('MASTER');
  });

  it('kad status --watch redraws the table', async () => {
    const out = await new Promise<string>((resolve) => {
      let text = '';
      const p = spawn(process.execPath, [join(ROOT, 'bin/kad.js'), 'status', '--watch', '0.3', '--socket', sock(1)]);
      p.stdout.on('data', (d: Buffer) => (text += d.toString()));
      setTimeout(() => p.kill('SIGTERM'), 1500);
      p.on('exit', () => resolve(text));
    });
    expect(out.match(/^kad ready, /gm)?.length ?? 0).toBeGreaterThanOrEqual(3);
    expect(out).toMatch(/^VI_1\s+51\s+eth0\s+MASTER/m);
  });

  it.skipIf(noPromtool !== undefined)('passes promtool check metrics', () => {
    const text = scrape(1);
    const out = execFileSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(out.trim()).toBe('');
  });

  it('a stopped child shows as timeout, a killed one as restarting, without hanging the endpoint', async () => {
    const checker = (await status(1)).processes.find((p) => p.kind === 'checker');
    expect(checker?.pid).toBeGreaterThan(0);
    process.kill(checker!.pid!, 'SIGSTOP');
    try {
      const t0 = performance.now();
      const doc = await status(1);
      expect(performance.now() - t0).toBeLessThan(3000);
      expect(doc.sources).toEqual({ vrrp: 'ok', checker: 'timeout' });
      expect(doc.instances[0]?.state).toBe('MASTER');
      expect(sample(parseExposition(scrape(1)), 'kad_child_up', { child: 'checker' })).toBe(0);
    } finally {
      process.kill(checker!.pid!, 'SIGCONT');
    }
    process.kill(checker!.pid!, 'SIGKILL');
    let sawNotReady = false;
    for (const end = performance.now() + 15_000; performance.now() < end;) {
      const r = await getFromSocket(sock(1), '/readyz');
      if (r.status === 503) sawNotReady = true;
      if (r.status === 200 && sawNotReady) break;
      await sleep(5);
    }
    expect(sawNotReady).toBe(true);
    const doc = await status(1);
    const again = doc.processes.find((p) => p.kind === 'checker');
    expect(again?.restarts).toBe(1);
    expect(again?.pid).not.toBe(checker?.pid);
    expect(doc.sources.checker).toBe('ok');
    expect(sample(parseExposition(scrape(1)), 'kad_child_restarts_total', { child: 'checker' })).toBe(1);
  });

  it('a reload shows in the document and the metrics', async () => {
    const d1 = daemons[0]!;
    d1.proc.kill('SIGHUP');
    await waitUntil(() => /Reload complete/.test(d1.output), 10_000, 'reload complete');
    const doc = await status(1);
    expect(doc.reloads).toMatchObject({ count: 1, lastOk: true });
    expect(doc.reloads.lastDurationMs).toBeGreaterThanOrEqual(0);
    const m = parseExposition(scrape(1));
    expect(sample(m, 'kad_reloads_total')).toBe(1);
    expect(sample(m, 'kad_reload_last_success')).toBe(1);
    expect(doc.instances[0]?.state).toBe('MASTER');
  });

  it('without --metrics nothing listens on a network address', async () => {
    const file = lab.writeFile('plain.conf', conf(100));
    const base = join(lab.dir, 'plain');
    const args = [join(ROOT, 'bin/kad.js'), '-n', '-l', '-f', file, '-p', `${base}.pid`, '-r', `${base}_vrrp.pid`, '-c', `${base}_checkers.pid`, '--status-socket', join(lab.dir, 'plain.sock')];
    const d = new Daemon('kad@0 plain', lab.directors[0]!.spawn(process.execPath, args, { detached: true, env: { ...process.env, TMPDIR: lab.dir, KAD_CHECK_DRY_RUN: '1' } }), file);
    daemons.push(d);
    await waitUntil(() => /Startup complete/.test(d.output), 15_000, 'kad started without --metrics');
    expect(lab.directors[0]!.exec('ss', ['-Hltnu']).trim()).toBe('');
    expect((await getFromSocket(join(lab.dir, 'plain.sock'), '/readyz')).status).toBe(200);
  });

  it('scraping sent no signal: no dump file was written', () => {
    expect(readdirSync(lab.dir).filter((f) => /^keepalived.*\.(data|stats|json)$/.test(f))).toEqual([]);
  });
});
