/**
 * Kernel seam: AF_UNIX SOCK_DGRAM sends (sd_notify's NOTIFY_SOCKET, syslog's /dev/log). Node has
 * no unix datagram sockets, so this file calls libc's socket(2)/sendto(2)/close(2) through koffi.
 * It is the only importer of koffi in the supervisor. Abstract socket names are written with a
 * leading '@' (systemd's convention) and sent with a leading NUL byte and no terminator.
 */
import koffi from 'koffi';
import { errnoInfo, KadError } from '../core/errors.js';

const AF_UNIX = 1;
const SOCK_DGRAM = 2;
const SOCK_CLOEXEC = 0o2000000;
const MSG_NOSIGNAL = 0x4000;
const SUN_PATH_MAX = 108;

interface Libc {
  socket(domain: number, type: number, protocol: number): number;
  sendto(fd: number, buf: Buffer, len: number, flags: number, addr: Buffer, addrLen: number): number;
  close(fd: number): number;
}

let libc: Libc | undefined;

function loadLibc(): Libc {
  if (libc) return libc;
  const lib = koffi.load('libc.so.6');
  const socket = lib.func('int socket(int, int, int)');
  const sendto = lib.func('intptr_t sendto(int, const void *, size_t, int, const void *, uint32_t)');
  const close = lib.func('int close(int)');
  libc = {
    socket: (d, t, p) => Number(socket(d, t, p)),
    sendto: (fd, buf, len, flags, addr, addrLen) => Number(sendto(fd, buf, len, flags, addr, addrLen)),
    close: (fd) => Number(close(fd)),
  };
  return libc;
}

/** Build a `struct sockaddr_un` for PATH (or '@abstract'); returns the bytes and the length to pass. */
export function sockaddrUn(path: string): { addr: Buffer; len: number } {
  const abstract = path.startsWith('@');
  const name = Buffer.from(abstract ? path.slice(1) : path, 'utf8');
  // Abstract: a leading NUL then the name; a path: the name then a terminating NUL.
  const pathLen = name.length + 1;
  if (pathLen > SUN_PATH_MAX) {
    throw new KadError('KAD_ERR_SUPERVISOR_SOCKET_PATH', `unix socket path too long: ${path}`);
  }
  const addr = Buffer.alloc(2 + SUN_PATH_MAX);
  addr.writeUInt16LE(AF_UNIX, 0);
  name.copy(addr, abstract ? 3 : 2);
  return { addr, len: 2 + pathLen };
}

/** A connectionless AF_UNIX datagram sender; one fd, reused for every send. */
export class UnixDgramSender {
  private fd = -1;

  /** Send one datagram to PATH; throws KadError with errno details on failure. */
  send(path: string, payload: Buffer): void {
    const c = loadLibc();
    if (this.fd < 0) {
      const fd = c.socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
      if (fd < 0) throw this.failure('socket');
      this.fd = fd;
    }
    const { addr, len } = sockaddrUn(path);
    const n = c.sendto(this.fd, payload, payload.length, MSG_NOSIGNAL, addr, len);
    if (n < 0) throw this.failure('sendto', path);
  }

  close(): void {
    if (this.fd >= 0) loadLibc().close(this.fd);
    this.fd = -1;
  }

  private failure(syscall: string, path?: string): KadError {
    const info = errnoInfo(koffi.errno(), syscall);
    const where = path ? ` to ${path}` : '';
    return new KadError('KAD_ERR_SUPERVISOR_UNIX_SEND', `${syscall}${where} failed: ${info.code}`, info);
  }
}
