// Health-checker load: 5000 real servers with TCP_CHECK at delay_loop 1 s, then 1000 with
// HTTP_GET (delay_loop 1 s), against local servers on loopback. The checker runs in its own
// process (the scheduler with the real checkers and an in-memory IPVS table, as the checker
// child does with KAD_CHECK_DRY_RUN); the servers live in this process so their CPU is not
// counted. Measured over WINDOW_S seconds after a warm-up: checker CPU (% of one core), RSS,
// checks done, and lateness (actual start minus scheduled start) p50/p99/max.
// Run: `npx tsx test/bench/checkers.bench.ts` (prints a markdown table for docs/benchmarks.md;
// under the runner, test/bench/run.ts, also writes it as JSON).
import { fork } from 'node:child_process';
import { createServer as createHttp } from 'node:http';
import { createServer as createNet, type Server } from 'node:net';
import { fileURLToPath } from 'node:url';
import { SystemClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/log.js';
import type { Checker, RealServer, VirtualServer } from '../../src/config/model.js';
import { MemoryPort } from '../../src/check/memory-port.js';
import { Scheduler } from '../../src/check/scheduler.js';
import { common, config, rs, vs } from '../fixtures/check/model.js';
import { emitResult, type Cell } from './report/result.js';

const WINDOW_S = Number(process.env.WINDOW_S ?? 20);
const WARMUP_S = Number(process.env.WARMUP_S ?? 3);
const PORTS = 50;

interface WorkerArgs { kind: 'TCP_CHECK' | 'HTTP_GET' | 'BARE_TCP'; count: number; ports: number[] }
interface WorkerResult { cpuPct: number; sysPct: number; rssMb: number; checks: number; failures: number; p50: number; p99: number; max: number }

function checker(kind: WorkerArgs['kind']): Checker {
  const c = common({ delayLoopMs: 1000, warmupMs: 1000, connectTimeoutMs: 3000, retry: 1, delayBeforeRetryMs: 1000 });
  if (kind === 'TCP_CHECK') return { type: 'TCP_CHECK', ...c };
  return { type: 'HTTP_GET', ...c, urls: [{ path: '/', statusCodes: [[200, 200]], regexNoMatch: false, digest: 'f2fbc3748db8fbaa92a69ae6d6bae65a' }],
    httpProtocol: '1.0', enableSni: false, verifyCert: false, fastRecovery: false };
}

/** `count` real servers spread over VSs of PORTS servers each (one per listening port). */
function farm(a: WorkerArgs): VirtualServer[] {
  const out: VirtualServer[] = [];
  for (let v = 0; v * PORTS < a.count; v++) {
    const rss: RealServer[] = [];
    for (let i = 0; i < PORTS && v * PORTS + i < a.count; i++) rss.push(rs('127.0.0.1', a.ports[i]!, [checker(a.kind)]));
    out.push(vs(`10.${v >> 8}.${v & 255}.1`, 80, rss));
  }
  return out;
}

function pct(sorted: number[], p: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

/**
 * The floor on this machine at this moment: a bare Node loop making the same 5000 connections
 * per second (fixed-rate setTimeout per server, RST close), no checker logic at all.
 */
async function bare(a: WorkerArgs): Promise<WorkerResult> {
  const { Socket } = await import('node:net');
  const lat: number[] = [];
  let checks = 0;
  let stop = false;
  const slot = (i: number, due: number): void => {
    setTimeout(() => {
      if (stop) return;
      lat.push(performance.now() - due);
      const s = new Socket();
      s.on('error', () => undefined);
      s.on('connect', () => {
        checks++;
        s.resetAndDestroy();
        slot(i, due + 1000);
      });
      s.connect({ host: '127.0.0.1', port: a.ports[i % PORTS]! });
    }, Math.max(0, due - performance.now()));
  };
  const start = performance.now();
  for (let i = 0; i < a.count; i++) slot(i, start + Math.random() * 1000);
  await new Promise((r) => setTimeout(r, WARMUP_S * 1000));
  lat.length = 0;
  checks = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, WINDOW_S * 1000));
  const cpu = process.cpuUsage(cpu0);
  const wallMs = performance.now() - t0;
  stop = true;
  const sorted = lat.sort((x, y) => x - y);
  return {
    cpuPct: ((cpu.user + cpu.system) / 1000 / wallMs) * 100, sysPct: (cpu.system / 1000 / wallMs) * 100,
    rssMb: process.memoryUsage().rss / 1048576, checks, failures: 0, p50: pct(sorted, 0.5), p99: pct(sorted, 0.99), max: sorted.at(-1) ?? NaN,
  };
}

async function worker(a: WorkerArgs): Promise<WorkerResult> {
  if (a.kind === 'BARE_TCP') return bare(a);
  const sched = new Scheduler(config(farm(a)), { clock: new SystemClock(), log: silentLogger(), port: new MemoryPort() });
  sched.start();
  await new Promise((r) => setTimeout(r, WARMUP_S * 1000));
  sched.lateness.length = 0;
  const attempts0 = [...sched.state.realServers()].reduce((s, r) => s + r.checkers[0]!.attempts, 0);
  const fail0 = [...sched.state.realServers()].reduce((s, r) => s + r.checkers[0]!.failures, 0);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, WINDOW_S * 1000));
  const cpu = process.cpuUsage(cpu0);
  const wallMs = performance.now() - t0;
  const lat = [...sched.lateness].sort((x, y) => x - y);
  const attempts = [...sched.state.realServers()].reduce((s, r) => s + r.checkers[0]!.attempts, 0) - attempts0;
  const failures = [...sched.state.realServers()].reduce((s, r) => s + r.checkers[0]!.failures, 0) - fail0;
  sched.stop();
  return {
    cpuPct: ((cpu.user + cpu.system) / 1000 / wallMs) * 100, sysPct: (cpu.system / 1000 / wallMs) * 100, rssMb: process.memoryUsage().rss / 1048576,
    checks: attempts, failures, p50: pct(lat, 0.5), p99: pct(lat, 0.99), max: lat.at(-1) ?? NaN,
  };
}

async function listenAll(make: () => Server): Promise<{ ports: number[]; close: () => void }> {
  const servers: Server[] = [];
  for (let i = 0; i < PORTS; i++) {
    const s = make();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', 4096, r));
    servers.push(s);
  }
  return { ports: servers.map((s) => (s.address() as { port: number }).port), close: () => servers.forEach((s) => s.close()) };
}

function runWorker(a: WorkerArgs): Promise<WorkerResult> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), ['worker'], { execArgv: process.execArgv });
    child.once('message', (m) => {
      resolve(m as WorkerResult);
      child.kill();
    });
    child.once('error', reject);
    child.send(a);
  });
}

async function main(): Promise<void> {
  if (process.argv[2] === 'worker') {
    process.once('message', (a) => void worker(a as WorkerArgs).then((r) => process.send!(r)));
    return;
  }
  // The probe closes with RST; the server never closes first, so no TIME_WAIT piles up on loopback.
  const tcp = await listenAll(() => createNet((c) => {
    c.on('error', () => undefined);
    c.on('end', () => c.destroy());
  }));
  const body = 'kad checker benchmark page\n';
  const http = await listenAll(() => createHttp((_q, res) => {
    res.writeHead(200, { 'Content-Length': body.length });
    res.end(body);
  }));
  const rows: Cell[][] = [];
  const farms = [['BARE_TCP', 5000, tcp.ports], ['TCP_CHECK', 5000, tcp.ports], ['HTTP_GET', 1000, http.ports]] as const;
  for (const [kind, count, ports] of farms) {
    const r = await runWorker({ kind, count, ports: [...ports] });
    const label = kind === 'BARE_TCP' ? `bare Node loop, ${count} connects/s (floor)` : `${count} × ${kind}, delay_loop 1 s`;
    rows.push([label, `${r.cpuPct.toFixed(1)} % (kernel ${r.sysPct.toFixed(1)} %)`, `${r.rssMb.toFixed(0)} MB`, `${(r.checks / WINDOW_S).toFixed(0)}/s`, r.failures,
      `${r.p50.toFixed(2)} ms`, `${r.p99.toFixed(2)} ms`, `${r.max.toFixed(1)} ms`]);
    process.stderr.write(`${kind}: ${JSON.stringify(r)}\n`);
  }
  tcp.close();
  http.close();
  const { cpus, loadavg } = await import('node:os');
  emitResult({
    bench: 'checkers',
    params: { windowSeconds: WINDOW_S, warmupSeconds: WARMUP_S, ports: PORTS },
    tables: [{
      section: 'checkers',
      caption: `${WARMUP_S} s warm-up, then a ${WINDOW_S} s window per farm; load average during the run: ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores.`,
      columns: ['farm', 'checker CPU (one core)', 'RSS', 'checks', 'failed', 'lateness p50', 'p99', 'max'],
      rows,
    }],
  });
}

void main();
