// sd_notify datagrams through the real koffi seam to a socket this test owns (python3 receiver),
// both as an abstract '@' name and as a filesystem path.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createNotifier, formatNotify } from '../../../src/supervisor/sd-notify.js';
import { sockaddrUn } from '../../../src/supervisor/unix-dgram.js';
import { memoryLogger } from '../../../src/core/log.js';

const RECEIVER = fileURLToPath(new URL('../../fixtures/processes/notify-receiver.py', import.meta.url));

async function receiver(name: string): Promise<{ proc: ChildProcess; lines: () => string[] }> {
  const proc = spawn('python3', [RECEIVER, name], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  const lines = (): string[] => out.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as string);
  const until = Date.now() + 10_000;
  while (!lines().includes('LISTENING')) {
    if (Date.now() > until) throw new Error('receiver did not start');
    await new Promise((r) => setTimeout(r, 10));
  }
  return { proc, lines };
}

async function collect(lines: () => string[], n: number): Promise<string[]> {
  const until = Date.now() + 5_000;
  while (lines().length < n + 1 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
  return lines().slice(1);
}

describe('sd_notify', () => {
  it.each([
    ['abstract', `@kad-sdn-${process.pid}`],
    ['path', ''],
  ])('sends READY/RELOADING/STOPPING/ERRNO to a %s socket', async (_kind, name) => {
    const dir = mkdtempSync(join(tmpdir(), 'kad-sdn-'));
    const sock = name === '' ? join(dir, 'notify') : name;
    const r = await receiver(sock);
    try {
      const { log, records } = memoryLogger();
      const n = createNotifier(sock, log);
      n.ready(1234);
      n.reloading(99n);
      n.stopping();
      n.errno(2);
      n.close();
      const got = await collect(r.lines, 4);
      expect(got).toEqual([
        'READY=1\nSTATUS=running\nMAINPID=1234',
        'RELOADING=1\nSTATUS=reloading\nMONOTONIC_USEC=99',
        'STOPPING=1\nSTATUS=stopping',
        'ERRNO=2',
      ]);
      expect(records).toEqual([]);
    } finally {
      r.proc.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a dead socket is logged as a warning, never thrown', () => {
    const { log, records } = memoryLogger();
    createNotifier('/nonexistent-kad/notify', log).ready(1);
    expect(records[0]?.code).toBe('KAD_WARN_SUPERVISOR_NOTIFY');
  });

  it('without NOTIFY_SOCKET nothing is sent', () => {
    const { log, records } = memoryLogger();
    const n = createNotifier(undefined, log);
    n.ready(1);
    n.stopping();
    expect(records).toEqual([]);
  });

  it('formats fields and socket addresses', () => {
    expect(formatNotify({ READY: 1, MAINPID: 5 })).toBe('READY=1\nMAINPID=5');
    const abs = sockaddrUn('@x');
    expect(abs.len).toBe(4);
    expect([...abs.addr.subarray(0, 4)]).toEqual([1, 0, 0, 0x78]);
    expect(sockaddrUn('/run/n').len).toBe(2 + 7);
    expect(() => sockaddrUn('/' + 'a'.repeat(200))).toThrow(/too long/);
  });
});
