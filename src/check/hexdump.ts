/**
 * Hex dump in genhash's layout: decimal offset, 16 bytes as hex split 8 - 8, then the printable
 * characters (others as '.'). Pure.
 */

/** One line per 16 bytes: `0016  0a 53 ... - ... 48   .Server: SimpleH`. */
export function hexdump(buf: Buffer): string {
  let out = '';
  for (let off = 0; off < buf.length; off += 16) {
    const row = buf.subarray(off, off + 16);
    const hex = Array.from({ length: 16 }, (_, i) => (i < row.length ? row[i]!.toString(16).padStart(2, '0') : '  '));
    const hexPart = `${hex.slice(0, 8).join(' ')} - ${hex.slice(8).join(' ')}`;
    const ascii = [...row].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    out += `${String(off).padStart(4, '0')}  ${hexPart}   ${ascii.padEnd(16)}\n`;
  }
  return out;
}
