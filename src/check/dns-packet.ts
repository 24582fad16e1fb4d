/**
 * DNS query builder and answer reader for DNS_CHECK (RFC 1035 §4.1; AAAA: RFC 3596).
 *
 *   Header (RFC 1035 §4.1.1), 12 bytes:
 *   | ID (16) | QR Opcode(4) AA TC RD RA Z(3) RCODE(4) | QDCOUNT | ANCOUNT | NSCOUNT | ARCOUNT |
 *
 * Pure: bytes in, bytes out.
 */
import type { DnsChecker } from '../config/model.js';

export const QTYPE: Readonly<Record<DnsChecker['queryType'], number>> = {
  A: 1, NS: 2, CNAME: 5, SOA: 6, MX: 15, TXT: 16, AAAA: 28,
};

/** Encode a query for `name` (dotted, "." = root) with recursion desired. */
export function encodeQuery(id: number, name: string, qtype: number): Buffer {
  const labels = name.split('.').filter((l) => l.length > 0);
  const qname = Buffer.concat([
    ...labels.map((l) => {
      const b = Buffer.from(l, 'latin1');
      if (b.length > 63) throw new RangeError(`DNS label too long: ${l}`);
      return Buffer.concat([Buffer.from([b.length]), b]);
    }),
    Buffer.from([0]),
  ]);
  const head = Buffer.alloc(12);
  head.writeUInt16BE(id & 0xffff, 0);
  head.writeUInt16BE(0x0100, 2); // RD (RFC 1035 §4.1.1)
  head.writeUInt16BE(1, 4);
  const tail = Buffer.alloc(4);
  tail.writeUInt16BE(qtype, 0);
  tail.writeUInt16BE(1, 2); // class IN
  return Buffer.concat([head, qname, tail]);
}

export type AnswerVerdict = { ok: true; answers: number } | { ok: false; detail: string };

/** Skip a (possibly compressed, RFC 1035 §4.1.4) name; returns the offset after it. */
function skipName(buf: Buffer, off: number): number {
  for (let guard = 0; guard < 128; guard++) {
    if (off >= buf.length) throw new RangeError('name past end');
    const len = buf[off]!;
    if (len === 0) return off + 1;
    if ((len & 0xc0) === 0xc0) return off + 2;
    off += 1 + len;
  }
  throw new RangeError('name too long');
}

/**
 * Judge a reply: same ID, QR set, RCODE NOERROR, and at least one answer record of the asked
 * type (a CNAME chain ending elsewhere is not an answer for A).
 */
export function judgeAnswer(buf: Buffer, id: number, qtype: number): AnswerVerdict {
  if (buf.length < 12) return { ok: false, detail: 'short reply' };
  if (buf.readUInt16BE(0) !== (id & 0xffff)) return { ok: false, detail: 'ID mismatch' };
  const flags = buf.readUInt16BE(2);
  if ((flags & 0x8000) === 0) return { ok: false, detail: 'not a response' };
  const rcode = flags & 0x0f;
  if (rcode !== 0) return { ok: false, detail: `rcode ${rcode}` };
  const qd = buf.readUInt16BE(4);
  const an = buf.readUInt16BE(6);
  try {
    let off = 12;
    for (let i = 0; i < qd; i++) off = skipName(buf, off) + 4;
    let matching = 0;
    for (let i = 0; i < an; i++) {
      off = skipName(buf, off);
      if (off + 10 > buf.length) return { ok: false, detail: 'truncated answer' };
      if (buf.readUInt16BE(off) === qtype) matching++;
      off += 10 + buf.readUInt16BE(off + 8);
    }
    return matching > 0 ? { ok: true, answers: matching } : { ok: false, detail: 'no answer of the requested type' };
  } catch {
    return { ok: false, detail: 'malformed reply' };
  }
}
