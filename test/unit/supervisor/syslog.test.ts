// Syslog through the real datagram seam: a socket this test owns stands in for /dev/log.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createProcessLogger } from '../../../src/supervisor/log-io.js';
import { startDatagramReceiver } from '../../fixtures/processes/receiver.js';

describe('syslog datagrams', () => {
  it('reach the syslog socket as <facility*8+severity>ident[pid]: message', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kad-syslog-'));
    const sock = join(dir, 'log');
    const rx = await startDatagramReceiver(sock);
    try {
      const flags = { logConsole: false, logDetail: false, noSyslog: false, logFacility: '2' };
      const log = createProcessLogger('vrrp', flags, {}, sock);
      log.info('(VI_1) Entering MASTER STATE');
      log.error('boom');
      expect(await rx.waitFor(2)).toEqual([
        `<150>kad_vrrp[${process.pid}]: (VI_1) Entering MASTER STATE`,
        `<147>kad_vrrp[${process.pid}]: boom`,
      ]);
    } finally {
      rx.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
