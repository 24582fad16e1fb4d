// The socket pool and interface sections of keepalived.data (the live comparison with keepalived
// 2.2.7 is test/integration/dump-parity.test.ts; these are the cases a lab does not show).
import { describe, expect, it } from 'vitest';
import { formatInterfaces, formatSockpool, type InterfaceDump } from '../../../../src/vrrp/dump/print-host.js';

const eth: InterfaceDump = {
  name: 'eth1', index: 3, ipv4: '10.0.0.1', mac: '02:00:00:00:00:01', macBroadcast: 'ff:ff:ff:ff:ff:ff', up: false, running: false,
  broadcast: true, loopback: false, pointToPoint: true, noArp: true, multicast: true, mtu: 9000, hwType: 'IPGRE',
  tracking: [{ name: 'VI_1', weight: 0 }, { name: 'VI_2', weight: -20 }],
};

describe('keepalived.data host sections', () => {
  it('prints a down, point-to-point, no-arp interface of an unknown type with its trackers', () => {
    const out = formatInterfaces([eth]);
    expect(out).toContain('   IPv6 address = (none)');
    expect(out).toContain('   State = not UP, not RUNNING, point to point, no arp');
    expect(out).toContain('   Seen up = 0');
    expect(out).toContain('   HW Type = UNKNOWN (IPGRE)');
    expect(out.slice(-3)).toEqual(['   Tracking VRRP instances :', '     VI_1, weight 0', '     VI_2, weight -20']);
  });

  it('prints a unicast IPsec-AH socket with its instances', () => {
    expect(formatSockpool([{ fd: 7, interface: 'eth1', family: 6, ah: true, unicast: true, rxBufSize: 0, instances: [{ name: 'VI_1', vrid: 9 }] }])).toEqual([
      '------< VRRP Sockpool >------', ' fd_in 7 fd_out = 7', '   Interface = eth1', '   Family = IPv6', '   Protocol = IPSEC-AH',
      '   Type = Unicast', '   Rx buf size = 0', '   VRRP instances', '     VI_1 vrid 9',
    ]);
  });
});
