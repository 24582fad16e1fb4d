// What every benchmark calls at the end: prints its tables to the console (markdown, as before)
// and, when BENCH_OUT_DIR is set (the runner, test/bench/run.ts), writes the same rows with what
// it ran as BENCH_OUT_DIR/NAME.json for docs/benchmarks.md and the failover chart.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderTable, type BenchResult } from './markdown.js';

export { stats, type BenchResult, type BenchTable, type Cell, type FailoverCell, type Stats } from './markdown.js';

export function emitResult(result: BenchResult): void {
  for (const t of result.tables) {
    process.stdout.write(`\n${t.caption ? `${t.caption}\n\n` : ''}${renderTable(t)}\n`);
  }
  const dir = process.env.BENCH_OUT_DIR;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${result.bench}.json`), JSON.stringify(result, null, 2) + '\n');
}
