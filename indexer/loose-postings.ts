/**
 * Stored loose expansions: for thesaurus terms and long forms matched by their words (analysis/loose.ts: 跨境电子商务
 * by 跨境|电子|商务), the records where all the expansion's words share a field, with what scoring them reads (each
 * word's record count, and its fields and occurrence counts in those records), so a first-seen query reads a few
 * hundred records instead of decoding each word's whole list and intersecting their fields.
 *
 * Why: a query naming 跨境电商 expands to 跨境电子商务, which is also matched by its words (search/loose-match.ts). At
 * 100k records that decodes 跨境, 电子 and 商务 (70k fields) and walks them for the 888 records holding all three in
 * one field: about a third of the two-word query 跨境电商 退货.
 *
 * The engine reads a stored expansion only where its rule requires every word in one field (every word present and
 * required: search/loose-match.ts looseRule), which is exactly the stored set; anywhere else it matches the words as
 * before. Which expansions: those of two or three words (with four, one may be missing, so the stored set is not
 * the answer) whose words together hold at least `minCost` fields (DEFAULT_LOOSE_COST), whose stored entries
 * (records × words) are at most `share` of those fields (DEFAULT_LOOSE_SHARE: storing 监督|管理's 72k records would
 * spare little) and whose records are at most `recordShare` of the corpus (DEFAULT_LOOSE_RECORD_SHARE). A small
 * corpus stores none. The options are lowered in tests so that the seeds store some.
 *
 * Layout (`LooseIndex`): `keys` the expansions' keys (looseKey) joined by U+0000, sorted; expansion e's words are
 * entries wordStart[e] … wordStart[e + 1] − 1 of `df` (each word's record count, over all fields); its records
 * records[recordStart[e] … recordStart[e + 1]) (increasing); its word w (an entry of `df`) has fields
 * slots[slotStart[w] … slotStart[w + 1]) in those records (increasing), and slot x holds the word
 * tfStart[x + 1] − tfStart[x] times. Optional in a snapshot: without it every expansion is matched from the index.
 */
import { looseExpansions, looseKey } from '../analysis/loose.js';
import { HAN_PERCENT } from '../analysis/quantities.js';
import type { Vocabulary } from '../analysis/segment.js';
import { Grow } from './grow.js';
import { decodeDocs, decodePositions } from './postings-codec.js';
import { gallop, recordsOfSharedSlots } from './slot-intersection.js';
import type { IndexData } from './postings.js';
import { bigramIds, type WordIndex } from './word-postings.js';

export interface LooseIndex {
  keys: string;
  wordStart: Uint32Array;
  df: Int32Array;
  recordStart: Uint32Array;
  records: Int32Array;
  slotStart: Uint32Array;
  slots: Int32Array;
  tfStart: Int32Array;
}

/** An expansion is stored when its words together hold at least this many fields (at 100k: 跨境|电子|商务, 70k). */
export const DEFAULT_LOOSE_COST = 16384;

/**
 * A stored set's entries (records × words) at most this share of the fields it spares reading: an expansion is
 * stored where reading it is at least 16 times cheaper than matching its words (at 100k: 跨境|电子|商务, 888 records
 * for 70k fields; not 企业|信用, 26k records for 218k fields).
 */
export const DEFAULT_LOOSE_SHARE = 1 / 16;
/** At most this share of the corpus's records in one stored set: the section stays small (1.8 MB at 100k records). */
export const DEFAULT_LOOSE_RECORD_SHARE = 1 / 100;

const HAN_WORD = /^[\u4e00-\u9fff]{2,}$/;

/** One word's fields (increasing) and its occurrences in field e: starts[e + 1] − starts[e]. */
type WordFields = { slots: Int32Array; starts: Int32Array };

/** A term's slots and starts, decoded from postings in the index's codec; positions only when asked. */
function decodeTerm(postings: Uint8Array, byte: number, entries: number, withPositions: boolean) {
  const slots = new Int32Array(entries);
  const starts = new Int32Array(entries + 1);
  const table = decodeDocs(postings, byte, slots, starts);
  const pos = withPositions ? new Int32Array(starts[entries]) : undefined;
  if (pos) decodePositions(postings, byte, table, starts, pos, 0, entries);
  return { slots, starts, pos };
}

/**
 * A word's fields and occurrence counts, exactly where the texts hold it: a two-character word is a bigram term, a
 * longer one a stored word (the table encodeWordPlaces (indexer/word-postings.ts) made from the same texts) or else its rarest bigram's places
 * where the text holds the word (as the matcher's intersection finds it). Undefined when a bigram is absent.
 */
function wordFields(word: string, texts: readonly string[], index: IndexData, ids: Map<string, number>, stored: Map<string, number>, words?: WordIndex): WordFields | undefined {
  if (word.length === 2) {
    const k = ids.get(word);
    return k === undefined ? undefined : decodeTerm(index.postings, index.termBytes[k], index.termEntries[k], false);
  }
  const w = stored.get(word);
  if (w !== undefined && words) return decodeTerm(words.postings, words.termBytes[w], words.termEntries[w], false);
  let best = -1;
  let offset = 0;
  for (let o = 0; o + 1 < word.length; o++) {
    const k = ids.get(word.slice(o, o + 2));
    if (k === undefined) return undefined;
    if (best < 0 || index.termEntries[k] < index.termEntries[best]) (best = k), (offset = o);
  }
  const t = decodeTerm(index.postings, index.termBytes[best], index.termEntries[best], true);
  const slots = new Grow(new Int32Array(64));
  const starts = new Grow(new Int32Array(64));
  starts.push(0);
  let n = 0;
  for (let e = 0; e < t.slots.length; e++) {
    const text = texts[t.slots[e]];
    const before = n;
    for (let x = t.starts[e]; x < t.starts[e + 1]; x++) {
      const at = t.pos![x] - offset;
      if (at >= 0 && text.startsWith(word, at)) n++;
    }
    if (n > before) (slots.push(t.slots[e]), starts.push(n));
  }
  return { slots: slots.done(), starts: starts.done() };
}

/** How many records a word's fields belong to (F slots a record, slots increasing). */
function recordCount(slots: Int32Array, F: number): number {
  let n = 0;
  let last = -1;
  for (let i = 0; i < slots.length; i++) {
    const d = (slots[i] / F) | 0;
    if (d !== last) (n++, (last = d));
  }
  return n;
}

/**
 * The stored expansions over the index's texts (flat in slot order, F fields a record, as the index was built from),
 * or undefined when none qualifies. `terms` are every term an alternative can be (the thesaurus's terms, the mined
 * forms); `vocab` and `stopwords` the snapshot's, which query analysis cuts them with.
 */
export function buildLoosePostings(
  texts: readonly string[],
  index: IndexData,
  F: number,
  terms: Iterable<string>,
  vocab: Vocabulary,
  stopwords: ReadonlySet<string>,
  options: { minCost?: number; share?: number; recordShare?: number; words?: WordIndex; ids?: Map<string, number> } = {},
): LooseIndex | undefined {
  const minCost = Math.max(1, options.minCost ?? DEFAULT_LOOSE_COST);
  const share = options.share ?? DEFAULT_LOOSE_SHARE;
  const maxRecords = (options.recordShare ?? DEFAULT_LOOSE_RECORD_SHARE) * (texts.length / F);
  const ids = options.ids ?? bigramIds(index);
  const stored = new Map<string, number>();
  if (options.words) options.words.terms.split('\u0000').forEach((w, k) => w && stored.set(w, k));
  // Which fields a word holds, from its rarest bigram's entry count first: an expansion whose words cannot reach the
  // cost is dropped before any is decoded.
  const entriesAtMost = (w: string) => {
    let least = Infinity;
    for (let o = 0; o + 1 < w.length; o++) least = Math.min(least, index.termEntries[ids.get(w.slice(o, o + 2)) ?? -1] ?? 0);
    return least;
  };
  const candidates = looseExpansions(terms, vocab, stopwords).filter(
    (ws) => ws.length <= 3 && ws.every((w) => HAN_WORD.test(w) && !HAN_PERCENT.test(w)) && ws.reduce((n, w) => n + entriesAtMost(w), 0) >= minCost,
  );
  // Each word decoded once for the stage, and let go after the last expansion using it (a common word's fields are
  // megabytes at 100k records), so the stage holds only the words still to be read.
  const fieldsOf = new Map<string, WordFields | null>();
  const usesLeft = new Map<string, number>();
  for (const ws of candidates) for (const w of ws) usesLeft.set(w, (usesLeft.get(w) ?? 0) + 1);
  const fields = (w: string) => {
    let got = fieldsOf.get(w);
    if (got === undefined) fieldsOf.set(w, (got = wordFields(w, texts, index, ids, stored, options.words) ?? null));
    return got;
  };
  const used = (w: string) => {
    const left = usesLeft.get(w)! - 1;
    usesLeft.set(w, left);
    if (left === 0) fieldsOf.delete(w);
  };
  const keys: string[] = [];
  const wordStart = new Grow(new Uint32Array(64));
  const df = new Grow(new Int32Array(64));
  const recordStart = new Grow(new Uint32Array(64));
  const records = new Grow(new Int32Array(1024));
  const slotStart = new Grow(new Uint32Array(64));
  const slots = new Grow(new Int32Array(1024));
  const tfStart = new Grow(new Int32Array(1024));
  tfStart.push(0);
  let tf = 0;
  for (const ws of candidates) {
    const lists = ws.map(fields);
    ws.forEach(used);
    if (lists.some((l) => l === null || l.slots.length === 0)) continue;
    const held = lists as WordFields[];
    const cost = held.reduce((n, l) => n + l.slots.length, 0);
    if (cost < minCost) continue;
    const shared = recordsOfSharedSlots(held.map((l) => l.slots), F, Math.min(maxRecords, (share * cost) / ws.length));
    if (!shared || shared.length === 0) continue;
    keys.push(looseKey(ws));
    wordStart.push(df.length);
    recordStart.push(records.length);
    for (let i = 0; i < shared.length; i++) records.push(shared[i]);
    for (const l of held) {
      df.push(recordCount(l.slots, F));
      slotStart.push(slots.length);
      // The word's fields in the shared records (both lists increase).
      let j = 0;
      for (let i = 0; i < shared.length; i++) {
        const from = shared[i] * F;
        j = gallop(l.slots, from, j);
        for (; j < l.slots.length && l.slots[j] < from + F; j++) {
          slots.push(l.slots[j]);
          tfStart.push((tf += l.starts[j + 1] - l.starts[j]));
        }
      }
    }
  }
  if (keys.length === 0) return undefined;
  wordStart.push(df.length);
  recordStart.push(records.length);
  slotStart.push(slots.length);
  return {
    keys: keys.join('\u0000'),
    wordStart: wordStart.done(),
    df: df.done(),
    recordStart: recordStart.done(),
    records: records.done(),
    slotStart: slotStart.done(),
    slots: slots.done(),
    tfStart: tfStart.done(),
  };
}

/** Whether a snapshot's stored expansions are whole and consistent (a damaged table is refused, never half-read). */
export function isLooseIndex(x: unknown, records: number, F: number): x is LooseIndex {
  const l = x as LooseIndex;
  if (!l || typeof l.keys !== 'string' || !(l.wordStart instanceof Uint32Array) || !(l.df instanceof Int32Array)) return false;
  if (!(l.recordStart instanceof Uint32Array) || !(l.records instanceof Int32Array) || !(l.slotStart instanceof Uint32Array)) return false;
  if (!(l.slots instanceof Int32Array) || !(l.tfStart instanceof Int32Array)) return false;
  const E = l.keys.split('\u0000').length;
  const W = l.df.length;
  if (l.wordStart.length !== E + 1 || l.recordStart.length !== E + 1 || l.slotStart.length !== W + 1) return false;
  if (l.wordStart[E] !== W || l.recordStart[E] !== l.records.length || l.slotStart[W] !== l.slots.length || l.tfStart.length !== l.slots.length + 1) return false;
  for (let e = 0; e < E; e++) if (l.wordStart[e] > l.wordStart[e + 1] || l.recordStart[e] > l.recordStart[e + 1]) return false;
  for (let w = 0; w < W; w++) if (l.slotStart[w] > l.slotStart[w + 1] || l.df[w] < 0 || l.df[w] > records) return false;
  for (let i = 0; i < l.records.length; i++) if (l.records[i] < 0 || l.records[i] >= records) return false;
  for (let x = 0; x < l.slots.length; x++) if (l.slots[x] < 0 || l.slots[x] >= records * F || l.tfStart[x + 1] < l.tfStart[x]) return false;
  // Order, not just range: StoredExpansions.scores walks an expansion's records and each word's slots together, so
  // records out of order, slots out of order or a slot outside its expansion's records would score wrongly.
  for (let e = 0; e < E; e++) {
    const first = l.recordStart[e];
    const end = l.recordStart[e + 1];
    for (let i = first + 1; i < end; i++) if (l.records[i] <= l.records[i - 1]) return false;
    for (let w = l.wordStart[e]; w < l.wordStart[e + 1]; w++) {
      let r = first;
      for (let x = l.slotStart[w]; x < l.slotStart[w + 1]; x++) {
        if (x > l.slotStart[w] && l.slots[x] <= l.slots[x - 1]) return false;
        const d = (l.slots[x] / F) | 0;
        while (r < end && l.records[r] < d) r++;
        if (r === end || l.records[r] !== d) return false;
      }
    }
  }
  return true;
}
