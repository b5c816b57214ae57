/**
 * Counting facet values per reform over a set of records: the layout both counters read, the indexer's stored counts
 * (indexer/facet-counts.ts) and the server's live counts (search/facets.ts), so the two count alike by construction.
 * Every record's values of every facet side by side in one row (global ids: facet f's value k is base[f] + k), the
 * rows again in reform order (a reform's copies adjacent), and the count of a set given as ranks in that order.
 */
import { FACET_LIST, type FacetColumns } from './facet-columns.js';

/**
 * Every record's values of every facet in one row: record d's are ids[start[d]] … ids[start[d + 1] − 1]. A count then
 * reads one short row per matched record instead of one offset pair in each facet's column, and facets no record has
 * (empty columns) cost nothing. Int32Arrays: a Uint32Array's elements are not known to be small integers, and the
 * counting loops index with them.
 */
export interface FacetRows {
  start: Int32Array;
  ids: Int32Array;
  /** Facet (FACET_LIST index) of each global id. */
  facetOf: Uint8Array;
  /** First global id of each facet. */
  base: number[];
  /** Global ids in all (the sum of the facets' value counts). */
  size: number;
}

/** The rows of the columns, facets in FACET_LIST order. */
export function facetRows(columns: FacetColumns): FacetRows {
  const cols = FACET_LIST.map((f) => columns[f.name]);
  const N = cols[0].offsets.length - 1;
  const base: number[] = [];
  let size = 0;
  for (const c of cols) base.push(size), (size += c.values.length);
  const facetOf = new Uint8Array(size);
  cols.forEach((c, f) => facetOf.fill(f, base[f], base[f] + c.values.length));
  let total = 0;
  for (const c of cols) total += c.ids.length;
  const start = new Int32Array(N + 1);
  const ids = new Int32Array(total);
  let n = 0;
  for (let d = 0; d < N; d++) {
    start[d] = n;
    for (let f = 0; f < cols.length; f++) {
      const { offsets, ids: col } = cols[f];
      for (let k = offsets[d]; k < offsets[d + 1]; k++) ids[n++] = base[f] + col[k];
    }
  }
  start[N] = n;
  return { start, ids, facetOf, base, size };
}

/**
 * The rows in reform order (the copies of one reform adjacent, reforms in id order): rank[doc] is a record's place in
 * that order, order[rank] the record, reformAt[rank] its reform, and the rank's row ids[start[rank]] … Counting
 * reforms then marks the matched records by rank and reads the rows front to back, with no per-set grouping and no
 * jumping about in memory.
 */
export interface ReformRows {
  reformOf: Int32Array;
  rank: Int32Array;
  order: Int32Array;
  reformAt: Int32Array;
  start: Int32Array;
  ids: Int32Array;
}

/** The rows in the order of `reformOf`'s reforms (each record's reform, a record index: below the record count). */
export function reformRows(rows: FacetRows, reformOf: Int32Array): ReformRows {
  const N = rows.start.length - 1;
  let R = 0;
  for (let d = 0; d < N; d++) R = Math.max(R, reformOf[d] + 1);
  const first = new Int32Array(R + 1);
  for (let d = 0; d < N; d++) first[reformOf[d] + 1]++;
  for (let r = 0; r < R; r++) first[r + 1] += first[r];
  const rank = new Int32Array(N);
  const order = new Int32Array(N);
  const reformAt = new Int32Array(N);
  for (let d = 0; d < N; d++) {
    const k = first[reformOf[d]]++;
    rank[d] = k;
    order[k] = d;
    reformAt[k] = reformOf[d];
  }
  const start = new Int32Array(N + 1);
  const ids = new Int32Array(rows.ids.length);
  let n = 0;
  for (let k = 0; k < N; k++) {
    start[k] = n;
    const d = order[k];
    for (let j = rows.start[d]; j < rows.start[d + 1]; j++) ids[n++] = rows.ids[j];
  }
  start[N] = n;
  return { reformOf, rank, order, reformAt, start, ids };
}

/**
 * The ranks (places in reform order) of docs (distinct), increasing: marked in a bit set and read back 32 at a time,
 * or, for a set of at most 1/128 of the records, gathered and sorted. The switch is where the two cost the same
 * (micro-benchmark at 100k records, random ranks, loaded machine: 600 ranks sorted 7 µs / bit set 14 µs, 781 ranks
 * 10 / 9.5, 1,200 ranks 15 / 11): the bit set costs N/32 words
 * however few the ranks, a sort grows faster than the ranks.
 */
export function ranksOf(docs: ArrayLike<number>, rank: Int32Array): Int32Array {
  const N = rank.length;
  if (docs.length * 128 <= N) {
    const list = new Int32Array(docs.length);
    for (let i = 0; i < docs.length; i++) list[i] = rank[docs[i]];
    return list.sort();
  }
  // Many: marked by rank in a bit set and read back in order, a word of 32 ranks at a time (reading a byte per rank
  // read all N of them: 0.2 ms at 100k records for a set of 7,700).
  const bits = new Int32Array((N + 31) >>> 5);
  for (let i = 0; i < docs.length; i++) {
    const k = rank[docs[i]];
    bits[k >>> 5] |= 1 << (k & 31);
  }
  const list = new Int32Array(docs.length);
  let n = 0;
  for (let w = 0; w < bits.length; w++) {
    let word = bits[w];
    while (word !== 0) {
      const low = word & -word;
      list[n++] = (w << 5) + 31 - Math.clz32(low);
      word ^= low;
    }
  }
  return list.subarray(0, n);
}

/**
 * Per global value id, the reforms among the records at `ranks` (increasing) holding it, added into `counts`; returns
 * the distinct reforms. Ranks are in reform order, so a reform's records come in one run and a value counts once per
 * reform by remembering in `last` the reform that last counted it (`last` all −1 before, or holding no reform of
 * these ranks).
 */
export function tallyReforms(ranks: ArrayLike<number>, r: ReformRows, counts: Uint32Array, last: Int32Array): number {
  const { reformAt, start, ids } = r;
  let distinct = 0;
  let current = -1;
  for (let i = 0; i < ranks.length; i++) {
    const k = ranks[i];
    const reform = reformAt[k];
    if (reform !== current) (current = reform), distinct++;
    for (let j = start[k], end = start[k + 1]; j < end; j++) {
      const id = ids[j];
      if (last[id] !== reform) (last[id] = reform), counts[id]++;
    }
  }
  return distinct;
}
