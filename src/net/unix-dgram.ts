/**
 * Kernel seam: AF_UNIX SOCK_DGRAM sends (sd_notify's NOTIFY_SOCKET, syslog's /dev/log). Node has
 * no unix datagram sockets, so this file uses libc's socket(2)/sendto(2)/close(2) from the libc
 * seam (./libc.ts). Abstract socket names are written with a leading '@' (systemd's convention)
 * and sent with a leading NUL byte and no terminator.
 */
import { errnoInfo, KadError } from '../core/errors.js';
import { closeFd, openSocket, sendTo } from './libc.js';

const AF_UNIX = 1;
const SOCK_DGRAM = 2;
const SOCK_CLOEXEC = 0o2000000;
const MSG_NOSIGNAL = 0x4000;
const SUN_PATH_MAX = 108;

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
    if (this.fd < 0) this.fd = openSocket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    const { addr, len } = sockaddrUn(path);
    const n = sendTo(this.fd, payload, MSG_NOSIGNAL, addr.subarray(0, len));
    if (n < 0) throw this.failure('sendto', -n, path);
  }

  close(): void {
    if (this.fd >= 0) closeFd(this.fd);
    this.fd = -1;
  }

  private failure(syscall: string, errno: number, path: string): KadError {
    const info = errnoInfo(errno, syscall);
    return new KadError('KAD_ERR_SUPERVISOR_UNIX_SEND', `${syscall} to ${path} failed: ${info.code}`, info);
  }
}
