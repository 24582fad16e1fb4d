// Seeded mutation of real configurations, shared by the in-process and the binary fuzz tests.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** mulberry32: small, fast, reproducible. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The seed of this run: KAD_FUZZ_SEED when set (to repeat a failure), else a fresh one. Printed,
 * so that any failure can be replayed exactly.
 */
export function fuzzSeed(target: string): number {
  const env = process.env.KAD_FUZZ_SEED;
  const seed = env !== undefined && /^\d+$/.test(env) ? Number(env) : Math.floor(Math.random() * 2 ** 31);
  console.log(`${target}: fuzz seed ${seed} (repeat with KAD_FUZZ_SEED=${seed})`);
  return seed;
}

/** Every corpus, seed and case configuration as text. */
export function corpusTexts(): string[] {
  const dirs = ['test/fixtures/seeds', 'test/fixtures/config/keepalived-samples', 'test/fixtures/config/cases'];
  return dirs.flatMap((d) => readdirSync(d).filter((f) => !f.endsWith('.md')).map((f) => readFileSync(join(d, f), 'utf8')));
}

const PIECES = ['{', '}', '"', "'", '\\', '\0', '\u00a0', '#', '!', '$X=1', '${X}', '@node1 ', '@^x ', '~SEQ(i,1,3) ',
  'include *', 'include /proc/self/mem', 'virtual_server', 'real_server 10.0.0.1 80 {', 'vrrp_instance V {',
  'priority 999', 'advert_int -1', '10.0.0.300/99', 'fe80:::1', '-2147483649', '4294967296', 'ÿþ', '\r', '\n', ' ', '\t'];

/** One mutation of `text`; `k` mutations are stacked by the caller. */
export function mutate(text: string, rnd: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const at = Math.floor(rnd() * (text.length + 1));
  const lines = text.split('\n');
  const li = Math.floor(rnd() * lines.length);
  switch (Math.floor(rnd() * 8)) {
    case 0: return text.slice(0, at) + text.slice(at + 1 + Math.floor(rnd() * 40));
    case 1: return text.slice(0, at) + pick(PIECES) + text.slice(at);
    case 2: return text.slice(0, at) + String.fromCharCode(Math.floor(rnd() * 256)) + text.slice(at);
    case 3: lines.splice(li, 0, lines[Math.floor(rnd() * lines.length)]!); return lines.join('\n');
    case 4: lines.splice(li, 1); return lines.join('\n');
    case 5: return text.slice(0, at);
    case 6: {
      const words = (lines[li] ?? '').split(' ');
      words[Math.floor(rnd() * words.length)] = pick(PIECES);
      lines[li] = words.join(' ');
      return lines.join('\n');
    }
    default: return text.replace(/\d+/, String(Math.floor(rnd() * 70000) - 1000));
  }
}
