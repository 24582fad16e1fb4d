/**
 * Support of the LVS keywords: `virtual_server`, `real_server`, the checkers, `url` and the
 * SMTP_CHECK `host` block (see ./kinds.ts). Pure data.
 */
import { each, I, T, U, type BlockSupport } from './kinds.js';

const SNMP = U('kad has no SNMP agent');
const BFD = U('BFD is not implemented; the real server keeps its initial state');
/** SO_MARK / SO_BINDTODEVICE on the checker's own socket (src/net/bound-socket.ts). */
const SOCKET_OPTION = I(T.checkSocketOptions, T.checkKeywords);
const SCRIPT_ONLY = U('MISC_CHECK runs a script and opens no connection');
const ICMP = U('an ICMP echo has no port');

/** delay_loop, retry... as they are inherited checker → real server → virtual server. */
const TIMING: BlockSupport = {
  connect_timeout: I(T.checkDaemon, 'test/kernel/e2e.test.ts'),
  retry: I(T.checkScheduler, T.checkAlert),
  delay_before_retry: I(T.checkScheduler, T.schedulerUnit),
  delay_loop: I(T.checkDaemon, T.scriptDaemons),
  warmup: I(T.checkDaemon, T.scriptDaemons),
  alpha: I(T.schedulerUnit, T.desired),
};

/** The keywords every network checker shares. */
const CONNECTION: BlockSupport = {
  ...TIMING,
  connect_ip: I(T.checkKeywords),
  connect_port: I(T.checkSeeds, T.checkKeywords),
  bindto: I(T.checkServers),
  bind_port: I(T.checkServers),
  bind_if: SOCKET_OPTION,
  fwmark: SOCKET_OPTION,
  log_all_failures: I(T.schedulerUnit),
};

const HTTP: BlockSupport = {
  ...CONNECTION,
  url: I(T.checkDaemon, T.checkServers),
  nb_get_retry: I(T.checkKeywords, T.schedulerUnit),
  virtualhost: I(T.checkServers),
  http_protocol: I(T.checkKeywords),
  fast_recovery: I(T.schedulerUnit),
  tls_compliant: U('not acted on'),
};

const TLS_ONLY = U('HTTP_GET uses no TLS; the keyword applies to SSL_GET');

export const CHECKERS: Readonly<Record<string, BlockSupport>> = {
  HTTP_GET: { ...HTTP, enable_sni: TLS_ONLY, sni_name: TLS_ONLY, verify_cert: TLS_ONLY },
  SSL_GET: { ...HTTP, enable_sni: I(T.checkKeywords), sni_name: I(T.checkKeywords), verify_cert: I(T.checkKeywords) },
  TCP_CHECK: CONNECTION,
  PING_CHECK: { ...CONNECTION, connect_port: ICMP, bind_port: ICMP, bindto: I(T.checkSocketOptions) },
  SMTP_CHECK: { ...CONNECTION, helo_name: I(T.checkServers), host: I(T.checkKeywords) },
  DNS_CHECK: { ...CONNECTION, type: I(T.checkServers), name: I(T.checkServers) },
  UDP_CHECK: {
    ...CONNECTION, payload: I(T.checkServers), require_reply: I(T.checkServers),
    min_reply_length: I(T.checkKeywords), max_reply_length: I(T.checkKeywords),
  },
  MISC_CHECK: {
    ...TIMING,
    ...each(['connect_ip', 'connect_port', 'bindto', 'bind_if', 'bind_port', 'fwmark', 'connect_timeout'], SCRIPT_ONLY),
    log_all_failures: I(T.schedulerUnit),
    misc_path: I(T.scriptDaemons),
    misc_timeout: I(T.checkScripts, T.scriptDaemons),
    misc_dynamic: I(T.checkScripts, T.schedulerUnit),
    user: I(T.checkScripts, T.scriptDaemons),
  },
  FILE_CHECK: { track_file: I(T.checkKeywords), weight: I(T.checkKeywords, T.checkScripts), dynamic: U('the weight always follows the file') },
  BFD_CHECK: { name: BFD, alpha: BFD },
};

/** SMTP_CHECK `host { }`: the address and connection of one server to try. */
export const SMTP_HOST: BlockSupport = {
  connect_ip: I(T.checkKeywords),
  connect_port: I(T.checkKeywords),
  bindto: I(T.checkKeywords),
  connect_timeout: I(T.checkKeywords),
  bind_port: U('an SMTP host keeps only connect_ip, connect_port, bindto and connect_timeout'),
  bind_if: SOCKET_OPTION,
  fwmark: SOCKET_OPTION,
  ...each(['retry', 'delay_before_retry', 'delay_loop', 'warmup', 'alpha', 'log_all_failures'],
    U('scheduling is set on the SMTP_CHECK, not per host')),
};

export const URL: BlockSupport = {
  path: I(T.checkDaemon, T.checkServers),
  digest: I(T.checkServers, 'test/integration/check-genhash.test.ts'),
  status_code: I(T.checkDaemon),
  virtualhost: I(T.checkServers),
  regex: I(T.checkKeywords),
  regex_no_match: I(T.checkKeywords),
  ...each(['regex_options', 'regex_stack', 'regex_min_offset', 'regex_max_offset'], U('regex is a JavaScript regular expression over the whole body')),
  tls_compliant: U('not acted on'),
};

export const REAL_SERVER: BlockSupport = {
  ...TIMING,
  ...each(['HTTP_GET', 'TCP_CHECK'], I(T.checkScheduler, T.checkServers)),
  MISC_CHECK: I(T.checkScheduler, T.checkScripts),
  ...each(['SSL_GET', 'SMTP_CHECK', 'DNS_CHECK', 'UDP_CHECK'], I(T.checkServers)),
  PING_CHECK: I(T.checkScripts),
  FILE_CHECK: I(T.checkScripts),
  BFD_CHECK: BFD,
  weight: I(T.checkDaemon, T.desired),
  lvs_method: I(T.ipvsKeywords),
  lb_kind: I(T.checkDaemon, T.scriptDaemons),
  uthreshold: I(T.desired),
  lthreshold: I(T.desired),
  inhibit_on_failure: I(T.schedulerUnit, T.desired),
  notify_up: I(T.scriptDaemons, T.schedulerUnit),
  notify_down: I(T.scriptDaemons, T.schedulerUnit),
  virtualhost: I(T.checkServers),
  smtp_alert: I(T.checkAlert),
  snmp_name: SNMP,
};

export const VIRTUAL_SERVER: BlockSupport = {
  ...TIMING,
  ...each(['flag-1', 'flag-2', 'flag-3', 'mh-port', 'mh-fallback'], I(T.ipvsKeywords)),
  'sh-port': I('test/kernel/ops.test.ts', T.desired),
  'sh-fallback': I('test/kernel/ops.test.ts'),
  ops: I('test/kernel/ops.test.ts', T.desired),
  hashed: U('checked against the scheduler; sets no IPVS flag'),
  lvs_sched: I(T.ipvsKeywords),
  lb_algo: I(T.checkDaemon, T.scriptDaemons),
  lvs_method: I(T.ipvsKeywords),
  lb_kind: I(T.checkDaemon, T.scriptDaemons),
  protocol: I(T.checkDaemon, T.scriptDaemons),
  persistence_timeout: I(T.ipvsKeywords),
  persistence_granularity: I(T.ipvsKeywords),
  persistence_engine: I(T.ipvsKeywords),
  ip_family: I(T.ipvsKeywords),
  ha_suspend: I(T.checkDaemon, T.schedulerUnit),
  virtualhost: I(T.checkServers),
  omega: I(T.schedulerUnit),
  quorum: I(T.scriptDaemons, 'test/unit/check/quorum.test.ts'),
  hysteresis: I('test/unit/check/quorum.test.ts'),
  quorum_up: I(T.scriptDaemons),
  quorum_down: I(T.scriptDaemons, T.schedulerUnit),
  sorry_server: I('test/kernel/e2e.test.ts', 'test/kernel/port.test.ts'),
  sorry_server_inhibit: I('test/unit/check/quorum.test.ts'),
  sorry_server_lvs_method: I(T.ipvsKeywords),
  inhibit_on_failure: I(T.schedulerUnit, T.desired),
  smtp_alert: I(T.checkAlert),
  real_server: I(T.checkDaemon, T.scriptDaemons),
  nat_mask: U('not acted on (and unknown to keepalived 2.2.7)'),
  snmp_name: SNMP,
  weight: U('a virtual server has no weight; set it on real_server'),
};
