// The one mapping from npm netlink's error text to errno (src/net/rtnl-errors.ts).
import { describe, expect, it } from 'vitest';
import { errnoFromNetlink, rtnlError } from '../../../src/net/rtnl-errors.js';

describe('rtnetlink error mapping', () => {
  it('reads the errno name or number out of the message', () => {
    expect(errnoFromNetlink(new Error('Request rejected: EEXIST'))).toBe(17);
    expect(errnoFromNetlink(new Error('Request rejected: EADDRNOTAVAIL'))).toBe(99);
    expect(errnoFromNetlink(new Error('Request rejected: -4095'))).toBe(4095);
    expect(errnoFromNetlink(new Error('Timeout has been reached'))).toBe(110);
    expect(errnoFromNetlink(new Error('something else'))).toBeUndefined();
  });

  it('builds a KadError with {errno, code, syscall}', () => {
    const e = rtnlError(new Error('Request rejected: ENODEV'), 'RTM_NEWADDR', '10.0.0.1/24 dev 99');
    expect(e.code).toBe('KAD_ERR_NET_RTNL');
    expect(e.errnoInfo).toEqual({ errno: 19, code: 'ENODEV', syscall: 'RTM_NEWADDR' });
    expect(e.message).toBe('RTM_NEWADDR 10.0.0.1/24 dev 99: ENODEV');
    const unknown = rtnlError(new Error('odd failure'), 'RTM_GETLINK', 'eth0');
    expect(unknown.errnoInfo).toBeUndefined();
    expect(unknown.message).toBe('RTM_GETLINK eth0: odd failure');
  });
});
