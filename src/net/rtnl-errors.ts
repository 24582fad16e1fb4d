/**
 * Layer: error mapping for the rtnetlink seams. npm `netlink` rejects a request with an Error
 * whose only errno carrier is its message text ("Request rejected: EEXIST", or a number when
 * Node has no name for it), or "Timeout has been reached". This is the one place that text is
 * turned back into `{errno, code, syscall}`.
 */
import { constants } from 'node:os';
import { ERRNO, errnoInfo, KadError, type ErrnoInfo } from '../core/errors.js';

const REJECTED = /Request rejected: (-?\d+|E[A-Z0-9]+)/;
const ETIMEDOUT = 110;

/** The errno carried by an error from npm `netlink`, or undefined when it carries none. */
export function errnoFromNetlink(err: unknown): number | undefined {
  const message = err instanceof Error ? err.message : String(err);
  if (/Timeout has been reached/.test(message)) return ETIMEDOUT;
  const m = REJECTED.exec(message);
  if (!m?.[1]) return undefined;
  const token = m[1];
  if (/^-?\d+$/.test(token)) return Math.abs(Number(token));
  const named = (constants.errno as Record<string, number | undefined>)[token] ?? ERRNO[token];
  return named;
}

/** errno record for a failed rtnetlink request (`syscall` names it: "RTM_NEWADDR"). */
export function netlinkErrnoInfo(err: unknown, syscall: string): ErrnoInfo | undefined {
  const n = errnoFromNetlink(err);
  return n === undefined ? undefined : errnoInfo(n, syscall);
}

/** Wrap an error from npm `netlink` as KAD_ERR_NET_RTNL, keeping errno when the text carries one. */
export function rtnlError(err: unknown, syscall: string, what: string): KadError {
  const info = netlinkErrnoInfo(err, syscall);
  const detail = info ? info.code : err instanceof Error ? err.message : String(err);
  return new KadError('KAD_ERR_NET_RTNL', `${syscall} ${what}: ${detail}`, info);
}

/**
 * Run one rtnetlink change: `done` when the kernel did it, `already` when it refused with one of
 * `alreadyErrnos` (EEXIST on add, ESRCH/ENOENT on delete), otherwise KAD_ERR_NET_RTNL.
 */
export async function idempotent<T extends string>(
  request: () => Promise<unknown>, outcomes: { done: T; already: T }, alreadyErrnos: readonly number[], syscall: string, what: string,
): Promise<T> {
  try {
    await request();
    return outcomes.done;
  } catch (err) {
    const errno = errnoFromNetlink(err);
    if (errno !== undefined && alreadyErrnos.includes(errno)) return outcomes.already;
    throw rtnlError(err, syscall, what);
  }
}
