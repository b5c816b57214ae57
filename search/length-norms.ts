/**
 * BM25's length norms in a form small enough to stay in cache: each field's lengths as 16-bit numbers, field by field
 * (field f of record d at f × records + d), and per field a table of the norm of every length up to the field's
 * longest. Scoring the records holding both words of a query reads one norm per record and field, scattered over
 * the corpus (at 100k, 船舶 登记 scores 4,823 of 100,000 records): from the Float64 norms (score.ts normsOf, 800 KB a
 * field) most of those reads missed the cache; a field's 16-bit lengths are 200 KB and the tables a few KB. Each table
 * entry is normsOf's expression on the same length, so every norm, and every score, is the same number to the last bit.
 */
import type { EngineOptions } from './options.js';
import type { FieldStats } from './score.js';

export interface CompactNorms {
  /** Field f of record d at f × records + d. */
  lengths: Uint16Array;
  /** Where field f's table starts in `table`; its entry for length l is table[start[f] + l]. */
  start: Int32Array;
  table: Float64Array;
  records: number;
}

/** Table entries past which the norms are not made compact (a field this long would not stay in cache either). */
const MAX_TABLE = 1 << 16;

/**
 * Record fields (records × fields) from which scoring reads the compact norms: 2 MB of Float64 norms (8 bytes a
 * field). Below, they mostly stay in cache, and the table's second read costs a little (interleaved A/B, median CPU:
 * at 10k records, 100,000 fields, questions 0-7 % more with the table; at the seeds' 3,000, 0-3 % on some kinds).
 */
export const COMPACT_FROM = 1 << 18;

const made = new WeakMap<FieldStats, { k1: number; b: number; norms: CompactNorms | undefined }>();

/**
 * The compact norms of a snapshot's field lengths under BM25 parameters `bm`, made on first use; undefined when the
 * snapshot has fewer than `from` record fields (the stats' compactFrom, else COMPACT_FROM), a field is longer than 16
 * bits hold or the tables would pass MAX_TABLE entries (scoring then reads normsOf's).
 */
export function compactNorms(stats: FieldStats, bm: EngineOptions['bm25'], from = stats.compactFrom ?? COMPACT_FROM): CompactNorms | undefined {
  if (stats.fieldLengths.length < from) return undefined;
  const kept = made.get(stats);
  if (kept && kept.k1 === bm.k1 && kept.b === bm.b) return kept.norms;
  const norms = build(stats, bm);
  made.set(stats, { k1: bm.k1, b: bm.b, norms });
  return norms;
}

function build(stats: FieldStats, bm: EngineOptions['bm25']): CompactNorms | undefined {
  const F = stats.fieldCount;
  const all = stats.fieldLengths;
  const N = all.length / F;
  const start = new Int32Array(F + 1);
  for (let f = 0; f < F; f++) {
    let longest = 0;
    for (let slot = f; slot < all.length; slot += F) if (all[slot] > longest) longest = all[slot];
    if (longest > 0xffff) return undefined;
    start[f + 1] = start[f] + longest + 1;
    if (start[f + 1] > MAX_TABLE) return undefined;
  }
  const lengths = new Uint16Array(all.length);
  for (let slot = 0; slot < all.length; slot++) {
    const f = slot % F;
    lengths[f * N + (slot - f) / F] = all[slot];
  }
  const table = new Float64Array(start[F]);
  for (let f = 0; f < F; f++) {
    // normsOf's expression, so each norm is the same number.
    for (let l = 0; l < start[f + 1] - start[f]; l++) table[start[f] + l] = bm.k1 * (1 - bm.b + (bm.b * l) / stats.avgLengths[f]);
  }
  return { lengths, start, table, records: N };
}

/**
 * score.ts entrySum with the norm read through the compact norms: the same terms added in the same order, so the same
 * number. `base` is the record's first slot number (record × fields), `d` the record.
 */
export function compactEntrySum(slots: Int32Array, starts: Int32Array, from: number, to: number, base: number, fieldWeight: Float64Array, k1: number, c: CompactNorms, d: number): number {
  const { lengths, start, table, records } = c;
  let s = 0;
  for (let x = from; x < to; x++) {
    const f = slots[x] - base;
    const tf = starts[x + 1] - starts[x];
    s += fieldWeight[f] * ((tf * k1) / (tf + table[start[f] + lengths[f * records + d]]));
  }
  return s;
}
