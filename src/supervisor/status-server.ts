/**
 * The status endpoints of the parent: JSON over HTTP on a unix socket (--status-socket, mode
 * 0600 by default) and Prometheus text on a TCP address (--metrics, off unless given). Both
 * read the status document the collector gathers from the children over IPC; a request sends
 * no signal and writes no file.
 *
 *   GET /status   the status document (docs/status.schema.json)
 *   GET /healthz  200 while the parent runs (liveness)
 *   GET /readyz   200 once every configured child read the configuration and said ready, else 503
 *   GET /metrics  Prometheus exposition (on the metrics address, and on the socket too)
 */
import { chmodSync, existsSync, lstatSync, mkdirSync, unlinkSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect } from 'node:net';
import { dirname } from 'node:path';
import type { Logger } from '../core/log.js';
import { parseListenAddress } from '../status/listen-address.js';
import type { StatusCollector } from './status-collector.js';
import { StatusMetrics } from './status-metrics.js';

export const DEFAULT_STATUS_SOCKET_MODE = 0o600;

export interface StatusEndpointOptions {
  /** Unix socket path; undefined = no status socket. */
  socketPath?: string;
  socketMode?: number;
  /** `ADDR:PORT` for /metrics; undefined = no network listener. */
  metrics?: string;
}

function reply(res: ServerResponse, code: number, body: unknown, type = 'application/json'): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body) + '\n';
  res.writeHead(code, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(text);
}

/** The request handler shared by both listeners (`withStatus`: the socket serves everything). */
function handler(collector: StatusCollector, metrics: StatusMetrics, withStatus: boolean, log: Logger) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') return reply(res, 405, { error: 'method not allowed' });
    const fail = (err: unknown): void => {
      log.warn({ code: 'KAD_WARN_STATUS_REQUEST', path, err: (err as Error).message }, `status request ${path} failed`);
      reply(res, 500, { error: 'status unavailable' });
    };
    if (path === '/metrics') {
      collector.collectMetrics().then(({ doc, families }) => reply(res, 200, metrics.render(doc, families), metrics.contentType), fail);
    } else if (withStatus && path === '/status') {
      collector.collect().then((doc) => reply(res, 200, doc), fail);
    } else if (withStatus && path === '/healthz') {
      reply(res, 200, { alive: true, pid: process.pid });
    } else if (withStatus && path === '/readyz') {
      const ready = collector.ready();
      reply(res, ready ? 200 : 503, { ready });
    } else {
      reply(res, 404, { error: 'not found' });
    }
  };
}

/** A socket file that nobody accepts on (left by a kad that died) may be replaced. */
function socketIsLive(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(path);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

function listen(server: Server, target: string | { host: string; port: number }): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    const done = (): void => {
      server.off('error', reject);
      resolve();
    };
    if (typeof target === 'string') server.listen(target, done);
    else server.listen(target.port, target.host, done);
  });
}

async function openSocket(path: string, mode: number, h: ReturnType<typeof handler>, log: Logger): Promise<Server | undefined> {
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o755 });
    if (existsSync(path)) {
      if (!lstatSync(path).isSocket()) throw new Error(`${path} exists and is not a socket`);
      if (await socketIsLive(path)) {
        log.warn({ code: 'KAD_WARN_STATUS_SOCKET_BUSY', path }, `status socket ${path} is served by another process; not serving status`);
        return undefined;
      }
      unlinkSync(path);
    }
    const server = createServer(h);
    await listen(server, path);
    chmodSync(path, mode);
    log.info({ path }, `Status socket listening on ${path}`);
    return server;
  } catch (err) {
    log.error({ code: 'KAD_ERR_STATUS_SOCKET', path, err: (err as Error).message }, `cannot serve status on ${path}: ${(err as Error).message}`);
    return undefined;
  }
}

async function openMetrics(text: string, h: ReturnType<typeof handler>, log: Logger): Promise<Server | undefined> {
  const addr = parseListenAddress(text);
  if ('error' in addr) {
    log.error({ code: 'KAD_ERR_METRICS_ADDRESS', address: text }, `--metrics: ${addr.error}; metrics not served`);
    return undefined;
  }
  const server = createServer(h);
  try {
    await listen(server, addr);
    log.info({ address: text }, `Metrics listening on http://${text}/metrics`);
    return server;
  } catch (err) {
    log.error({ code: 'KAD_ERR_METRICS_LISTEN', address: text, err: (err as Error).message }, `cannot serve metrics on ${text}: ${(err as Error).message}`);
    return undefined;
  }
}

/** The running listeners; close() stops them and removes the socket file. */
export interface StatusEndpoints {
  close(): Promise<void>;
}

/** Open the endpoints asked for; a listener that cannot open is logged and left out, never fatal. */
export async function openStatusEndpoints(o: StatusEndpointOptions, collector: StatusCollector, log: Logger): Promise<StatusEndpoints> {
  const metrics = new StatusMetrics();
  const servers: Server[] = [];
  const sock = o.socketPath === undefined ? undefined : await openSocket(o.socketPath, o.socketMode ?? DEFAULT_STATUS_SOCKET_MODE, handler(collector, metrics, true, log), log);
  if (sock) servers.push(sock);
  const net = o.metrics === undefined ? undefined : await openMetrics(o.metrics, handler(collector, metrics, false, log), log);
  if (net) servers.push(net);
  return {
    close: async () => {
      await Promise.all(servers.map((s) => new Promise<void>((r) => {
        s.close(() => r());
        s.closeAllConnections();
      })));
      // server.close() on a unix socket removes the file; a leftover would only be stale.
      if (sock && o.socketPath && existsSync(o.socketPath)) unlinkSync(o.socketPath);
    },
  };
}
