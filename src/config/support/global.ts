/**
 * Support of the top-level and `global_defs` keywords (see ./kinds.ts). Pure data.
 */
import { each, I, T, U, type BlockSupport } from './kinds.js';

const BFD = U('BFD is not implemented');
const SNMP = U('kad has no SNMP agent');
const DBUS = U('kad has no DBus interface');
const NET_NAMESPACE = I('test/integration/supervisor-netns.test.ts', 'test/unit/config/net-namespace.test.ts');
const NAMESPACE_IPVS = I('test/kernel/netns-ipvs.test.ts', 'test/unit/config/net-namespace.test.ts');
const NAMESPACE_IPSETS = U('the VRRP firewall is nftables only: kad makes no ipsets');
const BUFS = U('kad sizes its socket buffers itself');
const NO_SWAP = I(T.processTuning, T.autoPrio, 'test/unit/supervisor/memory-lock.test.ts');
const NAMES_UNIT = 'test/unit/supervisor/file-names.test.ts';
const DUMP_LOC = 'test/integration/supervisor-dump-locations.test.ts';
const PID_NAMES = I(NAMES_UNIT, DUMP_LOC);

export const TOP_LEVEL: BlockSupport = {
  global_defs: I(T.checkDaemon, 'test/integration/supervisor-reload.test.ts'),
  child_wait_time: I('test/integration/supervisor-signals.test.ts'),
  vrrp_script: I(T.vrrpTrack, T.scriptDaemons),
  track_file: I('test/unit/vrrp/runtime/track/file.test.ts', T.notifyFifo),
  vrrp_track_file: I(T.trackEffect),
  vrrp_track_process: I(T.trackProcess, 'test/unit/vrrp/runtime/track/process.test.ts'),
  vrrp_sync_group: I(T.scriptDaemons, T.notifyFifo, T.smtp),
  vrrp_instance: I(T.checkDaemon, 'test/integration/supervisor-signals.test.ts'),
  virtual_server_group: I(T.desired, 'test/kernel/port.test.ts'),
  virtual_server: I(T.checkDaemon, T.scriptDaemons),
  static_ipaddress: I('test/integration/vrrp-routes.test.ts'),
  static_routes: I('test/integration/vrrp-routes.test.ts'),
  static_rules: I('test/integration/vrrp-routes.test.ts'),
  garp_group: U('kad paces gratuitous ARP/NA per instance; garp_group is only checked'),
  linkbeat_interfaces: U('kad follows links through rtnetlink only'),
  interface_up_down_delays: I('test/integration/vrrp-link-delays.test.ts', 'test/unit/vrrp/runtime/link-debounce.test.ts', 'test/unit/config/link-delays.test.ts'),
  track_group: U('track groups are not implemented'),
  bfd_instance: BFD,
  SSL: U('SSL_GET uses no client certificate'),
  net_namespace: NET_NAMESPACE,
  net_namespace_ipvs: NAMESPACE_IPVS,
  namespace_with_ipsets: NAMESPACE_IPSETS,
  instance: PID_NAMES,
  use_pid_dir: PID_NAMES,
  linkbeat_use_polling: U('kad follows links through rtnetlink only'),
};

const PROCESS_TUNING: BlockSupport = {
  vrrp_priority: I(T.processTuning, T.autoPrio),
  vrrp_rt_priority: I(T.processTuning, T.autoPrio),
  vrrp_rlimit_rttime: I(T.processTuning, T.autoPrio),
  vrrp_rlimit_rtime: I(T.autoPrio),
  vrrp_cpu_affinity: I(T.processTuning, T.autoPrio),
  vrrp_no_swap: NO_SWAP,
  checker_priority: I(T.autoPrio),
  checker_rt_priority: I(T.autoPrio),
  checker_rlimit_rttime: I(T.autoPrio),
  checker_rlimit_rtime: I(T.autoPrio),
  checker_cpu_affinity: I(T.autoPrio),
  checker_no_swap: NO_SWAP,
  max_auto_priority: I(T.processTuning, T.autoPrio),
  min_auto_priority_delay: I(T.processTuning, T.autoPrio),
  ...each(['bfd_priority', 'bfd_no_swap', 'bfd_rt_priority', 'bfd_cpu_affinity', 'bfd_rlimit_rttime', 'bfd_rlimit_rtime'], BFD),
};

const VRRP_DEFAULTS: BlockSupport = {
  vrrp_mcast_group4: I('test/integration/net-vrrp-socket.test.ts', 'test/integration/vrrp-seeds.test.ts'),
  vrrp_mcast_group6: I('test/integration/vrrp-keywords.test.ts'),
  vrrp_version: I(T.vrrpKeywords),
  v3_checksum_as_v2: I(T.instanceUnit),
  vrrp_garp_master_delay: I(T.vrrpKeywords),
  vrrp_garp_master_repeat: I(T.vrrpKeywords),
  vrrp_garp_lower_prio_delay: I('test/unit/vrrp/protocol/strict-runtime.test.ts'),
  vrrp_garp_lower_prio_repeat: I('test/unit/vrrp/protocol/strict-runtime.test.ts'),
  vrrp_garp_master_refresh: I(T.vrrpKeywords),
  vrrp_garp_master_refresh_repeat: I(T.vrrpKeywords),
  vrrp_garp_interval: I(T.vrrpWire),
  vrrp_gna_interval: I(T.vrrpWire),
  vrrp_min_garp: I('test/integration/vrrp-min-garp.test.ts'),
  vrrp_down_timer_adverts: I(T.vrrpKeywords),
  vrrp_lower_prio_no_advert: I(T.vrrpKeywords),
  vrrp_higher_prio_send_advert: I('test/unit/vrrp/protocol/strict-runtime.test.ts'),
  vrrp_check_unicast_src: I(T.vrrpKeywords),
  vrrp_skip_check_adv_addr: I(T.vrrpKeywords),
  vrrp_strict: I(T.firewall, T.firewallRules, 'test/unit/vrrp/protocol/strict-runtime.test.ts'),
  vrrp_startup_delay: I('test/integration/vrrp-startup-delay.test.ts'),
  default_interface: I('test/integration/vrrp-keywords.test.ts'),
  dynamic_interfaces: I('test/integration/vrrp-vip-robust.test.ts'),
  vrrp_notify_priority_changes: I(T.vrrpKeywords),
  vrrp_vmac_garp_intvl: U('deprecated, and VMACs are not implemented'),
  vrrp_garp_extra_if: U('VMACs are not implemented'),
  vrrp_garp_extra_if_all: U('VMACs are not implemented'),
  vmac_prefix: U("macvlan names keep keepalived's default prefix 'vrrp'"),
  vmac_addr_prefix: U("macvlan names keep keepalived's default prefix 'vrrp'"),
  vrrp_owner_ignore_adverts: U('an address owner always processes adverts'),
  vrrp_delay_after_boot: I('test/integration/vrrp-startup-delay.test.ts', 'test/unit/vrrp/runtime/startup-plan.test.ts'),
  log_unknown_vrids: U('adverts for unknown VRIDs are counted, not logged'),
  vrrp_iptables: U("the VRRP firewall is nftables only; it changes nothing (see 'nftables')"),
  vrrp_ipsets: U('the VRRP firewall is nftables only'),
  nftables: I(T.firewall, 'test/integration/vrrp-firewall-parity.test.ts'),
  nftables_priority: I('test/integration/vrrp-firewall-parity.test.ts'),
  nftables_counters: I(T.firewall, 'test/integration/vrrp-firewall-parity.test.ts'),
  nftables_ifindex: I(T.firewallRules, 'test/integration/vrrp-firewall-parity.test.ts'),
};

const NOTIFY: BlockSupport = {
  notify_fifo: I(T.notifyFifo),
  vrrp_notify_fifo: I(T.notifyFifo),
  lvs_notify_fifo: I(T.notifyFifo, 'test/unit/check/fifo-lines.test.ts'),
  notify_fifo_script: I('test/unit/supervisor/notify-fifo.test.ts'),
  vrrp_notify_fifo_script: I(T.notifyFifo),
  lvs_notify_fifo_script: I('test/unit/supervisor/notify-fifo.test.ts'),
  fifo_write_vrrp_states_on_reload: U('a reload writes only the lines of real changes'),
  smtp_alert: I(T.smtp, T.checkAlert, T.mailer),
  smtp_alert_vrrp: I(T.mailer, T.notify),
  smtp_alert_checker: I(T.mailer),
  no_email_faults: I(T.notify),
  no_checker_emails: U('checker mails follow smtp_alert / smtp_alert_checker only'),
  rs_init_notifies: U('no notification is sent for the initial real server states'),
  router_id: I(T.smtp, 'test/integration/supervisor-reload.test.ts'),
  notification_email: I(T.smtp, T.checkAlert),
  notification_email_from: I(T.smtp),
  smtp_server: I(T.smtp),
  smtp_connect_timeout: I(T.smtp),
  smtp_helo_name: I(T.mailer),
};

const LVS: BlockSupport = {
  lvs_sync_daemon: I('test/kernel/pair.test.ts', 'test/kernel/port.test.ts', T.checkDaemon, 'test/unit/ipvs/convert.test.ts'),
  lvs_timeouts: I(T.kernelPort),
  lvs_flush: I(T.kernelPort),
  lvs_flush_on_stop: I(T.kernelPort),
  lvs_flush_onstop: I(T.kernelPort),
  checker_log_all_failures: I(T.schedulerUnit),
  lvs_id: U('not used by IPVS synchronisation in kad'),
  nftables_ipvs: U('no nftables rules are made for IPVS'),
  nftables_ipvs_priority: U('no nftables rules are made for IPVS'),
  nftables_ipvs_start_fwmark: U('no nftables rules are made for IPVS'),
};

const PROCESS: BlockSupport = {
  script_user: I('test/integration/script-runner.test.ts', T.vrrpTrack),
  enable_script_security: I('test/integration/script-runner.test.ts', T.vrrpTrack),
  reload_check_config: I('test/integration/supervisor-reload.test.ts', 'test/unit/supervisor/reload-verdict.test.ts'),
  child_wait_time: I('test/integration/supervisor-signals.test.ts'),
  ...each(['state_dump_file', 'state_file_location', 'stats_dump_file', 'stats_file_location', 'json_dump_file', 'json_file_location'],
    I(NAMES_UNIT, 'test/unit/config/dump-locations.test.ts', DUMP_LOC)),
  json_version: I('test/unit/vrrp/dump/json-v2.test.ts', DUMP_LOC),
  ...each(['process_names', 'process_name', 'vrrp_process_name', 'checker_process_name', 'bfd_process_name', 'lvs_process_name'],
    U('kad does not rename its processes')),
  tmp_config_directory: U('kad keeps no copies of the configuration'),
  config_save_dir: U('kad keeps no copies of the configuration'),
  use_symlink_paths: U('script paths are checked as written'),
  set_supplementary_groups: U("scripts always get their user's supplementary groups"),
  ...each(['startup_script', 'startup_script_timeout', 'shutdown_script', 'shutdown_script_timeout'], I('test/integration/supervisor-life-scripts.test.ts')),
  umask: U('kad creates its files with fixed modes'),
  random_seed: U('kad seeds its random numbers itself'),
  include_check: U('includes are read once per load'),
  ...each(['reload_time_file', 'reload_repeat', 'reload_file'], U('timed reloads are not implemented')),
  data_use_instance: I(NAMES_UNIT, DUMP_LOC),
  iproute_usr_dir: U('routing table names are not read from iproute2 files'),
  iproute_etc_dir: U('routing table names are not read from iproute2 files'),
  disable_local_igmp: U('kad does not change IGMP settings'),
  ...each(['vrrp_rx_bufs_policy', 'vrrp_rx_bufs_multiplier', 'vrrp_netlink_cmd_rcv_bufs', 'vrrp_netlink_cmd_rcv_bufs_force',
    'vrrp_netlink_monitor_rcv_bufs', 'vrrp_netlink_monitor_rcv_bufs_force', 'lvs_netlink_cmd_rcv_bufs', 'lvs_netlink_cmd_rcv_bufs_force',
    'lvs_netlink_monitor_rcv_bufs', 'lvs_netlink_monitor_rcv_bufs_force', 'process_monitor_rcv_bufs', 'process_monitor_rcv_bufs_force'], BUFS),
  ...each(['snmp_socket', 'enable_snmp_vrrp', 'enable_snmp_keepalived', 'enable_snmp_checker', 'enable_snmp_rfc', 'enable_snmp_rfcv2',
    'enable_snmp_rfcv3', 'enable_traps', 'snmp_vs_stats_update_interval', 'snmp_rs_stats_update_interval'], SNMP),
  ...each(['enable_dbus', 'dbus_service_name', 'dbus_no_interface_name'], DBUS),
  linkbeat_use_polling: U('kad follows links through rtnetlink only'),
  net_namespace: NET_NAMESPACE,
  net_namespace_ipvs: NAMESPACE_IPVS,
  namespace_with_ipsets: NAMESPACE_IPSETS,
  instance: PID_NAMES,
  use_pid_dir: PID_NAMES,
};

export const GLOBAL_DEFS: BlockSupport = { ...PROCESS_TUNING, ...VRRP_DEFAULTS, ...NOTIFY, ...LVS, ...PROCESS };
