// The demo's parsing and printing (scripts/demo/view.ts, wire.ts): the IPVS table, tcpdump
// lines, the live status line and the summary.
import { describe, expect, it } from 'vitest';
import { parseTable, statusLine, summaryText, type Summary } from '../../../../scripts/demo/view.js';
import { parseWireLine } from '../../../../scripts/demo/wire.js';

const TABLE = `IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
TCP  10.10.1.100:80 wrr
  -> 10.10.2.11:80                Masq    2      0          3
  -> 10.10.2.12:80                Masq    1      0          1
`;

describe('demo view', () => {
  it('reads the real servers and weights of `ipvsadm -Ln`', () => {
    expect([...parseTable(TABLE)]).toEqual([['10.10.2.11', 2], ['10.10.2.12', 1]]);
    expect(parseTable('IP Virtual Server version 1.2.1 (size=4096)\n').size).toBe(0);
  });

  it('turns tcpdump lines into adverts and gratuitous ARPs, and ignores the rest', () => {
    expect(parseWireLine('1733230000.123456 IP 10.10.1.12 > 224.1.111.1: VRRPv2, Advertisement, vrid 51, prio 90, authtype simple, intvl 1s, length 20'))
      .toEqual({ kind: 'advert', tMs: 1733230000123, src: '10.10.1.12', prio: 90 });
    expect(parseWireLine('1733230000.5 ARP, Request who-has 10.10.1.100 (ff:ff:ff:ff:ff:ff) tell 10.10.1.100, length 28'))
      .toEqual({ kind: 'garp', tMs: 1733230000500, ip: '10.10.1.100' });
    expect(parseWireLine('1733230000.5 ARP, Reply 10.10.1.100 is-at 02:00:00:00:00:01, length 28')).toBeUndefined();
    expect(parseWireLine('1733230000.5 ARP, Request who-has 10.10.1.100 tell 10.10.1.2, length 28')).toBeUndefined();
    expect(parseWireLine('listening on eth0, link-type EN10MB (Ethernet), snapshot length 262144 bytes')).toBeUndefined();
  });

  it('shows who holds the VIP, each real server and the client answers on one line', () => {
    const line = statusLine({
      elapsedMs: 12_345,
      vipOn: ['kaddir1'],
      tables: { kaddir1: parseTable(TABLE), kaddir2: new Map([['10.10.2.12', 1]]) },
      serving: { RS1: false, RS2: true },
      spread: { RS1: 3, RS2: 2 },
    }, [{ name: 'RS1', addr: '10.10.2.11' }, { name: 'RS2', addr: '10.10.2.12' }]);
    expect(line).toBe('  12.3s  VIP on kaddir1 | RS1 DOWN [d1:w2] | RS2 up [d1:w1 d2:w1] | client: RS1 3, RS2 2');
  });

  it('summarises the measured times, saying which were not seen', () => {
    const s: Summary = {
      readyMs: 9000, spreadBefore: { RS1: 8, RS2: 4 },
      failover: { masterDownIntervalMs: 3648, advertGapMs: 3700, killToAdvertMs: 3100, killToVipMs: 3300, spread: { RS1: 10 } },
      restore: { startToVipMs: 5000, spread: {} },
      realServerDown: { server: 'RS1', logMs: 2100, tableMs: 2200, spread: { RS2: 12 } },
      realServerUp: { server: 'RS1', tableMs: 1200, spread: { RS1: 8, RS2: 4 } },
    };
    const text = summaryText(s).join('\n');
    expect(text).toContain("its last advert -> the backup's first: 3700 ms (Master_Down_Interval 3648 ms)");
    expect(text).toContain('its gratuitous ARP not seen');
    expect(text).toContain('RS1 down: server stopped -> kad logs it 2100 ms, -> removed in the IPVS table 2200 ms; client: RS2 12');
    expect(text).toContain('client: no answers');
  });
});
