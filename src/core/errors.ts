/**
 * Stable error codes. Every code is a string literal `KAD_ERR_*` (or `KAD_WARN_*`) written
 * where it is raised; docs/errors.md lists each one, and test/unit/core/errors-doc.test.ts fails
 * when the source and the document disagree.
 */

/** errno details kept from a kernel seam, never flattened into a message only. */
export interface ErrnoInfo {
  errno: number;
  code: string;
  syscall: string;
}

export class KadError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly errnoInfo?: ErrnoInfo,
  ) {
    super(message);
    this.name = 'KadError';
  }
}

/** Linux errno numbers kad maps by name (asm-generic/errno-base.h, errno.h). */
export const ERRNO: Readonly<Record<string, number>> = Object.freeze({
  EPERM: 1,
  ENOENT: 2,
  ESRCH: 3,
  EINTR: 4,
  EIO: 5,
  ENXIO: 6,
  E2BIG: 7,
  EBADF: 9,
  EAGAIN: 11,
  ENOMEM: 12,
  EACCES: 13,
  EFAULT: 14,
  EBUSY: 16,
  EEXIST: 17,
  ENODEV: 19,
  EINVAL: 22,
  ENOSPC: 28,
  ERANGE: 34,
  ENOSYS: 38,
  ENOTSUP: 95,
  EOPNOTSUPP: 95,
  EADDRINUSE: 98,
  EADDRNOTAVAIL: 99,
  ENETDOWN: 100,
  ENETUNREACH: 101,
  ENOBUFS: 105,
  ETIMEDOUT: 110,
  ECONNREFUSED: 111,
  EHOSTUNREACH: 113,
  EALREADY: 114,
  EPROTONOSUPPORT: 93,
  EAFNOSUPPORT: 97,
  ENOPROTOOPT: 92,
});

const ERRNO_NAMES: ReadonlyMap<number, string> = new Map(
  Object.entries(ERRNO).map(([name, num]) => [num, name] as const).reverse(),
);

/** Name of an errno number ("EEXIST"), or "E<number>" when unknown. */
export function errnoName(errno: number): string {
  return ERRNO_NAMES.get(Math.abs(errno)) ?? `E${Math.abs(errno)}`;
}

/** Build the errno record for a failed syscall-like operation. */
export function errnoInfo(errno: number, syscall: string): ErrnoInfo {
  const n = Math.abs(errno);
  return { errno: n, code: errnoName(n), syscall };
}
