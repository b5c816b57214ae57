/**
 * Stored words: for vocabulary words of three or more Han characters whose match from bigrams is costly, the word's
 * own postings (its slots and start positions), written in the positional index's codec with block bounds, so a
 * query reads the word like one term instead of intersecting its bigrams' positions.
 *
 * Why: a word is found by intersecting the positions of the bigrams that cover it (search/match.ts), and a word
 * built of common bigrams pays for all of them on every first-seen query: at 100k records 建设项目 reads 建设's 155k
 * and 项目's 66k positions to find 13k positions in 10k slots (5 ms), 综合保税区 4 ms, 工程建设项目 4 ms. Its own list
 * is what that intersection returns, computed once at build.
 *
 * Which words: those whose cheapest bigram cover holds at least `minCost` positions (DEFAULT_WORD_COST). A small
 * corpus stores none (no cover is that costly on the seeds). The occurrences are exactly the intersection's: a Han
 * word of U+4E00–U+9FFF occurs at p when each of its bigrams occurs at its offset from p, which is where the text
 * holds the word, so the build finds them by comparing the text at every place the word's rarest bigram sits.
 *
 * Layout (`WordIndex`): the same per-term arrays as IndexData (terms sorted and joined by U+0000, termOffsets,
 * termBytes, termEntries, termPositions, postings, blockBounds, boundStart); the fields, field lengths and bound
 * scoring are the positional index's own. Optional in a snapshot: without it every word is intersected.
 */
import { BitWriter, decodeDocs, decodePositions, packedFrom, POSITION_BLOCK } from './postings-codec.js';
import { Grow } from './grow.js';
import { addBlockBounds, boundSetup, termScratch, writeTerm, type IndexData } from './postings.js';
import { below } from './sorted.js';

/** The stored words' own term table and postings: the index's layout (IndexData) for these words, bounds always present. */
export type WordIndex = Pick<IndexData, 'terms' | 'termOffsets' | 'termBytes' | 'termEntries' | 'termPositions' | 'postings'> &
  Required<Pick<IndexData, 'blockBounds' | 'boundStart'>>;

/**
 * A word is stored when matching it from bigrams reads at least this many positions (at 100k records about 0.5–1 ms
 * of decoding and intersecting on a first-seen query; 知识产权 45k, 跨境电商 42k, 综合保税区 49k, 建设项目 221k).
 */
export const DEFAULT_WORD_COST = 32768;

const HAN_WORD = /^[\u4e00-\u9fff]{3,}$/;

/**
 * Positions the cheapest bigram cover of a Han word reads (search/match.ts coveringTokens: the first and last bigram,
 * between them no gap of two), from the index's per-term position counts; 0 when a bigram is absent (then the
 * word occurs nowhere).
 */
export function coverCost(word: string, positions: (bigram: string) => number): number {
  const m = word.length - 1;
  const cost = new Float64Array(m);
  for (let k = 0; k < m; k++) {
    const own = positions(word.slice(k, k + 2));
    if (own === 0) return 0;
    cost[k] = own + (k === 0 ? 0 : k === 1 ? cost[0] : Math.min(cost[k - 2], cost[k - 1]));
  }
  return cost[m - 1];
}

/** Term id of each Han bigram of the index, by its text. */
export function bigramIds(index: IndexData): Map<string, number> {
  const out = new Map<string, number>();
  const T = index.termEntries.length;
  for (let k = 0; k < T; k++) {
    const from = index.termOffsets[k];
    if (index.termOffsets[k + 1] - from === 3) out.set(index.terms.slice(from, from + 2), k);
  }
  return out;
}

/** The words of `vocabulary` worth storing against `index`, sorted (UTF-16 order, the order terms are written in). */
function costlyWords(index: IndexData, vocabulary: Iterable<string>, minCost = DEFAULT_WORD_COST, ids = bigramIds(index)): string[] {
  const positions = (b: string) => {
    const k = ids.get(b);
    return k === undefined ? 0 : index.termPositions[k];
  };
  const out = new Set<string>();
  for (const w of vocabulary) if (HAN_WORD.test(w) && !out.has(w) && coverCost(w, positions) >= Math.max(1, minCost)) out.add(w);
  return [...out].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Which words are stored and where each is looked for: its rarest bigram (a term id of the index) and that bigram's offset in it. */
export interface WordPlan {
  /** The words, sorted (UTF-16 order): a word's id is its place here. */
  words: string[];
  /** Per rarest bigram (term id `k`), the words it is rarest in, with its offset in each. */
  groups: { k: number; list: { id: number; offset: number }[] }[];
}

/** The stored words of `vocabulary` against `index` and where to look for each, or undefined when no word qualifies. */
export function planWords(index: IndexData, vocabulary: Iterable<string>, minCost = DEFAULT_WORD_COST, ids = bigramIds(index)): WordPlan | undefined {
  const words = costlyWords(index, vocabulary, minCost, ids);
  if (words.length === 0) return undefined;
  const byBigram = new Map<number, { id: number; offset: number }[]>();
  words.forEach((w, id) => {
    let best = -1;
    let offset = 0;
    for (let o = 0; o + 1 < w.length; o++) {
      const k = ids.get(w.slice(o, o + 2))!;
      if (best < 0 || index.termPositions[k] < index.termPositions[best]) (best = k), (offset = o);
    }
    const list = byBigram.get(best);
    if (list) list.push({ id, offset });
    else byBigram.set(best, [{ id, offset }]);
  });
  return { words, groups: [...byBigram].map(([k, list]) => ({ k, list })) };
}

/** Occurrences found in a range of slots, in (slot, position) order of the search: word id, slot and start of each. */
export interface WordPlaces {
  wordOf: Int32Array;
  slotOf: Int32Array;
  posOf: Int32Array;
}

/**
 * The plan's words' occurrences in slots [from, to), where `text(slot)` is the slot's normalised text (the texts the
 * index was built from). Ranges searched apart and joined in slot order give what one search of all slots gives, so
 * two threads can each take a range (indexer/tail-worker.ts). Each word is looked for only where its rarest bigram
 * sits (decoded from the index once per bigram, for every word it is the rarest of; positions from the block holding
 * the range's first entry), by comparing the text there: the index already says where to look, which costs a
 * fraction of reading every character of the corpus.
 */
export function findWordPlaces(text: (slot: number) => string, index: IndexData, plan: WordPlan, from: number, to: number): WordPlaces {
  // An empty range finds nothing: no bigram's stream is decoded for it.
  if (to <= from) return { wordOf: new Int32Array(0), slotOf: new Int32Array(0), posOf: new Int32Array(0) };
  // The places to compare, bucketed by slot (a counting sort over the rarest bigrams' entries), so each text is read
  // once with every place in it: read bigram by bigram, the texts were visited in a random order again for each
  // bigram, and that cost more than the comparisons (at 100k records 2.6 s of CPU; in slot order a fraction).
  const S = Math.max(0, to - from);
  const perSlot = new Uint32Array(S + 1);
  const decoded = plan.groups.map(({ k }) => {
    const E = index.termEntries[k];
    const slots = new Int32Array(E);
    const starts = new Int32Array(E + 1);
    const table = decodeDocs(index.postings, index.termBytes[k], slots, starts);
    const e0 = below(slots, from);
    const e1 = below(slots, to);
    for (let e = e0; e < e1; e++) perSlot[slots[e] - from + 1] += starts[e + 1] - starts[e];
    return { k, slots, starts, table, e0, e1 };
  });
  for (let x = 0; x < S; x++) perSlot[x + 1] += perSlot[x];
  const places = perSlot[S];
  const placePos = new Int32Array(places);
  const placeGroup = new Int32Array(places);
  const fillAt = perSlot.slice(0, S);
  decoded.forEach(({ k, slots, starts, table, e0, e1 }, g) => {
    if (e0 === e1) return;
    // Positions decode from the start of a block: the one holding the range's first entry.
    const first = e0 - (e0 % POSITION_BLOCK);
    const pos = new Int32Array(starts[e1]);
    decodePositions(index.postings, index.termBytes[k], table, starts, pos, first, e1);
    for (let e = e0; e < e1; e++) {
      for (let x = starts[e]; x < starts[e + 1]; x++) {
        const at = fillAt[slots[e] - from]++;
        placePos[at] = pos[x];
        placeGroup[at] = g;
      }
    }
  });
  decoded.length = 0;
  const wordOf = new Grow(new Int32Array(1 << 16));
  const slotOf = new Grow(new Int32Array(1 << 16));
  const posOf = new Grow(new Int32Array(1 << 16));
  const lists = plan.groups.map(({ list }) => list);
  const words = plan.words;
  for (let x0 = 0; x0 < S; x0++) {
    if (perSlot[x0] === perSlot[x0 + 1]) continue;
    const slot = from + x0;
    const t = text(slot);
    for (let x = perSlot[x0]; x < perSlot[x0 + 1]; x++) {
      for (const { id, offset } of lists[placeGroup[x]]) {
        const at = placePos[x] - offset;
        if (at >= 0 && t.startsWith(words[id], at)) {
          wordOf.push(id);
          slotOf.push(slot);
          posOf.push(at);
        }
      }
    }
  }
  return { wordOf: wordOf.done(), slotOf: slotOf.done(), posOf: posOf.done() };
}

/** The stored words' table from their occurrences found by ranges of slots (`parts`, in slot order). */
export function encodeWordPlaces(plan: WordPlan, parts: readonly WordPlaces[], index: IndexData): WordIndex {
  // Grouped by word, each word's occurrences kept in (slot, position) order (a stable counting sort over the parts
  // in order).
  const W = plan.words.length;
  let P = 0;
  for (const p of parts) P += p.wordOf.length;
  const start = new Uint32Array(W + 1);
  for (const { wordOf } of parts) for (let i = 0; i < wordOf.length; i++) start[wordOf[i] + 1]++;
  for (let k = 0; k < W; k++) start[k + 1] += start[k];
  const fill = start.slice(0, W);
  const slots = new Int32Array(P);
  const pos = new Int32Array(P);
  for (const { wordOf, slotOf, posOf } of parts) {
    for (let i = 0; i < wordOf.length; i++) {
      const at = fill[wordOf[i]]++;
      slots[at] = slotOf[i];
      pos[at] = posOf[i];
    }
  }
  return encodeTermTable(plan.words, slots, pos, start, index);
}

/**
 * The stored words' postings over the index's texts (flat in slot order, as the index was built from), or undefined
 * when no word qualifies: planWords, findWordPlaces over every slot, encodeWordPlaces.
 */
export function buildWordPostings(texts: readonly string[], index: IndexData, vocabulary: Iterable<string>, options: { minCost?: number } = {}): WordIndex | undefined {
  const plan = planWords(index, vocabulary, options.minCost);
  if (!plan) return undefined;
  return encodeWordPlaces(plan, [findWordPlaces((slot) => texts[slot], index, plan, 0, texts.length)], index);
}

/**
 * Stored terms of their own (words, split compounds) in the positional index's codec with block bounds: names[k]'s
 * occurrences are slots[start[k] … start[k + 1]) with their positions, in (slot, position) order; names sorted
 * (UTF-16 order), as Postings looks terms up.
 */
export function encodeTermTable(words: readonly string[], slots: Int32Array, pos: Int32Array, start: Uint32Array, index: IndexData): WordIndex {
  const W = words.length;
  const F = index.fields.length;
  // Bounded under the index's own scoring (what the engine checks before using any bound), not a constant beside it.
  const scoring = index.boundScoring;
  if (!scoring) throw new Error('stored words need an index with block bounds (boundScoring)');
  const { k1, b } = scoring;
  const { once, fieldWeight } = boundSetup(scoring, index.fields, index.fieldLengths, index.avgLengths);
  const out = new BitWriter();
  const bounds = new Grow(new Float32Array(1 << 10));
  const termBytes = new Uint32Array(W + 1);
  const termEntries = new Uint32Array(W);
  const termPositions = new Uint32Array(W);
  const boundStart = new Uint32Array(W + 1);
  const termOffsets = new Uint32Array(W + 1);
  let largest = 0;
  for (let k = 0; k < W; k++) largest = Math.max(largest, start[k + 1] - start[k]);
  const scratch = termScratch(largest);
  // A common stored term's document stream is packed as a common index term's is.
  const packFrom = packedFrom(index.records);
  let chars = 0;
  for (let k = 0; k < W; k++) {
    termOffsets[k] = chars;
    chars += words[k].length + 1;
    termPositions[k] = start[k + 1] - start[k];
    out.align();
    termBytes[k] = out.length;
    const entries = writeTerm(out, slots, pos, start[k], start[k + 1], scratch, words[k], packFrom);
    termEntries[k] = entries;
    boundStart[k] = bounds.length;
    addBlockBounds(bounds, scratch.gaps, scratch.counts, entries, F, once, index.fieldLengths, index.avgLengths, fieldWeight, k1, b);
  }
  termOffsets[W] = chars;
  termBytes[W] = out.length;
  boundStart[W] = bounds.length;
  return { terms: words.join('\u0000') + '\u0000', termOffsets, termBytes, termEntries, termPositions, postings: out.finish(), blockBounds: bounds.done(), boundStart };
}

/** Whether a snapshot's stored words are whole and fit its index (a damaged table is refused, never half-read). */
export function isWordIndex(x: unknown, index: IndexData): x is WordIndex {
  const w = x as WordIndex;
  if (!w || typeof w.terms !== 'string' || !(w.termOffsets instanceof Uint32Array) || !(w.termBytes instanceof Uint32Array)) return false;
  if (!(w.termEntries instanceof Uint32Array) || !(w.termPositions instanceof Uint32Array) || !(w.postings instanceof Uint8Array)) return false;
  if (!(w.blockBounds instanceof Float32Array) || !(w.boundStart instanceof Uint32Array)) return false;
  const T = w.termEntries.length;
  return w.termOffsets.length === T + 1 && w.termBytes.length === T + 1 && w.termPositions.length === T && w.boundStart.length === T + 1
    && w.termOffsets[T] === w.terms.length && w.termBytes[T] <= w.postings.length && w.boundStart[T] === w.blockBounds.length && !!index.boundScoring;
}
