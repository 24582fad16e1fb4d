/**
 * Minimal HTTP/1.x response reader for HTTP_GET/SSL_GET and genhash (pure: bytes in, parts out).
 * It accepts a body delimited by Content-Length, by chunked transfer coding, or by the close of
 * the connection, which is how keepalived's checker reads it before hashing the body.
 */

export interface HttpResponse {
  statusCode: number;
  /** The raw header block including the status line and the blank line. */
  headerBytes: Buffer;
  headers: ReadonlyMap<string, string>;
  body: Buffer;
}

export type ParseState =
  | { done: false }
  | { done: true; response: HttpResponse }
  | { done: true; error: string };

const HEADER_END = Buffer.from('\r\n\r\n');
const MAX_HEADER_BYTES = 64 * 1024;
/** A page larger than this is refused rather than buffered (a check is not a download). */
export const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

/** Accumulates bytes of one response; `feed` and `end` report when it is complete. */
export class HttpResponseReader {
  private chunks: Buffer[] = [];
  private size = 0;
  private head: { statusCode: number; headers: Map<string, string>; headerBytes: Buffer } | undefined;

  /** Add received bytes; returns done when the body is complete (Content-Length or chunked). */
  feed(data: Buffer): ParseState {
    this.chunks.push(data);
    this.size += data.length;
    if (this.size > MAX_RESPONSE_BYTES) return { done: true, error: 'response too large' };
    if (this.head && !this.mayBeComplete(data)) return { done: false };
    return this.tryParse(false);
  }

  /** The peer closed the connection: whatever was received is the response. */
  end(): ParseState {
    const r = this.tryParse(true);
    return r.done ? r : { done: true, error: 'connection closed before end of headers' };
  }

  /** Cheap test that avoids re-assembling the buffer on every packet once the header is known. */
  private mayBeComplete(last: Buffer): boolean {
    const h = this.head!.headers;
    if ((h.get('transfer-encoding') ?? '').toLowerCase().includes('chunked')) {
      return last.length >= 2 && last[last.length - 2] === 0x0d && last[last.length - 1] === 0x0a;
    }
    const cl = h.get('content-length');
    return cl !== undefined && /^\d+$/.test(cl) && this.size >= this.head!.headerBytes.length + Number(cl);
  }

  private tryParse(closed: boolean): ParseState {
    const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.size);
    this.chunks = [all];
    if (!this.head) {
      const headEnd = all.indexOf(HEADER_END);
      if (headEnd < 0) {
        if (all.length > MAX_HEADER_BYTES) return { done: true, error: 'header too long' };
        return closed ? { done: true, error: 'no header' } : { done: false };
      }
      const headerBytes = Buffer.from(all.subarray(0, headEnd + 4));
      const head = parseHead(headerBytes.toString('latin1'));
      if (!head) return { done: true, error: 'malformed status line' };
      this.head = { ...head, headerBytes };
    }
    const { statusCode, headers, headerBytes } = this.head;
    const body = bodyOf(headers, all.subarray(headerBytes.length), closed);
    if (body === undefined) return { done: false };
    if (body === null) return { done: true, error: 'malformed chunked body' };
    return { done: true, response: { statusCode, headerBytes, headers, body } };
  }
}

function parseHead(text: string): { statusCode: number; headers: Map<string, string> } | undefined {
  const lines = text.split('\r\n');
  const m = /^HTTP\/\d\.\d (\d{3})/.exec(lines[0] ?? '');
  if (!m) return undefined;
  const headers = new Map<string, string>();
  for (const line of lines.slice(1)) {
    const i = line.indexOf(':');
    if (i > 0) headers.set(line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim());
  }
  return { statusCode: Number(m[1]), headers };
}

/** undefined = need more bytes; null = malformed. */
function bodyOf(headers: ReadonlyMap<string, string>, rest: Buffer, closed: boolean): Buffer | undefined | null {
  if ((headers.get('transfer-encoding') ?? '').toLowerCase().includes('chunked')) {
    return dechunk(rest, closed);
  }
  const cl = headers.get('content-length');
  if (cl !== undefined && /^\d+$/.test(cl)) {
    const n = Number(cl);
    if (rest.length >= n) return rest.subarray(0, n);
    return closed ? rest : undefined;
  }
  return closed ? rest : undefined;
}

function dechunk(data: Buffer, closed: boolean): Buffer | undefined | null {
  const parts: Buffer[] = [];
  let pos = 0;
  for (;;) {
    const eol = data.indexOf('\r\n', pos);
    if (eol < 0) return closed ? Buffer.concat(parts) : undefined;
    const size = parseInt(data.subarray(pos, eol).toString('latin1').split(';')[0]!.trim(), 16);
    if (Number.isNaN(size)) return null;
    if (size === 0) return Buffer.concat(parts);
    const start = eol + 2;
    if (data.length < start + size + 2) return closed ? Buffer.concat([...parts, data.subarray(start)]) : undefined;
    parts.push(data.subarray(start, start + size));
    pos = start + size + 2;
  }
}

/** Build the request line and headers keepalived's checker sends. */
export function buildRequest(path: string, host: string, protocol: '1.0' | '1.0C' | '1.1'): string {
  const version = protocol === '1.1' ? '1.1' : '1.0';
  const lines = [`GET ${path} HTTP/${version}`, 'User-Agent: KeepAliveClient', `Host: ${host}`];
  if (protocol !== '1.0') lines.push('Connection: close');
  return lines.join('\r\n') + '\r\n\r\n';
}

/** Host header value: the virtualhost when set, else the address (IPv6 bracketed) and port. */
export function hostHeader(virtualhost: string | undefined, address: string, port: number): string {
  if (virtualhost !== undefined) return virtualhost;
  const a = address.includes(':') ? `[${address}]` : address;
  return port === 80 || port === 443 ? a : `${a}:${port}`;
}

/** True when `code` is inside one of the inclusive ranges. */
export function statusAccepted(code: number, ranges: readonly (readonly [number, number])[]): boolean {
  const list = ranges.length === 0 ? [[200, 299] as const] : ranges;
  return list.some(([lo, hi]) => code >= lo && code <= hi);
}
