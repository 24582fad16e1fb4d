/**
 * A child's metric families as exposition text from one scrape to the next (pure). Most series
 * keep their value between two scrapes a second apart (an instance's error counters, a real
 * server's weight), so a child writes the text of a family again only when one of its samples
 * changed, and sends only what changed since the answer the parent says it holds (`since`):
 * a family that did not change goes as `null` and the parent reuses its text. The parent then
 * parses no numbers and formats no line of a child's; it places each family's text under the
 * family's HELP and TYPE lines (src/status/exposition.ts).
 *
 * The parent asks with the generation it holds (ChunkStore.since); the child answers
 * incrementally only when that is the generation it answered last (ChunkWriter), otherwise in
 * full. A lost or late answer, a respawned child or a reset store all end in a full answer.
 * The parent must not ask one child twice at once (the collector shares one gathering between
 * concurrent scrapes), since it keeps a single generation per child.
 */
import { familyLines, type Exposition, type FamilySamples } from './exposition.js';

/** A child's answer: per family name its lines, or null when unchanged since generation `base`. */
export interface ChunkAnswer {
  gen: number;
  /** Present when the answer is incremental: the generation whose text the nulls refer to. */
  base?: number;
  families: Record<string, string | null>;
}

interface Written extends FamilySamples {
  text: string;
}

function sameSamples(a: FamilySamples, b: FamilySamples): boolean {
  if (a.values.length !== b.values.length) return false;
  for (let i = 0; i < a.values.length; i++) {
    if (a.values[i] !== b.values[i] || a.labels[i] !== b.labels[i]) return false;
  }
  return true;
}

/** The child's side: remembers its last answer's samples and text. */
export class ChunkWriter {
  private gen = 0;
  private last = new Map<string, Written>();

  /** The answer for this scrape's samples; `since` is the generation the parent holds. */
  answer(exp: Exposition, since: number | undefined): ChunkAnswer {
    const incremental = since !== undefined && since === this.gen && this.gen > 0;
    const families: Record<string, string | null> = {};
    const next = new Map<string, Written>();
    for (const [f, s] of exp.filled()) {
      const prev = this.last.get(f.name);
      const same = prev !== undefined && sameSamples(prev, s);
      const text = same ? prev.text : familyLines(f.name, s.labels, s.values);
      next.set(f.name, { labels: s.labels, values: s.values, text });
      families[f.name] = incremental && same ? null : text;
    }
    this.last = next;
    this.gen++;
    return incremental ? { gen: this.gen, base: since, families } : { gen: this.gen, families };
  }
}

/** The parent's side, one per child: the text of the child's families at its last answer. */
export class ChunkStore {
  private gen: number | undefined;
  private texts = new Map<string, string>();

  /** The generation to ask with (undefined: ask for everything). */
  since(): number | undefined {
    return this.gen;
  }

  /**
   * The child's families after `a`, or undefined when it refers to text this store does not
   * hold (then the next request asks for everything).
   */
  take(a: ChunkAnswer): ReadonlyMap<string, string> | undefined {
    if (a.base !== undefined && a.base !== this.gen) return this.reset();
    const texts = new Map<string, string>();
    for (const name in a.families) {
      const text = a.families[name] ?? this.texts.get(name);
      if (text === undefined) return this.reset();
      texts.set(name, text);
    }
    this.gen = a.gen;
    this.texts = texts;
    return texts;
  }

  /** Forget everything (the child is gone or answered something unusable). */
  reset(): undefined {
    this.gen = undefined;
    this.texts = new Map();
    return undefined;
  }
}
