/**
 * Entry of the checker child (dist/check/daemon.js), forked by the supervisor with an IPC
 * channel and KAD_CHILD_OPTIONS. Reads the configuration itself, opens IPVS (exit 1 with
 * keepalived's "IPVS: Can't initialize ipvs" when the kernel has none), runs the scheduler,
 * reports readiness and handles reload / dump / stop / vrrp-state. Exits when the channel closes.
 * KAD_CHECK_DRY_RUN=1 runs against an in-memory IPVS table instead of the kernel (no IPVS needed).
 */
import type { Config, ScriptSpec } from '../config/model.js';
import { SystemClock, type Clock } from '../core/clock.js';
import type { ChildOptions, ParentMessage } from '../core/ipc.js';
import type { Logger } from '../core/log.js';
import { EXIT_CONFIG, EXIT_FATAL, loadChildConfig, runChild, sendToParent as send, type ChildBody } from '../supervisor/child-entry.js';
import type { IpvsPort } from '../ipvs/port.js';
import { DUMP_FILES, writeDumpFile } from '../supervisor/dump-files.js';
import { formatCheckData } from './dump.js';
import { MemoryPort } from './memory-port.js';
import { Scheduler } from './scheduler.js';
import { ProcessScriptRunner } from '../script/runner.js';
import { warnRootScripts } from '../script/startup.js';
import { succeeded, describeOutcome } from '../script/types.js';


/** The kernel seam: open IPVS through src/ipvs, or an in-memory table for dry runs. */
export async function openPort(clock: Clock, log: Logger): Promise<IpvsPort> {
  if (process.env.KAD_CHECK_DRY_RUN === '1') return new MemoryPort();
  const { Ipvs } = await import('../ipvs/ffi.js');
  const { KernelIpvsPort } = await import('../ipvs/kernel-port.js');
  const ops = Ipvs.open();
  return new KernelIpvsPort({ clock, log, open: () => ops });
}

class CheckerChild implements ChildBody {
  private sched: Scheduler | undefined;
  private port: IpvsPort | undefined;
  private stopping = false;
  private readonly clock = new SystemClock();

  constructor(private readonly opts: ChildOptions, private readonly log: Logger) {}

  private scripts: ProcessScriptRunner | undefined;
  /** Last failure logged per notify script: logged again only when it changes. */
  private readonly notifyFailed = new Map<string, string>();

  private runNotify = (spec: ScriptSpec, why: string): void => {
    const what = `${why} ${spec.text}`;
    void this.scripts?.run(spec, { what }).then((r) => {
      const result = describeOutcome(r);
      if (succeeded(r)) this.notifyFailed.delete(what);
      // The runner already logged a script it refused or could not start.
      else if (r.kind !== 'refused' && r.kind !== 'spawn-error' && this.notifyFailed.get(what) !== result) {
        this.notifyFailed.set(what, result);
        this.log.warn({ code: 'KAD_WARN_CHECK_SCRIPT', why, result }, `${why} script ${spec.text} failed: ${result}`);
      }
    });
  };

  private useScripts(config: Config): ProcessScriptRunner {
    this.scripts = new ProcessScriptRunner({ clock: this.clock, log: this.log, policy: config.global });
    return this.scripts;
  }

  async start(): Promise<number | undefined> {
    const config = loadChildConfig(this.opts, this.log, 'KAD_ERR_CHECK_CONFIG');
    if (!config) {
      send({ type: 'fatal', exitCode: EXIT_CONFIG, message: `cannot load ${this.opts.cli.useFile}` });
      return EXIT_CONFIG;
    }
    try {
      this.port = await openPort(this.clock, this.log);
    } catch (err) {
      this.log.error({ code: 'KAD_ERR_CHECK_NO_IPVS', err: (err as Error).message }, "IPVS: Can't initialize ipvs");
      send({ type: 'fatal', exitCode: EXIT_FATAL, message: "IPVS: Can't initialize ipvs" });
      return EXIT_FATAL;
    }
    warnRootScripts(config, 'check', this.log);
    const scripts = this.useScripts(config);
    this.sched = new Scheduler(config, { clock: this.clock, log: this.log, port: this.port, runScript: this.runNotify, scripts });
    this.sched.start();
    send({ type: 'ready' });
    return undefined;
  }

  reload(): void {
    const config = loadChildConfig(this.opts, this.log, 'KAD_ERR_CHECK_CONFIG');
    if (!config || !this.sched || this.stopping) {
      send({ type: 'reloaded', ok: false, message: 'configuration not loaded; keeping the running one' });
      return;
    }
    this.scripts?.setPolicy(config.global);
    this.sched.reload(config);
    send({ type: 'reloaded', ok: true });
  }

  handle(m: ParentMessage): void {
    if (m.type === 'stop') void this.stop();
    else if (m.type === 'reload') this.reload();
    else if (m.type === 'dump' && m.what === 'data' && this.sched) {
      this.log.info(`Printing checker data for process(${process.pid}) on signal`);
      const file = writeDumpFile(DUMP_FILES.checkData, formatCheckData(this.sched.state, this.clock.wallMs()));
      send({ type: 'dumped', what: 'data', file });
    } else if (m.type === 'vrrp-state' && this.sched) {
      this.sched.setVrrpState(m.instance, m.state);
      const sync = this.sched.currentConfig.global.lvsSyncDaemon;
      if (sync?.instance === m.instance && this.port) {
        void this.port.setSyncDaemon(this.sched.currentConfig, m.state === 'MASTER' ? 'master' : 'backup');
      }
    }
  }

  async stop(code = 0): Promise<never> {
    if (!this.stopping) {
      this.stopping = true;
      this.log.info('Stopping');
      try {
        if (this.sched) {
          this.sched.shutdown();
          await this.sched.settled();
          if (this.opts.cli.dontReleaseIpvs !== true) await this.port?.clear(this.sched.currentConfig);
        }
        this.port?.close();
      } catch (err) {
        this.log.error({ code: 'KAD_ERR_CHECK_STOP', err: (err as Error).message }, 'error while stopping');
      }
    }
    process.exit(code);
  }
}

runChild('checker', (opts, log) => new CheckerChild(opts, log));
