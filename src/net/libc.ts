/**
 * Layer: the C library boundary. Loads libc through koffi and exposes the few calls kad needs
 * (socket, setsockopt, bind, sendto, recvfrom, sendmsg, recvmsg, close, if_nametoindex, signal, setns) as typed
 * functions that return numbers and throw a KadError carrying `{errno, code, syscall}` on
 * failure. No other module loads libc; the user database calls (src/script/passwd.ts) are declared
 * on the handle exported here.
 *
 * Layout constants follow the Linux 64-bit ABI (x86_64 and aarch64 share it): pointers and
 * size_t are 8 bytes, little-endian. Other architectures are refused at load time.
 */
import { closeSync, openSync } from 'node:fs';
import koffi from 'koffi';
import { errnoInfo, KadError } from '../core/errors.js';

if (process.platform !== 'linux' || !['x64', 'arm64'].includes(process.arch)) {
  throw new KadError('KAD_ERR_NET_UNSUPPORTED_PLATFORM', `kad's socket layer needs 64-bit Linux, not ${process.platform}/${process.arch}`);
}

/** Address families, socket types and flags (linux/socket.h, asm-generic/socket.h). */
export const AF_INET = 2;
export const AF_INET6 = 10;
export const AF_PACKET = 17;
export const AF_NETLINK = 16;
export const NETLINK_ROUTE = 0;
export const SOCK_STREAM = 1;
export const SOCK_DGRAM = 2;
export const SOCK_RAW = 3;
export const SOCK_NONBLOCK = 0o4000;
export const SOCK_CLOEXEC = 0o2000000;
export const MSG_DONTWAIT = 0x40;
export const MSG_TRUNC = 0x20;

/** Option levels and names (asm-generic/socket.h, linux/in.h, linux/in6.h). */
export const SOL_SOCKET = 1;
export const SO_BINDTODEVICE = 25;
export const SO_MARK = 36;
export const SO_RCVBUF = 8;
export const SO_RCVBUFFORCE = 33;
export const IPPROTO_IP = 0;
export const IPPROTO_ICMP = 1;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;
export const IPPROTO_ICMPV6 = 58;
export const IPPROTO_IPV6 = 41;
export const IP_TOS = 1;
export const IP_TTL = 2;
export const IP_HDRINCL = 3;
export const IP_MULTICAST_IF = 32;
export const IP_MULTICAST_TTL = 33;
export const IP_MULTICAST_LOOP = 34;
export const IP_ADD_MEMBERSHIP = 35;
export const IP_DROP_MEMBERSHIP = 36;
export const IP_MULTICAST_ALL = 49;
export const IPV6_CHECKSUM = 7;
export const IPV6_UNICAST_HOPS = 16;
export const IPV6_MULTICAST_IF = 17;
export const IPV6_MULTICAST_HOPS = 18;
export const IPV6_MULTICAST_LOOP = 19;
export const IPV6_ADD_MEMBERSHIP = 20;
export const IPV6_DROP_MEMBERSHIP = 21;
export const IPV6_MULTICAST_ALL = 29;
export const IPV6_RECVPKTINFO = 49;
export const IPV6_PKTINFO = 50;
export const IPV6_RECVHOPLIMIT = 51;
export const IPV6_HOPLIMIT = 52;
export const IPV6_TCLASS = 67;

/** sizeof(struct msghdr), struct iovec, struct cmsghdr header on LP64 Linux. */
export const MSGHDR_SIZE = 56;
export const IOVEC_SIZE = 16;
export const CMSGHDR_SIZE = 16;

const lib = koffi.load('libc.so.6');

/** The loaded C library, for the other libc seams (src/script/passwd.ts) to declare their calls on. */
export const libc = lib;

// The prototypes take `void *` for every buffer: koffi passes a Node Buffer as a pointer to its
// bytes for the duration of the call, and a pointer from koffi.alloc() as is. Each binding gets
// an explicit TypeScript signature here, so nothing untyped leaves this file. intptr_t results
// may come back as number or bigint.
type Ret = number | bigint;
const cSocket: (domain: number, type: number, protocol: number) => number = lib.func('int socket(int domain, int type, int protocol)');
const cSetsockopt: (fd: number, level: number, name: number, val: Buffer, len: number) => number = lib.func(
  'int setsockopt(int fd, int level, int name, const void *val, uint32_t len)',
);
const cBind: (fd: number, addr: Buffer, len: number) => number = lib.func('int bind(int fd, const void *addr, uint32_t len)');
const cSendto: (fd: number, buf: Buffer, len: number, flags: number, addr: Buffer, alen: number) => Ret = lib.func(
  'intptr_t sendto(int fd, const void *buf, size_t len, int flags, const void *addr, uint32_t alen)',
);
const cRecvfrom: (fd: number, buf: Buffer, len: number, flags: number, addr: Buffer, alen: Buffer) => Ret = lib.func(
  'intptr_t recvfrom(int fd, void *buf, size_t len, int flags, void *addr, void *alen)',
);
const cSendmsg: (fd: number, msg: unknown, flags: number) => Ret = lib.func('intptr_t sendmsg(int fd, const void *msg, int flags)');
const cRecvmsg: (fd: number, msg: unknown, flags: number) => Ret = lib.func('intptr_t recvmsg(int fd, void *msg, int flags)');
const cClose: (fd: number) => number = lib.func('int close(int fd)');
const cIfNameToIndex: (name: string) => number = lib.func('uint32_t if_nametoindex(const char *name)');
const cSignal: (signum: number, handler: number) => Ret = lib.func('intptr_t signal(int signum, intptr_t handler)');
const cSetpriority: (which: number, who: number, prio: number) => number = lib.func('int setpriority(int which, uint32_t who, int prio)');
const cSetrlimit: (resource: number, rlim: Buffer) => number = lib.func('int setrlimit(int resource, const void *rlim)');
const cMlock2: (addr: bigint, len: bigint, flags: number) => number = lib.func('int mlock2(uintptr_t addr, size_t len, unsigned int flags)');
const cSchedSetscheduler: (pid: number, policy: number, param: Buffer) => number = lib.func('int sched_setscheduler(int pid, int policy, const void *param)');
const cSetns: (fd: number, nstype: number) => number = lib.func('int setns(int fd, int nstype)');
const cMkfifo: (path: string, mode: number) => number = lib.func('int mkfifo(const char *path, uint32_t mode)');
const cSchedSetaffinity: (pid: number, size: number, mask: Buffer) => number = lib.func('int sched_setaffinity(int pid, size_t size, const void *mask)');

/** Opaque native memory from {@link allocNative}: stable address, viewable without copying. */
export interface NativeBlock {
  /** Pointer handle for FFI calls. */
  readonly ptr: unknown;
  /** Address as a number (fits: user-space addresses are < 2^53). */
  readonly address: bigint;
  /** Zero-copy view of the bytes. */
  readonly bytes: Buffer;
}

/** Allocate `size` bytes of native memory that never moves (for msghdr, iovec, cmsg). */
export function allocNative(size: number): NativeBlock {
  const ptr: unknown = koffi.alloc('uint8_t', size);
  const address = koffi.address(ptr);
  const bytes = Buffer.from(koffi.view(ptr, size));
  bytes.fill(0);
  return { ptr, address, bytes };
}

/** Release a block from {@link allocNative}. */
export function freeNative(block: NativeBlock): void {
  koffi.free(block.ptr);
}

/** Current errno of the calling thread (read right after a failed call). */
function lastErrno(): number {
  return Number(koffi.errno());
}

/** Throw the KadError for a failed syscall, keeping errno as data. */
export function syscallError(syscall: string, errno = lastErrno(), what = ''): KadError {
  const info = errnoInfo(errno, syscall);
  return new KadError('KAD_ERR_NET_SYSCALL', `${syscall}${what ? ` (${what})` : ''}: ${info.code}`, info);
}

function check(rc: number | bigint, syscall: string, what?: string): number {
  const n = Number(rc);
  if (n < 0) throw syscallError(syscall, lastErrno(), what);
  return n;
}

/** mkfifo(3) with `mode` (the umask applies); throws a KadError with errno (EEXIST when it exists). */
export function makeFifo(path: string, mode: number): void {
  check(cMkfifo(path, mode), 'mkfifo', path);
}

/** socket(2); always non-blocking and close-on-exec. Returns the fd. */
export function openSocket(domain: number, type: number, protocol: number): number {
  return check(cSocket(domain, type | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol), 'socket');
}

/** setsockopt(2) with raw option bytes. `what` names the option in error messages. */
export function setOption(fd: number, level: number, name: number, value: Buffer, what: string): void {
  check(cSetsockopt(fd, level, name, value, value.length), 'setsockopt', what);
}

/** setsockopt(2) with a C int value. */
export function setIntOption(fd: number, level: number, name: number, value: number, what: string): void {
  const b = Buffer.alloc(4);
  b.writeInt32LE(value, 0);
  setOption(fd, level, name, b, what);
}

/** bind(2) to a sockaddr. */
export function bindSocket(fd: number, addr: Buffer): void {
  check(cBind(fd, addr, addr.length), 'bind');
}

/** sendto(2); returns bytes sent or -errno (EAGAIN etc. are not thrown: the caller counts them). */
export function sendTo(fd: number, data: Buffer, flags: number, addr: Buffer): number {
  const n = Number(cSendto(fd, data, data.length, flags, addr, addr.length));
  return n < 0 ? -lastErrno() : n;
}

/**
 * recvfrom(2) into `buf`; the sender's sockaddr is written to `addr` (sized for sockaddr_in6).
 * Returns bytes received or -errno (EAGAIN when nothing is queued).
 */
export function recvFrom(fd: number, buf: Buffer, flags: number, addr: Buffer): number {
  const alen = Buffer.alloc(4);
  alen.writeUInt32LE(addr.length, 0);
  const n = Number(cRecvfrom(fd, buf, buf.length, flags, addr, alen));
  return n < 0 ? -lastErrno() : n;
}

/** sendmsg(2) with a prepared msghdr in native memory; returns bytes or -errno. */
export function sendMsg(fd: number, msg: NativeBlock, flags: number): number {
  const n = Number(cSendmsg(fd, msg.ptr, flags));
  return n < 0 ? -lastErrno() : n;
}

/** recvmsg(2) with a prepared msghdr in native memory; returns bytes or -errno. */
export function recvMsg(fd: number, msg: NativeBlock, flags: number): number {
  const n = Number(cRecvmsg(fd, msg.ptr, flags));
  return n < 0 ? -lastErrno() : n;
}

/** close(2); errors are ignored (the fd is gone either way on Linux). */
export function closeFd(fd: number): void {
  cClose(fd);
}

const CLONE_NEWNET = 0x40000000;

/**
 * setns(2) with CLONE_NEWNET: move the calling thread into the network namespace of the open
 * namespace file `fd` (/proc/PID/ns/net). Sockets keep the namespace they were created in.
 */
export function setNetns(fd: number, what: string): void {
  check(cSetns(fd, CLONE_NEWNET), 'setns', what);
}

/**
 * Run `fn` with the calling thread in the network namespace of the file `nsFile` (/run/netns/NAME,
 * /proc/PID/ns/net), then move it back to its own: the sockets `fn` opens stay in `nsFile`'s
 * namespace. Throws when the thread cannot come back (every later socket would be in the wrong one).
 */
export function inNetns<T>(nsFile: string, fn: () => T): T {
  const own = openSync('/proc/thread-self/ns/net', 'r');
  try {
    const target = openSync(nsFile, 'r');
    try {
      setNetns(target, nsFile);
    } finally {
      closeSync(target);
    }
    try {
      return fn();
    } finally {
      setNetns(own, 'own network namespace');
    }
  } finally {
    closeSync(own);
  }
}

const SIG_IGN = 1;

/** Scheduling of the calling thread (on Linux these act on the thread; a child's JS runs on its main thread). */
export const SCHED_OTHER = 0;
export const SCHED_RR = 2;
const PRIO_PROCESS = 0;
const RLIMIT_RTTIME = 15;

/** setpriority(2) of thread `tid` (0: the calling one): the nice value, -20..19. */
export function setNice(nice: number, tid = 0): void {
  check(cSetpriority(PRIO_PROCESS, tid, nice), 'setpriority', `nice ${nice}`);
}

/**
 * setrlimit(RLIMIT_RTTIME): the CPU time (µs) a real-time thread may use without blocking; the
 * soft limit `us` sends SIGXCPU, the hard limit (ten times it) SIGKILL.
 */
export function setRealtimeLimit(us: number): void {
  const rlim = Buffer.alloc(16);
  rlim.writeBigUInt64LE(BigInt(us), 0);
  rlim.writeBigUInt64LE(BigInt(us) * 10n, 8);
  check(cSetrlimit(RLIMIT_RTTIME, rlim), 'setrlimit', `RLIMIT_RTTIME ${us}`);
}

const MLOCK_ONFAULT = 1;

/**
 * mlock2(2) with MLOCK_ONFAULT: the pages of [start, end) that are in memory, and each one
 * faulted in later, stay in memory (no page-out, no swap).
 */
export function lockRange(start: bigint, end: bigint): void {
  check(cMlock2(start, end - start, MLOCK_ONFAULT), 'mlock2', `${start.toString(16)}-${end.toString(16)}`);
}

/** sched_setscheduler(2) of the calling thread: SCHED_RR at `priority` (1..99), or SCHED_OTHER (0). */
export function setScheduler(policy: number, priority: number): void {
  const param = Buffer.alloc(4);
  param.writeInt32LE(priority, 0);
  check(cSchedSetscheduler(0, policy, param), 'sched_setscheduler', `policy ${policy} priority ${priority}`);
}

/** sched_setaffinity(2) of thread `tid` (0: the calling one): run only on `cpus`. */
export function setCpuAffinity(cpus: readonly number[], tid = 0): void {
  const mask = Buffer.alloc(128);
  for (const c of cpus) mask[c >> 3] = (mask[c >> 3] ?? 0) | (1 << (c & 7));
  check(cSchedSetaffinity(tid, mask.length, mask), 'sched_setaffinity', `cpus ${cpus.join(',')}`);
}

/** signal(2) with SIG_IGN: `signum` is discarded instead of taking its default action. */
export function ignoreSignal(signum: number): void {
  if (Number(cSignal(signum, SIG_IGN)) === -1) throw syscallError('signal', lastErrno(), `signal ${signum}`);
}

/** if_nametoindex(3); throws KAD_ERR_NET_SYSCALL with ENODEV when there is no such interface. */
export function ifIndex(name: string): number {
  const idx = Number(cIfNameToIndex(name));
  if (idx === 0) throw syscallError('if_nametoindex', lastErrno() || 19, name);
  return idx;
}

/**
 * The KadError for an exception thrown by code kad's seams call back (a message handler). It is
 * passed to `report`, or printed as a process warning when there is none: never rethrown.
 */
export function handlerError(err: unknown, where: string, report?: (e: KadError) => void): void {
  const e = new KadError('KAD_ERR_NET_HANDLER', `${where} handler threw: ${err instanceof Error ? err.message : String(err)}`);
  if (report) {
    try {
      report(e);
      return;
    } catch {
      // the reporter failed too: fall through to the warning
    }
  }
  process.emitWarning(e.message, { code: e.code });
}

/** A poll watcher over an fd, driven by libuv (koffi.node.poll). */
export interface FdWatcher {
  close(): void;
}

/**
 * Call `onReadable` whenever `fd` becomes readable, from the Node event loop. A pending socket
 * error (POLLERR: ENOBUFS on netlink, an ICMP error on a raw socket) makes libuv stop the watcher
 * and report a status; the callback still runs (its recvmsg collects and clears the error) and
 * the watcher is restarted, so one error never silences a socket. An exception thrown by
 * `onReadable` would otherwise vanish inside the native poll callback and stop the watcher: it is
 * caught and handed to `onThrow`.
 */
export function watchReadable(fd: number, onReadable: () => void, onThrow: (err: unknown) => void): FdWatcher {
  let closed = false;
  // koffi calls back with (status, events); its bundled typings show only the events object.
  type PollCb = (ev: { readable: boolean }) => void;
  const run = (): void => {
    try {
      onReadable();
    } catch (err) {
      onThrow(err);
    }
  };
  const cb = (status: number, ev: { readable: boolean }): void => {
    if (closed) return;
    if (status !== 0) {
      run();
      if (!closed) handle.start({ readable: true }, cb as unknown as PollCb);
      return;
    }
    if (ev.readable) run();
  };
  const handle = koffi.node.poll(fd, { readable: true }, cb as unknown as PollCb);
  return {
    close(): void {
      closed = true;
      handle.close();
    },
  };
}
