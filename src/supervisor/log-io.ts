/**
 * The real destinations behind createCliLogger (src/core/log.ts): stdout, an append-only log
 * file and syslog datagrams to /dev/log. Every kad process (parent and children) builds its
 * logger with createProcessLogger.
 */
import { appendFileSync, existsSync } from 'node:fs';
import { createCliLogger, createLogger, type CliLogFlags, type Logger, type LogProcess } from '../core/log.js';
import { dumpDir } from './dump-files.js';
import { UnixDgramSender } from '../net/unix-dgram.js';

/** Where syslogd listens. */
export const SYSLOG_SOCKET = '/dev/log';

function syslogSender(socketPath: string): ((datagram: string) => void) | undefined {
  if (!existsSync(socketPath)) return undefined;
  const sender = new UnixDgramSender();
  let broken = false;
  return (datagram) => {
    if (broken) return;
    try {
      sender.send(socketPath, Buffer.from(datagram));
    } catch {
      // syslogd gone: stop trying rather than fail on every record.
      broken = true;
    }
  };
}

/** The logger for this process from its command-line flags (`syslogPath` for tests). */
export function createProcessLogger(
  proc: LogProcess,
  flags: CliLogFlags,
  env: NodeJS.ProcessEnv = process.env,
  syslogPath = SYSLOG_SOCKET,
): Logger {
  return createCliLogger(proc, flags, {
    console: (t) => process.stdout.write(t),
    appendFile: (path, t) => {
      try {
        appendFileSync(path, t);
      } catch {
        // an unwritable log file must not stop the daemon
      }
    },
    syslog: flags.noSyslog ? undefined : syslogSender(syslogPath),
    tmpDir: dumpDir(env),
    env,
    nowMs: () => Date.now(),
    pid: process.pid,
  });
}

/**
 * A child's logger: the same destinations as the parent's (-l, -g, -S/-G, journal), so an
 * operator sees one readable stream. KAD_LOG_JSON=1 prints the raw pino records on stdout
 * instead (tests that read the records, log shippers).
 */
export function createChildLogger(proc: 'vrrp' | 'checker', flags: CliLogFlags, env: NodeJS.ProcessEnv = process.env): Logger {
  if (env.KAD_LOG_JSON === '1') return createLogger({ name: proc === 'vrrp' ? 'kad_vrrp' : 'kad_checkers', detail: flags.logDetail });
  return createProcessLogger(proc, flags, env);
}
