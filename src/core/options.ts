/**
 * The command line as every layer sees it: the typed options (src/cli/options.ts parses them
 * with commander) and the default paths. Data only, so the supervisor, the children and IPC can
 * import it without reaching up into the CLI.
 */

export interface CliOptions {
  useFile: string;
  vrrpOnly: boolean;            // -P
  checkOnly: boolean;           // -C
  logConsole: boolean;          // -l
  logDetail: boolean;           // -D
  logFacility?: string;         // -S
  logFile?: string | true;      // -g [FILE]
  noSyslog: boolean;            // -G
  umask?: string;               // -u
  releaseVips: boolean;         // -X
  dontReleaseVrrp: boolean;     // -V
  dontReleaseIpvs: boolean;     // -I
  dontRespawn: boolean;         // -R
  dontFork: boolean;            // -n
  dumpConf: boolean;            // -d
  pid: string;                  // -p
  vrrpPid: string;              // -r
  checkersPid: string;          // -c
  /** Which of -p/-r/-c were given; the others follow `instance`, the namespace and `use_pid_dir`. */
  explicitPidFiles?: readonly ('pid' | 'vrrpPid' | 'checkersPid')[];
  addressMonitoring: boolean;   // -a
  namespace?: string;           // -s
  allConfig: boolean;           // -e
  configId?: string;            // -i
  configTest?: string | true;   // -t [FILE]
  json: boolean;                // --json (with -t)
  signum?: string;              // --signum
  version: boolean;             // -v
  /** --metrics ADDR:PORT: Prometheus text on /metrics; undefined = no network listener. */
  metrics?: string;
  /** --status-socket PATH: status JSON over HTTP on a unix socket; undefined (--no-status-socket) = none. */
  statusSocket?: string;
}

export const DEFAULT_CONFIG_FILE = '/etc/keepalived/keepalived.conf';
export const DEFAULT_PID_FILE = '/run/kad.pid';
export const DEFAULT_VRRP_PID_FILE = '/run/kad_vrrp.pid';
export const DEFAULT_CHECKERS_PID_FILE = '/run/kad_checkers.pid';
export const DEFAULT_STATUS_SOCKET = '/run/kad/status.sock';
