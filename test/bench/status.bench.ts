// Cost of observability: kad with 200 VRRP instances (every one MASTER) and 50 virtual servers
// of 20 real servers each (1000 TCP_CHECKs, delay_loop 5, the checker on an in-memory IPVS
// table) in one lab director, scraped on /metrics once a second. CPU of the whole kad tree
// (parent + both children, /proc/PID/stat utime+stime) over WINDOW_S seconds without scraping,
// with scraping, and without again; the added cost is the scraping window minus the mean of
// the two others. Also: scrape latency and size, and /status latency.
// Run as root after `npm run build`: `npx tsx test/bench/status.bench.ts`. Prints the table for
// docs/benchmarks.md. CPU_PROF_DIR=DIR runs kad under `node --cpu-prof` (profiles in DIR).
// SCRAPE_HZ (default 1) scrapes faster, to measure the cost of one scrape above the noise of
// the idle windows; the 1/s cost is then that per-scrape cost × 1. Under the runner
// (test/bench/run.ts) the table is also written as JSON.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getFromSocket } from '../../src/cli/status.js';
import { ROOT } from '../helpers/build.js';
import { Daemon, ensureBuilt, Lab, sleep, waitUntil } from '../helpers/lab.js';
import { cleanupAll, netnsUnavailableReason } from '../helpers/netns.js';
import { cpuSeconds } from './report/proc.js';
import { emitResult, stats } from './report/result.js';

const WINDOW_S = Number(process.env.WINDOW_S ?? 45);
const SCRAPE_HZ = Number(process.env.SCRAPE_HZ ?? 1);
const INSTANCES = 200;
const VSS = 50;
const RSS_PER_VS = 20;

function config(): string {
  const out: string[] = [];
  for (let i = 1; i <= INSTANCES; i++) {
    out.push(`vrrp_instance VI_${i} {\n  state BACKUP\n  interface eth0\n  virtual_router_id ${i}\n  priority 100\n  advert_int 1\n  virtual_ipaddress {\n    10.232.${Math.floor(i / 250)}.${(i % 250) + 1}/32\n  }\n}`);
  }
  for (let v = 0; v < VSS; v++) {
    out.push(`virtual_server 10.231.0.200 ${1000 + v} {\n  delay_loop 5\n  lb_algo rr\n  lb_kind NAT\n  protocol TCP`);
    for (let r = 0; r < RSS_PER_VS; r++) out.push(`  real_server 127.0.0.1 ${9651 + r} {\n    TCP_CHECK {\n      connect_timeout 2\n    }\n  }`);
    out.push('}');
  }
  return out.join('\n') + '\n';
}

const treeCpu = (pids: readonly number[]): number => pids.reduce((s, p) => s + cpuSeconds(p), 0);
const eachCpu = (pids: readonly number[]): number[] => pids.map(cpuSeconds);

async function main(): Promise<void> {
  const why = netnsUnavailableReason();
  if (why) {
    console.warn(`status bench skipped: ${why}`);
    return;
  }
  ensureBuilt();
  const lab = Lab.create({ directors: 1 });
  const ns = lab.directors[0]!;
  const sock = join(lab.dir, 'status.sock');
  const base = join(lab.dir, 'kad');
  const file = lab.writeFile('bench.conf', config());
  // The real servers: 20 ports that accept and close.
  const rs = ns.spawn(process.execPath, ['-e', `const net=require('net');for(let p=9651;p<${9651 + RSS_PER_VS};p++)net.createServer((s)=>s.destroy()).listen(p,'127.0.0.1')`]);
  const prof = process.env.CPU_PROF_DIR ? ['--cpu-prof', '--cpu-prof-dir', process.env.CPU_PROF_DIR] : [];
  const args = [...prof, join(ROOT, 'bin/kad.js'), '-n', '-l', '-f', file, '-p', `${base}.pid`, '-r', `${base}_vrrp.pid`, '-c', `${base}_checkers.pid`,
    '--status-socket', sock, '--metrics', '127.0.0.1:9650'];
  const kad = new Daemon('kad', ns.spawn(process.execPath, args, { detached: true, env: { ...process.env, TMPDIR: lab.dir, KAD_CHECK_DRY_RUN: '1' } }), file);
  try {
    await waitUntil(() => kad.output.includes('Startup complete'), 30_000, 'kad started');
    await sleep(8000); // every instance MASTER, every check run at least once
    const pids = [kad.pid, ...['_vrrp', '_checkers'].map((s) => Number(readFileSync(`${base}${s}.pid`, 'utf8').trim()))];
    const scrape = (): { ms: number; bytes: number } => {
      const t0 = performance.now();
      // SCRAPE=status reads the status document instead, to tell IPC from formatting cost.
      const target = process.env.SCRAPE === 'status' ? ['--unix-socket', sock, 'http://kad/status'] : ['http://127.0.0.1:9650/metrics'];
      const size = ns.exec('curl', ['-sS', '--max-time', '5', '-o', '/dev/null', '-w', '%{size_download}', ...target]);
      return { ms: performance.now() - t0, bytes: Number(size) };
    };
    const per: number[][] = [];
    const idle = async (): Promise<number> => {
      const e0 = eachCpu(pids);
      await sleep(WINDOW_S * 1000);
      per.push(eachCpu(pids).map((c, i) => c - (e0[i] ?? 0)));
      return treeCpu(pids) - e0.reduce((a, b) => a + b, 0);
    };
    const idle1 = await idle();
    const e0 = eachCpu(pids);
    const c0 = treeCpu(pids);
    const samples: { ms: number; bytes: number }[] = [];
    const end = performance.now() + WINDOW_S * 1000;
    while (performance.now() < end) {
      const tick = performance.now();
      samples.push(scrape());
      await sleep(Math.max(0, 1000 / SCRAPE_HZ - (performance.now() - tick)));
    }
    const scraped = treeCpu(pids) - c0;
    per.push(eachCpu(pids).map((c, i) => c - (e0[i] ?? 0)));
    const idle2 = await idle();
    const fmt = (xs: number[] | undefined): string => (xs ?? []).map((x) => x.toFixed(2)).join(' / ');
    console.log(`CPU s per process (parent / VRRP / checker): idle ${fmt(per[0])}, scraping ${fmt(per[1])}, idle ${fmt(per[2])}`);
    const perScrapeMs = (per[1] ?? []).map((c, i) => ((c - ((per[0]?.[i] ?? 0) + (per[2]?.[i] ?? 0)) / 2) * 1000) / Math.max(1, samples.length));
    console.log(`kad CPU per scrape (parent / VRRP / checker): ${perScrapeMs.map((x) => x.toFixed(2)).join(' / ')} ms, total ${perScrapeMs.reduce((a, b) => a + b, 0).toFixed(2)} ms = ${(perScrapeMs.reduce((a, b) => a + b, 0) / 10).toFixed(2)} % of one core at 1 scrape/s`);
    const statusMs: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t0 = performance.now();
      await getFromSocket(sock, '/status');
      statusMs.push(performance.now() - t0);
    }
    const baseline = (idle1 + idle2) / 2;
    const added = scraped - baseline;
    const total = perScrapeMs.reduce((a, b) => a + b, 0);
    emitResult({
      bench: 'status',
      params: { windowSeconds: WINDOW_S, scrapeHz: SCRAPE_HZ, instances: INSTANCES, realServers: VSS * RSS_PER_VS, scrapes: samples.length },
      tables: [{
        section: 'status',
        caption: `${INSTANCES} instances, ${VSS * RSS_PER_VS} real servers, windows of ${WINDOW_S} s, ${samples.length} scrapes (${SCRAPE_HZ}/s); ` +
          `kad CPU per scrape (parent / VRRP / checker): ${perScrapeMs.map((x) => x.toFixed(2)).join(' / ')} ms.`,
        columns: ['kad tree CPU s (no scrape / scrape / no scrape)', 'added by scraping', 'of one core', 'scrape (curl) ms', 'exposition size',
          '/status ms', 'CPU per scrape'],
        rows: [[`${idle1.toFixed(2)} / ${scraped.toFixed(2)} / ${idle2.toFixed(2)}`, `${added.toFixed(2)} s`, `${((added / WINDOW_S) * 100).toFixed(2)} %`,
          stats(samples.map((s) => s.ms)) ?? null, `${(samples[0]!.bytes / 1024).toFixed(0)} KiB`, stats(statusMs) ?? null, `${total.toFixed(2)} ms`]],
      }],
    });
  } finally {
    await kad.stop();
    rs.kill('SIGKILL');
    cleanupAll();
  }
}

void main();
