/**
 * The two host sections of keepalived.data after the VRRP topology (keepalived 2.2.7's layout,
 * compared live in test/integration/dump-parity.test.ts): the VRRP socket pool and the
 * interfaces the VRRP child sees. Pure: the runtime gathers the records.
 */

/** One VRRP socket: kad sends and receives on one descriptor, printed as both fd_in and fd_out. */
export interface SockpoolDump {
  fd: number;
  interface: string;
  family: 4 | 6;
  ah: boolean;
  unicast: boolean;
  rxBufSize: number;
  instances: readonly { name: string; vrid: number }[];
}

/** One interface of the VRRP child's namespace. */
export interface InterfaceDump {
  name: string;
  index: number;
  ipv4?: string;
  ipv6?: string;
  mac?: string;
  macBroadcast?: string;
  up: boolean;
  running: boolean;
  broadcast: boolean;
  loopback: boolean;
  pointToPoint: boolean;
  noArp: boolean;
  multicast: boolean;
  mtu: number;
  /** ARPHRD name as netlink reports it ('ETHER', 'LOOPBACK', ...). */
  hwType: string;
  /** Instances on (or tracking) this interface, with their tracking weight. */
  tracking: readonly { name: string; weight: number }[];
}

/** "------< VRRP Sockpool >------". */
export function formatSockpool(pools: readonly SockpoolDump[]): string[] {
  return [
    '------< VRRP Sockpool >------',
    ...pools.flatMap((p) => [
      ` fd_in ${p.fd} fd_out = ${p.fd}`,
      `   Interface = ${p.interface}`,
      `   Family = IPv${p.family}`,
      `   Protocol = ${p.ah ? 'IPSEC-AH' : 'VRRP'}`,
      `   Type = ${p.unicast ? 'Unicast' : 'Multicast'}`,
      `   Rx buf size = ${p.rxBufSize}`,
      '   VRRP instances',
      ...p.instances.map((i) => `     ${i.name} vrid ${i.vrid}`),
    ]),
  ];
}

const HW_TYPE: Readonly<Record<string, string>> = { ETHER: 'ETHERNET', LOOPBACK: 'LOOPBACK', INFINIBAND: 'INFINIBAND' };

function stateLine(i: InterfaceDump): string {
  const flags = [
    !i.broadcast ? ', no broadcast' : '', i.loopback ? ', loopback' : '', i.pointToPoint ? ', point to point' : '',
    i.noArp ? ', no arp' : '', !i.multicast ? ', no multicast' : '',
  ];
  return `   State = ${i.up ? '' : 'not '}UP, ${i.running ? '' : 'not '}RUNNING${flags.join('')}`;
}

/** "------< Interfaces >------". */
export function formatInterfaces(ifaces: readonly InterfaceDump[]): string[] {
  return [
    '------< Interfaces >------',
    ...ifaces.flatMap((i) => [
      ` Name = ${i.name}`,
      `   index = ${i.index}`,
      `   IPv4 address = ${i.ipv4 ?? '(none)'}`,
      `   IPv6 address = ${i.ipv6 ?? '(none)'}`,
      ...(i.mac ? [`   MAC = ${i.mac}`, `   MAC broadcast = ${i.macBroadcast ?? 'ff:ff:ff:ff:ff:ff'}`] : []),
      stateLine(i),
      `   Seen up = ${i.up ? 1 : 0}`,
      '   Delayed state change running = false',
      '   Up debounce timer = 0us',
      '   Down debounce timer = 0us',
      `   MTU = ${i.mtu}`,
      `   HW Type = ${HW_TYPE[i.hwType] ?? `UNKNOWN (${i.hwType})`}`,
      '   NIC netlink status update',
      '   Reset ARP config counter 0',
      '   Original arp_ignore 0',
      '   Original arp_filter 0',
      '   Original promote_secondaries 0',
      '   Reset promote_secondaries counter 0',
      ...(i.tracking.length ? ['   Tracking VRRP instances :', ...i.tracking.map((t) => `     ${t.name}, weight ${t.weight}`)] : []),
    ]),
  ];
}
