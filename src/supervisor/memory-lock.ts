/**
 * `vrrp_no_swap` / `checker_no_swap`, pure part: which mappings of /proc/self/maps a child locks
 * in memory. keepalived calls mlockall(); Node cannot run with its memory locked (V8 gives pages
 * back with madvise, which the kernel refuses on locked memory, and aborts). So kad locks what
 * can be locked: every file-backed mapping (the node binary, libc, the native modules), whose
 * pages the kernel would otherwise drop under memory pressure and read back from disk on the
 * next call into them, a stall of the child. The V8 heap and malloc arenas stay unlocked.
 */

/** One mapping to lock: [start, end) and its file. */
export interface LockableMapping {
  start: bigint;
  end: bigint;
  path: string;
}

/** The file-backed mappings of a /proc/PID/maps text (not devices, not memfd or anonymous ones). */
export function lockableMappings(maps: string): LockableMapping[] {
  const out: LockableMapping[] = [];
  for (const line of maps.split('\n')) {
    const m = /^([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ (\d+)\s+(\/.*)$/.exec(line);
    if (!m || m[3] === '0') continue;
    const path = m[4] ?? '';
    if (path.startsWith('/dev/') || path.startsWith('/memfd:')) continue;
    out.push({ start: BigInt(`0x${m[1]}`), end: BigInt(`0x${m[2]}`), path });
  }
  return out;
}
