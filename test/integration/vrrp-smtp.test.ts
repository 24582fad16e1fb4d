// VRRP smtp_alert between two kad directors: a real SMTP server (npm smtp-server) in the
// observer namespace receives keepalived's mails for each instance and sync-group transition
// (subject "[router_id] VRRP Instance VI_1 - Entering MASTER state"); none for STOP. With an
// smtp_server nobody answers (an address on the LAN with no host: the connection attempt hangs
// until smtp_connect_timeout), a hard-kill takeover is still within Master_Down_Interval + 20 ms
// on the wire, and the failures give one log line.
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { masterDownIntervalMs } from '../../src/vrrp/protocol/timers.js';
import { mailHeader } from '../fixtures/check/servers.js';
import { ensureBuilt, Lab, measureTakeover, sleep, vrrpInstance, waitForHolder, waitUntil, type Daemon } from '../helpers/lab.js';
import { cleanupAll, netnsUnavailableReason } from '../helpers/netns.js';
import { requirement } from '../helpers/requirement.js';

const why = requirement('vrrp-smtp', netnsUnavailableReason());

const VIP = '10.231.0.100';
const SMTP_PORT = 2525;
const NOBODY = '10.231.0.249'; // on the lab LAN, no host has it
const SINK = fileURLToPath(new URL('../fixtures/processes/smtp-sink.mjs', import.meta.url));

interface Mail { from: string; to: string[]; data: string }

describe.skipIf(why !== undefined)('VRRP smtp_alert', () => {
  let lab: Lab;
  let sink: ChildProcess;
  const mails: Mail[] = [];
  const d: Daemon[] = [];

  /** smtp_alert on the instance of director 0; by global smtp_alert on director 1 (group included). */
  function conf(i: number, prio: number, server: string, timeoutS = 5): string {
    return `global_defs {
  router_id D${i}
  notification_email {
    ops@example.test
  }
  notification_email_from kad${i}@example.test
  smtp_server ${server} ${SMTP_PORT}
  smtp_connect_timeout ${timeoutS}
  ${i === 1 ? 'smtp_alert' : ''}
}
vrrp_sync_group G1 {
  group {
    VI_1
  }
  ${i === 0 ? 'smtp_alert' : ''}
}
${vrrpInstance({ name: 'VI_1', vrid: 51, priority: prio, vips: [`${VIP}/24`], lines: i === 0 ? 'smtp_alert' : '' })}`;
  }

  const subjects = (router: string): string[] =>
    mails.map((m) => mailHeader(m.data, 'Subject') ?? '').filter((s) => s.startsWith(`[${router}]`)).sort();

  beforeAll(async () => {
    ensureBuilt();
    lab = Lab.create({ directors: 2 });
    sink = lab.observer.spawn(process.execPath, [SINK, lab.ipv4('observer'), String(SMTP_PORT)], { cwd: fileURLToPath(new URL('../..', import.meta.url)) });
    let buf = '';
    let listening = false;
    sink.stdout!.on('data', (c: Buffer) => {
      buf += c.toString();
      const lines = buf.split('\n');
      buf = lines.pop() ?? '';
      for (const l of lines) {
        if (l === 'LISTEN') listening = true;
        else if (l.startsWith('{')) mails.push(JSON.parse(l) as Mail);
      }
    });
    await waitUntil(() => listening, 10_000, 'the SMTP server');
  });
  afterAll(async () => {
    await Promise.all(d.map((x) => x?.stop()));
    sink?.kill();
    cleanupAll();
  });

  it('mails every transition with keepalived subjects and bodies; nothing for STOP', async () => {
    d[0] = lab.startKad(0, conf(0, 100, lab.ipv4('observer')));
    await waitForHolder(lab, VIP, 0, 10_000);
    d[1] = lab.startKad(1, conf(1, 90, lab.ipv4('observer')));
    await d[1].waitForOutput(/\(VI_1\) Entering BACKUP STATE/, 10_000);
    await d[0].stop();
    await waitForHolder(lab, VIP, 1, 10_000);
    await waitUntil(() => subjects('D1').length >= 4 && subjects('D0').length >= 4, 10_000, 'the mails');
    await sleep(500); // nothing more may come (no STOP mail)
    expect(subjects('D0')).toEqual([
      '[D0] VRRP Group G1 - Entering BACKUP state', '[D0] VRRP Group G1 - Entering MASTER state',
      '[D0] VRRP Instance VI_1 - Entering BACKUP state', '[D0] VRRP Instance VI_1 - Entering MASTER state',
    ]);
    expect(subjects('D1')).toEqual([
      '[D1] VRRP Group G1 - Entering BACKUP state', '[D1] VRRP Group G1 - Entering MASTER state',
      '[D1] VRRP Instance VI_1 - Entering BACKUP state', '[D1] VRRP Instance VI_1 - Entering MASTER state',
    ]);
    const master = mails.find((m) => mailHeader(m.data, 'Subject') === '[D1] VRRP Instance VI_1 - Entering MASTER state')!;
    expect(master.from).toBe('kad1@example.test');
    expect(master.to).toEqual(['ops@example.test']);
    expect(master.data).toContain('=> VRRP Instance is now owning VRRP VIPs <=');
    const group = mails.find((m) => mailHeader(m.data, 'Subject') === '[D0] VRRP Group G1 - Entering MASTER state')!;
    expect(group.data).toContain('=> All VRRP group instances are now in MASTER state <=');
    expect(d[1].output).toContain('SMTP alert successfully sent.');
    await d[1].stop();
  });

  it('an unreachable smtp_server does not delay a takeover; its failures are one log line', async () => {
    const limitMs = masterDownIntervalMs(90, 1000);
    const before = mails.length;
    d[1] = lab.startKad(1, conf(1, 90, NOBODY, 3));
    d[0] = lab.startKad(0, conf(0, 100, NOBODY, 3));
    await waitForHolder(lab, VIP, 0, 10_000);
    const cap = await lab.startCapture();
    await sleep(1100); // at least one advert in the capture
    await d[0].hardKill();
    // The killed master could not remove its VIP: wait for the backup to hold it too.
    await waitUntil(() => lab.hasAddress(1, VIP), 6000, 'the VIP on director 1');
    await sleep(50);
    const t = measureTakeover(await cap.stop(), lab.ipv4(0), lab.ipv4(1), VIP);
    console.log(`hard-kill takeover with an unreachable smtp_server: ${t.deltaMs.toFixed(1)} ms (limit ${limitMs} ms)`);
    expect(t.deltaMs).toBeGreaterThanOrEqual(limitMs - 1);
    expect(t.deltaMs).toBeLessThanOrEqual(limitMs + 20);
    // Both mails of director 1 (BACKUP, then MASTER, instance and group) failed after 3 s: one line.
    await waitUntil(() => /Error sending alert mail/.test(d[1]!.output), 10_000, 'the SMTP failure log line');
    await sleep(4000);
    expect(d[1]!.output.match(/Error sending alert mail/g)).toHaveLength(1);
    expect(mails.length).toBe(before); // nothing reached the real server meanwhile
  });
});
