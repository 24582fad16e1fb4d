/**
 * Kernel seam for IPVS: the only importer of native/ipvs/libkadipvs.so (loaded with koffi).
 * Every library function is declared with its C signature and wrapped with the JS types of
 * ./model.ts; a negative errno becomes a KadError with a stable IPVS error code (docs/errors.md, "IPVS") and
 * `{errno, code, syscall}` kept. Calls are synchronous: each is one netlink round trip.
 *
 * The library is native/ipvs/libkadipvs.so in the project (built by `npm ci`), or $KAD_IPVS_LIB.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import koffi, { type TypeObject } from 'koffi';
import { KadError, errnoInfo, errnoName } from '../core/errors.js';
import {
  fromNativeDaemon, fromNativeDest, fromNativeService, toNativeDaemon, toNativeDest, toNativeService,
  type NativeDaemon, type NativeDest, type NativeService,
} from './convert.js';
import { SYNC_STATE, type DumpedDest, type DumpedService, type IpvsDest, type IpvsService, type IpvsTimeouts, type SyncDaemonSpec } from './model.js';

/** Where the library is looked for. */
export function libraryPath(): string {
  return process.env.KAD_IPVS_LIB ?? fileURLToPath(new URL('../../native/ipvs/libkadipvs.so', import.meta.url));
}

type Handle = unknown;
type Fn<A extends unknown[]> = (...args: A) => number;

/** The C functions, typed. Records are plain objects matching struct kad_ipvs_* (convert.ts). */
interface NativeLib {
  open: (err: number[]) => Handle | null;
  close: (h: Handle) => void;
  getInfo: Fn<[Handle, { version: number; conn_tab_size: number }]>;
  flush: Fn<[Handle]>;
  zero: Fn<[Handle, NativeService | null]>;
  addService: Fn<[Handle, NativeService]>;
  editService: Fn<[Handle, NativeService]>;
  delService: Fn<[Handle, NativeService]>;
  addDest: Fn<[Handle, NativeService, NativeDest]>;
  editDest: Fn<[Handle, NativeService, NativeDest]>;
  delDest: Fn<[Handle, NativeService, NativeDest]>;
  getServices: Fn<[Handle, Buffer | null, number]>;
  getDests: Fn<[Handle, NativeService, Buffer | null, number]>;
  getTimeouts: Fn<[Handle, { tcp: number; tcp_fin: number; udp: number }]>;
  setTimeouts: Fn<[Handle, { tcp: number; tcp_fin: number; udp: number }]>;
  startDaemon: Fn<[Handle, NativeDaemon]>;
  stopDaemon: Fn<[Handle, number]>;
  getDaemons: Fn<[Handle, Buffer | null, number]>;
  structSize: Fn<[number]>;
  types: { service: TypeObject; dest: TypeObject; daemon: TypeObject };
}

let loaded: NativeLib | undefined;

function declareTypes(): NativeLib['types'] & { others: TypeObject[] } {
  const stats = koffi.struct('kad_ipvs_stats', {
    conns: 'uint64_t', inpkts: 'uint64_t', outpkts: 'uint64_t', inbytes: 'uint64_t', outbytes: 'uint64_t',
    cps: 'uint64_t', inpps: 'uint64_t', outpps: 'uint64_t', inbps: 'uint64_t', outbps: 'uint64_t',
  });
  const service = koffi.struct('kad_ipvs_service', {
    af: 'uint16_t', protocol: 'uint16_t', addr: koffi.array('uint8_t', 16, 'Array'), port: 'uint16_t',
    fwmark: 'uint32_t', sched_name: koffi.array('char', 16, 'String'), flags: 'uint32_t', timeout: 'uint32_t',
    netmask: 'uint32_t', pe_name: koffi.array('char', 32, 'String'), stats,
  });
  const dest = koffi.struct('kad_ipvs_dest', {
    af: 'uint16_t', addr: koffi.array('uint8_t', 16, 'Array'), port: 'uint16_t', fwd_method: 'uint32_t',
    weight: 'int32_t', u_thresh: 'uint32_t', l_thresh: 'uint32_t', tun_type: 'uint8_t', tun_port: 'uint16_t',
    tun_flags: 'uint16_t', active_conns: 'uint32_t', inact_conns: 'uint32_t', persist_conns: 'uint32_t', stats,
  });
  const daemon = koffi.struct('kad_ipvs_daemon', {
    state: 'uint32_t', mcast_ifn: koffi.array('char', 16, 'String'), syncid: 'uint32_t', sync_maxlen: 'uint16_t',
    mcast_af: 'uint16_t', mcast_group: koffi.array('uint8_t', 16, 'Array'), mcast_port: 'uint16_t', mcast_ttl: 'uint8_t',
  });
  const timeouts = koffi.struct('kad_ipvs_timeouts', { tcp: 'uint32_t', tcp_fin: 'uint32_t', udp: 'uint32_t' });
  const info = koffi.struct('kad_ipvs_info', { version: 'uint32_t', conn_tab_size: 'uint32_t' });
  koffi.opaque('kad_ipvs');
  return { service, dest, daemon, others: [timeouts, info, stats] };
}

/** Load the library once; checks each struct's size against the compiler's. */
function loadNative(): NativeLib {
  if (loaded) return loaded;
  const path = libraryPath();
  if (!existsSync(path)) {
    throw new KadError('KAD_ERR_IPVS_LIBRARY', `IPVS library ${path} not found (build it: make -C native/ipvs)`);
  }
  const t = declareTypes();
  const lib = koffi.load(path);
  const f = (sig: string) => lib.func(sig);
  const native: NativeLib = {
    open: f('kad_ipvs *kad_ipvs_open(_Out_ int *err)'),
    close: f('void kad_ipvs_close(kad_ipvs *h)'),
    getInfo: f('int kad_ipvs_get_info(kad_ipvs *h, _Out_ kad_ipvs_info *out)'),
    flush: f('int kad_ipvs_flush(kad_ipvs *h)'),
    zero: f('int kad_ipvs_zero(kad_ipvs *h, const kad_ipvs_service *svc)'),
    addService: f('int kad_ipvs_add_service(kad_ipvs *h, const kad_ipvs_service *svc)'),
    editService: f('int kad_ipvs_edit_service(kad_ipvs *h, const kad_ipvs_service *svc)'),
    delService: f('int kad_ipvs_del_service(kad_ipvs *h, const kad_ipvs_service *svc)'),
    addDest: f('int kad_ipvs_add_dest(kad_ipvs *h, const kad_ipvs_service *svc, const kad_ipvs_dest *d)'),
    editDest: f('int kad_ipvs_edit_dest(kad_ipvs *h, const kad_ipvs_service *svc, const kad_ipvs_dest *d)'),
    delDest: f('int kad_ipvs_del_dest(kad_ipvs *h, const kad_ipvs_service *svc, const kad_ipvs_dest *d)'),
    getServices: f('int kad_ipvs_get_services(kad_ipvs *h, void *out, int cap)'),
    getDests: f('int kad_ipvs_get_dests(kad_ipvs *h, const kad_ipvs_service *svc, void *out, int cap)'),
    getTimeouts: f('int kad_ipvs_get_timeouts(kad_ipvs *h, _Out_ kad_ipvs_timeouts *out)'),
    setTimeouts: f('int kad_ipvs_set_timeouts(kad_ipvs *h, const kad_ipvs_timeouts *t)'),
    startDaemon: f('int kad_ipvs_start_daemon(kad_ipvs *h, const kad_ipvs_daemon *d)'),
    stopDaemon: f('int kad_ipvs_stop_daemon(kad_ipvs *h, uint32_t state)'),
    getDaemons: f('int kad_ipvs_get_daemons(kad_ipvs *h, void *out, int cap)'),
    structSize: f('int kad_ipvs_struct_size(int which)'),
    types: { service: t.service, dest: t.dest, daemon: t.daemon },
  };
  const layouts: [number, TypeObject][] = [[0, t.service], [1, t.dest], [2, t.daemon], [3, t.others[0]!], [4, t.others[1]!], [5, t.others[2]!]];
  for (const [which, type] of layouts) {
    if (native.structSize(which) !== koffi.sizeof(type)) {
      throw new KadError('KAD_ERR_IPVS_LIBRARY', `IPVS library ${path}: layout of ${type.name} differs (rebuild native/ipvs)`);
    }
  }
  loaded = native;
  return native;
}

/**
 * Run a dump that fills a caller buffer of `cap` records and returns how many exist; grow the
 * buffer and retry while the table is larger than the buffer.
 */
function dumpAll<T>(type: TypeObject, call: (buf: Buffer, cap: number) => number, onError: (rc: number) => void): T[] {
  let cap = 64;
  for (;;) {
    const buf = Buffer.alloc(cap * koffi.sizeof(type));
    const n = call(buf, cap);
    if (n < 0) {
      onError(n);
      return [];
    }
    if (n <= cap) return Array.from({ length: n }, (_, i) => koffi.decode(buf, i * koffi.sizeof(type), type) as T);
    cap = n + 16;
  }
}

/** Map a negative errno from the library to a coded error. */
export function ipvsError(rc: number, syscall: string, what: string): KadError {
  const info = errnoInfo(rc, syscall);
  const name = errnoName(rc);
  const code =
    name === 'EEXIST' ? 'KAD_ERR_IPVS_EXISTS'
    : name === 'ESRCH' || name === 'ENOENT' ? 'KAD_ERR_IPVS_NOT_FOUND'
    : name === 'EPERM' || name === 'EACCES' ? 'KAD_ERR_IPVS_PERMISSION'
    : name === 'EINVAL' ? 'KAD_ERR_IPVS_INVALID'
    : 'KAD_ERR_IPVS_KERNEL';
  return new KadError(code, `IPVS ${syscall} ${what}: ${name}`, info);
}

/** An open IPVS generic-netlink handle. Synchronous: each call is one netlink round trip. */
export class Ipvs {
  private constructor(
    private readonly lib: NativeLib,
    private handle: Handle | null,
  ) {}

  /** Open a socket and resolve the "IPVS" family (loading ip_vs on demand). */
  static open(): Ipvs {
    const lib = loadNative();
    const err = [0];
    const h = lib.open(err);
    if (h === null) {
      const rc = err[0] ?? -1;
      const name = errnoName(rc);
      throw new KadError(
        name === 'ENOENT' ? 'KAD_ERR_IPVS_UNAVAILABLE' : 'KAD_ERR_IPVS_OPEN',
        name === 'ENOENT' ? 'IPVS is not available in this kernel (ip_vs module missing)' : `cannot open IPVS netlink: ${name}`,
        errnoInfo(rc, 'CTRL_CMD_GETFAMILY'),
      );
    }
    return new Ipvs(lib, h);
  }

  private check(rc: number, syscall: string, what: string): number {
    if (rc < 0) throw ipvsError(rc, syscall, what);
    return rc;
  }

  private get h(): unknown {
    if (this.handle === null) throw new KadError('KAD_ERR_IPVS_CLOSED', 'IPVS handle used after close');
    return this.handle;
  }

  /** IPVS version ("1.2.1") and connection table size. */
  info(): { version: string; connTabSize: number } {
    const out = { version: 0, conn_tab_size: 0 };
    this.check(this.lib.getInfo(this.h, out), 'IPVS_CMD_GET_INFO', '');
    const v = out.version;
    return { version: `${(v >> 16) & 0xff}.${(v >> 8) & 0xff}.${v & 0xff}`, connTabSize: out.conn_tab_size };
  }

  flush(): void {
    this.check(this.lib.flush(this.h), 'IPVS_CMD_FLUSH', '');
  }

  /** Zero the counters of one service, or of all when omitted. */
  zero(service?: IpvsService): void {
    this.check(this.lib.zero(this.h, service ? toNativeService(service) : null), 'IPVS_CMD_ZERO', '');
  }

  addService(s: IpvsService): void {
    this.check(this.lib.addService(this.h, toNativeService(s)), 'IPVS_CMD_NEW_SERVICE', svcText(s));
  }

  editService(s: IpvsService): void {
    this.check(this.lib.editService(this.h, toNativeService(s)), 'IPVS_CMD_SET_SERVICE', svcText(s));
  }

  delService(s: IpvsService): void {
    this.check(this.lib.delService(this.h, toNativeService(s)), 'IPVS_CMD_DEL_SERVICE', svcText(s));
  }

  addDest(s: IpvsService, d: IpvsDest): void {
    this.check(this.lib.addDest(this.h, toNativeService(s), toNativeDest(d)), 'IPVS_CMD_NEW_DEST', destText(s, d));
  }

  editDest(s: IpvsService, d: IpvsDest): void {
    this.check(this.lib.editDest(this.h, toNativeService(s), toNativeDest(d)), 'IPVS_CMD_SET_DEST', destText(s, d));
  }

  delDest(s: IpvsService, d: IpvsDest): void {
    this.check(this.lib.delDest(this.h, toNativeService(s), toNativeDest(d)), 'IPVS_CMD_DEL_DEST', destText(s, d));
  }

  /** Every service in the kernel table, with stats. */
  services(): DumpedService[] {
    const h = this.h;
    const onError = (rc: number): void => void this.check(rc, 'IPVS_CMD_GET_SERVICE', 'dump');
    return dumpAll<NativeService>(this.lib.types.service, (b, n) => this.lib.getServices(h, b, n), onError).map(fromNativeService);
  }

  /** The destinations of one service, with stats. */
  dests(s: IpvsService): DumpedDest[] {
    const svc = toNativeService(s);
    const h = this.h;
    const onError = (rc: number): void => void this.check(rc, 'IPVS_CMD_GET_DEST', svcText(s));
    return dumpAll<NativeDest>(this.lib.types.dest, (b, n) => this.lib.getDests(h, svc, b, n), onError).map(fromNativeDest);
  }

  timeouts(): IpvsTimeouts {
    const out = { tcp: 0, tcp_fin: 0, udp: 0 };
    this.check(this.lib.getTimeouts(this.h, out), 'IPVS_CMD_GET_CONFIG', '');
    return { tcpS: out.tcp, tcpFinS: out.tcp_fin, udpS: out.udp };
  }

  /** Set timeouts in seconds; 0 or absent leaves a value unchanged. */
  setTimeouts(t: Partial<IpvsTimeouts>): void {
    const rc = this.lib.setTimeouts(this.h, { tcp: t.tcpS ?? 0, tcp_fin: t.tcpFinS ?? 0, udp: t.udpS ?? 0 });
    this.check(rc, 'IPVS_CMD_SET_CONFIG', '');
  }

  startDaemon(d: SyncDaemonSpec): void {
    const native = toNativeDaemon(d);
    this.check(this.lib.startDaemon(this.h, native), 'IPVS_CMD_NEW_DAEMON', `${d.state} ${d.interface}`);
  }

  stopDaemon(state: SyncDaemonSpec['state']): void {
    this.check(this.lib.stopDaemon(this.h, SYNC_STATE[state]), 'IPVS_CMD_DEL_DAEMON', state);
  }

  /** Running sync daemons (master and/or backup). */
  daemons(): SyncDaemonSpec[] {
    const h = this.h;
    const onError = (rc: number): void => void this.check(rc, 'IPVS_CMD_GET_DAEMON', 'dump');
    return dumpAll<NativeDaemon>(this.lib.types.daemon, (b, n) => this.lib.getDaemons(h, b, n), onError).map(fromNativeDaemon);
  }

  close(): void {
    if (this.handle !== null) this.lib.close(this.handle);
    this.handle = null;
  }
}

function svcText(s: IpvsService): string {
  return s.fwmark > 0 ? `FWM ${s.fwmark}` : `${s.protocol} ${s.address}:${s.port}`;
}

function destText(s: IpvsService, d: IpvsDest): string {
  return `${svcText(s)} -> ${d.address}:${d.port}`;
}

