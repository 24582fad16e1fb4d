/**
 * Kernel seam: process events from the proc connector (NETLINK_CONNECTOR bound to the CN_IDX_PROC
 * group after a PROC_CN_MCAST_LISTEN request, linux/cn_proc.h), and the /proc reads that go with
 * them (the process list, a process's name and state from /proc/PID/stat, its command line).
 * The socket is opened through libc (./libc.ts) and read by ./netlink-mcast.ts; ENOBUFS (events
 * lost in a burst) is reported to the owner, who re-reads /proc.
 *
 * The kernel serves the proc connector in the initial network namespace only: from any other one
 * the listen request fails with ECONNREFUSED (keepalived 2.2.7 then logs "Failed to set/clear
 * process event listen - errno 111" and never sees a process start). Processes do not belong to
 * network namespaces, so when that happens the socket is opened again from the initial one: the
 * network namespace of pid 1, else that of the nearest ancestor process in another namespace
 * (what `ip netns exec` or a service manager was started from). The calling thread enters it for
 * the socket(2) call only and returns at once.
 *
 * Wire layout (little-endian): nlmsghdr {len u32, type u16, flags u16, seq u32, pid u32} (16),
 * cn_msg {idx u32, val u32, seq u32, ack u32, len u16, flags u16} (20), then struct proc_event
 * {what u32, cpu u32, timestamp_ns u64, event_data} with event_data at offset 16:
 *   fork {parent_pid, parent_tgid, child_pid, child_tgid}   exec {process_pid, process_tgid}
 *   comm {process_pid, process_tgid, comm[16]}              exit {process_pid, process_tgid, exit_code, exit_signal}
 *   none {err} (the answer to the listen request)
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import type { KadError } from '../core/errors.js';
import * as c from './libc.js';
import { NetlinkReader, setRecvBuffer, sockaddrNl } from './netlink-mcast.js';

const NETLINK_CONNECTOR = 11;
const SOCK_DGRAM = 2;
const NLMSG_HDR = 16;
const NLMSG_DONE = 3;
const NLMSG_ERROR = 2;
const NLMSG_NOOP = 1;
const CN_MSG_HDR = 20;
/** CN_IDX_PROC / CN_VAL_PROC (linux/connector.h): the proc connector's id, also its multicast group. */
export const CN_IDX_PROC = 1;
export const CN_VAL_PROC = 1;
/** enum proc_cn_mcast_op. */
export const PROC_CN_MCAST_LISTEN = 1;
export const PROC_CN_MCAST_IGNORE = 2;
/** enum what (linux/cn_proc.h). */
export const PROC_EVENT_NONE = 0;
export const PROC_EVENT_FORK = 0x1;
export const PROC_EVENT_EXEC = 0x2;
export const PROC_EVENT_COMM = 0x200;
export const PROC_EVENT_EXIT = 0x80000000;

const ECONNREFUSED = 111;

/** One decoded process event. pid is the thread id, tgid the process id. */
export type ProcEvent =
  | { kind: 'fork'; parentPid: number; parentTgid: number; childPid: number; childTgid: number }
  | { kind: 'exec'; pid: number; tgid: number }
  | { kind: 'comm'; pid: number; tgid: number; comm: string }
  | { kind: 'exit'; pid: number; tgid: number; exitCode: number; exitSignal: number }
  | { kind: 'ack'; err: number };

/** The PROC_CN_MCAST_LISTEN (or IGNORE) request: nlmsghdr + cn_msg + the op. */
export function encodeMcastOp(op: number, portId = 0): Buffer {
  const b = Buffer.alloc(NLMSG_HDR + CN_MSG_HDR + 4);
  b.writeUInt32LE(b.length, 0);
  b.writeUInt16LE(NLMSG_DONE, 4);
  b.writeUInt32LE(portId, 12);
  b.writeUInt32LE(CN_IDX_PROC, 16);
  b.writeUInt32LE(CN_VAL_PROC, 20);
  b.writeUInt16LE(4, 32);
  b.writeUInt32LE(op, 36);
  return b;
}

function decodeEvent(d: Buffer): ProcEvent | undefined {
  if (d.length < 16) return undefined;
  const what = d.readUInt32LE(0);
  const i32 = (off: number): number | undefined => (d.length >= 16 + off + 4 ? d.readInt32LE(16 + off) : undefined);
  switch (what) {
    case PROC_EVENT_NONE: {
      const err = i32(0);
      return err === undefined ? undefined : { kind: 'ack', err };
    }
    case PROC_EVENT_FORK: {
      const [parentPid, parentTgid, childPid, childTgid] = [i32(0), i32(4), i32(8), i32(12)];
      if (childTgid === undefined) return undefined;
      return { kind: 'fork', parentPid: parentPid!, parentTgid: parentTgid!, childPid: childPid!, childTgid };
    }
    case PROC_EVENT_EXEC: {
      const tgid = i32(4);
      return tgid === undefined ? undefined : { kind: 'exec', pid: i32(0)!, tgid };
    }
    case PROC_EVENT_COMM: {
      if (d.length < 16 + 8 + 16) return undefined;
      const raw = d.subarray(24, 40);
      const nul = raw.indexOf(0);
      return { kind: 'comm', pid: i32(0)!, tgid: i32(4)!, comm: raw.subarray(0, nul < 0 ? 16 : nul).toString('utf8') };
    }
    case PROC_EVENT_EXIT: {
      const exitSignal = i32(12);
      if (exitSignal === undefined) return undefined;
      return { kind: 'exit', pid: i32(0)!, tgid: i32(4)!, exitCode: d.readUInt32LE(24), exitSignal: d.readUInt32LE(28) };
    }
    default:
      return undefined; // uid, gid, sid, ptrace, coredump: nothing to track
  }
}

/**
 * Decode one datagram from the proc connector into the events kad acts on. Messages that are
 * not the proc connector's, acks of other requests, truncated ones and unknown kinds are skipped.
 */
export function decodeProcEvents(bytes: Buffer): ProcEvent[] {
  const out: ProcEvent[] = [];
  let off = 0;
  while (off + NLMSG_HDR <= bytes.length) {
    const len = bytes.readUInt32LE(off);
    if (len < NLMSG_HDR || off + len > bytes.length) break;
    const type = bytes.readUInt16LE(off + 4);
    const body = bytes.subarray(off + NLMSG_HDR, off + len);
    off += (len + 3) & ~3;
    if (type === NLMSG_ERROR || type === NLMSG_NOOP || body.length < CN_MSG_HDR) continue;
    if (body.readUInt32LE(0) !== CN_IDX_PROC || body.readUInt32LE(4) !== CN_VAL_PROC) continue;
    const dataLen = body.readUInt16LE(16);
    const ev = decodeEvent(body.subarray(CN_MSG_HDR, CN_MSG_HDR + dataLen));
    if (ev) out.push(ev);
  }
  return out;
}

/** Options of {@link ProcConnector.open}. */
export interface ProcConnectorOptions {
  /** Receive buffer (SO_RCVBUFFORCE as root, else SO_RCVBUF capped by rmem_max). Default 4 MiB. */
  recvBufferBytes?: number;
  onEvents: (events: ProcEvent[]) => void;
  /** Events were lost (ENOBUFS) or the socket failed: re-read /proc. */
  onOverrun: (err: KadError) => void;
  /** `onEvents` threw (KAD_ERR_NET_HANDLER); the socket goes on. */
  onHandlerError?: (err: KadError) => void;
}

/** Open, bind to the proc group and ask for events; returns the fd or throws (KAD_ERR_NET_SYSCALL). */
function openListening(recvBufferBytes: number): number {
  const fd = c.openSocket(c.AF_NETLINK, SOCK_DGRAM, NETLINK_CONNECTOR);
  try {
    setRecvBuffer(fd, recvBufferBytes);
    c.bindSocket(fd, sockaddrNl(CN_IDX_PROC));
    const n = c.sendTo(fd, encodeMcastOp(PROC_CN_MCAST_LISTEN), 0, sockaddrNl(0));
    if (n < 0) throw c.syscallError('sendto', -n, 'PROC_CN_MCAST_LISTEN');
    return fd;
  } catch (err) {
    c.closeFd(fd);
    throw err;
  }
}

/** Network namespace files that may be the initial one: pid 1's, then the ancestors' (not ours). */
function otherNetns(): string[] {
  const inode = (f: string): number | undefined => {
    try {
      return statSync(f).ino;
    } catch {
      return undefined; // gone, or not ours to look at
    }
  };
  const own = inode('/proc/self/ns/net');
  const out: string[] = [];
  const seen = new Set([own]);
  const add = (pid: number): void => {
    const f = `/proc/${pid}/ns/net`;
    const ino = inode(f);
    if (ino !== undefined && !seen.has(ino)) {
      seen.add(ino);
      out.push(f);
    }
  };
  add(1);
  for (let pid = readStat(process.pid)?.ppid ?? 0, hops = 0; pid > 1 && hops < 64; pid = readStat(pid)?.ppid ?? 0, hops++) add(pid);
  return out;
}

/** A proc connector socket delivering process events. */
export class ProcConnector {
  private readonly reader: NetlinkReader;
  private closed = false;

  private constructor(
    fd: number,
    opts: ProcConnectorOptions,
    /** Whether the socket had to be opened from pid 1's network namespace. */
    readonly viaInitNetns: boolean,
  ) {
    this.reader = new NetlinkReader(fd, 'proc connector', {
      onDatagram: (bytes) => {
        const events = decodeProcEvents(bytes);
        if (events.length > 0) opts.onEvents(events);
      },
      onOverrun: opts.onOverrun,
      onHandlerError: opts.onHandlerError,
    });
  }

  /** Datagrams received and overruns seen. */
  get stats(): { datagrams: number; overruns: number } {
    return this.reader.stats;
  }

  /** Open and listen. Throws KadError (KAD_ERR_NET_SYSCALL) when the kernel offers no proc events. */
  static open(opts: ProcConnectorOptions): ProcConnector {
    const size = opts.recvBufferBytes ?? 4 * 1024 * 1024;
    try {
      return new ProcConnector(openListening(size), opts, false);
    } catch (err) {
      if ((err as KadError).errnoInfo?.errno !== ECONNREFUSED) throw err;
      for (const ns of otherNetns()) {
        try {
          return new ProcConnector(c.inNetns(ns, () => openListening(size)), opts, true);
        } catch {
          // not the initial namespace, or not ours to enter: try the next one
        }
      }
      throw err;
    }
  }

  /** Stop listening and close the fd. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    c.sendTo(this.reader.fd, encodeMcastOp(PROC_CN_MCAST_IGNORE), 0, sockaddrNl(0));
    this.reader.close();
  }
}

/** A process's name (comm), state letter and parent, from the text of /proc/PID/stat. */
export interface ProcStat {
  comm: string;
  state: string;
  ppid: number;
}

/** Parse /proc/PID/stat: `pid (comm) state ppid ...`; the name may hold spaces and parentheses. */
export function parseStat(text: string): ProcStat | undefined {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  const [state = '', ppid = '0'] = text.slice(close + 2).split(' ', 2);
  return { comm: text.slice(open + 1, close), state, ppid: Number(ppid) || 0 };
}

/** argv from the bytes of /proc/PID/cmdline (NUL-separated, NUL-terminated). */
export function parseCmdline(bytes: Buffer): string[] {
  if (bytes.length === 0) return [];
  const parts = bytes.toString('utf8').split('\0');
  if (parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/** The pids listed in /proc (processes, not threads). */
export function listPids(): number[] {
  try {
    return readdirSync('/proc').filter((n) => /^[1-9]\d*$/.test(n)).map(Number);
  } catch {
    return [];
  }
}

/** A process's name, state and parent, or undefined when it is gone. */
export function readStat(pid: number): ProcStat | undefined {
  try {
    return parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** A process's argv, or undefined when it is gone. */
export function readCmdline(pid: number): string[] | undefined {
  try {
    return parseCmdline(readFileSync(`/proc/${pid}/cmdline`));
  } catch {
    return undefined;
  }
}
