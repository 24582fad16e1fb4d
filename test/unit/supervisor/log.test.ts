// Log destinations from the command line (-l, -g, -S, -G, journal), asserted on what each sink
// receives from real pino records.
import { describe, expect, it } from 'vitest';
import { createCliLogger, ctime, logFilePath, syslogFacility, syslogSeverity, type CliLoggerIo } from '../../../src/core/log.js';

function io(env: NodeJS.ProcessEnv = {}): CliLoggerIo & { out: string[]; files: [string, string][]; syslogs: string[] } {
  const out: string[] = [];
  const files: [string, string][] = [];
  const syslogs: string[] = [];
  return {
    out, files, syslogs, env, tmpDir: '/tmp/x', pid: 321, nowMs: () => 0,
    console: (t) => out.push(t),
    appendFile: (p, t) => files.push([p, t]),
    syslog: (d) => syslogs.push(d),
  };
}

const flags = { logConsole: false, logDetail: false, noSyslog: false };

describe('cli logger', () => {
  it('-l prints keepalived-style readable lines', () => {
    const sink = io();
    createCliLogger('vrrp', { ...flags, logConsole: true, noSyslog: true }, sink).info('(VI_1) Entering MASTER STATE');
    expect(sink.out).toHaveLength(1);
    expect(sink.out[0]).toMatch(/^\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}: \(VI_1\) Entering MASTER STATE\n$/);
    expect(sink.syslogs).toEqual([]);
  });

  it('syslog gets <facility*8+severity>ident[pid]: msg; -S local3; -G disables it', () => {
    const sink = io();
    const log = createCliLogger('checker', { ...flags, logFacility: 'local3' }, sink);
    log.warn('TCP connection failed');
    expect(sink.syslogs).toEqual(['<156>kad_checkers[321]: TCP connection failed']);
    const quiet = io();
    createCliLogger('parent', { ...flags, noSyslog: true }, quiet).error('x');
    expect(quiet.syslogs).toEqual([]);
  });

  it('-g writes to the file with the child suffix before the extension', () => {
    const sink = io();
    createCliLogger('vrrp', { ...flags, noSyslog: true, logFile: '/var/log/kad.log' }, sink).info('hello');
    expect(sink.files[0]?.[0]).toBe('/var/log/kad_vrrp.log');
    expect(sink.files[0]?.[1]).toMatch(/: hello\n$/);
    expect(logFilePath(true, 'checker', '/tmp/x')).toBe('/tmp/x/kad_healthcheckers.log');
    expect(logFilePath('/a.b/log', 'vrrp', '/t')).toBe('/a.b/log_vrrp');
    expect(logFilePath('/a/kad.log', 'parent', '/t')).toBe('/a/kad.log');
  });

  it('under systemd (JOURNAL_STREAM) stdout carries <severity> prefixes and syslog is skipped', () => {
    const sink = io({ JOURNAL_STREAM: '8:1234' });
    const log = createCliLogger('parent', flags, sink);
    log.error('boom');
    log.info('fine');
    expect(sink.out).toEqual(['<3>boom\n', '<6>fine\n']);
    expect(sink.syslogs).toEqual([]);
  });

  it('-D enables debug records', () => {
    const plain = io();
    createCliLogger('parent', { ...flags, noSyslog: true, logConsole: true }, plain).debug('detail');
    expect(plain.out).toEqual([]);
    const detailed = io();
    createCliLogger('parent', { ...flags, noSyslog: true, logConsole: true, logDetail: true }, detailed).debug('detail');
    expect(detailed.out).toHaveLength(1);
  });

  it('maps facilities, severities and timestamps', () => {
    expect(syslogFacility(undefined)).toBe(3);
    expect(syslogFacility('0')).toBe(16);
    expect(syslogFacility('local7')).toBe(23);
    expect(syslogFacility('user')).toBe(1);
    expect([60, 50, 40, 30, 20, 10].map(syslogSeverity)).toEqual([2, 3, 4, 6, 7, 7]);
    process.env.TZ = 'UTC';
    expect(ctime(Date.UTC(2026, 10, 3, 9, 5, 7))).toBe('Tue Nov  3 09:05:07 2026');
  });
});
