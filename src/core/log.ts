/**
 * Logging: pino records everywhere. Each subsystem takes a child logger (`{sub: 'vrrp'}`); the
 * message text keeps keepalived's wording for events operators grep ("(VI_1) Entering MASTER
 * STATE"). Destinations (console with -l, log file with -g, syslog with -S/-G) are chosen by the
 * process entry points through LogOptions; tests use memoryLogger() and assert on records.
 */
import { pino, type Logger, type DestinationStream } from 'pino';

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
