/**
 * Layer: the sysctl seam (/proc/sys files). Reads and writes per-interface settings by path, not
 * by dotted name, because interface names may hold dots (`vrrp.51`). The VRRP runtime sets what
 * keepalived sets (promote_secondaries, the VMAC's arp_ignore / accept_local / rp_filter ...)
 * and restores the values it changed when it stops.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { KadError } from '../core/errors.js';

/** /proc/sys/net/{ipv4,ipv6}/conf/IF/KEY; IF may be `all` or `default`. */
export function confPath(family: 'ipv4' | 'ipv6', ifName: string, key: string): string {
  if (ifName.includes('/') || key.includes('/')) throw new KadError('KAD_ERR_NET_BAD_ADDRESS', `bad sysctl name ${ifName}/${key}`);
  return `/proc/sys/net/${family}/conf/${ifName}/${key}`;
}

/** The value of a sysctl file, trimmed; undefined when it does not exist (interface gone). */
export function readSysctl(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** Write a sysctl file. Throws KadError KAD_ERR_NET_SYSCTL with the errno code on failure. */
export function writeSysctl(path: string, value: string): void {
  try {
    writeFileSync(path, `${value}\n`);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'EIO';
    throw new KadError('KAD_ERR_NET_SYSCTL', `cannot write ${path}: ${code}`);
  }
}
