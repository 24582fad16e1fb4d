/**
 * Layer: the sysctl seam (/proc/sys files). Reads and writes per-interface settings by path (the
 * paths come from ../vrrp/runtime/vmac-plan.ts), not by dotted name: interface names may hold dots
 * (`vrrp.51`). The VRRP runtime (runtime/sysctls.ts) sets through it what keepalived sets
 * (promote_secondaries, the VMAC's arp_ignore / accept_local / rp_filter ...) and restores it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { KadError } from '../core/errors.js';

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
