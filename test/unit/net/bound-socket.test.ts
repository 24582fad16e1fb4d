// The system calls a checker socket's binding asks for (src/net/bound-socket.ts socketPlan),
// checked without root: socket type and protocol per kind and family, SO_MARK and
// SO_BINDTODEVICE bytes, and the sockaddr given to bind(2).
import { describe, expect, it } from 'vitest';
import { needsOwnSocket, socketPlan } from '../../../src/net/bound-socket.js';

const hex = (b: Buffer | undefined): string | undefined => b?.toString('hex');

describe('socketPlan', () => {
  it('socket(2) arguments per kind and family', () => {
    const args = (k: 'tcp' | 'udp' | 'icmp', f: 4 | 6): number[] => {
      const p = socketPlan(k, { family: f });
      return [p.domain, p.type, p.protocol];
    };
    expect(args('tcp', 4)).toEqual([2, 1, 6]);
    expect(args('tcp', 6)).toEqual([10, 1, 6]);
    expect(args('udp', 4)).toEqual([2, 2, 17]);
    expect(args('icmp', 4)).toEqual([2, 3, 1]);
    expect(args('icmp', 6)).toEqual([10, 3, 58]);
  });

  it('fwmark: SO_MARK (SOL_SOCKET 1, 36) as a 32-bit host-order value; 0 sets nothing', () => {
    const p = socketPlan('tcp', { family: 4, fwmark: 0x01020304 });
    expect(p.options.map((o) => [o.level, o.name, hex(o.value), o.what])).toEqual([[1, 36, '04030201', 'SO_MARK 16909060']]);
    expect(socketPlan('tcp', { family: 4, fwmark: 4294967295 }).options[0]!.value.toString('hex')).toBe('ffffffff');
    expect(socketPlan('tcp', { family: 4, fwmark: 0 }).options).toEqual([]);
  });

  it('bind_if: SO_BINDTODEVICE (1, 25) with the NUL-terminated name, after the mark', () => {
    const p = socketPlan('udp', { family: 6, fwmark: 7, bindIf: 'eth1' });
    expect(p.options.map((o) => [o.name, hex(o.value)])).toEqual([[36, '07000000'], [25, '6574683100']]);
    expect(p.options[1]!.what).toBe('SO_BINDTODEVICE eth1');
  });

  it('bindto / bind_port: one sockaddr for bind(2), port in network order; none when unset', () => {
    expect(socketPlan('tcp', { family: 4 }).bind).toBeUndefined();
    expect(hex(socketPlan('tcp', { family: 4, bindTo: '10.0.0.5', bindPort: 0x1234 }).bind)).toBe('0200' + '1234' + '0a000005' + '00'.repeat(8));
    expect(hex(socketPlan('tcp', { family: 4, bindPort: 80 }).bind)).toBe('0200' + '0050' + '00000000' + '00'.repeat(8));
    const v6 = socketPlan('udp', { family: 6, bindTo: 'fd00::5' }).bind!;
    expect(v6.length).toBe(28);
    expect(hex(v6)).toBe('0a00' + '0000' + '00000000' + 'fd000000000000000000000000000005' + '00000000');
    // An ICMP socket has no port: bind_port alone binds nothing, with bindto the port stays 0.
    expect(socketPlan('icmp', { family: 4, bindPort: 80 }).bind).toBeUndefined();
    expect(hex(socketPlan('icmp', { family: 4, bindTo: '10.0.0.5', bindPort: 80 }).bind)?.slice(4, 8)).toBe('0000');
  });

  it('an own descriptor is needed only for bind_if or a non-zero fwmark', () => {
    expect(needsOwnSocket({ family: 4, bindTo: '10.0.0.5', bindPort: 1000 })).toBe(false);
    expect(needsOwnSocket({ family: 4, fwmark: 0 })).toBe(false);
    expect(needsOwnSocket({ family: 4, fwmark: 1 })).toBe(true);
    expect(needsOwnSocket({ family: 6, bindIf: 'eth0' })).toBe(true);
  });
});
