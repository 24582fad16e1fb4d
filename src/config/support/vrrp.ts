/**
 * Support of the VRRP keywords: `vrrp_instance`, `vrrp_sync_group`, trackers and
 * `authentication` (see ./kinds.ts). Pure data.
 */
import { each, I, T, U, type BlockSupport } from './kinds.js';

const VMAC = U('VMAC variants other than a macvlan from use_vmac are not implemented');
const VIP_IT = 'test/integration/vrrp-vip-robust.test.ts';
const VMAC_IT = 'test/integration/vrrp-vmac.test.ts';
const BFD = U('BFD is not implemented');
const DEPRECATED = U('deprecated, not acted on');
const SCRIPT_RUN = 'test/integration/script-runner.test.ts';

export const VRRP_INSTANCE: BlockSupport = {
  state: I(T.vrrpKeywords, 'test/integration/supervisor-vip.test.ts'),
  interface: I('test/integration/net-vrrp-socket.test.ts', T.checkDaemon),
  virtual_router_id: I(T.vrrpKeywords, 'test/integration/supervisor-signals.test.ts'),
  priority: I(T.failover, T.vrrpKeywords),
  advert_int: I('test/integration/supervisor-vip.test.ts', T.vrrpKeywords),
  version: I(T.vrrpKeywords, T.firewall),
  virtual_ipaddress: I(T.checkDaemon, 'test/unit/vrrp/protocol/strict-runtime.test.ts'),
  virtual_ipaddress_excluded: I(T.unicast),
  no_virtual_ipaddress: I(T.vrrpKeywords),
  accept: I(T.firewall, T.firewallRules),
  no_accept: I(T.firewall),
  nopreempt: I(T.failover),
  preempt: I('test/integration/vrrp-bgp.test.ts', T.vrrpKeywords),
  preempt_delay: I(T.vrrpKeywords),
  dont_track_primary: I(T.firewallRules, 'test/integration/vrrp-firewall-parity.test.ts'),
  track_interface: I(T.trackEffect),
  track_script: I(T.vrrpTrack, 'test/integration/vrrp-reload.test.ts'),
  track_file: I(T.trackEffect, T.notifyFifo),
  track_process: I(T.trackProcess),
  skip_check_adv_addr: I(T.codecNegative),
  strict_mode: I(T.vrrpKeywords),
  v3_checksum_as_v2: I(T.instanceUnit),
  lower_prio_no_advert: I(T.vrrpKeywords),
  higher_prio_send_advert: I(T.vrrpKeywords),
  down_timer_adverts: I(T.vrrpKeywords),
  mcast_src_ip: I(T.vrrpKeywords),
  unicast_src_ip: I(T.unicast),
  unicast_peer: I(T.unicast),
  unicast_ttl: I(T.instanceUnit),
  unicast_fault_no_peer: I(T.vrrpKeywords),
  check_unicast_src: I(T.codecNegative),
  mcast_dst_ip: I(T.vrrpKeywords),
  garp_master_delay: I(T.vrrpWire, T.vrrpKeywords),
  garp_master_repeat: I(T.vrrpKeywords),
  garp_lower_prio_delay: I(T.vrrpKeywords),
  garp_lower_prio_repeat: I(T.vrrpKeywords),
  garp_master_refresh: I(T.vrrpKeywords),
  garp_master_refresh_repeat: I(T.vrrpKeywords),
  authentication: I(T.auth, 'test/unit/vrrp/dump/print.test.ts'),
  notify_master: I(T.vrrpTrack, T.notify),
  notify_backup: I(T.notify),
  notify_fault: I(T.notify),
  notify_stop: I(T.notify),
  notify: I(T.notifyFifo, T.vrrpTrack),
  notify_master_rx_lower_pri: I(T.notify),
  notify_priority_changes: I(T.notifyFifo),
  notify_deleted: I(T.notifyFifo),
  smtp_alert: I(T.smtp, T.notify),
  lvs_sync_daemon_interface: I('test/kernel/pair.test.ts', 'test/unit/config/seeds.test.ts', 'test/unit/ipvs/convert.test.ts'),
  virtual_routes: I('test/integration/vrrp-routes.test.ts'),
  virtual_rules: I('test/integration/vrrp-routes.test.ts'),
  promote_secondaries: I(VIP_IT),
  use_vmac: I(VMAC_IT),
  vmac_xmit_base: I(VMAC_IT),
  use_vmac_addr: I('test/integration/vrrp-vmac-addr.test.ts', 'test/unit/vrrp/runtime/vmac-plan.test.ts', 'test/unit/config/vip-vmac-options.test.ts'),
  use_ipvlan: I('test/kernel/ipvlan.test.ts', 'test/unit/config/vip-vmac-options.test.ts'),
  vmac_garp_intvl: DEPRECATED,
  linkbeat_use_polling: U('kad follows links through rtnetlink only'),
  old_unicast_checksum: U('unicast adverts always carry the standard checksum'),
  debug: U('logging is set with -D and -l on the command line'),
  track_src_ip: U('the source address is not tracked'),
  vrf: U('VRFs are not implemented'),
  native_ipv6: U('an IPv6 instance is chosen by its addresses'),
  kernel_rx_buf_size: U('kad sizes its socket buffers itself'),
  garp_extra_if: U('extra GARP interfaces are not implemented'),
  timer_expired_backup: U('not acted on'),
  thread_timer_expired: U('not acted on'),
  owner_ignore_adverts: U('an address owner always processes adverts'),
  track_bfd: BFD,
  auth_hmac: U('HMAC authentication is not implemented'),
};

export const VRRP_SYNC_GROUP: BlockSupport = {
  group: I(T.scriptDaemons, T.notifyFifo),
  track_interface: I(T.trackEffect),
  track_script: I(T.vrrpTrack, T.trackEffect),
  track_file: I(T.trackEffect),
  track_process: I(T.trackProcess),
  notify_master: I(T.scriptDaemons, T.notify),
  notify_backup: I(T.notify),
  notify_fault: I(T.notify),
  notify_stop: I(T.notify),
  notify: I(T.notifyFifo),
  smtp_alert: I(T.smtp),
  track_bfd: BFD,
  notify_priority_changes: U('group priority lines are not written'),
  // Deprecated, and without effect in keepalived 2.2.7 too: kad says so (KAD_WARN_CONFIG_DEPRECATED) and does the same.
  global_tracking: I('test/unit/config/sync-weights.test.ts'),
  sync_group_tracking_weight: I('test/unit/config/sync-weights.test.ts'),
};

export const VRRP_SCRIPT: BlockSupport = {
  script: I(T.vrrpTrack, SCRIPT_RUN),
  interval: I(T.vrrpTrack),
  timeout: I(SCRIPT_RUN),
  weight: I(T.vrrpTrack, T.trackEffect),
  rise: I(T.vrrpTrack, SCRIPT_RUN),
  fall: I(T.vrrpTrack, SCRIPT_RUN),
  user: I(SCRIPT_RUN, T.scriptDaemons),
  init_fail: I('test/unit/vrrp/runtime/track/script.test.ts'),
};

export const TRACK_FILE: BlockSupport = {
  file: I('test/unit/vrrp/runtime/track/file.test.ts', T.notifyFifo),
  weight: I('test/unit/vrrp/runtime/track/file.test.ts'),
  init_file: I('test/unit/vrrp/runtime/track/file.test.ts'),
};

export const VRRP_TRACK_PROCESS: BlockSupport = {
  ...each(['process', 'quorum', 'terminate_delay', 'delay'], I(T.trackProcess, 'test/unit/vrrp/runtime/track/process.test.ts')),
  ...each(['param_match', 'quorum_max', 'fork_delay', 'full_command', 'weight'], I('test/unit/vrrp/runtime/track/process.test.ts')),
};

export const AUTHENTICATION: BlockSupport = {
  auth_type: I(T.auth, 'test/unit/vrrp/protocol/golden.test.ts'),
  auth_pass: I(T.auth, 'test/unit/vrrp/protocol/golden.test.ts'),
};

export const GARP_GROUP: BlockSupport = each(['garp_interval', 'gna_interval', 'interface', 'interfaces'],
  U('kad paces gratuitous ARP/NA per instance; garp_group is only checked'));

const KEYWORDS_IT = 'test/integration/vrrp-keywords.test.ts';

/** Option words of an address line (virtual_ipaddress, virtual_ipaddress_excluded, static_ipaddress). */
export const ADDRESS_OPTION: BlockSupport = {
  ...each(['dev', 'brd', 'broadcast', 'label', 'peer', 'scope', 'noprefixroute'], I(KEYWORDS_IT)),
  ...each(['-nodad', 'nodad'], U('IPv6 VIPs are always added without DAD; IPv4 has none')),
  preferred_lft: I(VIP_IT),
  ...each(['home', 'mngtmpaddr', 'autojoin', 'metric'], U('carried in the model, not applied')),
  no_track: I(VIP_IT),
  track_group: U('track groups are not implemented'),
  use_vmac: VMAC,
};
