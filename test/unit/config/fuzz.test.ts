// Fuzz: 10,000 mutated corpus configurations through the whole pipeline, in process, from a seed
// printed at the start (KAD_FUZZ_SEED repeats a run). Every one must give an exit class in
// {0, 2, 4, 5, 6}, well-formed diagnostics with catalogue codes, and a
// JSON-serialisable model: never an exception.
import { describe, expect, it } from 'vitest';
import { CONFIG_CODES } from '../../../src/config/diagnostics.js';
import { corpusTexts, fuzzSeed, mutate, prng } from './fuzz.js';
import { parseText } from './mem-io.js';

const CASES = 10_000;
const SEED = fuzzSeed('config fuzz (parser)');

describe('config fuzz', () => {
  it(`survives ${CASES} mutated configurations`, () => {
    const corpus = corpusTexts();
    expect(corpus.length).toBeGreaterThan(100);
    const rnd = prng(SEED);
    const exits = new Map<number, number>();
    for (let i = 0; i < CASES; i++) {
      let text = corpus[i % corpus.length]!;
      const k = 1 + Math.floor(rnd() * 4);
      for (let j = 0; j < k; j++) text = mutate(text, rnd);
      let r: ReturnType<typeof parseText>;
      try {
        r = parseText(text, { '/etc/kad/other.conf': corpus[(i * 7) % corpus.length]! });
      } catch (err) {
        throw new Error(`case ${i} (seed ${SEED}) threw: ${(err as Error).stack}\n--- input ---\n${text}`);
      }
      if (![0, 2, 4, 5, 6].includes(r.exitCode)) throw new Error(`case ${i}: exit ${r.exitCode}\n${text}`);
      for (const d of r.diagnostics) {
        if (!(d.code in CONFIG_CODES) || !Number.isInteger(d.line) || !Number.isInteger(d.col) || !d.message) {
          throw new Error(`case ${i}: malformed diagnostic ${JSON.stringify(d)}`);
        }
      }
      if (r.config) JSON.stringify(r.config);
      exits.set(r.exitCode, (exits.get(r.exitCode) ?? 0) + 1);
    }
    // The mutations really exercise both outcomes, not only one.
    expect(exits.get(0) ?? 0).toBeGreaterThan(100);
    expect(exits.get(5) ?? 0).toBeGreaterThan(1000);
  }, 120_000);
});
