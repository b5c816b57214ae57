/**
 * Stored split compounds: for vocabulary words whose split (analysis/compounds.ts: 知识产权 → 知识…产权) is costly to
 * match from the index, the split's own postings (the slots and the starts of a where a…b occurs), in the positional
 * index's codec with block bounds, so a first-seen query reads them like one term.
 *
 * Why: a compound typed whole also matches split (search/match.ts `near`), and that match reads both parts'
 * occurrences and, in every field holding both, their positions: at 100k records 知识…产权 and 跨境…电商 cost about
 * 2 ms of a two-word query's 3-7 ms, on every first-seen query naming the compound. Which parts a word splits into
 * and what counts as split are analysis/compounds.ts's, so the stored occurrences are exactly what `near` returns.
 *
 * Which splits: those of vocabulary words whose two parts' rarest bigrams each hold at least half of `minCost`
 * positions (DEFAULT_NEAR_COST, 24,576: lower than the stored words' DEFAULT_WORD_COST of 32,768, so that at 100k
 * 工程…建设项目 is stored too): both parts common, so matching the split reads many positions of each. A small
 * corpus stores none. Keyed by a + U+0001 + b (`nearKey`), so
 * any word splitting into the same parts reads them; `gap` is the NEAR_GAP they were found with (an engine with
 * another gap computes splits as before).
 *
 * Layout (`NearIndex`): the stored words' layout (indexer/word-postings.ts WordIndex) and the gap. Optional in a
 * snapshot: without it every split is matched from the index.
 */
import { breakBetween, NEAR_GAP, splitCompound } from '../analysis/compounds.js';
import { Grow } from './grow.js';
import { decodeDocs, decodePositions } from './postings-codec.js';
import type { IndexData } from './postings.js';
import { bigramIds, encodeTermTable, isWordIndex, type WordIndex } from './word-postings.js';

export type NearIndex = WordIndex & { gap: number };

/** A split's stored name: its parts joined by U+0001 (no normalised text holds it). */
export function nearKey(a: string, b: string): string {
  return `${a}\u0001${b}`;
}

/** A split is stored when each part's rarest bigram holds at least half this many positions (at 100k: 知识…产权, 跨境…电商, 工程…建设项目). */
export const DEFAULT_NEAR_COST = 24576;

const HAN_PART = /^[\u4e00-\u9fff]{2,}$/;

/**
 * The splits of the vocabulary's words worth storing, each once, sorted by key (UTF-16 order, the order terms are
 * written in): both parts Han of U+4E00–U+9FFF (what the index pairs into bigrams) and costly together.
 */
export function costlyPairs(index: IndexData, vocabulary: Iterable<[string, number]>, minCost = DEFAULT_NEAR_COST, ids = bigramIds(index)): [string, string][] {
  const counts = new Map<string, number>();
  for (const [w, c] of vocabulary) if (w) counts.set(w, (counts.get(w) ?? 0) + c);
  // What matching a part reads at least: its rarest bigram's positions (a long part with one rare bigram is cheap,
  // however common its others; 0 when a bigram is absent, and then the part occurs nowhere).
  const rarest = (part: string) => {
    let least = Infinity;
    for (let o = 0; o + 1 < part.length; o++) {
      const k = ids.get(part.slice(o, o + 2));
      least = Math.min(least, k === undefined ? 0 : index.termPositions[k]);
    }
    return least;
  };
  const out = new Map<string, [string, string]>();
  for (const w of counts.keys()) {
    const split = splitCompound(w, counts);
    if (!split) continue;
    const [a, b] = split;
    if (!HAN_PART.test(a) || !HAN_PART.test(b)) continue;
    const ca = rarest(a);
    const cb = rarest(b);
    // A part printed nowhere: the split occurs nowhere, and matching it costs nothing.
    // Both parts common: the match then reads many positions of each in the many fields holding both (a rare part
    // keeps the check to its few fields, whatever the other costs to list).
    if (ca === 0 || cb === 0 || 2 * Math.min(ca, cb) < Math.max(1, minCost)) continue;
    out.set(nearKey(a, b), split);
  }
  return [...out].sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0)).map(([, p]) => p);
}

/** One part's occurrences: the slots it is in (increasing), each slot's entries pos[starts[e] … starts[e + 1]) (increasing). */
type PartPlaces = { slots: Int32Array; starts: Int32Array; pos: Int32Array };

/** A term's slots and positions, decoded whole from postings in the index's codec (the index's or a stored table's). */
function decodeWhole(postings: Uint8Array, byte: number, entries: number): PartPlaces {
  const slots = new Int32Array(entries);
  const starts = new Int32Array(entries + 1);
  const table = decodeDocs(postings, byte, slots, starts);
  const pos = new Int32Array(starts[entries]);
  decodePositions(postings, byte, table, starts, pos, 0, entries);
  return { slots, starts, pos };
}

/**
 * The stored splits' postings over the index's texts (flat in slot order, as the index was built from), or undefined
 * when none qualifies. Each part's occurrences come from the index, exactly where the text holds it: a two-character
 * part is a bigram term of its own, a longer one a stored word (`options.words`, the table encodeWordPlaces (indexer/word-postings.ts) made from
 * the same texts) or else its rarest bigram's places where the text holds the part. A split is then found as the
 * matcher finds it (search/match.ts `near`): in the fields holding both parts, the first b after each a, and the text
 * read only between the two for a sentence break. The texts are not scanned for the parts: at 100k records most
 * splits are unit names (湖南省…交通运输厅) whose parts share some 17,000 fields and never stand apart there, and
 * comparing the text at each of a's places in them was most of the stage.
 */
export function buildNearPostings(
  texts: readonly string[],
  index: IndexData,
  vocabulary: Iterable<[string, number]>,
  options: { minCost?: number; gap?: number; words?: WordIndex; ids?: Map<string, number> } = {},
): NearIndex | undefined {
  const ids = options.ids ?? bigramIds(index);
  const pairs = costlyPairs(index, vocabulary, options.minCost, ids);
  if (pairs.length === 0) return undefined;
  const gap = options.gap ?? NEAR_GAP;
  const stored = new Map<string, number>();
  if (options.words) options.words.terms.split('\u0000').forEach((w, k) => w && stored.set(w, k));
  // Each part decoded once for the stage: parts repeat across splits (a region's name, 交通运输厅, 管理). A part's
  // places are let go after the last split using it (they were all held to the stage's end: a common part's stream
  // is megabytes at 100k records), so the stage holds only the parts still to be read.
  const places = new Map<string, PartPlaces>();
  const usesLeft = new Map<string, number>();
  for (const [a, b] of pairs) for (const part of [a, b]) usesLeft.set(part, (usesLeft.get(part) ?? 0) + 1);
  const used = (part: string) => {
    const left = usesLeft.get(part)! - 1;
    usesLeft.set(part, left);
    if (left === 0) places.delete(part);
  };
  const placesOf = (part: string): PartPlaces => {
    let got = places.get(part);
    if (got) return got;
    const w = stored.get(part);
    if (part.length === 2) {
      const k = ids.get(part)!;
      got = decodeWhole(index.postings, index.termBytes[k], index.termEntries[k]);
    } else if (w !== undefined) {
      got = decodeWhole(options.words!.postings, options.words!.termBytes[w], options.words!.termEntries[w]);
    } else {
      // Not stored (a cheap cover): its rarest bigram's places where the text holds the whole part.
      let best = -1;
      let offset = 0;
      for (let o = 0; o + 1 < part.length; o++) {
        const k = ids.get(part.slice(o, o + 2))!;
        if (best < 0 || index.termEntries[k] < index.termEntries[best]) (best = k), (offset = o);
      }
      const bigram = decodeWhole(index.postings, index.termBytes[best], index.termEntries[best]);
      const slots = new Grow(new Int32Array(64));
      const starts = new Grow(new Int32Array(64));
      const pos = new Grow(new Int32Array(64));
      for (let e = 0; e < bigram.slots.length; e++) {
        const text = texts[bigram.slots[e]];
        const before = pos.length;
        for (let x = bigram.starts[e]; x < bigram.starts[e + 1]; x++) {
          const at = bigram.pos[x] - offset;
          if (at >= 0 && text.startsWith(part, at)) pos.push(at);
        }
        if (pos.length > before) (slots.push(bigram.slots[e]), starts.push(before));
      }
      starts.push(pos.length);
      got = { slots: slots.done(), starts: starts.done(), pos: pos.done() };
    }
    places.set(part, got);
    return got;
  };
  const slotOf = new Grow(new Int32Array(1 << 16));
  const posOf = new Grow(new Int32Array(1 << 16));
  const start = new Uint32Array(pairs.length + 1);
  // Per field holding a, its entry there + 1, marked once per a (pairs in key order: one a's splits come together),
  // then b's fields read against the marks.
  const entryOf = new Int32Array(texts.length);
  let markedFor: PartPlaces | undefined;
  pairs.forEach(([a, b], k) => {
    start[k] = slotOf.length;
    const A = placesOf(a);
    const B = placesOf(b);
    if (markedFor !== A) {
      if (markedFor) for (let i = 0; i < markedFor.slots.length; i++) entryOf[markedFor.slots[i]] = 0;
      for (let i = 0; i < A.slots.length; i++) entryOf[A.slots[i]] = i + 1;
      markedFor = A;
    }
    const aLen = a.length;
    const { slots: bSlots, starts: bStarts, pos: bPos } = B;
    const { starts: aStarts, pos: aPos } = A;
    for (let j = 0; j < bSlots.length; j++) {
      const slot = bSlots[j];
      const e = entryOf[slot] - 1;
      if (e < 0) continue;
      let y = bStarts[j];
      const yEnd = bStarts[j + 1];
      for (let x = aStarts[e]; x < aStarts[e + 1]; x++) {
        // The first b starting after a ends (a's places increase, so b's pointer only moves on).
        const end = aPos[x] + aLen;
        while (y < yEnd && bPos[y] <= end) y++;
        if (y === yEnd) break;
        if (bPos[y] > end + gap || breakBetween(texts[slot], end, bPos[y])) continue;
        slotOf.push(slot);
        posOf.push(aPos[x]);
      }
    }
    used(a);
    used(b);
  });
  start[pairs.length] = slotOf.length;
  const table = encodeTermTable(pairs.map(([a, b]) => nearKey(a, b)), slotOf.data.subarray(0, slotOf.length), posOf.data.subarray(0, posOf.length), start, index);
  return { ...table, gap };
}

/** Whether a snapshot's stored splits are whole and fit its index (a damaged table is refused, never half-read). */
export function isNearIndex(x: unknown, index: IndexData): x is NearIndex {
  return isWordIndex(x, index) && Number.isInteger((x as NearIndex).gap) && (x as NearIndex).gap > 0;
}
