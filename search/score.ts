/**
 * Scoring: BM25 per field from the index's occurrence counts and field lengths, weighted by field; and, for the
 * top of a ranking only, bonuses from positions (words close together, a clause verbatim, a title holding every
 * word).
 */
import type { EngineOptions } from './options.js';
import { head, int32Columns, smallFloat64 } from './slab.js';
import { BOUND_BLOCK, TermOccurrences, type BoundSource, type Occurrences, type RecordRuns } from './postings.js';
import { compactEntrySum, compactNorms, type CompactNorms } from './length-norms.js';

/** Records matched by one alternative or constraint, increasing, each with its score. */
export interface DocScores {
  docs: Int32Array;
  scores: Float64Array;
}

export const NO_DOCS: DocScores = { docs: new Int32Array(0), scores: new Float64Array(0) };

export interface FieldStats {
  fieldCount: number;
  records: number;
  fieldLengths: Uint32Array;
  avgLengths: number[];
  /** Weight per field index. */
  weights: Float64Array;
  /** The index's block bounds were computed with this scoring (indexer/postings.ts BOUND_SCORING): they may be used. */
  bounded?: boolean;
  /**
   * Record fields from which scoring reads the compact length norms (search/length-norms.ts; default COMPACT_FROM).
   * A test sets 0 so that the seeds are scored through them too.
   */
  compactFrom?: number;
}

export function idf(N: number, df: number): number {
  return Math.log(1 + (N - df + 0.5) / (df + 0.5));
}

/**
 * Per slot (record × field), BM25's length normalisation k1 × (1 − b + b × length / average length): a property of
 * the snapshot and the options, computed once per FieldStats (one pass over the field lengths) so that scoring a
 * common word's tens of thousands of slots costs one read and one division each, not a field look-up and two.
 * Laid out field by field (field f's norm of record d at f × records + d): a common word is mostly in one or two
 * fields, so the norms it reads are those fields' runs, read nearly in order, not a line of every record's ten
 * (at 100k, scoring 海关 监管's 52k records read about half as many cache lines).
 */
const slotNorms = new WeakMap<FieldStats, { k1: number; b: number; norms: Float64Array; least: Float64Array }>();

export function normsOf(stats: FieldStats, bm: EngineOptions['bm25']): { norms: Float64Array; least: Float64Array } {
  const kept = slotNorms.get(stats);
  if (kept && kept.k1 === bm.k1 && kept.b === bm.b) return kept;
  const F = stats.fieldCount;
  const N = stats.fieldLengths.length / F;
  const norms = new Float64Array(stats.fieldLengths.length);
  // Per field, the smallest norm of any record: a record's BM25 in that field is at most what it would be there.
  const least = new Float64Array(F).fill(Infinity);
  for (let slot = 0; slot < norms.length; slot++) {
    const f = slot % F;
    // The same expression as scoring per slot once was, so scores stay the same to the last bit.
    const norm = bm.k1 * (1 - bm.b + (bm.b * stats.fieldLengths[slot]) / stats.avgLengths[f]);
    norms[f * N + (slot - f) / F] = norm;
    if (norm < least[f]) least[f] = norm;
  }
  const made = { k1: bm.k1, b: bm.b, norms, least };
  slotNorms.set(stats, made);
  return made;
}

/**
 * Blocks of a list's records for a top-k: block j holds indexes start[j] … start[j + 1] − 1 of the list, none scoring
 * above ub[j].
 */
export interface BlockView {
  ub: Float64Array;
  start: Int32Array;
}

/**
 * A list that scores its records when read, one at a time or all at once (a word, a union of alternatives, a word less
 * its exclusions), and may bound a record's score without computing it. Callers ask the list itself (`scoreAt`,
 * `blocks`) instead of testing which kind of list it is.
 */
export abstract class LazyScores implements DocScores {
  abstract readonly docs: Int32Array;
  /** Every record's score, computed on first use. */
  abstract get scores(): Float64Array;
  /** The i-th record's score: the same number as `scores[i]`. */
  abstract scoreAt(i: number): number;
  /** Whether recordBound is finite for every record. */
  abstract get bounded(): boolean;
  /** No more than this is the i-th record's score (Infinity: no bound). */
  abstract recordBound(i: number): number;

  /** At least the i-th record's score, cheaper than scoring it (Infinity: no such bound). */
  quickBound(_i: number): number {
    return Infinity;
  }

  /**
   * Block bounds for a top-k, or undefined when ranking should score every record. By default each block of
   * BOUND_BLOCK records is bounded by the largest of its records' bounds.
   */
  blocks(): BlockView | undefined {
    if (!this.bounded) return undefined;
    const n = this.docs.length;
    const nb = Math.ceil(n / BOUND_BLOCK);
    const ub = new Float64Array(nb);
    for (let i = 0; i < n; i++) {
      const b = this.recordBound(i);
      const j = (i / BOUND_BLOCK) | 0;
      if (b > ub[j]) ub[j] = b;
    }
    return { ub, start: evenBlocks(n, nb) };
  }

  /** Adds to out[j] the score of entry at[j] (scoreAt) for every j: a word's override reads its slots in one loop. */
  addScores(at: Int32Array, out: Float64Array): void {
    for (let j = 0; j < out.length; j++) out[j] += this.scoreAt(at[j]);
  }

  /** The one word whose scores these are, still scored from its slots (addPairScores); undefined for other lists. */
  plainWord(): WordScores | undefined {
    return undefined;
  }
}

/** Block starts of a list cut every BOUND_BLOCK records. */
function evenBlocks(n: number, nb: number): Int32Array {
  const start = new Int32Array(nb + 1);
  for (let j = 0; j <= nb; j++) start[j] = Math.min(n, j * BOUND_BLOCK);
  return start;
}

/** A word with at most this many records and no stored bounds bounds itself by its scores (cheap at this size). */
const SELF_BOUND = 1024;

/**
 * One word's records (from its occurrences, at once) and their BM25 scores (when first asked for): a record's score
 * is weight × Σ over its fields of field weight × BM25, with idf from the records the word is in. A query whose
 * result is the records holding every word (most two-word queries and questions) reads `scoreAt` for those records
 * only, so a common word's tens of thousands of other records are listed but never scored.
 */
/**
 * The records of increasing slots (F a record) and the entry where each record's slots begin. Slots increase, so a
 * record's slots are adjacent: one pass, into arrays of the slots' length (a record has at least one). Without a
 * branch: every slot writes its record and index at the next free entry, and only a slot of a new record (a record
 * number above the last) moves past it. Which slots start a record follows no pattern the CPU can predict (common
 * words sit in one to three fields of a record), and the branch taken per slot cost about half the listing (at 100k,
 * 海关's 95k slots: 0.72 → 0.37 ms, 企业's 184k: 1.20 → 0.66 ms). Stored terms list their records while decoding
 * (RecordRuns); this lists a string's (an intersection).
 */
function recordRuns(slots: Int32Array, F: number): RecordRuns {
  // Both lists in one buffer (search/slab.ts).
  // Indexed, not destructured: array destructuring runs the iterator protocol, which deoptimised here (wrong map).
  const columns = int32Columns(slots.length, slots.length + 1);
  const docs = columns[0];
  const first = columns[1];
  let n = 0;
  let last = -1;
  for (let i = 0; i < slots.length; i++) {
    const d = (slots[i] / F) | 0;
    docs[n] = d;
    first[n] = i;
    // 1 when d > last (records increase, so d ≥ last): the sign bit of last − d.
    n += (last - d) >>> 31;
    last = d;
  }
  first[n] = slots.length;
  return { F, docs, first, n };
}

export class WordScores extends LazyScores {
  readonly docs: Int32Array;
  /** Where each record's slots begin in the occurrences (docs.length + 1 entries). */
  private readonly firstSlot: Int32Array;
  private readonly fieldWeight: Float64Array;
  /** BM25 length norms, field by field (normsOf): field f of record d at f × records + d. */
  private readonly norms: Float64Array;
  private readonly records: number;
  /** Per field, the smallest norm of any record (quickBound); undefined when a field weighs below 0. */
  private readonly leastNorms?: Float64Array;
  private readonly k1: number;
  /** The same norms in cache-sized form (search/length-norms.ts), read where the records scored are scattered. */
  private readonly compact?: CompactNorms;
  private all?: Float64Array;
  /**
   * The word's slots and their position counts, which are all scoring reads: not the occurrences object itself, whose
   * positions a proximity check may decode later and which must not stay alive here beyond the postings' own bounded
   * cache. Dropped once every score is computed.
   */
  private occ?: Pick<Occurrences, 'slots' | 'starts'>;
  /** The term's stored block bounds (per BOUND_BLOCK records, before idf and weight) and what scales them. */
  private readonly bounds?: Float32Array;
  private readonly boundScale: number = 0;
  /** A string's bounds through the term it was found by (BoundSource): per record, that term's block. */
  private readonly source?: BoundSource;

  constructor(o: Occurrences, stats: FieldStats, bm: EngineOptions['bm25'], weight: number) {
    super();
    const F = stats.fieldCount;
    const slots = o.slots;
    // A stored term's records were listed while it was decoded (RecordRuns); a string's (an intersection) are listed here.
    const runs = o.runs?.F === F ? o.runs : recordRuns(slots, F);
    const df = runs.n;
    const docs = head(runs.docs, df);
    const firstSlot = head(runs.first, df + 1);
    const w = weight * idf(stats.records, df);
    this.fieldWeight = smallFloat64(F);
    // Whether every field weighs ≥ 0, read in the loop that fills them (TypedArray every with a closure was a call per
    // field on every word a first-seen query scores).
    let nonNegative = true;
    for (let f = 0; f < F; f++) if (!((this.fieldWeight[f] = stats.weights[f] * w) >= 0)) nonNegative = false;
    this.docs = docs;
    this.firstSlot = firstSlot;
    const { norms, least } = normsOf(stats, bm);
    this.norms = norms;
    this.records = stats.fieldLengths.length / F;
    // A quick bound needs every field weight ≥ 0 (a smaller norm then only raises a field's part).
    this.leastNorms = nonNegative ? least : undefined;
    this.k1 = bm.k1 + 1;
    this.compact = compactNorms(stats, bm);
    this.occ = { slots: o.slots, starts: o.starts };
    // Bounds hold for this scoring only, and only scaled by a non-negative weight (a record's score is
    // weight × idf × its stored sum, up to rounding: blockBound adds a margin).
    if (stats.bounded && w >= 0 && o instanceof TermOccurrences && o.bounds && o.bounds.length === Math.ceil(df / BOUND_BLOCK)) {
      this.bounds = o.bounds;
      this.boundScale = w;
    } else if (stats.bounded && w >= 0 && o.bound && o.bound.entries === slots.length) {
      this.source = o.bound;
      this.boundScale = w;
    }
  }

  /** Blocks of BOUND_BLOCK records with a stored bound (0: none, every record must be scored to rank them). */
  get blockCount(): number {
    return this.bounds?.length ?? 0;
  }

  /** No record of block j (records j × BOUND_BLOCK …) scores above this. */
  blockBound(j: number): number {
    // The stored sum is rounded up to a float32; the margin covers the float64 rounding of summing in another order.
    return this.bounds![j] * this.boundScale * (1 + 1e-9);
  }

  /**
   * The word's stored block bounds. A string found through a term (BoundSource) has none of its own: that term's
   * blocks hold few of the string's records, and alone, scoring all of it in one tight loop was as quick (phrases at
   * 100k: 60-100 % of records left to score). In a union, read record by record through both sides, they pay.
   */
  override blocks(): BlockView | undefined {
    const nb = this.blockCount;
    if (nb === 0) return undefined;
    const ub = new Float64Array(nb);
    for (let j = 0; j < nb; j++) ub[j] = this.blockBound(j);
    return { ub, start: evenBlocks(this.docs.length, nb) };
  }

  /**
   * Whether recordBound is finite: the word's own bounds, those of the term it was found through, or few enough
   * records (SELF_BOUND) that their exact scores are the bound (a rare alternative beside a common word).
   */
  get bounded(): boolean {
    return !!(this.bounds || this.source) || this.docs.length <= SELF_BOUND;
  }

  /** No more than this is the i-th record's score (Infinity when the word has no bounds). */
  recordBound(i: number): number {
    if (this.bounds) return this.blockBound((i / BOUND_BLOCK) | 0);
    if (!this.source) return this.docs.length <= SELF_BOUND ? this.scoreAt(i) : Infinity;
    const { blocks, record } = this.source;
    return blocks[(record[this.firstSlot[i]] / BOUND_BLOCK) | 0] * this.boundScale * (1 + 1e-9);
  }

  /**
   * The i-th record's score: Σ over its slots of field weight × BM25 (entrySum), so `scoreAt`, `addScores` and
   * `scores` make the same additions in the same order and give the same number to the last bit.
   */
  scoreAt(i: number): number {
    if (this.all) return this.all[i];
    const { slots, starts } = this.occ!;
    const F = this.fieldWeight.length;
    const d = this.docs[i];
    if (this.compact) return compactEntrySum(slots, starts, this.firstSlot[i], this.firstSlot[i + 1], d * F, this.fieldWeight, this.k1, this.compact, d);
    return entrySum(slots, starts, this.firstSlot[i], this.firstSlot[i + 1], d * F, this.fieldWeight, this.k1, this.norms, this.records, d);
  }

  /**
   * At least the i-th record's score, from its fields and position counts alone: each field's part with the
   * field's smallest norm in place of the record's (entrySum reading `least[f]`), so the norms (a read far apart per
   * record) are not touched.
   */
  override quickBound(i: number): number {
    if (this.all) return this.all[i];
    const least = this.leastNorms;
    if (!least) return Infinity;
    const { slots, starts } = this.occ!;
    const F = this.fieldWeight.length;
    return entrySum(slots, starts, this.firstSlot[i], this.firstSlot[i + 1], this.docs[i] * F, this.fieldWeight, this.k1, least, 1, 0) * (1 + 1e-9);
  }

  /** scoreAt of every entry at[j], added to out[j], in one loop: the same sum in the same order, so the same number. */
  override addScores(at: Int32Array, out: Float64Array): void {
    const n = out.length;
    if (this.all) {
      for (let j = 0; j < n; j++) out[j] += this.all[at[j]];
      return;
    }
    const { slots, starts } = this.occ!;
    const { docs, firstSlot, fieldWeight, norms, k1, records: N, compact } = this;
    const F = fieldWeight.length;
    if (compact) {
      for (let j = 0; j < n; j++) {
        const e = at[j];
        const d = docs[e];
        out[j] += compactEntrySum(slots, starts, firstSlot[e], firstSlot[e + 1], d * F, fieldWeight, k1, compact, d);
      }
      return;
    }
    for (let j = 0; j < n; j++) {
      const e = at[j];
      const d = docs[e];
      out[j] += entrySum(slots, starts, firstSlot[e], firstSlot[e + 1], d * F, fieldWeight, k1, norms, N, d);
    }
  }

  override plainWord(): WordScores | undefined {
    return this.all ? undefined : this;
  }

  /**
   * addScores of two words, x then y, at the same records (entry atX[j] of x and atY[j] of y are one record), in one
   * loop: per record x's sum, then y's, added to out[j] in that order, so the numbers are those of two addScores
   * calls. Both words read the record's norms (norms of one field of one record are one place), so y's read finds
   * the line x's just loaded, where a second loop over thousands of records found it evicted.
   */
  static addPair(x: WordScores, atX: Int32Array, y: WordScores, atY: Int32Array, out: Float64Array): void {
    const n = out.length;
    const { slots: sx, starts: tx } = x.occ!;
    const { slots: sy, starts: ty } = y.occ!;
    const { docs: dx, firstSlot: fx, fieldWeight: wx, norms: nx, k1: kx, records: Nx } = x;
    const { docs: dy, firstSlot: fy, fieldWeight: wy, norms: ny, k1: ky, records: Ny } = y;
    const F = wx.length;
    const G = wy.length;
    // The records holding both words are scattered over the corpus: their norms read from the compact form (x.compact
    // and y.compact are one, made per snapshot), whose lengths stay in cache where the Float64 norms missed.
    const c = x.compact;
    if (c && c === y.compact) {
      for (let j = 0; j < n; j++) {
        const e = atX[j];
        const d = dx[e];
        let o = out[j];
        o += compactEntrySum(sx, tx, fx[e], fx[e + 1], d * F, wx, kx, c, d);
        const g = atY[j];
        const r = dy[g];
        o += compactEntrySum(sy, ty, fy[g], fy[g + 1], r * G, wy, ky, c, r);
        out[j] = o;
      }
      return;
    }
    for (let j = 0; j < n; j++) {
      const e = atX[j];
      const d = dx[e];
      let o = out[j];
      o += entrySum(sx, tx, fx[e], fx[e + 1], d * F, wx, kx, nx, Nx, d);
      const g = atY[j];
      const c = dy[g];
      o += entrySum(sy, ty, fy[g], fy[g + 1], c * G, wy, ky, ny, Ny, c);
      out[j] = o;
    }
  }

  /** Every record's score, computed on first use (one loop over the records: the same sums as scoreAt). */
  get scores(): Float64Array {
    if (this.all) return this.all;
    const { slots, starts } = this.occ!;
    const { docs, firstSlot, fieldWeight, norms, k1, records: N } = this;
    const F = fieldWeight.length;
    const all = new Float64Array(docs.length);
    const c = this.compact;
    if (c) {
      for (let i = 0; i < docs.length; i++) {
        const d = docs[i];
        all[i] = compactEntrySum(slots, starts, firstSlot[i], firstSlot[i + 1], d * F, fieldWeight, k1, c, d);
      }
    } else {
      for (let i = 0; i < docs.length; i++) {
        const d = docs[i];
        all[i] = entrySum(slots, starts, firstSlot[i], firstSlot[i + 1], d * F, fieldWeight, k1, norms, N, d);
      }
    }
    this.occ = undefined;
    return (this.all = all);
  }
}

/**
 * One record's BM25 sum over its slots from..to − 1 of a word (`base`: its first slot number, record × fields): per
 * slot, field weight × tf × (k1 + 1) / (tf + norm), the norm read at norms[field × stride + offset] (a record's own:
 * stride records, offset the record; a field's smallest, for a quick bound: stride 1, offset 0). The one scoring
 * loop of WordScores: every way of reading a score adds the same terms in the same order.
 */
export function entrySum(slots: Int32Array, starts: Int32Array, from: number, to: number, base: number, fieldWeight: Float64Array, k1: number, norms: Float64Array, stride: number, offset: number): number {
  let s = 0;
  for (let x = from; x < to; x++) {
    const f = slots[x] - base;
    const tf = starts[x + 1] - starts[x];
    s += fieldWeight[f] * ((tf * k1) / (tf + norms[f * stride + offset]));
  }
  return s;
}

/**
 * Whether a ranking of the best k of n records is worth bounding: a window of more than an eighth of the records (a
 * whole ranking: sort=quantity, export) reaches nearly every record, and one tight pass scoring all of them costs
 * less than bounding them first.
 */
export function worthBounding(k: number, n: number): boolean {
  return k > 0 && k * 8 <= n;
}

/**
 * The best k records of one word by (score + extra, then record order), scoring only the blocks whose bound can still
 * reach the k-th score (blocks taken best bound first: the classic block-max top-k for one term). `score(i)` is the
 * i-th record's full score; records `forced` marks (a title typed in full: the bound does not hold their bonus) are
 * scored first, whatever their block; only records `admit` passes are ranked.
 *
 * It can be asked again for more: the records it scored are kept, and so is where its pass over the blocks stopped,
 * so the best 40 after the best 20 (the service reads a ranking in doubling prefixes) scores only the blocks the
 * lower bar lets in, never a block twice.
 */
export class BlockTop {
  private view?: BlockView | null;
  private blocks?: BlockHeap;
  /** A block taken from the heap whose bound was below the bar: the first to try when more are asked for. */
  private pending = -1;
  private readonly scoredIdx: number[] = [];
  private readonly scoredValue: number[] = [];
  /** Records of blocks already read whose quick bound was below the bar, with that bound. */
  private deferredIdx: number[] = [];
  private deferredQuick: number[] = [];
  private isForced?: Set<number>;

  constructor(
    private readonly ds: DocScores,
    private readonly score: (i: number) => number,
    private readonly forced: ArrayLike<number>,
    private readonly admit?: (i: number) => boolean,
  ) {}

  /**
   * The indexes (into ds.docs) of the best k, in no particular order, with their scores; `scored` counts the records
   * scored by this call. Undefined when ds has no block bounds (LazyScores.blocks) or k is a large share of its records.
   */
  top(k: number): { idx: Int32Array; scores: Float64Array; scored: number } | undefined {
    if (!worthBounding(k, this.ds.docs.length) || !(this.ds instanceof LazyScores)) return undefined;
    if (this.view === undefined) this.view = this.ds.blocks() ?? null;
    if (this.view === null) return undefined;
    const { ub, start } = this.view;
    const { admit, score, scoredIdx, scoredValue } = this;
    const before = scoredIdx.length;
    if (!this.isForced) {
      this.isForced = new Set<number>();
      for (let f = 0; f < this.forced.length; f++) {
        const i = this.forced[f];
        if (admit && !admit(i)) continue;
        this.isForced.add(i);
        scoredIdx.push(i);
        scoredValue.push(score(i));
      }
      this.blocks = new BlockHeap(ub);
    }
    const isForced = this.isForced;
    const best = new TopK(k);
    // What earlier calls (and the forced records) scored: the heap starts from them.
    for (let t = 0, known = scoredIdx.length; t < known; t++) best.offer(scoredIdx[t], scoredValue[t]);
    const lazy = this.ds;
    // Records an earlier call passed over on their quick bound: scored now if the lower bar lets them in.
    if (this.deferredIdx.length) {
      const idx = this.deferredIdx;
      const quick = this.deferredQuick;
      this.deferredIdx = [];
      this.deferredQuick = [];
      for (let t = 0; t < idx.length; t++) {
        if (best.full && quick[t] < best.bar) {
          this.deferredIdx.push(idx[t]);
          this.deferredQuick.push(quick[t]);
          continue;
        }
        const s = score(idx[t]);
        scoredIdx.push(idx[t]);
        scoredValue.push(s);
        best.offer(idx[t], s);
      }
    }
    // Blocks best bound first from a max-heap, not a sort: the pass usually stops after a few dozen of a common
    // word's hundreds or thousands of blocks.
    for (;;) {
      const j = this.pending >= 0 ? this.pending : this.blocks!.pop();
      this.pending = -1;
      if (j < 0) break;
      // A record of this block scoring the bound exactly could still win a tie on record order: stop only below it.
      if (best.full && ub[j] < best.bar) {
        this.pending = j;
        break;
      }
      for (let i = start[j], end = start[j + 1]; i < end; i++) {
        if ((admit && !admit(i)) || (isForced.size > 0 && isForced.has(i))) continue;
        // Below the bar on its fields and counts alone: not scored (kept for a later, longer ranking).
        if (best.full) {
          const q = lazy.quickBound(i);
          if (q < best.bar) {
            this.deferredIdx.push(i);
            this.deferredQuick.push(q);
            continue;
          }
        }
        const s = score(i);
        scoredIdx.push(i);
        scoredValue.push(s);
        best.offer(i, s);
      }
    }
    return { ...best.result(), scored: scoredIdx.length - before };
  }
}

/**
 * The best k of the (index, score) pairs offered, by score, then the lower index: a bounded min-heap whose root is the
 * worst kept (lowest score; of equal scores, the higher index), the bar a newcomer must clear. The one selection of
 * BlockTop.top and of the engine's ranking of the few records a filter keeps (SearchResult.keptTop), so the two
 * break ties alike.
 */
export class TopK {
  private readonly idx: Int32Array;
  private readonly scores: Float64Array;
  /** How many are kept (at most k). */
  private size = 0;

  constructor(private readonly k: number) {
    this.idx = new Int32Array(k);
    this.scores = new Float64Array(k);
  }

  /** Whether k are kept: only then does `bar` turn a newcomer away. */
  get full(): boolean {
    return this.size === this.k;
  }

  /** The worst kept score (when full, a record scoring below it cannot enter). */
  get bar(): number {
    return this.scores[0];
  }

  offer(i: number, s: number): void {
    const hi = this.idx;
    const hs = this.scores;
    const k = this.k;
    let x: number;
    if (this.size < k) {
      // Sift up from the new leaf: parents better than (s, i) move down.
      x = this.size++;
      while (x > 0) {
        const p = (x - 1) >> 1;
        if (hs[p] < s || (hs[p] === s && hi[p] > i)) break;
        hi[x] = hi[p];
        hs[x] = hs[p];
        x = p;
      }
    } else {
      if (k === 0 || s < hs[0] || (s === hs[0] && i > hi[0])) return;
      // Replace the root and sift down: the worse child moves up while it is worse than (s, i).
      x = 0;
      for (;;) {
        const l = 2 * x + 1;
        if (l >= k) break;
        const r = l + 1;
        const c = r < k && (hs[r] < hs[l] || (hs[r] === hs[l] && hi[r] > hi[l])) ? r : l;
        if (hs[c] > s || (hs[c] === s && hi[c] < i)) break;
        hi[x] = hi[c];
        hs[x] = hs[c];
        x = c;
      }
    }
    hi[x] = i;
    hs[x] = s;
  }

  /** The kept indexes and their scores, in no particular order. */
  result(): { idx: Int32Array; scores: Float64Array } {
    return { idx: this.idx.slice(0, this.size), scores: this.scores.slice(0, this.size) };
  }
}

/** Block numbers, largest bound first (of equal bounds, the lower number), popped one at a time. */
class BlockHeap {
  private readonly heap: Int32Array;
  private size: number;

  constructor(private readonly ub: Float64Array) {
    const n = ub.length;
    this.heap = new Int32Array(n);
    for (let j = 0; j < n; j++) this.heap[j] = j;
    this.size = n;
    for (let x = (n >> 1) - 1; x >= 0; x--) this.down(x);
  }

  private before(a: number, b: number): boolean {
    return this.ub[a] > this.ub[b] || (this.ub[a] === this.ub[b] && a < b);
  }

  private down(x: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * x + 1;
      const r = l + 1;
      let m = x;
      if (l < this.size && this.before(h[l], h[m])) m = l;
      if (r < this.size && this.before(h[r], h[m])) m = r;
      if (m === x) return;
      const t = h[m];
      h[m] = h[x];
      h[x] = t;
      x = m;
    }
  }

  /** The next block, or −1 when none is left. */
  pop(): number {
    if (this.size === 0) return -1;
    const top = this.heap[0];
    this.heap[0] = this.heap[--this.size];
    this.down(0);
    return top;
  }
}

/**
 * An upper bound of the i-th score of a list: its score when computed already, else the list's bound (Infinity: none).
 * Every list that scores when read is a LazyScores (words, unions, kept records, the records holding every word): any
 * other DocScores holds its scores already, and each score is its own bound (so too in quickAt and boundable).
 */
export function boundAt(ds: DocScores, i: number): number {
  return ds instanceof LazyScores ? ds.recordBound(i) : ds.scores[i];
}

/** A quick upper bound of the i-th score of a list (LazyScores.quickBound; a computed score is its own). */
function quickAt(ds: DocScores, i: number): number {
  return ds instanceof LazyScores ? ds.quickBound(i) : ds.scores[i];
}

/** Adds to out[j] the score of entry at[j] in a list (LazyScores.addScores), for every j. */
export function addScores(ds: DocScores, at: Int32Array, out: Float64Array): void {
  if (ds instanceof LazyScores) ds.addScores(at, out);
  else for (let j = 0; j < out.length; j++) out[j] += ds.scores[at[j]];
}

/** addScores of a, then of b, at the same records: in one loop when both are plain words (WordScores.addPair). */
export function addPairScores(a: DocScores, atA: Int32Array, b: DocScores, atB: Int32Array, out: Float64Array): void {
  const x = a instanceof LazyScores ? a.plainWord() : undefined;
  const y = x && b instanceof LazyScores ? b.plainWord() : undefined;
  if (x && y) return WordScores.addPair(x, atA, y, atB, out);
  addScores(a, atA, out);
  addScores(b, atB, out);
}

/** Whether boundAt(ds, i) is finite for every record. */
export function boundable(ds: DocScores): boolean {
  return ds instanceof LazyScores ? ds.bounded : true;
}

/** A score of a list, computed alone when the list scores on demand (LazyScores). */
export function scoreAt(ds: DocScores, i: number): number {
  return ds instanceof LazyScores ? ds.scoreAt(i) : ds.scores[i];
}

/** weight × Σ over fields of field weight × BM25 of the occurrences, with idf from the records they are in. */
export function bm25(o: Occurrences, stats: FieldStats, bm: EngineOptions['bm25'], weight: number): DocScores {
  return new WordScores(o, stats, bm, weight);
}

/** Records in either list (both increasing), each once. */
export function unionRecords(a: Int32Array, b: Int32Array): Int32Array {
  if (!a.length) return b;
  if (!b.length) return a;
  const out = new Int32Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.length && j < b.length) {
    const x = a[i];
    const y = b[j];
    out[n++] = x <= y ? x : y;
    if (x <= y) i++;
    if (y <= x) j++;
  }
  while (i < a.length) out[n++] = a[i++];
  while (j < b.length) out[n++] = b[j++];
  return out.slice(0, n);
}

/** Records in both lists (both increasing). */
export function intersectRecords(a: Int32Array, b: Int32Array): Int32Array {
  const out = new Int32Array(Math.min(a.length, b.length));
  let n = 0;
  let j = 0;
  for (let i = 0; i < a.length && j < b.length; i++) {
    while (j < b.length && b[j] < a[i]) j++;
    if (j < b.length && b[j] === a[i]) out[n++] = a[i];
  }
  return out.slice(0, n);
}

/**
 * Union of two score lists, combining the scores of a record in both. The records are merged at once; when either
 * side scores on demand (WordScores), so does the union (an alternative of a word, 知识…产权 beside 知识产权, then
 * costs no scoring of records the ranking never reads).
 */
export function union(a: DocScores, b: DocScores, combine: (x: number, y: number) => number): DocScores {
  if (!a.docs.length) return b;
  if (!b.docs.length) return a;
  if (a instanceof LazyScores || b instanceof LazyScores) return new UnionScores(a, b, combine);
  const docs = new Int32Array(a.docs.length + b.docs.length);
  const scores = new Float64Array(docs.length);
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.docs.length || j < b.docs.length) {
    if (j >= b.docs.length || (i < a.docs.length && a.docs[i] < b.docs[j])) {
      docs[n] = a.docs[i];
      scores[n++] = a.scores[i++];
    } else if (i >= a.docs.length || b.docs[j] < a.docs[i]) {
      docs[n] = b.docs[j];
      scores[n++] = b.scores[j++];
    } else {
      docs[n] = a.docs[i];
      scores[n++] = combine(a.scores[i++], b.scores[j++]);
    }
  }
  return { docs: docs.slice(0, n), scores: scores.slice(0, n) };
}

/**
 * MaxUnion merges the other sides into the widest one's list (intoWidest) when they hold at most 1/FEW_BESIDE of its
 * records, else marks every side in a bit set (marked).
 */
const FEW_BESIDE = 2;

/**
 * Union of several score lists, a record's score the largest of its sides' (each side read in order, as folding
 * `union(…, Math.max)` over them reads it: max is exact, so the same number to the last bit). A word's alternatives
 * (跨境电商, 跨境电子商务, 跨境…电商, 跨境|电子|商务) were a chain of pairwise unions: each merge allocated and copied
 * the records merged so far, and a score was read through every link of the chain, a call per link. Here the lists
 * are merged once (MaxUnion) and a ranking reads each side's scores in that side's own loop (addScores).
 */
export function unionMax(parts: DocScores[]): DocScores {
  const live = parts.filter((p) => p.docs.length > 0);
  if (live.length === 0) return NO_DOCS;
  if (live.length === 1) return live[0];
  // Lists that hold their scores already (no side scores on demand) merge eagerly, as before.
  if (!live.some((p) => p instanceof LazyScores)) return live.reduce((a, b) => union(a, b, Math.max));
  return new MaxUnion(live);
}

/**
 * A k-way union scored on demand: the merged records, and per side where each record is in it (−1: absent). A record's
 * score (or bound) is the largest of its sides' in side order, starting from −Infinity (max(−∞, x) = x exactly).
 */
class MaxUnion extends LazyScores {
  readonly docs: Int32Array;
  /** inSide[s][i]: the i-th record's entry in side s, −1 when the side lacks it. */
  private readonly inSide: Int32Array[];
  private all?: Float64Array;

  constructor(private readonly sides: DocScores[]) {
    super();
    let widest = 0;
    let rest = 0;
    for (let s = 0; s < sides.length; s++) if (sides[s].docs.length > sides[widest].docs.length) widest = s;
    for (let s = 0; s < sides.length; s++) if (s !== widest) rest += sides[s].docs.length;
    if (rest * FEW_BESIDE <= sides[widest].docs.length) [this.docs, this.inSide] = MaxUnion.intoWidest(sides, widest, rest);
    else [this.docs, this.inSide] = MaxUnion.marked(sides);
  }

  /**
   * The union when one side holds most of it (a word beside its rarer equivalents: 知识产权 14,992 records, 知产 1, a
   * loose reading 10): the other sides merged into the widest side's list in one walk, the smallest head of the others
   * found again only after one of them is taken. The bit set took a walk of the whole union per side and a walk of
   * every record's bit; this reads the widest side once and the others' records a few times each. The same records
   * and entries as `marked`.
   */
  private static intoWidest(sides: DocScores[], widest: number, rest: number): [Int32Array, Int32Array[]] {
    const wide = sides[widest].docs;
    const W = wide.length;
    const K = sides.length;
    const cap = W + rest;
    // One buffer for the lists that live and die together (search/slab.ts).
    const [docs, ...inSide] = int32Columns(cap, ...sides.map(() => cap));
    for (let s = 0; s < K; s++) if (s !== widest) inSide[s].fill(-1);
    const inWide = inSide[widest];
    const next = new Int32Array(K);
    const NONE = 0x7fffffff;
    const smallest = (): number => {
      let m = NONE;
      for (let s = 0; s < K; s++) {
        const list = sides[s].docs;
        if (s !== widest && next[s] < list.length && list[next[s]] < m) m = list[next[s]];
      }
      return m;
    };
    let other = smallest();
    let n = 0;
    let i = 0;
    while (i < W || other !== NONE) {
      const w = i < W ? wide[i] : NONE;
      const d = w < other ? w : other;
      docs[n] = d;
      inWide[n] = w === d ? i++ : -1;
      if (other === d) {
        for (let s = 0; s < K; s++) {
          const list = sides[s].docs;
          if (s !== widest && next[s] < list.length && list[next[s]] === d) inSide[s][n] = next[s]++;
        }
        other = smallest();
      }
      n++;
    }
    return [head(docs, n), inSide.map((a) => head(a, n))];
  }

  /**
   * The union of sides of any sizes: the records of every side marked in a bit set and read back in order (32 records
   * a word), then each side's entries found by one walk beside them: a side's records are a subset, so its next record
   * is the next match.
   */
  private static marked(sides: DocScores[]): [Int32Array, Int32Array[]] {
    let top = 0;
    for (const s of sides) top = Math.max(top, s.docs[s.docs.length - 1] + 1);
    const bits = new Int32Array((top + 31) >>> 5);
    let total = 0;
    for (const s of sides) {
      const list = s.docs;
      total += list.length;
      for (let i = 0; i < list.length; i++) bits[list[i] >>> 5] |= 1 << (list[i] & 31);
    }
    const docs = new Int32Array(total);
    let n = 0;
    for (let w = 0; w < bits.length; w++) {
      let word = bits[w];
      while (word !== 0) {
        const low = word & -word;
        docs[n++] = (w << 5) + 31 - Math.clz32(low);
        word ^= low;
      }
    }
    const inSide = sides.map((s) => {
      const list = s.docs;
      const L = list.length;
      const at = new Int32Array(n);
      let c = 0;
      for (let i = 0; i < n; i++) {
        // Without a branch on whether the side holds the record (a rare side's hits follow no pattern).
        const h = c < L && list[c] === docs[i] ? 1 : 0;
        at[i] = (c + 1) * h - 1;
        c += h;
      }
      return at;
    });
    return [docs.slice(0, n), inSide];
  }

  /** Every side bounds its records' scores (the largest of bounds bounds the largest of scores). */
  get bounded(): boolean {
    return this.sides.every(boundable);
  }

  /** The largest of `of` over the sides holding the i-th record, in side order. */
  private fold(i: number, of: (ds: DocScores, j: number) => number): number {
    let best = -Infinity;
    for (let s = 0; s < this.sides.length; s++) {
      const j = this.inSide[s][i];
      if (j >= 0) best = Math.max(best, of(this.sides[s], j));
    }
    return best;
  }

  recordBound(i: number): number {
    return this.fold(i, boundAt);
  }

  override quickBound(i: number): number {
    return this.all ? this.all[i] : this.fold(i, quickAt);
  }

  scoreAt(i: number): number {
    return this.all ? this.all[i] : this.fold(i, scoreAt);
  }

  /**
   * scoreAt of every entry at[j], added to out[j]: each side's entries of these records scored in the side's own loop
   * (a word's one-pass addScores), then the largest kept per record in side order: the same number as scoreAt.
   */
  override addScores(at: Int32Array, out: Float64Array): void {
    const m = out.length;
    if (this.all) {
      for (let j = 0; j < m; j++) out[j] += this.all[at[j]];
      return;
    }
    const best = new Float64Array(m).fill(-Infinity);
    const idx = new Int32Array(m);
    const pos = new Int32Array(m);
    for (let s = 0; s < this.sides.length; s++) {
      const inS = this.inSide[s];
      let c = 0;
      for (let j = 0; j < m; j++) {
        const e = inS[at[j]];
        if (e >= 0) (idx[c] = e), (pos[c++] = j);
      }
      if (c === 0) continue;
      // Zeros plus each score: the score itself (x + 0 = x).
      const got = new Float64Array(c);
      addScores(this.sides[s], head(idx, c), got);
      for (let t = 0; t < c; t++) {
        const j = pos[t];
        best[j] = Math.max(best[j], got[t]);
      }
    }
    for (let j = 0; j < m; j++) out[j] += best[j];
  }

  get scores(): Float64Array {
    if (this.all) return this.all;
    const n = this.docs.length;
    const every = new Int32Array(n);
    for (let i = 0; i < n; i++) every[i] = i;
    const all = new Float64Array(n);
    this.addScores(every, all);
    return (this.all = all);
  }
}

/** A union whose scores are computed on demand: per merged record, where it is in each side (-1: absent). */
class UnionScores extends LazyScores {
  readonly docs: Int32Array;
  private readonly inA: Int32Array;
  private readonly inB: Int32Array;
  private all?: Float64Array;

  constructor(
    private readonly a: DocScores,
    private readonly b: DocScores,
    private readonly combine: (x: number, y: number) => number,
  ) {
    super();
    const A = a.docs;
    const B = b.docs;
    const docs = new Int32Array(A.length + B.length);
    const inA = new Int32Array(docs.length);
    const inB = new Int32Array(docs.length);
    let i = 0;
    let j = 0;
    let n = 0;
    while (i < A.length || j < B.length) {
      if (j >= B.length || (i < A.length && A[i] < B[j])) {
        docs[n] = A[i];
        inA[n] = i++;
        inB[n++] = -1;
      } else if (i >= A.length || B[j] < A[i]) {
        docs[n] = B[j];
        inA[n] = -1;
        inB[n++] = j++;
      } else {
        docs[n] = A[i];
        inA[n] = i++;
        inB[n++] = j++;
      }
    }
    this.docs = docs.slice(0, n);
    this.inA = head(inA, n);
    this.inB = head(inB, n);
  }

  /** Both sides bound their records' scores (the union's combine, max or sum, grows with each side). */
  get bounded(): boolean {
    return boundable(this.a) && boundable(this.b);
  }

  /** The i-th record's value on the side(s) holding it (`of`: a side's score or bound), combined where both do. */
  private merged(i: number, of: (ds: DocScores, j: number) => number): number {
    const x = this.inA[i];
    const y = this.inB[i];
    if (y < 0) return of(this.a, x);
    if (x < 0) return of(this.b, y);
    return this.combine(of(this.a, x), of(this.b, y));
  }

  recordBound(i: number): number {
    return this.merged(i, boundAt);
  }

  override quickBound(i: number): number {
    return this.all ? this.all[i] : this.merged(i, quickAt);
  }

  /** The same number the eager union computes for the i-th record. */
  scoreAt(i: number): number {
    return this.all ? this.all[i] : this.merged(i, scoreAt);
  }

  get scores(): Float64Array {
    if (this.all) return this.all;
    const all = new Float64Array(this.docs.length);
    for (let i = 0; i < all.length; i++) all[i] = this.scoreAt(i);
    return (this.all = all);
  }
}

/**
 * Some records of a list (its from-th ones, increasing: a word less its exclusions), their scores read from that list
 * when first asked for, and ranked through its block bounds (the records left out skipped, never scored).
 */
export class KeptScores extends LazyScores {
  readonly docs: Int32Array;
  private all?: Float64Array;
  private source?: DocScores;
  /** Entry i here is entry from[i] of source. */
  private from?: Int32Array;

  constructor(source: DocScores, from: Int32Array) {
    super();
    this.source = source;
    this.from = from;
    const docs = new Int32Array(from.length);
    const all = source.docs;
    for (let i = 0; i < from.length; i++) docs[i] = all[from[i]];
    this.docs = docs;
  }

  /** The i-th record's score, the same number as the source's. */
  scoreAt(i: number): number {
    return this.all ? this.all[i] : scoreAt(this.source!, this.from![i]);
  }

  /** The source's bounds hold for the records kept. */
  get bounded(): boolean {
    return this.all ? true : boundable(this.source!);
  }

  recordBound(i: number): number {
    return this.all ? this.all[i] : boundAt(this.source!, this.from![i]);
  }

  override quickBound(i: number): number {
    return this.all ? this.all[i] : quickAt(this.source!, this.from![i]);
  }

  /**
   * The source's blocks, each holding the kept records of its own (a contiguous run here, since from increases): a
   * word less its exclusions ranks as the word does, by the word's stored bounds, and scores no more blocks than the
   * word alone would.
   */
  override blocks(): BlockView | undefined {
    if (this.all || !(this.source instanceof LazyScores)) return super.blocks();
    const outer = this.source.blocks();
    if (!outer) return undefined;
    const from = this.from!;
    const nb = outer.ub.length;
    const start = new Int32Array(nb + 1);
    let i = 0;
    for (let j = 0; j < nb; j++) {
      start[j] = i;
      while (i < from.length && from[i] < outer.start[j + 1]) i++;
    }
    start[nb] = from.length;
    return { ub: outer.ub, start };
  }

  /** Every kept record's score; the source is let go then (a cached result holds what a copied list held). */
  get scores(): Float64Array {
    if (!this.all) {
      const src = this.source!.scores;
      const from = this.from!;
      const all = new Float64Array(from.length);
      for (let i = 0; i < all.length; i++) all[i] = src[from[i]];
      this.all = all;
      this.source = undefined;
      this.from = undefined;
    }
    return this.all;
  }
}

/** Records in both, with the sum of their scores (the words of one OR alternative, all required). */
export function intersectSum(a: DocScores, b: DocScores): DocScores {
  const docs: number[] = [];
  const scores: number[] = [];
  let j = 0;
  for (let i = 0; i < a.docs.length && j < b.docs.length; i++) {
    while (j < b.docs.length && b.docs[j] < a.docs[i]) j++;
    if (j < b.docs.length && b.docs[j] === a.docs[i]) {
      docs.push(a.docs[i]);
      scores.push(a.scores[i] + b.scores[j]);
    }
  }
  return { docs: Int32Array.from(docs), scores: Float64Array.from(scores) };
}

interface WindowScratch {
  start: Int32Array;
  end: Int32Array;
  list: Int32Array;
  keys: Float64Array;
  order: Int32Array;
  ends: Int32Array;
  count: Int32Array;
}
let scratch: WindowScratch | undefined;
/**
 * minimalWindow's columns for n occurrences of `need` lists (kept between calls, grown, never shrunk). Growing keeps
 * the occurrences added so far: `windowAdd` fills the columns before their number is known.
 */
function windowScratch(n: number, need: number): WindowScratch {
  if (scratch && scratch.start.length >= n && scratch.count.length >= need) return scratch;
  const size = Math.max(64, 2 ** Math.ceil(Math.log2(Math.max(n, 1))), scratch?.start.length ?? 0);
  const lists = Math.max(16, 2 ** Math.ceil(Math.log2(Math.max(need, 1))), scratch?.count.length ?? 0);
  const next = {
    start: new Int32Array(size),
    end: new Int32Array(size),
    list: new Int32Array(size),
    keys: new Float64Array(size),
    order: new Int32Array(size),
    ends: new Int32Array(size),
    count: new Int32Array(lists),
  };
  if (scratch) {
    next.start.set(scratch.start);
    next.end.set(scratch.end);
    next.list.set(scratch.list);
  }
  return (scratch = next);
}

/** Occurrences added since `windowStart`. */
let added = 0;

/**
 * The minimal window's occurrences given one at a time, straight into its scratch columns: windowStart, then
 * windowAdd for each occurrence of each list (lists numbered from 0 in order, each list's occurrences in order), then
 * windowOfAdded. The engine's re-ranking does this for every field of every record of its window, so no lists of
 * {start, length} objects are made for it.
 */
export function windowStart(): void {
  added = 0;
}

export function windowAdd(list: number, start: number, length: number): void {
  const w = windowScratch(added + 1, list + 1);
  w.start[added] = start;
  w.end[added] = start + length;
  w.list[added] = list;
  added++;
}

/**
 * Minimal window covering one occurrence of every list (the classic smallest range over sorted position lists):
 * how close together a field uses the query's words.
 */
export function minimalWindow(lists: { start: number; length: number }[][]): number {
  windowStart();
  lists.forEach((l, k) => {
    for (const o of l) windowAdd(k, o.start, o.length);
  });
  return windowOfAdded(lists.length);
}

/** minimalWindow of the occurrences added since windowStart, in `need` lists. */
export function windowOfAdded(need: number): number {
  // Occurrences ordered by start (ties in the order added), as numbers sorted natively: this runs for every record of
  // the re-ranked window, so no event objects and no comparison callback.
  const n = added;
  const w = windowScratch(n, need);
  const { start, end, list, order, count, ends } = w;
  const keys = w.keys.subarray(0, n);
  for (let e = 0; e < n; e++) keys[e] = start[e] * n + e;
  keys.sort();
  for (let i = 0; i < n; i++) order[i] = keys[i] % n;
  count.fill(0, 0, need);
  // Indexes (into order) of the window's occurrences whose end no later one reaches: the front ends last.
  let head = 0;
  let tail = 0;
  let have = 0;
  let best = Infinity;
  let lo = 0;
  for (let hi = 0; hi < n; hi++) {
    const h = order[hi];
    if (count[list[h]]++ === 0) have++;
    while (tail > head && end[order[ends[tail - 1]]] <= end[h]) tail--;
    ends[tail++] = hi;
    while (have === need) {
      while (ends[head] < lo) head++;
      best = Math.min(best, end[order[ends[head]]] - start[order[lo]]);
      if (--count[list[order[lo]]] === 0) have--;
      lo++;
    }
  }
  return best;
}
