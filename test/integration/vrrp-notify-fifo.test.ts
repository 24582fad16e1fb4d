// Notify FIFOs on two kad directors (keepalived.conf(5) notify_fifo, vrrp_notify_fifo[_script],
// lvs_notify_fifo): the lines keepalived 2.2.7 writes, in transition order, read from the FIFOs
// while the master's real server goes down, its priority changes, it stops gracefully and the
// backup takes over; a reload removing an instance with notify_deleted writes DELETED. The VRRP
// lines come from the VRRP child, the RS/VS lines from the checker child (TCP_CHECK against a
// port in the observer namespace; KAD_CHECK_DRY_RUN=1, the host has no IPVS), and notify_fifo
// gets both. vrrp_notify_fifo_script reads the VRRP FIFO and gets the same lines.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, Lab, vrrpInstance, waitForHolder, waitUntil, type Daemon } from '../helpers/lab.js';
import { cleanupAll, netnsUnavailableReason } from '../helpers/netns.js';
import { requirement } from '../helpers/requirement.js';

const why = requirement('vrrp-notify-fifo', netnsUnavailableReason());

const VIP1 = '10.231.0.100';
const VIP2 = '10.231.0.101';
const RS_PORT = 8080;

/** Everything written to a FIFO, read by `cat` from the moment the FIFO exists. */
class FifoReader {
  private text = '';
  private readonly cat: ChildProcess;
  constructor(path: string) {
    this.cat = spawn('cat', [path], { stdio: ['ignore', 'pipe', 'ignore'] });
    this.cat.stdout!.on('data', (d: Buffer) => (this.text += d.toString()));
  }
  get lines(): string[] {
    return this.text.split('\n').filter(Boolean);
  }
  stop(): void {
    this.cat.kill();
  }
}

describe.skipIf(why !== undefined)('notify FIFOs', () => {
  let lab: Lab;
  const d: Daemon[] = [];
  const readers: FifoReader[] = [];
  let rsListener: ChildProcess;
  const path = (name: string): string => `${lab.dir}/${name}`;

  function conf(i: number, prio: number, withVi2 = true): string {
    const checker = i === 0 ? `virtual_server ${VIP1} 80 {
  delay_loop 1
  lb_algo rr
  lb_kind NAT
  protocol TCP
  real_server ${lab.ipv4('observer')} ${RS_PORT} {
    TCP_CHECK {
      connect_timeout 1
      retry 0
      warmup 0
    }
  }
}
` : '';
    return `global_defs {
  router_id D${i}
  notify_fifo ${path(`all${i}.fifo`)}
  vrrp_notify_fifo ${path(`vrrp${i}.fifo`)}
  vrrp_notify_fifo_script "${path('reader.sh')} ${path(`script${i}.out`)}"
  lvs_notify_fifo ${path(`lvs${i}.fifo`)}
}
track_file TF {
  file ${path(`weight${i}`)}
  weight 1
}
vrrp_sync_group G1 {
  group {
    VI_1
  }
}
${vrrpInstance({ name: 'VI_1', vrid: 51, priority: prio, vips: [`${VIP1}/24`] })}
${withVi2 ? vrrpInstance({ name: 'VI_2', vrid: 52, priority: prio, vips: [`${VIP2}/24`], lines: 'notify_deleted\n  notify_priority_changes\n  track_file {\n    TF\n  }' }) : ''}
${checker}`;
  }

  beforeAll(async () => {
    ensureBuilt();
    lab = Lab.create({ directors: 2 });
    // The FIFO script: appends each line it reads to the file given first, the FIFO is last.
    writeFileSync(path('reader.sh'), '#!/bin/sh\nwhile read -r line; do echo "$line" >> "$1"; done < "$2"\n', { mode: 0o755 });
    for (const i of [0, 1]) writeFileSync(path(`weight${i}`), '0\n');
    const py = 'import socket,sys;s=socket.socket();s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1);s.bind((sys.argv[1],int(sys.argv[2])));s.listen(64)\nwhile True:\n c,_=s.accept();c.close()';
    rsListener = lab.observer.spawn('python3', ['-c', py, lab.ipv4('observer'), String(RS_PORT)]);
    // The master first, so the backup never becomes MASTER before the takeover.
    d[0] = lab.startKad(0, conf(0, 100), { checker: true, env: { KAD_CHECK_DRY_RUN: '1' } });
    await waitForHolder(lab, VIP1, 0, 10_000);
    await waitForHolder(lab, VIP2, 0, 10_000);
    d[1] = lab.startKad(1, conf(1, 90));
    await d[1].waitForOutput(/\(VI_2\) Entering BACKUP STATE/, 10_000);
    await waitUntil(() => ['all0', 'lvs0', 'all1'].every((f) => existsSync(path(`${f}.fifo`))), 10_000, 'the FIFOs');
    for (const f of ['all0', 'lvs0', 'all1']) readers.push(new FifoReader(path(`${f}.fifo`)));
  });
  afterAll(async () => {
    await Promise.all(d.map((x) => x?.stop()));
    for (const r of readers) r.stop();
    rsListener?.kill();
    cleanupAll();
  });

  it('creates the FIFOs with mode 0600', () => {
    for (const f of ['all0', 'vrrp0', 'lvs0', 'all1', 'vrrp1']) {
      const st = statSync(path(`${f}.fifo`));
      expect(st.isFIFO(), f).toBe(true);
      expect(st.mode & 0o777, f).toBe(0o600);
    }
    // Director 1 runs no checker (no virtual_server): its lvs_notify_fifo is never made.
    expect(existsSync(path('lvs1.fifo'))).toBe(false);
  });

  it('a real server going down: RS then VS lines from the checker, on lvs_notify_fifo and notify_fifo', async () => {
    const [all0, lvs0] = readers as [FifoReader, FifoReader];
    const rs = `[${lab.ipv4('observer')}]:tcp:${RS_PORT}`;
    const vs = `[${VIP1}]:tcp:80`;
    await waitUntil(() => d[0]!.output.includes(`Activating healthchecker for service ${rs}`), 10_000, 'the checker');
    rsListener.kill('SIGKILL');
    await waitUntil(() => lvs0.lines.length >= 2, 10_000, 'RS/VS DOWN lines');
    expect(lvs0.lines).toEqual([`RS ${rs} ${vs} DOWN`, `VS ${vs} DOWN`]);
    await waitUntil(() => all0.lines.includes(`VS ${vs} DOWN`), 2000, 'the VS line on notify_fifo');
    expect(all0.lines.filter((l) => /^(RS|VS) /.test(l))).toEqual(lvs0.lines);
  });

  it('a priority change is a MASTER_PRIORITY line (notify_priority_changes)', async () => {
    const all0 = readers[0]!;
    writeFileSync(path('weight0'), '10\n');
    await waitUntil(() => all0.lines.includes('INSTANCE "VI_2" MASTER_PRIORITY 110'), 10_000, 'the priority line');
  });

  it('graceful stop and takeover: each director wrote its states in transition order', async () => {
    const [all0, , all1] = readers as [FifoReader, FifoReader, FifoReader];
    await d[0]!.stop();
    await waitForHolder(lab, VIP1, 1, 10_000);
    await waitUntil(() => all1.lines.includes('GROUP "G1" MASTER 0') && all1.lines.includes('INSTANCE "VI_2" MASTER 90'), 10_000, 'director 1 MASTER lines');
    const vrrp0 = all0.lines.filter((l) => !/^(RS|VS) /.test(l));
    const of = (lines: string[], name: string): string[] => lines.filter((l) => l.includes(`"${name}"`));
    console.log(`director 0 notify_fifo:\n  ${all0.lines.join('\n  ')}\ndirector 1 notify_fifo:\n  ${all1.lines.join('\n  ')}`);
    expect(of(vrrp0, 'VI_1')).toEqual(['INSTANCE "VI_1" BACKUP 100', 'INSTANCE "VI_1" MASTER 100', 'INSTANCE "VI_1" STOP 100']);
    expect(of(vrrp0, 'G1')).toEqual(['GROUP "G1" BACKUP 0', 'GROUP "G1" MASTER 0', 'GROUP "G1" STOP 0']);
    expect(of(vrrp0, 'VI_2')).toEqual(['INSTANCE "VI_2" BACKUP 100', 'INSTANCE "VI_2" MASTER 100', 'INSTANCE "VI_2" MASTER_PRIORITY 110', 'INSTANCE "VI_2" STOP 110']);
    // Order across subjects: a group follows its member; the group's STOP comes after every instance's.
    expect(vrrp0.indexOf('GROUP "G1" MASTER 0')).toBeGreaterThan(vrrp0.indexOf('INSTANCE "VI_1" MASTER 100'));
    expect(vrrp0.at(-1)).toBe('GROUP "G1" STOP 0');
    expect(of(all1.lines, 'VI_1')).toEqual(['INSTANCE "VI_1" BACKUP 90', 'INSTANCE "VI_1" MASTER 90']);
    expect(all1.lines.some((l) => /^(RS|VS) /.test(l))).toBe(false);
    // The VRRP FIFO's script read the same VRRP lines, in the same order.
    await waitUntil(() => existsSync(path('script0.out')) && readFileSync(path('script0.out'), 'utf8').split('\n').filter(Boolean).length === vrrp0.length, 5000, 'the FIFO script output');
    expect(readFileSync(path('script0.out'), 'utf8').split('\n').filter(Boolean)).toEqual(vrrp0);
  });

  it('reload removing an instance with notify_deleted: DELETED, not STOP', async () => {
    const all1 = readers[2]!;
    writeFileSync(d[1]!.confFile, conf(1, 90, false));
    d[1]!.proc.kill('SIGHUP');
    await waitUntil(() => all1.lines.some((l) => l.startsWith('INSTANCE "VI_2" DELETED')), 10_000, 'the DELETED line');
    expect(all1.lines.filter((l) => l.includes('"VI_2"')).at(-1)).toBe('INSTANCE "VI_2" DELETED 90');
    expect(all1.lines.some((l) => l.startsWith('INSTANCE "VI_2" STOP'))).toBe(false);
    const out = path('script1.out');
    await waitUntil(() => existsSync(out) && readFileSync(out, 'utf8').includes('INSTANCE "VI_2" DELETED 90'), 5000, 'the DELETED line read by the script');
  });
});
