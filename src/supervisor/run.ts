/**
 * The parent's life: pid files, logger, signals, systemd notifications, the Supervisor, and a
 * clean exit. `kad` (src/cli/daemon.ts) calls runParent with the defaults; tests call it with
 * fixture children.
 */
import type { CliOptions } from '../core/options.js';
import { versionText } from '../core/version.js';
import { SystemClock, type Clock } from '../core/clock.js';
import { KadError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { ChildEntryResolver } from './child.js';
import { readConfig, readOptions, type ConfigRead } from './config-source.js';
import { writeDumpFile } from './dump-files.js';
import { createProcessLogger } from './log-io.js';
import { formatParentData } from './parent-dump.js';
import { checkPidFile, removePidFile, writePidFile } from './pidfile.js';
import { createNotifier, type Notifier } from './sd-notify.js';
import { installSignalHandlers } from './signals.js';
import { Supervisor } from './supervisor.js';
import { ProcessScriptRunner } from '../script/runner.js';
import { openStatusEndpoints } from './status-server.js';
import { enterCommand } from '../net/netns.js';

export interface ParentOverrides {
  resolveEntry?: ChildEntryResolver;
  clock?: Clock;
  log?: Logger;
  env?: NodeJS.ProcessEnv;
  /** Overrides global_defs child_wait_time. */
  childWaitTimeMs?: number;
  /** The configuration file as already read at start (it named the pid files): not read again. */
  firstRead?: ConfigRead;
}

/** Refuse when another kad holds one of our pid files; clear stale ones. */
function claimPidFiles(cli: CliOptions, log: Logger): boolean {
  for (const path of [cli.pid, cli.vrrpPid, cli.checkersPid]) {
    const st = checkPidFile(path);
    if (st.kind === 'live') {
      log.error({ code: 'KAD_ERR_SUPERVISOR_ALREADY_RUNNING', pidFile: path, pid: st.pid }, `daemon is already running (pid ${st.pid} in ${path})`);
      return false;
    }
    if (st.kind === 'stale') {
      log.info(`Remove a zombie pid file ${path}`);
      removePidFile(path, st.pid ?? NaN);
    }
  }
  return true;
}

function applyUmask(cli: CliOptions, log: Logger): void {
  if (cli.umask === undefined) return;
  const mask = Number.parseInt(cli.umask, cli.umask.startsWith('0') ? 8 : 10);
  if (Number.isNaN(mask) || mask < 0 || mask > 0o777) {
    log.warn({ code: 'KAD_WARN_SUPERVISOR_UMASK' }, `Invalid umask ${cli.umask} ignored`);
    return;
  }
  process.umask(mask);
}

interface Parts {
  sup: Supervisor;
  notifier: Notifier;
}

function buildSupervisor(cli: CliOptions, o: ParentOverrides, log: Logger, env: NodeJS.ProcessEnv): Parts {
  const notifier = createNotifier(env.NOTIFY_SOCKET, log);
  let first = o.firstRead;
  const read = (file: string): ConfigRead => {
    const r = first !== undefined && file === cli.useFile ? first : readConfig(file, readOptions(cli));
    first = undefined;
    return r;
  };
  const sup: Supervisor = new Supervisor({
    cli, log, notifier, read, env,
    clock: o.clock ?? new SystemClock(),
    ...(o.resolveEntry ? { resolveEntry: o.resolveEntry } : {}),
    childWaitTimeMs: () => o.childWaitTimeMs ?? sup.config?.global.childWaitTimeMs ?? 5_000,
    writeParentDump: () => writeDumpFile('parentData', formatParentData(sup.config?.global), { global: sup.config?.global, namespace: cli.namespace }, env),
    // The parent itself stays where it was started (its status socket and --metrics listen
    // there); what it runs for the configuration runs where the children do.
    scripts: (config) => new ProcessScriptRunner({
      clock: o.clock ?? new SystemClock(), log, policy: config.global,
      ...(config.global.netNamespace !== undefined ? { wrapper: enterCommand(config.global.netNamespace) } : {}),
    }),
  });
  return { sup, notifier };
}

/** Run the supervisor until it stops; returns the exit code. */
async function supervise({ sup, notifier }: Parts, log: Logger): Promise<number> {
  // Signal watchers do not hold the event loop; a parent with no child must still wait for them.
  const keepAlive = setInterval(() => undefined, 2 ** 30);
  try {
    await sup.start();
    return await sup.done;
  } catch (err) {
    const msg = err instanceof KadError ? err.message : `startup failed: ${(err as Error).message}`;
    log.error({ code: err instanceof KadError ? err.code : 'KAD_ERR_SUPERVISOR_START' }, msg);
    notifier.errno(1);
    sup.stop(1);
    return await sup.done;
  } finally {
    clearInterval(keepAlive);
  }
}

/** Run the parent until it stops; returns the process exit code. */
export async function runParent(cli: CliOptions, o: ParentOverrides = {}): Promise<number> {
  const env = o.env ?? process.env;
  const log = o.log ?? createProcessLogger('parent', cli, env);
  applyUmask(cli, log);
  if (!claimPidFiles(cli, log)) return 1;
  log.info(`Starting ${versionText().split('\n')[0]}`);
  const parts = buildSupervisor(cli, o, log, env);
  const intake = installSignalHandlers((action) => parts.sup.handleSignal(action));
  if (intake.unhooked.length > 0) {
    log.warn({ code: 'KAD_WARN_SUPERVISOR_RT_SIGNALS', signals: intake.unhooked }, `signals ${intake.unhooked.join(', ')} cannot be caught by this Node.js and are ignored; use USR2 for stats`);
  }
  // The pid file is written once signals are handled: `kill -TERM $(cat kad.pid)` right after
  // it appears must stop kad gracefully, not kill it with the default action.
  try {
    writePidFile(cli.pid, process.pid);
  } catch (err) {
    log.error({ code: (err as KadError).code }, (err as Error).message);
    intake.dispose();
    return 1;
  }
  const endpoints = await openStatusEndpoints({ socketPath: cli.statusSocket, metrics: cli.metrics }, parts.sup.status, log);
  const code = await supervise(parts, log);
  await endpoints.close();
  intake.dispose();
  removePidFile(cli.pid, process.pid);
  log.info(`Stopped ${versionText().split('\n')[0]}`);
  parts.notifier.close();
  return code;
}
