/**
 * The positional inverted index, built here (search/postings.ts reads it): for every positional token (analysis/terms.ts: Han bigrams, a run's last
 * character, Latin/number words, punctuation), the record fields it occurs in and its positions there. Built once
 * by the indexer into typed arrays that the snapshot stores as binary sections; loading is taking views, nothing
 * else. Term postings are decoded on demand and kept in a bounded cache.
 *
 * Layout (all in `IndexData`):
 *   terms          the distinct tokens, sorted (UTF-16 order), joined by U+0000; termOffsets[t] … termOffsets[t+1]
 *   postings       per term, byte-aligned Rice codes (postings-codec.ts): for each slot (record × field,
 *                  increasing) the slot gap and the number of positions, then apart the first position and the
 *                  position gaps, with Rice parameters chosen per term; a common term's slot gaps and counts are
 *                  packed in fixed-width blocks instead (format 5, postings-codec.ts packedFrom). termBytes[t] is
 *                  where t starts (format 2: the same codes interleaved per slot; format 1: LEB128 varints).
 *   termEntries    slots per term, termPositions positions per term (decoding sizes its arrays exactly)
 *   fieldLengths   normalised length of every field of every record (BM25 length normalisation), avgLengths per field
 *   titleKeys      a 32-bit hash of every record's title key (a title typed in full)
 *   blockBounds    formats 4 and 5: per term with more than BOUND_BLOCK records, for each block of BOUND_BLOCK of its records (in
 *                  record order) an upper bound of their BM25 sum over fields before idf and query weight (float32,
 *                  rounded up), scored with `boundScoring`; term t's blocks are boundStart[t] … boundStart[t + 1]. A
 *                  common word's top ten then scores only the blocks whose bound can still enter the page.
 */
import { hanBigramText, positionalTokenKeys } from '../analysis/terms.js';
import { BitWriter, packedFrom, writeTermCodes } from './postings-codec.js';
import { Grow } from './grow.js';

/**
 * Format 5: Rice-coded postings, each term's document stream apart from its positions (postings-codec.ts), a common
 * term's document stream packed in fixed-width blocks (postings-codec.ts writePackedDocs), and block score bounds.
 * Format 4 (the same with every document stream in Rice codes: the same decoders read it), format 3 (no bounds: every
 * match is scored), format 2 (the codes interleaved per entry) and format 1 (LEB128 varints, snapshot version 3) are
 * still read. A reader that knows no format 5 refuses such a snapshot (it would misread the packed streams).
 */
export const INDEX_FORMAT = 'positional-bigram-5';
export const INDEX_FORMAT_BOUNDED = 'positional-bigram-4';
export const INDEX_FORMAT_SPLIT = 'positional-bigram-3';
export const INDEX_FORMAT_INTERLEAVED = 'positional-bigram-2';
export const INDEX_FORMAT_VARINT = 'positional-bigram-1';

export interface IndexData {
  format: typeof INDEX_FORMAT | typeof INDEX_FORMAT_BOUNDED | typeof INDEX_FORMAT_SPLIT | typeof INDEX_FORMAT_INTERLEAVED | typeof INDEX_FORMAT_VARINT;
  /** Field names in slot order: slot = record × fields.length + field. */
  fields: string[];
  records: number;
  terms: string;
  termOffsets: Uint32Array;
  termBytes: Uint32Array;
  termEntries: Uint32Array;
  termPositions: Uint32Array;
  postings: Uint8Array;
  fieldLengths: Uint32Array;
  avgLengths: number[];
  titleKeys: Uint32Array;
  /** Format 4: block score bounds (see the layout), with the scoring they were computed for. */
  blockBounds?: Float32Array;
  boundStart?: Uint32Array;
  boundScoring?: BoundScoring;
}

/** Whether an index keeps each term's document stream apart from its positions (formats 3, 4 and 5). */
export function splitStreams(format: IndexData['format']): boolean {
  return format === INDEX_FORMAT || format === INDEX_FORMAT_BOUNDED || format === INDEX_FORMAT_SPLIT;
}

/** Whether an index has block score bounds (formats 4 and 5). */
export function hasBlockBounds(format: IndexData['format']): boolean {
  return format === INDEX_FORMAT || format === INDEX_FORMAT_BOUNDED;
}

/** Records per block of a term's score bounds. */
export const BOUND_BLOCK = 64;

/** The BM25 parameters and field weights (by field name) block bounds are computed with. */
export interface BoundScoring {
  k1: number;
  b: number;
  fieldWeights: Record<string, number>;
}

/**
 * The scoring the indexer bounds blocks with: the engine's default (search/options.ts; a test holds them equal). An
 * engine scoring otherwise ignores the bounds and scores every match, so answers never depend on them.
 */
export const BOUND_SCORING: BoundScoring = {
  k1: 1.2,
  b: 0.7,
  fieldWeights: { title: 6, outcome: 2.2, content: 2, applicableTo: 1.4, process: 1.2, departments: 1.2, copyDepartments: 1.2, regions: 1.2, category: 0.6, scope: 0.4 },
};

/** One float32 and its bits, shared by every call of float32Above (called once per block of every common term). */
const f32 = new Float32Array(1);
const f32Bits = new Uint32Array(f32.buffer);

/** x as a float32 no smaller than x (a stored bound must never fall below the score it bounds). */
export function float32Above(x: number): number {
  const f = Math.fround(x);
  if (f >= x) return f;
  f32[0] = f;
  // f < x: the next float32 towards +∞ (f ≥ 0 here: bounds are sums of non-negative terms).
  f32Bits[0]++;
  return f32[0];
}

/** FNV-1a, 32 bits: how title keys are compared without keeping every title's normalised text in memory. */
export function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * Han bigram key (hanBigramKey: a non-negative integer below 2^29) → term id, by open addressing over two
 * Int32Arrays (-1 marks a free slot); grows at half full.
 */
export class BigramTable {
  private keys = new Int32Array(1 << 16).fill(-1);
  private vals = new Int32Array(1 << 16);
  private size = 0;
  /** Fibonacci hashing: the top bits of key × 2^32/φ index the table (32 − shift = log2 of its length). */
  private shift = 16;
  /** The id of `key`, or `next` (then stored as its id) when the key is new. */
  idOf(key: number, next: number): number {
    let mask = this.keys.length - 1;
    let h = Math.imul(key, 0x9e3779b1) >>> this.shift;
    for (;;) {
      const k = this.keys[h];
      if (k === key) return this.vals[h];
      if (k === -1) break;
      h = (h + 1) & mask;
    }
    if ((this.size + 1) * 2 > this.keys.length) {
      this.grow();
      mask = this.keys.length - 1;
      h = Math.imul(key, 0x9e3779b1) >>> this.shift;
      while (this.keys[h] !== -1) h = (h + 1) & mask;
    }
    this.keys[h] = key;
    this.vals[h] = next;
    this.size++;
    return next;
  }
  private grow(): void {
    const { keys, vals } = this;
    this.keys = new Int32Array(keys.length * 2).fill(-1);
    this.vals = new Int32Array(keys.length * 2);
    this.shift--;
    const mask = this.keys.length - 1;
    for (let s = 0; s < keys.length; s++) {
      if (keys[s] === -1) continue;
      let h = Math.imul(keys[s], 0x9e3779b1) >>> this.shift;
      while (this.keys[h] !== -1) h = (h + 1) & mask;
      this.keys[h] = keys[s];
      this.vals[h] = vals[s];
    }
  }
}

/**
 * Build the index from normalised field texts, flat in slot order: texts[record × fields.length + field].
 * `titleKeys[record]` is the key a title typed in full is compared by. Every field text gives at most one token per
 * character, so the token stream is allocated once at its largest size, never grown by copying.
 */
export function buildIndex(texts: string[], fields: readonly string[], titleKeys: string[]): IndexData {
  const F = fields.length;
  const N = texts.length / F;
  let chars = 0;
  for (const t of texts) chars += t.length;
  // Terms interned once: Han bigrams by their integer key (no string made per token), the rest by text. The
  // bigram table is typed open addressing: one probe of two Int32Arrays per token instead of a Map look-up, which
  // was the index stage's largest cost (tens of millions of tokens at 100k records).
  const bigramIds = new BigramTable();
  const ids = new Map<string, number>();
  const names: string[] = [];
  // Positions fit 16 bits unless a field is 65,536 characters or longer (then 32): half the memory of the two
  // position arrays on ordinary records.
  let longest = 0;
  for (const t of texts) if (t.length > longest) longest = t.length;
  const Positions = longest <= 0xffff ? Uint16Array : Int32Array;
  let tokTerm: Int32Array | undefined = new Int32Array(chars);
  let tokPos: Uint16Array | Int32Array | undefined = new Positions(chars);
  /** Record × field slot s holds tokens slotStart[s] … slotStart[s+1]. */
  const slotStart = new Int32Array(N * F + 1);
  let P = 0;
  const fieldLengths = new Uint32Array(N * F);
  const totals = new Float64Array(F);
  const emit = (term: string | number, pos: number) => {
    let id: number | undefined;
    if (typeof term === 'number') {
      id = bigramIds.idOf(term, names.length);
      if (id === names.length) names.push(hanBigramText(term));
    } else {
      id = ids.get(term);
      if (id === undefined) {
        id = names.length;
        ids.set(term, id);
        names.push(term);
      }
    }
    tokTerm![P] = id;
    tokPos![P++] = pos;
  };
  for (let slot = 0; slot < N * F; slot++) {
    const text = texts[slot];
    fieldLengths[slot] = text.length;
    totals[slot % F] += text.length;
    slotStart[slot] = P;
    if (text) positionalTokenKeys(text, emit);
  }
  slotStart[N * F] = P;
  ids.clear();
  // The texts are not read again: a caller that handed over its only reference (the index worker) lets them go
  // before the sort and the encoding, the stage's largest allocations.
  texts = [];
  // Terms are numbered in sorted (UTF-16) order, the order their postings are written in, and every token's term
  // id is turned into that rank in place.
  const T = names.length;
  const sorted = names.map((_, i) => i).sort((a, b) => (names[a] < names[b] ? -1 : names[a] > names[b] ? 1 : 0));
  const rank = new Int32Array(T);
  for (let k = 0; k < T; k++) rank[sorted[k]] = k;
  for (let i = 0; i < P; i++) tokTerm[i] = rank[tokTerm[i]];
  // Counting sort of the token stream by term: stable, so each term's tokens stay in (slot, position) order.
  const start = new Uint32Array(T + 1);
  for (let i = 0; i < P; i++) start[tokTerm[i] + 1]++;
  for (let k = 0; k < T; k++) start[k + 1] += start[k];
  const termOffsets = new Uint32Array(T + 1);
  const termBytes = new Uint32Array(T + 1);
  const termEntries = new Uint32Array(T);
  const termPositions = new Uint32Array(T);
  let termChars = 0;
  for (let k = 0; k < T; k++) {
    termOffsets[k] = termChars;
    termChars += names[sorted[k]].length + 1;
    termPositions[k] = start[k + 1] - start[k];
  }
  termOffsets[T] = termChars;
  // Slots and positions are scattered into term order one run of terms at a time (about a quarter of the tokens, or
  // the largest term), each run encoded before the next: the scattered copy is a quarter of the token stream instead
  // of all of it, for three more reads of the stream. The index is built beside the similar stage, whose peak the
  // build's is: in halves it was about 150 MB less than whole at 100k records; in quarters this build's own rise at
  // 100k is ~380 MiB instead of ~450 (docs/design.md, "Build pipeline").
  let largest = 0;
  for (let k = 0; k < T; k++) largest = Math.max(largest, start[k + 1] - start[k]);
  const runTokens = Math.max(largest, Math.ceil(P / 4), 1);
  const slots = new Int32Array(Math.min(P, runTokens));
  const pos = new Positions(Math.min(P, runTokens));
  const fill = new Uint32Array(T);
  // Per term, Rice codes with the term's own parameters (indexer/postings-codec.ts), byte-aligned so a term's
  // postings are termBytes[k] … termBytes[k+1]. Scratch lists hold one term's values while its parameters are chosen.
  const out = new BitWriter();
  // Block bounds: per slot, BM25's length normalisation and the field's weight under BOUND_SCORING (the same
  // expressions as search/score.ts, so a bound is the score's own sum, rounded up).
  const avgLengths = [...totals].map((t) => Math.max(1, t / Math.max(1, N)));
  const { k1: bk1, b: bb } = BOUND_SCORING;
  const { once, fieldWeight } = boundSetup(BOUND_SCORING, fields, fieldLengths, avgLengths);
  // The block bounds' count is known only once every term is written.
  const bounds = new Grow(new Float32Array(1 << 12));
  const boundStart = new Uint32Array(T + 1);
  const scratch = termScratch(largest);
  const packFrom = packedFrom(N);
  for (let k0 = 0; k0 < T; ) {
    let k1 = k0 + 1;
    while (k1 < T && start[k1 + 1] - start[k0] <= runTokens) k1++;
    const base = start[k0];
    for (let k = k0; k < k1; k++) fill[k] = start[k] - base;
    for (let s = 0; s < N * F; s++) {
      for (let i = slotStart[s]; i < slotStart[s + 1]; i++) {
        const k = tokTerm[i];
        if (k < k0 || k >= k1) continue;
        const at = fill[k]++;
        slots[at] = s;
        pos[at] = tokPos[i];
      }
    }
    for (let k = k0; k < k1; k++) {
      out.align();
      termBytes[k] = out.length;
      const entries = writeTerm(out, slots, pos, start[k] - base, start[k + 1] - base, scratch, names[sorted[k]], packFrom);
      termEntries[k] = entries;
      boundStart[k] = bounds.length;
      addBlockBounds(bounds, scratch.gaps, scratch.counts, entries, F, once, fieldLengths, avgLengths, fieldWeight, bk1, bb);
    }
    k0 = k1;
  }
  tokTerm = tokPos = undefined;
  termBytes[T] = out.length;
  boundStart[T] = bounds.length;
  const postings = out.finish();
  return {
    format: INDEX_FORMAT,
    fields: [...fields],
    records: N,
    terms: sorted.map((t) => names[t]).join('\u0000') + '\u0000',
    termOffsets,
    termBytes,
    termEntries,
    termPositions,
    postings,
    fieldLengths,
    avgLengths,
    titleKeys: Uint32Array.from(titleKeys, hash32),
    blockBounds: bounds.done(),
    boundStart,
    boundScoring: { k1: bk1, b: bb, fieldWeights: { ...BOUND_SCORING.fieldWeights } },
  };
}

/**
 * What block bounds are computed from under `scoring`: each field's weight, and per slot BM25's part when a term
 * occurs there once (as most do: a read per entry, not a division). Shared by the index and its stored words
 * (indexer/word-postings.ts), so both bound with the same expressions.
 */
export function boundSetup(scoring: BoundScoring, fields: readonly string[], fieldLengths: Uint32Array, avgLengths: readonly number[]): { once: Float64Array; fieldWeight: Float64Array } {
  const { k1, b } = scoring;
  const F = fields.length;
  const fieldWeight = Float64Array.from(fields, (f) => scoring.fieldWeights[f] ?? 0);
  const once = new Float64Array(fieldLengths.length);
  for (let slot = 0; slot < once.length; slot++) once[slot] = (1 * (k1 + 1)) / (1 + k1 * (1 - b + (b * fieldLengths[slot]) / avgLengths[slot % F]));
  return { once, fieldWeight };
}

/** Scratch lists of one term's values while its Rice parameters are chosen (each at least its entries long). */
export interface TermScratch {
  gaps: Int32Array;
  counts: Int32Array;
  firsts: Int32Array;
  steps: Int32Array;
}

/** Scratch for writeTerm and addBlockBounds, for terms of at most `largest` positions (the index's and the stored words'). */
export function termScratch(largest: number): TermScratch {
  const size = Math.max(1024, largest);
  return { gaps: new Int32Array(size), counts: new Int32Array(size), firsts: new Int32Array(size), steps: new Int32Array(size) };
}

/**
 * Write one term's postings from its (slot, position) pairs slots[from … end), in (slot, position) order: per slot
 * the slot gap − 1, the position count − 1, the first position and the position gaps − 1 (postings-codec.ts), its
 * document stream packed when it has at least `packFrom` entries (postings-codec.ts packedFrom). The caller aligns
 * `out` and notes where the term starts. Returns the term's entries (slots); its gaps and counts stay in `scratch`
 * for addBlockBounds.
 */
export function writeTerm(out: BitWriter, slots: Int32Array, pos: ArrayLike<number>, from: number, end: number, scratch: TermScratch, name: string, packFrom: number): number {
  const { gaps, counts, firsts, steps } = scratch;
  let entries = 0;
  let nSteps = 0;
  let prevSlot = -1;
  for (let i = from; i < end; ) {
    const slot = slots[i];
    let j = i + 1;
    while (j < end && slots[j] === slot) j++;
    gaps[entries] = slot - prevSlot - 1;
    counts[entries] = j - i - 1;
    firsts[entries] = pos[i];
    for (let m = i + 1; m < j; m++) {
      if (pos[m] <= pos[m - 1]) throw new Error(`index: positions of "${name}" do not increase`);
      steps[nSteps++] = pos[m] - pos[m - 1] - 1;
    }
    prevSlot = slot;
    entries++;
    i = j;
  }
  writeTermCodes(out, gaps, counts, firsts, steps, entries, nSteps, entries >= packFrom);
  return entries;
}

/**
 * One term's block bounds, from its entries (slot gaps − 1 and position counts − 1, as written): per record its
 * BM25 sum over fields (weight × tf × (k1 + 1) / (tf + norm), the expressions search/score.ts scores with), per block
 * of BOUND_BLOCK records the largest, rounded up to a float32. Nothing is kept for a term in at most one block
 * (scoring it whole costs no more than a bound). One pass per term, a division per record, and a slot's part for one
 * occurrence read from `once`: this runs once per stored entry, tens of millions at 100k records, in the index worker.
 */
export function addBlockBounds(
  bounds: Grow<Float32Array>,
  gaps: Int32Array,
  counts: Int32Array,
  entries: number,
  F: number,
  once: Float64Array,
  fieldLengths: Uint32Array,
  avgLengths: number[],
  fieldWeight: Float64Array,
  k1: number,
  b: number,
): void {
  // A term in at most BOUND_BLOCK entries is in at most that many records.
  if (entries <= BOUND_BLOCK) return;
  const before = bounds.length;
  let slot = -1;
  let d = -1;
  let base = 0;
  let end = 0;
  let records = 0;
  let s = 0;
  let max = 0;
  for (let e = 0; e < entries; e++) {
    slot += gaps[e] + 1;
    if (slot >= end) {
      if (d >= 0) {
        // Record d is complete: the records-th of the term's records.
        if (s > max) max = s;
        if (++records % BOUND_BLOCK === 0) {
          bounds.push(float32Above(max));
          max = 0;
        }
        s = 0;
      }
      d = (slot / F) | 0;
      base = d * F;
      end = base + F;
    }
    const f = slot - base;
    const c = counts[e];
    if (c === 0) s += fieldWeight[f] * once[slot];
    else {
      const tf = c + 1;
      s += fieldWeight[f] * ((tf * (k1 + 1)) / (tf + k1 * (1 - b + (b * fieldLengths[slot]) / avgLengths[f])));
    }
  }
  if (s > max) max = s;
  records++;
  // The last record ends the last block (full or not), which the loop has not written.
  if (records <= BOUND_BLOCK) bounds.length = before;
  else bounds.push(float32Above(max));
}
