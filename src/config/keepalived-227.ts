/**
 * What Debian's keepalived 2.2.7 does with keywords, measured where kad's tables alone cannot
 * tell. Pure data, keyed by the block names the keyword tables are registered under
 * (registerTable).
 *
 * Keywords that keepalived 2.2.7 cannot be given without a value: it logs "Configuration line
 * starting `KW` is missing a parameter after keyword `KW` at word position 2" and stops at once
 * with exit 2 (its program-error exit), at `-t` and at start alike. Other keywords given no value
 * are reported and skipped (exit 5), or are flags that need none.
 *
 * Measured, not derived: each keyword of each block, written alone inside an otherwise valid
 * config, was run through Debian's keepalived 2.2.7 `-t` in a namespace
 * (test/fixtures/config/record-missing-value.sh); these are the ones that exited 2.
 */

/** The connection and timing keywords every network checker shares. */
const CONNECTION = ['bind_if', 'bind_port', 'bindto', 'connect_ip', 'connect_port', 'connect_timeout',
  'delay_before_retry', 'delay_loop', 'fwmark', 'retry', 'warmup'];

/** block → keywords whose missing value stops keepalived with exit 2. */
export const STOPS_WITHOUT_VALUE: Readonly<Record<string, readonly string[]>> = {
  DNS_CHECK: [...CONNECTION, 'type'],
  FILE_CHECK: [
    'track_file',
  ],
  HTTP_GET: [...CONNECTION, 'nb_get_retry'],
  MISC_CHECK: [
    'delay_before_retry', 'delay_loop', 'misc_timeout', 'retry', 'warmup',
  ],
  PING_CHECK: [...CONNECTION],
  SMTP_CHECK: [...CONNECTION],
  // SMTP_CHECK `host { }` takes the same connection keywords (until kad registered it, it was
  // checked under PING_CHECK's name, with this list).
  host: [...CONNECTION],
  SSL_GET: [...CONNECTION, 'nb_get_retry'],
  TCP_CHECK: [...CONNECTION],
  UDP_CHECK: [...CONNECTION, 'max_reply_length', 'min_reply_length'],
  authentication: [
    'auth_pass', 'auth_type',
  ],
  garp_group: [
    'garp_interval', 'gna_interval', 'interface',
  ],
  global_defs: [
    'bfd_process_name', 'bfd_rlimit_rtime', 'bfd_rlimit_rttime', 'checker_process_name',
    'checker_rlimit_rtime', 'checker_rlimit_rttime', 'config_save_dir', 'lvs_process_name',
    'nftables_ipvs_priority', 'nftables_ipvs_start_fwmark', 'nftables_priority', 'process_name',
    'random_seed', 'smtp_connect_timeout', 'smtp_server', 'umask', 'vmac_addr_prefix',
    'vmac_prefix', 'vrrp_down_timer_adverts', 'vrrp_garp_interval', 'vrrp_garp_lower_prio_delay',
    'vrrp_garp_lower_prio_repeat', 'vrrp_garp_master_delay', 'vrrp_garp_master_refresh',
    'vrrp_garp_master_refresh_repeat', 'vrrp_garp_master_repeat', 'vrrp_gna_interval',
    'vrrp_mcast_group4', 'vrrp_mcast_group6', 'vrrp_process_name', 'vrrp_rlimit_rtime',
    'vrrp_rlimit_rttime', 'vrrp_startup_delay', 'vrrp_version',
  ],
  real_server: [
    'connect_timeout', 'delay_before_retry', 'delay_loop', 'lthreshold', 'lvs_method',
    'notify_down', 'notify_up', 'retry', 'uthreshold', 'warmup', 'weight',
  ],
  'the top level': [
    'child_wait_time', 'track_file', 'virtual_server', 'virtual_server_group', 'vrrp_script',
    'vrrp_track_file', 'vrrp_track_process',
  ],
  url: [
    'digest', 'path',
  ],
  virtual_server: [
    'connect_timeout', 'delay_before_retry', 'delay_loop', 'hysteresis', 'ip_family', 'lb_algo',
    'lb_kind', 'lvs_method', 'lvs_sched', 'persistence_engine', 'persistence_granularity',
    'protocol', 'quorum', 'quorum_down', 'quorum_up', 'real_server', 'retry', 'sorry_server',
    'warmup', 'weight',
  ],
  vrrp_instance: [
    'advert_int', 'debug', 'down_timer_adverts', 'garp_lower_prio_delay', 'garp_lower_prio_repeat',
    'garp_master_delay', 'garp_master_refresh', 'garp_master_refresh_repeat', 'garp_master_repeat',
    'interface', 'lvs_sync_daemon_interface', 'mcast_dst_ip', 'mcast_src_ip', 'notify',
    'notify_backup', 'notify_fault', 'notify_master', 'notify_master_rx_lower_pri', 'notify_stop',
    'preempt_delay', 'priority', 'state', 'unicast_src_ip', 'unicast_ttl', 'version',
    'virtual_router_id', 'vrf',
  ],
  vrrp_script: [
    'fall', 'interval', 'rise', 'timeout', 'user', 'weight',
  ],
  vrrp_sync_group: [
    'notify', 'notify_backup', 'notify_fault', 'notify_master', 'notify_stop',
  ],
  vrrp_track_process: [
    'delay', 'fork_delay', 'process', 'quorum', 'quorum_max', 'terminate_delay',
  ],
};

/**
 * Keywords the same sweep found keepalived reporting as missing their value (exit 5, the line
 * ignored) where kad's table would take them bare.
 */
export const NEEDS_VALUE: Readonly<Record<string, readonly string[]>> = {
  'the top level': ['net_namespace', 'instance', 'track_group'],
  global_defs: [
    'tmp_config_directory', 'startup_script', 'startup_script_timeout', 'reload_time_file', 'shutdown_script',
    'shutdown_script_timeout', 'notify_fifo', 'notify_fifo_script', 'lvs_notify_fifo', 'lvs_notify_fifo_script',
    'vrrp_notify_fifo', 'vrrp_notify_fifo_script', 'vrrp_garp_extra_if', 'vrrp_rx_bufs_multiplier',
    'vrrp_rx_bufs_policy', 'vrrp_netlink_cmd_rcv_bufs', 'vrrp_netlink_monitor_rcv_bufs', 'lvs_netlink_cmd_rcv_bufs',
    'lvs_netlink_monitor_rcv_bufs', 'process_monitor_rcv_bufs', 'min_auto_priority_delay', 'snmp_socket',
    'dbus_service_name', 'vrrp_priority', 'vrrp_rt_priority', 'vrrp_cpu_affinity', 'checker_priority',
    'checker_rt_priority', 'checker_cpu_affinity', 'bfd_priority', 'bfd_rt_priority', 'bfd_cpu_affinity', 'lvs_timeouts',
  ],
  vrrp_instance: ['kernel_rx_buf_size', 'garp_extra_if'],
  virtual_server: ['snmp_name'],
  real_server: ['snmp_name'],
  UDP_CHECK: ['payload'],
};

/**
 * Keywords kad's tables know (from later keepalived releases or other builds) that Debian's
 * keepalived 2.2.7 reports as "Unknown keyword" (exit 5), with or without a value.
 */
export const UNKNOWN_TO_227: Readonly<Record<string, readonly string[]>> = {
  global_defs: [
    'set_supplementary_groups', 'use_symlink_paths', 'iproute_etc_dir', 'iproute_usr_dir', 'vrrp_delay_after_boot',
    'vrrp_owner_ignore_adverts', 'vrrp_ipsets', 'snmp_vs_stats_update_interval', 'snmp_rs_stats_update_interval',
    'dbus_no_interface_name', 'linkbeat_use_polling', 'use_pid_dir', 'lvs_id', 'net_namespace', 'net_namespace_ipvs',
    'vrrp_garp_extra_if_all', 'instance', 'namespace_with_ipsets', 'v3_checksum_as_v2',
  ],
  vrrp_instance: ['owner_ignore_adverts', 'timer_expired_backup', 'auth_hmac', 'thread_timer_expired', 'no_virtual_ipaddress', 'v3_checksum_as_v2'],
  virtual_server: ['nat_mask'],
  FILE_CHECK: ['dynamic'],
  HTTP_GET: ['tls_compliant', 'verify_cert'],
  SSL_GET: ['tls_compliant', 'verify_cert'],
  url: ['tls_compliant'],
};

type Index = ReadonlyMap<string, ReadonlySet<string>>;
const indexOf = (t: Readonly<Record<string, readonly string[]>>): Index => new Map(Object.entries(t).map(([b, ks]) => [b, new Set(ks)]));
const STOPS = indexOf(STOPS_WITHOUT_VALUE);
const NEEDS = indexOf(NEEDS_VALUE);
const UNKNOWN = indexOf(UNKNOWN_TO_227);

/** What keepalived 2.2.7 does with `keyword` in `block` when kad's table alone would accept it. */
export function keepalivedVerdict(block: string, keyword: string, hasValue: boolean): 'stops' | 'needs-value' | 'unknown' | undefined {
  if (UNKNOWN.get(block)?.has(keyword)) return 'unknown';
  if (hasValue) return undefined;
  if (STOPS.get(block)?.has(keyword)) return 'stops';
  return NEEDS.get(block)?.has(keyword) ? 'needs-value' : undefined;
}
