/**
 * The command line, parsed into one typed object. Flags and defaults follow keepalived(8);
 * commander does the parsing, this file holds no logic beyond shaping the result.
 */
import { Command, Option } from 'commander';
import {
  DEFAULT_CHECKERS_PID_FILE, DEFAULT_CONFIG_FILE, DEFAULT_PID_FILE, DEFAULT_STATUS_SOCKET, DEFAULT_VRRP_PID_FILE, type CliOptions,
} from '../core/options.js';

export type { CliOptions };

export function buildCommand(): Command {
  const cmd = new Command('kad')
    .description('keepalived-compatible VRRP and IPVS health-checking daemon')
    .helpOption('-h, --help', 'display this help and exit')
    .option('-f, --use-file <file>', 'use the specified configuration file', DEFAULT_CONFIG_FILE)
    .option('-P, --vrrp', 'only run with the VRRP subsystem', false)
    .option('-C, --check', 'only run with the health-checker subsystem', false)
    .option('-l, --log-console', 'log messages to the local console', false)
    .option('-D, --log-detail', 'detailed log messages', false)
    .option('-S, --log-facility <facility>', 'syslog facility 0-7, local0-7, user or daemon (default daemon)')
    .option('-g, --log-file [file]', 'also log to a file (default $TMPDIR/kad.log)')
    .option('-G, --no-syslog', 'do not log via syslog')
    .option('-u, --umask <mask>', 'umask for file creation (numeric)')
    .option('-X, --release-vips', 'drop VIPs on transition from a signal', false)
    .option('-V, --dont-release-vrrp', 'do not remove VRRP VIPs and routes on daemon stop', false)
    .option('-I, --dont-release-ipvs', 'do not remove the IPVS topology on daemon stop', false)
    .option('-R, --dont-respawn', 'do not respawn child processes', false)
    .option('-n, --dont-fork', 'do not fork the daemon process', false)
    .option('-d, --dump-conf', 'dump the configuration data', false)
    .option('-p, --pid <file>', 'use the specified pidfile for the parent process', DEFAULT_PID_FILE)
    .option('-r, --vrrp_pid <file>', 'use the specified pidfile for the VRRP child', DEFAULT_VRRP_PID_FILE)
    .option('-c, --checkers_pid <file>', 'use the specified pidfile for the checker child', DEFAULT_CHECKERS_PID_FILE)
    .option('-a, --address-monitoring', 'report all address additions and deletions', false)
    .option('-s, --namespace <name>', 'run in the network namespace NAME (overrides the config)')
    .option('-e, --all-config', 'do not load if a configuration file cannot be read', false)
    .option('-i, --config-id <id>', 'skip lines in the configuration file beginning @ID unless ID matches (default: short hostname)')
    .option('-t, --config-test [file]', 'check the configuration for obvious errors, output to stderr (or FILE)')
    .option('--json', 'with -t: print diagnostics as JSON', false)
    .option('--metrics <addr:port>', 'serve Prometheus metrics on http://ADDR:PORT/metrics (off by default)')
    .option('--status-socket <path>', 'serve the status document (JSON over HTTP) on this unix socket', DEFAULT_STATUS_SOCKET)
    .option('--no-status-socket', 'do not serve the status socket')
    .addOption(new Option('--signum <sigfunc>', 'print the signal number for STOP, RELOAD, DATA, STATS, STATS_CLEAR, JSON'))
    .option('-v, --version', 'display the version number', false)
    .allowExcessArguments(false);
  cmd.configureOutput({ outputError: (str, write) => write(str) });
  return cmd;
}

/** Parse argv (without node and script) into CliOptions; throws commander errors. */
export function parseCli(argv: readonly string[]): CliOptions {
  const cmd = buildCommand();
  cmd.exitOverride();
  cmd.parse([...argv], { from: 'user' });
  const o = cmd.opts();
  const given = (flag: string): boolean => cmd.getOptionValueSource(flag) === 'cli';
  return {
    useFile: String(o.useFile),
    vrrpOnly: Boolean(o.vrrp),
    checkOnly: Boolean(o.check),
    logConsole: Boolean(o.logConsole),
    logDetail: Boolean(o.logDetail),
    logFacility: o.logFacility as string | undefined,
    logFile: o.logFile as string | true | undefined,
    noSyslog: o.syslog === false,
    umask: o.umask as string | undefined,
    releaseVips: Boolean(o.releaseVips),
    dontReleaseVrrp: Boolean(o.dontReleaseVrrp),
    dontReleaseIpvs: Boolean(o.dontReleaseIpvs),
    dontRespawn: Boolean(o.dontRespawn),
    dontFork: Boolean(o.dontFork),
    dumpConf: Boolean(o.dumpConf),
    pid: String(o.pid),
    vrrpPid: String(o.vrrp_pid),
    checkersPid: String(o.checkers_pid),
    explicitPidFiles: ([['pid', 'pid'], ['vrrp_pid', 'vrrpPid'], ['checkers_pid', 'checkersPid']] as const).filter(([f]) => given(f)).map(([, k]) => k),
    addressMonitoring: Boolean(o.addressMonitoring),
    namespace: o.namespace as string | undefined,
    allConfig: Boolean(o.allConfig),
    configId: o.configId as string | undefined,
    configTest: o.configTest as string | true | undefined,
    json: Boolean(o.json),
    signum: o.signum as string | undefined,
    version: Boolean(o.version),
    metrics: o.metrics as string | undefined,
    statusSocket: o.statusSocket === false ? undefined : String(o.statusSocket),
  };
}
