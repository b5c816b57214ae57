/**
 * Common terms read by blocks (indexer/doc-skips.ts): a question's common word (企业, 办理, 审批 at 100k records) is
 * asked about only at the records holding its rarer words, so only the blocks of its document stream holding those
 * records are decoded, and only those records scored. Anything that needs the whole list (a ranking of the word's
 * own records, a union with another alternative) gets the term decoded whole, as before: the same numbers either way.
 */
import { Int32Chunks, offsetOf, smallFloat64 } from './slab.js';
import { below } from '../indexer/sorted.js';
import type { DocSkips } from '../indexer/doc-skips.js';
import { POSITION_BLOCK, decodeDocBlock, decodePositionBlock } from '../indexer/postings-codec.js';
import type { EngineOptions } from './options.js';
import type { IndexData, Occurrences } from './postings.js';
import { compactNorms, type CompactNorms } from './length-norms.js';
import { LazyScores, idf, normsOf, type BlockView, type DocScores, type FieldStats, type WordScores } from './score.js';

/**
 * Entries per chunk of blocks' slots and counts (eight blocks of POSITION_BLOCK entries, 4 KB) and of blocks' starts
 * and positions (4 KB): a first-seen question at 100k records decodes a few hundred blocks of its common words, so a
 * few dozen chunks, each no larger than what is written into it.
 */
const ENTRY_CHUNK = 2 * POSITION_BLOCK * 8;
const POSITION_CHUNK = 1024;

/** The snapshot's block starts, found by term id. */
export class DocSkipIndex {
  constructor(
    readonly data: DocSkips,
    readonly index: IndexData,
  ) {}

  /** Where term k's starts are in the section, or −1 when it has none. */
  of(k: number): number {
    const terms = this.data.terms;
    const lo = below(terms, k);
    return lo < terms.length && terms[lo] === k ? lo : -1;
  }
}

/**
 * One common term's occurrences, read by blocks: `recordScore`, `entryOf` and `positionsAt` decode only the blocks they
 * touch. Read as plain Occurrences (slots, starts, pos), it is the term decoded whole (`whole`, the postings' cached
 * decode): any reader that walks every entry gets what it always got.
 */
export class BlockTerm implements Occurrences {
  /** Records the term occurs in, from the section (no decoding). */
  readonly records: number;
  private readonly byteOffset: number;
  private readonly firstBlock: number;
  private readonly blockCount: number;
  /** The term's entries (record × field). */
  readonly entries: number;
  /** The term's stored block score bounds (format 4, as TermOccurrences.bounds), if it has them. */
  readonly bounds?: Float32Array;
  /**
   * Decoded blocks: block j's slots at entries[o] … entries[o + n − 1] and its position counts right after (n =
   * blockSize(j)), where o + 1 = entryAt[j] (0: not decoded). Its local starts (n + 1) and positions are in
   * `positions` from posAt[j] − 1, decoded when a position is first asked for.
   */
  private entryAt?: Int32Array;
  private posAt?: Int32Array;
  private entrySlab?: Int32Chunks;
  private posSlab?: Int32Chunks;

  constructor(
    private readonly skips: DocSkipIndex,
    /** The term's place in the section (DocSkipIndex.of). */
    private readonly at: number,
    /** The term's id in the index (read here only: its byte offset, entries and bounds). */
    k: number,
    /** The term decoded whole (cached by the postings). */
    readonly whole: () => Occurrences,
  ) {
    const s = skips.data;
    this.records = s.records[at];
    this.byteOffset = skips.index.termBytes[k];
    this.firstBlock = s.first[at];
    this.blockCount = s.first[at + 1] - s.first[at];
    this.entries = skips.index.termEntries[k];
    const d = skips.index;
    const from = d.boundStart?.[k] ?? 0;
    const to = d.boundStart?.[k + 1] ?? 0;
    if (to > from) this.bounds = d.blockBounds!.subarray(from, to);
  }

  get slots(): Int32Array {
    return this.whole().slots;
  }

  get starts(): Int32Array {
    return this.whole().starts;
  }

  get pos(): Int32Array {
    return this.whole().pos;
  }

  /** The term's only block that can hold `slot` (the last whose slot before it is below `slot`). */
  private blockOf(slot: number): number {
    const before = this.skips.data.slotBefore;
    let lo = 0;
    let hi = this.blockCount;
    // Largest j with before[first + j] < slot; block 0's is −1, below every slot.
    while (hi - lo > 1) {
      const mid = (lo + hi) >>> 1;
      if (before[this.firstBlock + mid] < slot) lo = mid;
      else hi = mid;
    }
    return lo;
  }

  /** Entries in block j (POSITION_BLOCK, fewer in the last). */
  private blockSize(j: number): number {
    return Math.min(POSITION_BLOCK, this.entries - j * POSITION_BLOCK);
  }

  /** Where block j's slots are in the entry chunks (a place; its counts follow them), decoding it on first use. */
  private block(j: number): number {
    const at = (this.entryAt ??= new Int32Array(this.blockCount));
    const kept = at[j];
    if (kept) return kept - 1;
    const slab = (this.entrySlab ??= new Int32Chunks(ENTRY_CHUNK));
    const n = this.blockSize(j);
    const place = slab.take(2 * n);
    const data = slab.chunkOf(place);
    const o = offsetOf(place);
    const s = this.skips.data;
    decodeDocBlock(this.skips.index.postings, this.byteOffset, s.bits[this.firstBlock + j], s.slotBefore[this.firstBlock + j], n, data.subarray(o, o + n), data.subarray(o + n, o + 2 * n));
    at[j] = place + 1;
    return place;
  }

  /**
   * Calls `visit(slot, count)` for each of record d's entries (F slots a record), in slot order; returns how many.
   * A record's entries may run on into the next block.
   */
  private eachOf(d: number, F: number, visit: (slot: number, count: number) => void): number {
    const lo = d * F;
    const hi = lo + F;
    let seen = 0;
    for (let j = this.blockOf(lo); j < this.blockCount; j++) {
      const place = this.block(j);
      const data = this.entrySlab!.chunkOf(place);
      const o = offsetOf(place);
      const n = this.blockSize(j);
      for (let e = 0; e < n; e++) {
        const slot = data[o + e];
        if (slot >= hi) return seen;
        if (slot >= lo) {
          visit(slot, data[o + n + e]);
          seen++;
        }
      }
    }
    return seen;
  }

  /**
   * Record d's BM25 (WordScores.scoreAt's sum, in the same order, so the same number), or NaN when the record lacks
   * the term.
   */
  recordScore(d: number, F: number, fieldWeight: Float64Array, norms: Float64Array, N: number, k1: number, compact?: CompactNorms): number {
    let s = 0;
    const base = d * F;
    // The compact norms (search/length-norms.ts) where made: the same number, from data that stays in cache.
    const n = compact
      ? this.eachOf(d, F, (slot, tf) => {
          const f = slot - base;
          s += fieldWeight[f] * ((tf * k1) / (tf + compact.table[compact.start[f] + compact.lengths[f * N + d]]));
        })
      : this.eachOf(d, F, (slot, tf) => {
          const f = slot - base;
          s += fieldWeight[f] * ((tf * k1) / (tf + norms[f * N + d]));
        });
    return n ? s : NaN;
  }

  /** The term's entry for slot `slot` (its index among the term's entries), or −1 when the term is not in it. */
  entryOf(slot: number): number {
    const j = this.blockOf(slot);
    const place = this.block(j);
    const data = this.entrySlab!.chunkOf(place);
    const o = offsetOf(place);
    const n = this.blockSize(j);
    let e = 0;
    while (e < n && data[o + e] < slot) e++;
    return e < n && data[o + e] === slot ? j * POSITION_BLOCK + e : -1;
  }

  /** Entry `entry`'s positions: pos[from] … pos[to − 1], its block's positions decoded on first read. */
  positionsAt(entry: number): [from: number, to: number, pos: Int32Array] {
    const j = (entry / POSITION_BLOCK) | 0;
    const e = entry - j * POSITION_BLOCK;
    const place = this.block(j);
    const counts = this.entrySlab!.chunkOf(place);
    const c = offsetOf(place) + this.blockSize(j);
    const n = this.blockSize(j);
    const at = (this.posAt ??= new Int32Array(this.blockCount));
    let p = at[j] - 1;
    if (p < 0) {
      // Local starts (n + 1) from the counts, then the block's positions after them.
      let total = 0;
      for (let x = 0; x < n; x++) total += counts[c + x];
      const slab = (this.posSlab ??= new Int32Chunks(POSITION_CHUNK));
      p = slab.take(n + 1 + total);
      const data = slab.chunkOf(p);
      const q = offsetOf(p);
      data[q] = 0;
      for (let x = 0; x < n; x++) data[q + x + 1] = data[q + x] + counts[c + x];
      const s = this.skips.data;
      decodePositionBlock(this.skips.index.postings, this.byteOffset, this.byteOffset + s.tableBytes[this.at], this.entries, j * POSITION_BLOCK, n, data.subarray(q, q + n + 1), data.subarray(q + n + 1, q + n + 1 + total));
      at[j] = p + 1;
    }
    const data = this.posSlab!.chunkOf(p);
    const q = offsetOf(p);
    const base = q + n + 1;
    return [base + data[q + e], base + data[q + e + 1], data];
  }
}

/**
 * A common word's BM25 scores, computed only for the records asked about (`recordScore`); its idf from the stored
 * record count. Read as a list (docs, scores, scoreAt, bounds), it is the word's WordScores over the term decoded
 * whole (`whole`), so every reader that needs all of its records gets the same list as before.
 */
export class BlockWordScores extends LazyScores {
  private readonly fieldWeight: Float64Array;
  private readonly norms: Float64Array;
  private readonly compact?: CompactNorms;
  private readonly k1: number;
  private readonly N: number;
  private readonly F: number;
  private full?: LazyScores;

  constructor(
    readonly term: BlockTerm,
    stats: FieldStats,
    bm: EngineOptions['bm25'],
    weight: number,
    /** The word scored whole (bm25 of the decoded term). */
    private readonly whole: () => DocScores,
  ) {
    super();
    this.F = stats.fieldCount;
    // The same products as WordScores: weight × idf from the record count, times each field's weight.
    const w = weight * idf(stats.records, term.records);
    this.fieldWeight = smallFloat64(this.F);
    for (let f = 0; f < this.F; f++) this.fieldWeight[f] = stats.weights[f] * w;
    this.norms = normsOf(stats, bm).norms;
    this.compact = compactNorms(stats, bm);
    this.k1 = bm.k1 + 1;
    this.N = stats.fieldLengths.length / this.F;
  }

  /** How many records the word is in (docs.length, without decoding). */
  get count(): number {
    return this.term.records;
  }

  /** Record d's score, or NaN when it lacks the word. */
  recordScore(d: number): number {
    return this.term.recordScore(d, this.F, this.fieldWeight, this.norms, this.N, this.k1, this.compact);
  }

  private list(): LazyScores {
    return (this.full ??= this.whole() as LazyScores);
  }

  get docs(): Int32Array {
    return this.list().docs;
  }

  get scores(): Float64Array {
    return this.list().scores;
  }

  scoreAt(i: number): number {
    return this.list().scoreAt(i);
  }

  get bounded(): boolean {
    return this.list().bounded;
  }

  recordBound(i: number): number {
    return this.list().recordBound(i);
  }

  override quickBound(i: number): number {
    return this.list().quickBound(i);
  }

  override blocks(): BlockView | undefined {
    return this.list().blocks();
  }

  override addScores(at: Int32Array, out: Float64Array): void {
    this.list().addScores(at, out);
  }

  override plainWord(): WordScores | undefined {
    return this.list().plainWord();
  }
}

/** A list's record count: a word read by blocks tells it without being decoded. */
export function recordCount(ds: DocScores): number {
  return ds instanceof BlockWordScores ? ds.count : ds.docs.length;
}
