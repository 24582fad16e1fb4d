/**
 * HTTP_GET and SSL_GET: fetch every `url` block in turn; the server is up when each answer has
 * an accepted status code and, when a digest is configured, the MD5 of the body matches.
 * SSL_GET does not verify the certificate unless configured to (keepalived's default).
 */
import { createHash } from 'node:crypto';
import type { HttpChecker, HttpUrl } from '../config/model.js';
import type { Clock } from '../core/clock.js';
import { withConnection, type TlsOptions } from './connect.js';
import { buildRequest, hostHeader, HttpResponseReader, statusAccepted, type HttpResponse } from './http-response.js';
import type { CheckEnv, CheckResult, CheckTarget } from './types.js';

export interface FetchOptions {
  path: string;
  virtualhost?: string;
  protocol: '1.0' | '1.0C' | '1.1';
  tls?: TlsOptions;
  timeoutMs: number;
}

export type FetchResult = { ok: true; response: HttpResponse; elapsedMs: number } | (CheckResult & { ok: false });

/** One GET over a fresh connection; the whole exchange must finish within `timeoutMs`. */
export async function fetchUrl(target: CheckTarget, opts: FetchOptions, clock: Clock): Promise<FetchResult> {
  const started = clock.nowMs();
  let response: HttpResponse | undefined;
  const r = await withConnection(target, opts.timeoutMs, clock, opts.tls, (sock, done) => {
    const reader = new HttpResponseReader();
    const settle = (st: ReturnType<HttpResponseReader['feed']>): void => {
      if (!st.done) return;
      if ('error' in st) done({ ok: false, reason: 'protocol', detail: st.error });
      else {
        response = st.response;
        done({ ok: true });
      }
    };
    sock.on('data', (d: Buffer) => settle(reader.feed(d)));
    sock.on('end', () => settle(reader.end()));
    sock.write(buildRequest(opts.path, hostHeader(opts.virtualhost, target.address, target.port), opts.protocol));
  });
  if (!r.ok) return r;
  return { ok: true, response: response!, elapsedMs: clock.nowMs() - started };
}

/** Lower-case hex MD5 of a body, as genhash prints it. */
export function md5Hex(body: Buffer): string {
  return createHash('md5').update(body).digest('hex');
}

/** TLS options of an SSL_GET checker (undefined for HTTP_GET). */
export function tlsOf(checker: HttpChecker, virtualhost: string | undefined): TlsOptions | undefined {
  if (checker.type !== 'SSL_GET') return undefined;
  const t: TlsOptions = { verify: checker.verifyCert };
  const sni = checker.sniName ?? (checker.enableSni ? virtualhost : undefined);
  if (sni !== undefined) t.servername = sni;
  return t;
}

/** Check one url block's answer against its status_code list and digest. */
export function judgeResponse(url: HttpUrl, res: HttpResponse): CheckResult {
  if (!statusAccepted(res.statusCode, url.statusCodes)) {
    return { ok: false, reason: 'status', detail: `status_code [${res.statusCode}]` };
  }
  if (url.digest !== undefined) {
    const got = md5Hex(res.body);
    if (got !== url.digest.toLowerCase()) return { ok: false, reason: 'digest', detail: `digest ${got}` };
  }
  if (url.regex !== undefined) {
    const hit = new RegExp(url.regex).test(res.body.toString('latin1'));
    if (hit === url.regexNoMatch) return { ok: false, reason: 'protocol', detail: 'regex' };
  }
  return { ok: true };
}

export async function runHttpCheck(checker: HttpChecker, target: CheckTarget, env: CheckEnv): Promise<CheckResult> {
  for (const url of checker.urls) {
    const vhost = url.virtualhost ?? checker.virtualhost ?? target.rs.virtualhost ?? target.vs.virtualhost;
    const opts: FetchOptions = { path: url.path, protocol: checker.httpProtocol, timeoutMs: checker.connectTimeoutMs };
    if (vhost !== undefined) opts.virtualhost = vhost;
    const tls = tlsOf(checker, vhost);
    if (tls) opts.tls = tls;
    const res = await fetchUrl(target, opts, env.clock);
    if (!res.ok) return { ...res, detail: `url(${url.path}) ${res.detail}` };
    const verdict = judgeResponse(url, res.response);
    if (!verdict.ok) return { ...verdict, detail: `url(${url.path}), ${verdict.detail}` };
  }
  return { ok: true };
}
