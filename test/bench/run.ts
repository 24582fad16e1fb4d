// `npm run bench`: runs every benchmark of test/bench/ in order (report/plan.ts), each in its own
// process group with a time bound, shows progress, records the machine, then regenerates the
// generated sections of docs/benchmarks.md and the failover chart from the JSON the benchmarks
// wrote. A benchmark that fails or overruns is reported; its sections keep their old tables.
//   npx tsx test/bench/run.ts [--quick] [--only a,b] [--doc PATH | --no-doc] [--svg PATH]
//                             [--out DIR] [--budget MINUTES] [--timeout SECONDS] [--verbose]
// --budget bounds the whole run, --timeout replaces every benchmark's own bound.
// Full mode writes docs/benchmarks.md; --quick (shortened parameters) writes a doc only with --doc.
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { benchEnvironment, machine, loadAverage } from './report/machine.js';
import type { BenchResult } from './report/markdown.js';
import { overallBoundS, plan, type BenchPlan } from './report/plan.js';
import { regenerate, summaryText, type Machine, type Outcome } from './report/summary.js';
import { failoverSvg } from './report/svg.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const KILL_GRACE_MS = 10_000;
const HEARTBEAT_MS = 60_000;
const BENCH_ENV = benchEnvironment(process.env);
/** Set by Ctrl-C: the running benchmark is stopped, the rest are not started, the doc still gets what finished. */
let interrupted = false;

interface Options { quick: boolean; only: string[]; doc?: string; svg?: string; out: string; boundS: number; timeoutS?: number; verbose: boolean }

function options(): Options {
  const { values: v } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false }, only: { type: 'string' }, doc: { type: 'string' }, 'no-doc': { type: 'boolean', default: false },
      svg: { type: 'string' }, out: { type: 'string' }, budget: { type: 'string' }, timeout: { type: 'string' }, verbose: { type: 'boolean', default: false },
    },
  });
  const quick = v.quick ?? false;
  const doc = v['no-doc'] ? undefined : (v.doc ?? (quick ? undefined : join(ROOT, 'docs/benchmarks.md')));
  return {
    quick, doc, verbose: v.verbose ?? false,
    only: v.only ? v.only.split(',').map((s) => s.trim()).filter(Boolean) : [],
    svg: v.svg ?? (doc ? join(dirname(doc), 'failover-latency.svg') : undefined),
    out: v.out ?? mkdtempSync(join(tmpdir(), 'kad-bench-out-')),
    boundS: v.budget ? Number(v.budget) * 60 : overallBoundS(quick),
    timeoutS: v.timeout ? Number(v.timeout) : undefined,
  };
}

/** Runs one benchmark; resolves with its outcome after it exits or is stopped. */
function runOne(p: BenchPlan, label: string, o: Options, boundS: number): Promise<Outcome> {
  const logFile = join(o.out, `${p.name}.log`);
  const log = createWriteStream(logFile);
  const t0 = performance.now();
  const secs = (): number => (performance.now() - t0) / 1000;
  const child = spawn(process.execPath, ['--import', 'tsx', p.file, ...p.args], {
    cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...BENCH_ENV.env, ...p.env, BENCH_OUT_DIR: o.out },
  });
  let last = '';
  const onData = (chunk: Buffer): void => {
    log.write(chunk);
    if (o.verbose) process.stdout.write(chunk);
    const lines = chunk.toString().split('\n').map((l) => l.trim()).filter(Boolean);
    if (lines.length) last = lines[lines.length - 1]!.slice(0, 100);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  let overrun = false;
  const stopGroup = (sig: NodeJS.Signals): void => {
    try {
      process.kill(-child.pid!, sig);
    } catch { /* already gone */ }
  };
  const limitS = Math.min(p.timeoutS, boundS);
  const timer = setTimeout(() => {
    overrun = true;
    stopGroup('SIGTERM');
    setTimeout(() => stopGroup('SIGKILL'), KILL_GRACE_MS).unref();
  }, limitS * 1000);
  const beat = setInterval(() => process.stdout.write(`${label} … ${secs().toFixed(0)} s${last ? ` (${last})` : ''}\n`), HEARTBEAT_MS);
  const onSignal = (): void => {
    interrupted = true;
    stopGroup('SIGTERM');
  };
  process.once('SIGINT', onSignal);
  return new Promise((done) => {
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      clearInterval(beat);
      process.off('SIGINT', onSignal);
      log.end();
      const seconds = secs();
      const hasJson = existsSync(join(o.out, `${p.name}.json`));
      if (interrupted) done({ name: p.name, status: 'failed', seconds, detail: `interrupted; log ${logFile}` });
      else if (overrun) done({ name: p.name, status: 'overrun', seconds, detail: `stopped after ${limitS} s; log ${logFile}` });
      else if (code !== 0) done({ name: p.name, status: 'failed', seconds, detail: `exit ${code ?? signal}; log ${logFile}${last ? `: ${last}` : ''}` });
      else if (!hasJson) done({ name: p.name, status: 'no result', seconds, detail: last || `log ${logFile}` });
      else done({ name: p.name, status: 'ok', seconds });
    });
  });
}

function readResults(out: string, outcomes: readonly Outcome[]): BenchResult[] {
  return outcomes.filter((o) => o.status === 'ok').map((o) => JSON.parse(readFileSync(join(out, `${o.name}.json`), 'utf8')) as BenchResult);
}

function writeDocs(o: Options, results: readonly BenchResult[], m: Machine): ReturnType<typeof regenerate> | undefined {
  if (!o.doc) return undefined;
  const update = regenerate(readFileSync(o.doc, 'utf8'), results, m);
  writeFileSync(o.doc, update.doc);
  const cells = results.flatMap((r) => r.failover ?? []);
  if (o.svg && cells.length) {
    const runs = Math.max(...cells.map((c) => c.ms.n));
    writeFileSync(o.svg, failoverSvg(cells, `${m.date}, ${runs} runs per bar, ${m.cpu} (${m.cores} cores), kad ${m.kad}, ${m.keepalived}${m.mode === 'quick' ? ', quick mode' : ''}`));
    update.refreshed.push('failover chart');
  }
  return update;
}

async function main(): Promise<void> {
  const o = options();
  const benches = plan(o.quick, o.only).map((p) => (o.timeoutS ? { ...p, timeoutS: o.timeoutS } : p));
  mkdirSync(o.out, { recursive: true });
  const loadBefore = loadAverage();
  const deadline = performance.now() + o.boundS * 1000;
  console.log(`benchmarks (${o.quick ? 'quick' : 'full'}): ${benches.length}, bound ${(o.boundS / 60).toFixed(0)} min, results in ${o.out}, load ${loadBefore}`);
  const outcomes: Outcome[] = [];
  for (const [i, p] of benches.entries()) {
    const label = `[${i + 1}/${benches.length}] ${p.name}.bench.ts`;
    const leftS = (deadline - performance.now()) / 1000;
    if (leftS < 5 || interrupted) {
      const why = interrupted ? 'interrupted' : 'overall time bound reached';
      outcomes.push({ name: p.name, status: 'not run', seconds: 0, detail: why });
      console.log(`${label} not run (${why})`);
      continue;
    }
    rmSync(join(o.out, `${p.name}.json`), { force: true });
    console.log(`${label} … (bound ${Math.min(p.timeoutS, Math.floor(leftS))} s)`);
    const r = await runOne(p, label, o, Math.floor(leftS));
    outcomes.push(r);
    console.log(`${label} ${r.status} ${r.seconds.toFixed(0)} s${r.status === 'ok' ? '' : `: ${r.detail ?? ''}`}`);
  }
  const m = machine(ROOT, o.quick ? 'quick' : 'full', loadBefore, BENCH_ENV.note);
  const update = writeDocs(o, readResults(o.out, outcomes), m);
  console.log(summaryText(outcomes, update, o.doc ?? 'docs'));
  console.log(`machine: ${m.cpu}, ${m.cores} cores, kernel ${m.kernel}, Debian ${m.debian}, Node ${m.node}, ${m.keepalived}, kad ${m.kad}, load ${m.loadBefore} → ${m.loadAfter}`);
  if (outcomes.some((x) => x.status !== 'ok')) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 2;
});
