/**
 * Layer: address text <-> bytes for the network seams and the frame builders. Pure (no I/O):
 * dotted-quad IPv4, RFC 4291 §2.2 / RFC 5952 IPv6 text, and colon-separated MACs.
 */

/** Parse "aa:bb:cc:dd:ee:ff" into 6 bytes; throws RangeError on anything else. */
export function parseMac(mac: string): Buffer {
  const parts = mac.split(':');
  if (parts.length !== 6 || parts.some((p) => !/^[0-9a-fA-F]{1,2}$/.test(p))) {
    throw new RangeError(`invalid MAC address "${mac}"`);
  }
  return Buffer.from(parts.map((p) => parseInt(p, 16)));
}

/** Format 6 bytes as "aa:bb:cc:dd:ee:ff". */
export function formatMac(mac: Uint8Array): string {
  return Array.from(mac.subarray(0, 6), (b) => b.toString(16).padStart(2, '0')).join(':');
}

/** Dotted-quad IPv4 to 4 bytes; throws RangeError when malformed. */
export function ipv4Bytes(addr: string): Buffer {
  const parts = addr.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) {
    throw new RangeError(`invalid IPv4 address "${addr}"`);
  }
  return Buffer.from(parts.map(Number));
}

/** Textual IPv6 (with "::" compression, embedded dotted quad, "%zone" ignored) to 16 bytes. */
export function ipv6Bytes(addr: string): Buffer {
  const bad = (): never => {
    throw new RangeError(`invalid IPv6 address "${addr}"`);
  };
  let text = addr.split('%')[0] ?? '';
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.', lastColon)) {
    const q = ipv4Bytes(text.slice(lastColon + 1));
    text = `${text.slice(0, lastColon + 1)}${q.readUInt16BE(0).toString(16)}:${q.readUInt16BE(2).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) bad();
  const parse = (s: string | undefined): number[] =>
    !s ? [] : s.split(':').map((w) => (/^[0-9a-fA-F]{1,4}$/.test(w) ? parseInt(w, 16) : bad()));
  const head = parse(halves[0]);
  const tail = halves.length === 2 ? parse(halves[1]) : [];
  const fill = 8 - head.length - tail.length;
  if (halves.length === 1 ? fill !== 0 : fill < 1) bad();
  const words = [...head, ...Array<number>(halves.length === 2 ? fill : 0).fill(0), ...tail];
  const out = Buffer.alloc(16);
  words.forEach((w, i) => out.writeUInt16BE(w, i * 2));
  return out;
}

/** 4 bytes to dotted-quad text. */
export function ipv4Text(b: Uint8Array): string {
  return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
}

/** 16 bytes to RFC 5952 text (lower case, longest run of two or more zero words as "::"). */
export function ipv6Text(b: Uint8Array): string {
  const words: number[] = [];
  for (let i = 0; i < 16; i += 2) words.push((b[i]! << 8) | b[i + 1]!);
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hexes = words.map((w) => w.toString(16));
  if (bestStart < 0) return hexes.join(':');
  return `${hexes.slice(0, bestStart).join(':')}::${hexes.slice(bestStart + bestLen).join(':')}`;
}

/** True for an IPv6 text address (contains a colon). */
export function isIpv6(addr: string): boolean {
  return addr.includes(':');
}
