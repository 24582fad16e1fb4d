// The proc connector's byte layouts, checked without root. The datagrams are real: captured from
// the proc connector of Linux 6.18 (x86_64) while `sh -c 'printf x > /proc/self/comm; exec
// /bin/true a b'` ran (pid 0x404f, its parent 0x4026), one row per 4 bytes.
import { describe, expect, it } from 'vitest';
import {
  decodeProcEvents, encodeMcastOp, parseCmdline, parseStat, PROC_CN_MCAST_IGNORE, PROC_CN_MCAST_LISTEN,
} from '../../../src/net/proc-connector.js';

const hex = (rows: string[]): Buffer => Buffer.from(rows.join(''), 'hex');

// nlmsghdr (16) | cn_msg (20) | proc_event: what, cpu, timestamp_ns (8) | event_data (24)
const head = (seq: string, what: string, ts: string): string[] => [
  '4c000000', '03000000', seq, '00000000', // len 76, NLMSG_DONE, seq, port 0
  '01000000', '01000000', seq, '00000000', '28000000', // CN_IDX_PROC, CN_VAL_PROC, seq, ack 0, len 40 + flags 0
  what, '01000000', ts, // what, cpu 1, timestamp
];
const FORK = hex([...head('25190000', '01000000', 'eccfef9635080000'),
  '26400000', '26400000', '4f400000', '4f400000', '00000000', '00000000']);
const EXEC = hex([...head('bd160000', '02000000', 'd015f59635080000'),
  '4f400000', '4f400000', '00000000', '00000000', '00000000', '00000000']);
const COMM = hex([...head('be160000', '00020000', '38a1019735080000'),
  '4f400000', '4f400000', '78000000', '00000000', '00000000', '00000000']);
const EXIT = hex([...head('c0160000', '00000080', 'c8fa0e9735080000'),
  '4f400000', '4f400000', '00000000', '11000000', '26400000', '26400000']);
// The answer to PROC_CN_MCAST_LISTEN: cn_msg ack 1, what NONE, err 0.
const ACK = hex([
  '4c000000', '03000000', '24190000', '00000000',
  '01000000', '01000000', '24190000', '01000000', '28000000',
  '00000000', '01000000', '7907ed9635080000',
  '00000000', '00000000', '00000000', '00000000', '00000000', '00000000',
]);

describe('proc connector events', () => {
  it('decodes fork, exec, comm, exit and the listen ack', () => {
    expect(decodeProcEvents(FORK)).toEqual([{ kind: 'fork', parentPid: 0x4026, parentTgid: 0x4026, childPid: 0x404f, childTgid: 0x404f }]);
    expect(decodeProcEvents(EXEC)).toEqual([{ kind: 'exec', pid: 0x404f, tgid: 0x404f }]);
    expect(decodeProcEvents(COMM)).toEqual([{ kind: 'comm', pid: 0x404f, tgid: 0x404f, comm: 'x' }]);
    expect(decodeProcEvents(EXIT)).toEqual([{ kind: 'exit', pid: 0x404f, tgid: 0x404f, exitCode: 0, exitSignal: 17 }]);
    expect(decodeProcEvents(ACK)).toEqual([{ kind: 'ack', err: 0 }]);
  });

  it('reads several messages in one datagram', () => {
    expect(decodeProcEvents(Buffer.concat([FORK, EXEC, EXIT])).map((e) => e.kind)).toEqual(['fork', 'exec', 'exit']);
  });

  it('skips truncated messages, other connectors, errors and event kinds it does not track', () => {
    expect(decodeProcEvents(FORK.subarray(0, 60))).toEqual([]);
    const other = Buffer.from(FORK);
    other.writeUInt32LE(2, 16); // CN_IDX_CIFS
    expect(decodeProcEvents(other)).toEqual([]);
    const error = Buffer.from(EXEC);
    error.writeUInt16LE(2, 4); // NLMSG_ERROR
    expect(decodeProcEvents(error)).toEqual([]);
    const uid = Buffer.from(EXEC);
    uid.writeUInt32LE(0x4, 36); // PROC_EVENT_UID
    expect(decodeProcEvents(uid)).toEqual([]);
    const short = Buffer.from(EXIT);
    short.writeUInt16LE(20, 32); // cn_msg.len shorter than an exit event
    expect(decodeProcEvents(short)).toEqual([]);
    expect(decodeProcEvents(Buffer.alloc(3))).toEqual([]);
  });

  it('the listen and ignore requests: nlmsghdr NLMSG_DONE, cn_msg for the proc connector, the op', () => {
    expect(encodeMcastOp(PROC_CN_MCAST_LISTEN).toString('hex')).toBe([
      '28000000', '03000000', '00000000', '00000000',
      '01000000', '01000000', '00000000', '00000000', '04000000',
      '01000000',
    ].join(''));
    expect(encodeMcastOp(PROC_CN_MCAST_IGNORE, 7).readUInt32LE(36)).toBe(2);
    expect(encodeMcastOp(PROC_CN_MCAST_IGNORE, 7).readUInt32LE(12)).toBe(7);
  });
});

describe('/proc texts', () => {
  it('stat: the name between the first ( and the last ), then the state and the parent', () => {
    expect(parseStat('4242 (haproxy) S 1 4242 4242 0 -1')).toEqual({ comm: 'haproxy', state: 'S', ppid: 1 });
    expect(parseStat('77 (a) b (c)) Z 12 77')).toEqual({ comm: 'a) b (c)', state: 'Z', ppid: 12 });
    expect(parseStat('garbage')).toBeUndefined();
  });

  it('cmdline: NUL-separated argv, empty for kernel threads and zombies', () => {
    expect(parseCmdline(Buffer.from('/usr/sbin/haproxy\0-f\0/etc/h.cfg\0'))).toEqual(['/usr/sbin/haproxy', '-f', '/etc/h.cfg']);
    expect(parseCmdline(Buffer.from('nginx: master process /usr/sbin/nginx'))).toEqual(['nginx: master process /usr/sbin/nginx']);
    expect(parseCmdline(Buffer.from('a\0\0b\0'))).toEqual(['a', '', 'b']);
    expect(parseCmdline(Buffer.alloc(0))).toEqual([]);
  });
});
