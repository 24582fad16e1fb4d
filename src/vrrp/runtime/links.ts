/**
 * The link table of the VRRP child: the rtnetlink socket (shared with the address queue), every
 * interface's index, MAC and running state, kept current by the link watcher. Survives reloads.
 */
import type { RtNetlinkSocket } from 'netlink';
import type { Logger } from '../../core/log.js';
import { linkLocalIpv6, listAddresses } from '../../net/rtnl-addr.js';
import { LinkWatcher, listLinks, openRtnl, type AddrEvent, type LinkInfo } from '../../net/rtnl-link.js';

/** How a link event changed the table: `appeared` (new name or new index), `deleted`, or neither. */
export interface LinkChange {
  appeared: boolean;
  deleted: boolean;
}
import type { InterfaceDump } from '../dump/print-host.js';

/** See the file header. */
export class LinkTable {
  private readonly links = new Map<string, LinkInfo>();
  private rt: RtNetlinkSocket | undefined;
  private watcher: LinkWatcher | undefined;

  /**
   * `onChange`: an interface went up or down (or disappeared: down), or appeared (logged as
   * `Netlink reports IF up|down` where it reaches the instances, link-debounce.ts); `onAddr`: an
   * address was added or removed (with the name of its interface).
   */
  constructor(
    private readonly log: Logger,
    private readonly onChange: (name: string, running: boolean, change: LinkChange) => void,
    private readonly onAddr: (ev: AddrEvent, ifName: string) => void = () => undefined,
  ) {}

  /** Open the rtnetlink socket, read every link, start watching. */
  async open(): Promise<void> {
    this.rt = openRtnl(false);
    for (const l of await listLinks(this.rt)) this.links.set(l.name, l);
    this.watcher = new LinkWatcher();
    this.watcher.on('link', (ev) => this.update(ev));
    this.watcher.on('addr', (ev) => {
      const name = this.nameOf(ev.ifIndex);
      if (name !== undefined) this.onAddr(ev, name);
    });
  }

  /** Re-read one link from the kernel (a macvlan just created); undefined when it does not exist. */
  async refresh(name: string): Promise<LinkInfo | undefined> {
    const l = (await listLinks(this.rtnl)).find((x) => x.name === name);
    if (l) this.links.set(name, l);
    return l;
  }

  /** The names of every interface known. */
  names(): string[] {
    return [...this.links.keys()];
  }

  /** The name of the interface with index `index`. */
  nameOf(index: number): string | undefined {
    for (const l of this.links.values()) if (l.index === index) return l.name;
    return undefined;
  }

  /** The rtnetlink request socket. */
  get rtnl(): RtNetlinkSocket {
    if (!this.rt) throw new Error('link table not open');
    return this.rt;
  }

  /** The interface called `name`, if it exists. */
  get(name: string): LinkInfo | undefined {
    return this.links.get(name);
  }

  /** Whether `name` exists and is running (IFF_RUNNING). */
  running(name: string): boolean {
    return this.links.get(name)?.running ?? false;
  }

  private update(ev: LinkInfo & { deleted: boolean }): void {
    const before = this.links.get(ev.name);
    if (ev.deleted) this.links.delete(ev.name);
    else this.links.set(ev.name, ev);
    const running = !ev.deleted && ev.running;
    const appeared = !ev.deleted && before?.index !== ev.index;
    if (before?.running === running && !ev.deleted && !appeared) return;
    if (appeared) this.log.info({ interface: ev.name, index: ev.index }, `Interface ${ev.name} added`);
    if (ev.deleted) this.log.info({ interface: ev.name }, `Interface ${ev.name} deleted`);
    this.onChange(ev.name, running, { appeared, deleted: ev.deleted });
  }

  /**
   * Every interface as keepalived.data prints it, read from the kernel now; `tracking` names the
   * instances on or tracking each one.
   */
  async dump(tracking: (name: string) => { name: string; weight: number }[]): Promise<InterfaceDump[]> {
    const rt = this.rtnl;
    const links = (await listLinks(rt)).sort((a, b) => a.index - b.index);
    // One request at a time: the netlink socket answers dumps in order, not interleaved.
    const out: InterfaceDump[] = [];
    for (const l of links) {
      // The first IPv4 address of any scope (lo's 127.0.0.1 is host scope), as keepalived keeps it.
      const ipv4 = (await listAddresses(rt, l.index)).find((a) => a.family === 'ipv4' && !a.secondary)?.address;
      const ipv6 = await linkLocalIpv6(rt, l.index);
      out.push({
        name: l.name, index: l.index, ...(ipv4 ? { ipv4 } : {}), ...(ipv6 ? { ipv6 } : {}),
        ...(l.mac && l.mac !== '00:00:00:00:00:00' ? { mac: l.mac, ...(l.broadcastMac ? { macBroadcast: l.broadcastMac } : {}) } : {}),
        up: l.up, running: l.running, broadcast: l.broadcast ?? false, loopback: l.loopback ?? false,
        pointToPoint: l.pointToPoint ?? false, noArp: l.noArp ?? false, multicast: l.multicast ?? false,
        mtu: l.mtu ?? 0, hwType: l.hwType ?? 'UNKNOWN', tracking: tracking(l.name),
      });
    }
    return out;
  }

  /** Stop watching and close the rtnetlink socket. */
  close(): void {
    this.watcher?.close();
    this.rt?.socket.close();
  }
}
