/**
 * The "Global definitions" section of keepalived's data dumps (keepalived.data written by the
 * VRRP child, keepalived_parent.data by the parent), from the configuration model. Pure.
 */
import type { GlobalDefs } from './model.js';

const yn = (x: boolean): string => (x ? 'true' : 'false');

/**
 * "------< Global definitions >------". `forVrrpChild` adds the lines only the VRRP child knows
 * (default interface). Lines about libraries kad does not use (libnftnl's version) are left out.
 */
export function formatGlobalDefs(g: GlobalDefs, forVrrpChild: boolean): string[] {
  const s = (ms: number): number => Math.round(ms / 1000);
  const rt = (who: string, t = { noSwap: false, rlimitRttimeUs: 10_000 } as GlobalDefs['processTuning']['vrrp']): string[] => [
    ` ${who} process priority = ${t.nice ?? 0}`, ` ${who} don't swap = ${yn(t.noSwap)}`,
    ` ${who} realtime priority = ${t.rtPriority ?? 0}`, ` ${who} realtime limit = ${t.rlimitRttimeUs}`,
  ];
  return [
    '------< Global definitions >------',
    ` Network namespace = ${g.netNamespace ?? '(default)'}`,
    ` Network namespace ipvs = ${g.netNamespaceIpvs || '(main namespace)'}`,
    ...(g.instanceName !== undefined ? [` Instance name = ${g.instanceName}`] : []),
    ` Router ID = ${g.routerId}`,
    ' Default smtp_alert = unset', ' Default smtp_alert_vrrp = unset', ' Default smtp_alert_checker = unset',
    ` Checkers log all failures = ${yn(g.checkerLogAllFailures)}`,
    g.reloadCheckConfig ? ' Test config before reload' : ' No test config before reload',
    ` Dynamic interfaces = ${yn(g.dynamicInterfaces)}`,
    ...(forVrrpChild ? [` Default interface = ${g.defaultInterface}`] : []),
    ' Disable local IGMP = no',
    ` LVS flush = ${yn(g.lvsFlush)}`,
    ` LVS flush on stop = ${g.lvsFlushOnStop ? 'enabled' : 'disabled'}`,
    ' FIFO write vrrp states on reload = false',
    ' VRRP notify priority changes = false',
    ` VRRP IPv4 mcast group = ${g.vrrpMcastGroup4}`,
    ` VRRP IPv6 mcast group = ${g.vrrpMcastGroup6}`,
    ` Gratuitous ARP delay = ${s(g.vrrpGarpMasterDelayMs)}`,
    ` Gratuitous ARP repeat = ${g.vrrpGarpMasterRepeat}`,
    ` Gratuitous ARP refresh timer = ${s(g.vrrpGarpMasterRefreshMs)}`,
    ` Gratuitous ARP refresh repeat = ${g.vrrpGarpMasterRefreshRepeat}`,
    ` Gratuitous ARP lower priority delay = ${s(g.vrrpGarpLowerPrioDelayMs)}`,
    ` Gratuitous ARP lower priority repeat = ${g.vrrpGarpLowerPrioRepeat}`,
    ` Num adverts before down = ${g.vrrpDownTimerAdverts}`,
    ' Gratuitous ARP for each secondary VMAC = 0s',
    ` Send advert after receive lower priority advert = ${yn(!g.vrrpLowerPrioNoAdvert)}`,
    ` Send advert after receive higher priority advert = ${yn(g.vrrpHigherPrioSendAdvert)}`,
    ` Gratuitous ARP interval = ${(g.vrrpGarpIntervalMs / 1000).toFixed(6)}`,
    ` Gratuitous NA interval = ${(g.vrrpGnaIntervalMs / 1000).toFixed(6)}`,
    ` VRRP default protocol version = ${g.vrrpVersion}`,
    ...nftablesLines(g),
    ` VRRP check unicast_src = ${yn(g.vrrpCheckUnicastSrc)}`,
    ` VRRP skip check advert addresses = ${yn(g.vrrpSkipCheckAdvAddr)}`,
    ` VRRP strict mode = ${yn(g.vrrpStrict)}`,
    ` Max auto priority = ${g.maxAutoPriority}`,
    ` Min auto priority delay = ${g.minAutoPriorityDelayUs} usecs`,
    ...rt('VRRP', g.processTuning.vrrp), ...rt('Checker', g.processTuning.checker), ...rt('BFD'),
    ' SNMP vrrp disabled', ' SNMP checker disabled', ' SNMP RFCv2 disabled', ' SNMP RFCv3 disabled', ' SNMP traps disabled',
    ' SNMP socket = default (unix:/var/agentx/master)',
    ' DBus disabled', ' DBus service name = ',
    g.enableScriptSecurity ? ' Script security enabled' : ' Script security disabled',
    ' Default script uid:gid 0:0',
    ...['vrrp_netlink_cmd', 'vrrp_netlink_monitor', 'process_monitor', 'lvs_netlink_cmd', 'lvs_netlink_monitor']
      .flatMap((k) => [` ${k}_rcv_bufs = 0`, ` ${k}_rcv_bufs_force = 0`]),
    ' rs_init_notifies = 0',
    ' no_checker_emails = 0',
    ' rx_bufs_multiples = 3',
    ' umask = 0177',
  ];
}

/** keepalived's nftables lines of the data dump (the table lines only when `nftables` is configured). */
function nftablesLines(g: GlobalDefs): string[] {
  const n = g.nftables;
  if (!n) return [' nftables without counters'];
  return [
    ` nftables table name = ${n.table}`,
    ` nftables base chain priority = ${n.priority}`,
    ...(n.ifindex ? [' nftables force use ifindex for link local IPv6'] : []),
    ` nftables ${n.counters ? 'with' : 'without'} counters`,
  ];
}
