/**
 * Logging: pino records everywhere. Each process logs through one logger whose records carry
 * the process name (`kad`, `kad_vrrp`, `kad_checkers`) and, for errors and warnings, a stable
 * `code` (docs/errors.md); the message text keeps keepalived's wording for events operators grep ("(VI_1) Entering MASTER
 * STATE"). Destinations (console with -l, log file with -g, syslog with -S/-G) are chosen by the
 * process entry points through LogOptions; tests use memoryLogger() and assert on records.
 */
import { pino, type Logger, type DestinationStream } from 'pino';
import { beforeExtension } from './file-name.js';

export type { Logger } from 'pino';

export interface LogOptions {
  /** Process name put in every record (`kad`, `kad_vrrp`, `kad_checkers`). */
  name: string;
  /** -D: detailed logging (debug level). */
  detail?: boolean;
  /** Extra destinations; defaults to stdout as JSON lines. */
  streams?: DestinationStream[];
  level?: pino.LevelWithSilent;
}

export function createLogger(opts: LogOptions): Logger {
  const level = opts.level ?? (opts.detail ? 'debug' : 'info');
  const base = { name: opts.name, pid: process.pid };
  if (!opts.streams || opts.streams.length === 0) {
    return pino({ level, base });
  }
  const targets = opts.streams.map((stream) => ({ stream, level }));
  return pino({ level, base }, pino.multistream(targets));
}

/** One parsed pino record as tests see it. */
export interface LogRecord {
  level: number;
  msg: string;
  [key: string]: unknown;
}

/** A logger writing to an in-memory array of parsed records (tests). */
export function memoryLogger(level: pino.LevelWithSilent = 'trace'): { log: Logger; records: LogRecord[] } {
  const records: LogRecord[] = [];
  const stream: DestinationStream = {
    write(line: string): void {
      records.push(JSON.parse(line) as LogRecord);
    },
  };
  return { log: pino({ level, base: undefined }, stream), records };
}

/** A logger that drops everything (pure-core tests that do not look at logs). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

// ---------------------------------------------------------------------------------------------
// Destinations chosen by the command line: -l console, -g file, -S facility, -G no syslog.

/** The logging flags of CliOptions. */
export interface CliLogFlags {
  logConsole: boolean;
  logDetail: boolean;
  logFacility?: string;
  logFile?: string | true;
  noSyslog: boolean;
}

/** Which process logs: the parent, or a child (its -g file gets `_vrrp`/`_healthcheckers`). */
export type LogProcess = 'parent' | 'vrrp' | 'checker';

const PROCESS_NAME: Readonly<Record<LogProcess, string>> = { parent: 'kad', vrrp: 'kad_vrrp', checker: 'kad_checkers' };
const FILE_SUFFIX: Readonly<Record<LogProcess, string>> = { parent: '', vrrp: '_vrrp', checker: '_healthcheckers' };

/** syslog severity for a pino level (RFC 5424 §6.2.1). */
export function syslogSeverity(level: number): number {
  if (level >= 60) return 2;
  if (level >= 50) return 3;
  if (level >= 40) return 4;
  if (level >= 30) return 6;
  return 7;
}

/** -S value → facility number: 0-7 mean local0-7, or user/daemon/local0..local7. Default daemon. */
export function syslogFacility(value: string | undefined): number {
  if (value === undefined) return 3;
  if (/^[0-7]$/.test(value)) return 16 + Number(value);
  const m = /^local([0-7])$/.exec(value);
  if (m) return 16 + Number(m[1]);
  if (value === 'user') return 1;
  return 3;
}

/** "Tue Nov 24 10:05:44 2026", keepalived's console/file timestamp (local time). */
export function ctime(wallMs: number): string {
  const s = new Date(wallMs).toString(); // "Tue Nov 24 2026 10:05:44 GMT+0000 (...)"
  const [dow, mon, day, year, time] = s.split(' ');
  return `${dow} ${mon} ${String(Number(day)).padStart(2, ' ')} ${time} ${year}`;
}

/** A pino record rendered as keepalived's readable line (without the timestamp). */
export function readableMessage(rec: LogRecord): string {
  const code = typeof rec.code === 'string' && !rec.msg.includes(rec.code) ? ` [${rec.code}]` : '';
  return `${rec.msg}${code}`;
}

/** -g path for this process: FILE or $TMPDIR/kad.log, with the child suffix before the extension. */
export function logFilePath(flag: string | true, proc: LogProcess, tmpDir: string): string {
  const base = flag === true ? `${tmpDir}/kad.log` : flag;
  return beforeExtension(base, FILE_SUFFIX[proc]);
}

/** A destination that renders each record with `render` and hands the text to `sink`. */
export function lineStream(render: (rec: LogRecord) => string, sink: (text: string) => void): DestinationStream {
  return {
    write(line: string): void {
      let rec: LogRecord;
      try {
        rec = JSON.parse(line) as LogRecord;
      } catch {
        return;
      }
      sink(render(rec));
    },
  };
}

export interface CliLoggerIo {
  /** Console writer (stdout). */
  console: (text: string) => void;
  /** Append to a file. */
  appendFile: (path: string, text: string) => void;
  /** Send one syslog datagram; undefined when syslog is unavailable. */
  syslog?: (datagram: string) => void;
  tmpDir: string;
  env: NodeJS.ProcessEnv;
  nowMs: () => number;
  pid: number;
}

/**
 * The logger for one kad process, from its command-line flags. Under systemd (JOURNAL_STREAM set)
 * stdout goes to the journal with `<severity>` prefixes and syslog is skipped (the journal would
 * get every line twice); -l prints readable lines; -g appends them to a file; syslog gets them
 * unless -G.
 */
export function createCliLogger(proc: LogProcess, flags: CliLogFlags, io: CliLoggerIo): Logger {
  const name = PROCESS_NAME[proc];
  const streams: DestinationStream[] = [];
  const stamp = (rec: LogRecord): string => `${ctime(typeof rec.time === 'number' ? rec.time : io.nowMs())}: ${readableMessage(rec)}\n`;
  const journal = Boolean(io.env.JOURNAL_STREAM);
  if (journal) {
    streams.push(lineStream((r) => `<${syslogSeverity(r.level)}>${readableMessage(r)}\n`, io.console));
  } else if (flags.logConsole) {
    streams.push(lineStream(stamp, io.console));
  }
  if (flags.logFile !== undefined) {
    const path = logFilePath(flags.logFile, proc, io.tmpDir);
    streams.push(lineStream(stamp, (t) => io.appendFile(path, t)));
  }
  if (!flags.noSyslog && !journal && io.syslog) {
    const facility = syslogFacility(flags.logFacility);
    const send = io.syslog;
    streams.push(lineStream((r) => `<${facility * 8 + syslogSeverity(r.level)}>${name}[${io.pid}]: ${readableMessage(r)}`, send));
  }
  if (streams.length === 0) streams.push(lineStream(() => '', () => undefined));
  return createLogger({ name, detail: flags.logDetail, streams });
}
