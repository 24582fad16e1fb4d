// The benchmarks `npm run bench` runs, in order, with their parameters and time bounds in the
// default (full) mode and in `--quick` mode (shortened parameters, a few minutes in all).

export interface BenchPlan {
  /** Also the JSON file name the benchmark writes (BENCH_OUT_DIR/NAME.json). */
  name: string;
  file: string;
  args: string[];
  env: Record<string, string>;
  /** The benchmark is stopped after this long and reported as overrun. */
  timeoutS: number;
}

interface Entry {
  name: string;
  full: { args?: string[]; env?: Record<string, string>; timeoutS: number };
  quick: { args?: string[]; env?: Record<string, string>; timeoutS: number };
}

const ENTRIES: Entry[] = [
  { name: 'vrrp-codec', full: { timeoutS: 300 }, quick: { env: { BENCH_N: '20000' }, timeoutS: 90 } },
  { name: 'config', full: { env: { RUNS: '21' }, timeoutS: 900 }, quick: { env: { RUNS: '3' }, timeoutS: 180 } },
  { name: 'net-seams', full: { timeoutS: 300 }, quick: { env: { KAD_BENCH_N: '200' }, timeoutS: 120 } },
  { name: 'failover', full: { args: ['5', '60'], timeoutS: 2400 }, quick: { args: ['1', '10'], timeoutS: 480 } },
  { name: 'load', full: { args: ['60', '10x20,50x20,10x200,50x200,10x20,10x20', '6'], timeoutS: 3600 }, quick: { args: ['10', '10x20,50x20', '6'], timeoutS: 480 } },
  { name: 'checkers', full: { env: { WINDOW_S: '20', WARMUP_S: '3' }, timeoutS: 600 }, quick: { env: { WINDOW_S: '5', WARMUP_S: '2' }, timeoutS: 120 } },
  { name: 'ipvs', full: { timeoutS: 900 }, quick: { timeoutS: 420 } },
  { name: 'supervisor', full: { env: { KILLS: '5' }, timeoutS: 900 }, quick: { env: { KILLS: '1' }, timeoutS: 300 } },
  { name: 'status', full: { env: { WINDOW_S: '45' }, timeoutS: 900 }, quick: { env: { WINDOW_S: '5' }, timeoutS: 150 } },
];

/** Overall bound of a run, seconds (the benchmarks left when it is reached are not started). */
export const overallBoundS = (quick: boolean): number => (quick ? 20 * 60 : 150 * 60);

export const benchNames = (): string[] => ENTRIES.map((e) => e.name);

/** The benchmarks to run, in order; `only` picks some by name (unknown names throw). */
export function plan(quick: boolean, only?: readonly string[]): BenchPlan[] {
  const unknown = (only ?? []).filter((n) => !ENTRIES.some((e) => e.name === n));
  if (unknown.length) throw new Error(`unknown benchmark ${unknown.join(', ')} (known: ${benchNames().join(', ')})`);
  return ENTRIES.filter((e) => !only?.length || only.includes(e.name)).map((e) => {
    const m = quick ? e.quick : e.full;
    return { name: e.name, file: `test/bench/${e.name}.bench.ts`, args: m.args ?? [], env: m.env ?? {}, timeoutS: m.timeoutS };
  });
}
