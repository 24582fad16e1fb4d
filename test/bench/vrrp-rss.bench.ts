// Memory of the VRRP child (run as root after `npm run build`:
// `npx tsx test/bench/vrrp-rss.bench.ts [seconds=30]`). One director, 1 and 200 instances (all
// MASTER after 6 s), then `seconds` of steady state; VmRSS split into anonymous and file-backed
// pages (the node binary's pages are file-backed and shared with the parent and the checker),
// the peak (VmHWM), PSS and the child's CPU seconds over the steady state. Node flags under test
// (KAD_BENCH_NODE_FLAGS) reach the child through NODE_OPTIONS (parent and child alike). Prints a
// markdown table for docs/benchmarks.md ("VRRP failover and steady-state cost").
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { ensureBuilt, Lab, sleep } from '../helpers/lab.js';
import { cleanupAll, netnsUnavailableReason } from '../helpers/netns.js';
import { cpuSeconds, manyConf, vrrpChildPid } from './report/proc.js';

const STEADY_S = Number(process.argv[2] ?? 30);
/** Node flag sets to compare, `;`-separated in KAD_BENCH_NODE_FLAGS (an empty entry: none). */
const FLAGS = (process.env.KAD_BENCH_NODE_FLAGS ?? ';--max-semi-space-size=1').split(';');
const INSTANCES = [1, 200];

const mb = (text: string, key: string): number => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(text)?.[1] ?? NaN) / 1024;

async function measure(m: number, flags: string): Promise<string> {
  const lab = Lab.create({ directors: 1 });
  const d = lab.startKad(0, manyConf(m), { env: flags ? { NODE_OPTIONS: flags } : {} });
  try {
    await sleep(6000);
    const pid = vrrpChildPid(lab, 'kad');
    const c0 = cpuSeconds(pid);
    await sleep(STEADY_S * 1000);
    const cpu = cpuSeconds(pid) - c0;
    const st = readFileSync(`/proc/${pid}/status`, 'utf8');
    const pss = mb(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'), 'Pss');
    return `| ${m} | ${flags || '(none)'} | ${mb(st, 'VmRSS').toFixed(1)} | ${mb(st, 'RssAnon').toFixed(1)} | ${mb(st, 'RssFile').toFixed(1)} | ` +
      `${mb(st, 'VmHWM').toFixed(1)} | ${pss.toFixed(1)} | ${cpu.toFixed(2)} |`;
  } finally {
    await d.stop();
  }
}

async function main(): Promise<void> {
  const why = netnsUnavailableReason();
  if (why) {
    console.warn(`VRRP RSS bench skipped: ${why}`);
    return;
  }
  ensureBuilt();
  for (const flags of FLAGS.filter(Boolean)) {
    // Node refuses to start with a flag NODE_OPTIONS does not allow (--lite-mode, --single-threaded).
    const r = spawnSync(process.execPath, ['-e', '0'], { env: { ...process.env, NODE_OPTIONS: flags }, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`NODE_OPTIONS=${flags}: ${r.stderr.trim()}`);
  }
  console.log(`VRRP child after 6 s + ${STEADY_S} s, all MASTER`);
  console.log('| instances | node flags | RSS MB | anon MB | file MB | peak (HWM) MB | PSS MB | CPU s |\n|---|---|---|---|---|---|---|---|');
  // Flags alternate within each instance count, so load from elsewhere hits both alike.
  for (const m of INSTANCES) {
    for (const flags of FLAGS) console.log(await measure(m, flags));
  }
}

main().then(() => cleanupAll(), (err: unknown) => {
  cleanupAll();
  console.error(err);
  process.exitCode = 1;
});
