// sd_notify datagrams through the real koffi seam to a socket this test owns (python3 receiver),
// both as an abstract '@' name and as a filesystem path.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createNotifier, formatNotify } from '../../../src/supervisor/sd-notify.js';
import { sockaddrUn } from '../../../src/net/unix-dgram.js';
import { memoryLogger } from '../../../src/core/log.js';
import { startDatagramReceiver } from '../../fixtures/processes/receiver.js';

describe('sd_notify', () => {
  it.each([
    ['abstract', `@kad-sdn-${process.pid}`],
    ['path', ''],
  ])('sends READY/RELOADING/STOPPING/ERRNO to a %s socket', async (_kind, name) => {
    const dir = mkdtempSync(join(tmpdir(), 'kad-sdn-'));
    const sock = name === '' ? join(dir, 'notify') : name;
    const rx = await startDatagramReceiver(sock);
    try {
      const { log, records } = memoryLogger();
      const n = createNotifier(sock, log);
      n.ready(1234);
      n.reloading(99n);
      n.stopping();
      n.errno(2);
      n.close();
      expect(await rx.waitFor(4)).toEqual([
        'READY=1\nSTATUS=running\nMAINPID=1234',
        'RELOADING=1\nSTATUS=reloading\nMONOTONIC_USEC=99',
        'STOPPING=1\nSTATUS=stopping',
        'ERRNO=2',
      ]);
      expect(records).toEqual([]);
    } finally {
      rx.stop();
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
