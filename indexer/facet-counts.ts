/**
 * Facet counts stored at build for the record sets of common index terms. A query over a common word (海关: 68,000
 * of 100,000 records) otherwise counts reforms per facet value over every match on each first-seen query (figures in
 * docs/design.md, "Facet counts stored at build"). A two-character word, a two-character prefix and a Latin or number
 * word match exactly their term's records, so their result sets are these sets: search/facets.ts recognises one by its
 * length and fingerprint and reads the counts instead of counting.
 *
 * What is stored per set (vocabulary words with at least `minRecords` records): its length and fingerprint, its
 * distinct reforms, and per facet the first `perFacet` values by reform count (count, then value id: the order a facet
 * list is shown in) with how many values have a count at all (a list shorter than that was cut). Counts are per
 * reform (the default collapsed answer), under the reform grouping whose fingerprint `reformKey` holds (indexer/reform-groups.ts).
 */
import { decodeRecords } from './postings-codec.js';
import { splitStreams, type IndexData } from './postings.js';
import { FACET_LIST, type FacetColumns } from './facet-columns.js';
import { facetRows, ranksOf, reformRows, tallyReforms } from './facet-tally.js';

/** Options of the stored counts, with their defaults. */
export interface StoredCountsOptions {
  /**
   * Sets of at least this many records get counts (default 8192). Counting a set live costs about 15 ns a record
   * (0.12 ms at 8,192); storing costs build time in proportion to the records of the sets stored (at 100k records,
   * vocabulary words only, CPU on a loaded machine: 4,096 → 655 sets, 0.9-1.1 s; 8,192 → 360 sets, 0.7-0.8 s;
   * 16,384 → 204 sets, 0.5 s); the stage's cost in the recorded run is the build stage `counts` of `npm run bench`
   * (docs/benchmarks.md). No term of a corpus of a few thousand records reaches it.
   */
  minRecords: number;
  /**
   * Values kept per facet (default 50, the engine's default facetSize; 0 keeps every value): a request for more
   * counts live.
   */
  perFacet: number;
  /**
   * Which terms are words users type (the build passes the corpus vocabulary): a third of the common bigrams at 100k
   * records cross a word boundary (业与, 东省) and no query's records are theirs. Default: every term.
   */
  words?: (term: string) => boolean;
}

export const DEFAULT_STORED_COUNTS: StoredCountsOptions = { minRecords: 8192, perFacet: 50 };

/** The stored counts (body.index.counts): typed arrays, set s's facet f at s × facets + f. */
export interface StoredCounts {
  minRecords: number;
  perFacet: number;
  /** Facets per set, in FACET_LIST order. */
  facets: number;
  /**
   * Their names, in that order: a server whose facets are others, or in another order (a later release), counts live
   * rather than show one facet's counts under another's name.
   */
  facetNames: string[];
  /** Fingerprint of the reform grouping the counts were made under (reformOf, two 32-bit words). */
  reformKey: Uint32Array;
  /** Per set: records, fingerprint (two words), distinct reforms. */
  length: Uint32Array;
  hash: Uint32Array;
  reforms: Uint32Array;
  /** Per set and facet: values with a count, and where its kept values start in `ids`/`counts` (one more entry at the end). */
  nonzero: Uint32Array;
  start: Uint32Array;
  /** Value ids (within the facet) and their reform counts, in shown order. */
  ids: Uint32Array;
  counts: Uint32Array;
}

/**
 * A fingerprint of an increasing list of record indexes: two 32-bit hashes of its elements in order, each step of
 * each a one-to-one function of the state, so two lists of one length that differ in one element never share it. For
 * lists that differ in more, about 2^-64 is the chance only if the two behaved as random functions, which is not
 * proved: the FNV half (a) carries a difference in an element only toward higher bits until the final mix.
 */
export function fingerprint(docs: ArrayLike<number>): [number, number] {
  let a = 0x811c9dc5 ^ docs.length;
  let b = 0x9747b28c;
  for (let i = 0; i < docs.length; i++) {
    const d = docs[i];
    a = Math.imul(a ^ d, 0x01000193);
    b = Math.imul(b ^ Math.imul(d + 0x6b43a9b5, 0xcc9e2d51), 0x1b873593);
    b = (b << 13) | (b >>> 19);
  }
  return [fmix(a), fmix(b ^ docs.length)];
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A term worth a set: two or more letters or digits (Han bigrams, Latin and number words), not punctuation or a lone character. */
export const COUNTED_TERM = /^[\p{L}\p{N}][\p{L}\p{N}.%-]+$/u;

/** Value ids are below this (2^22), so count × ID_SPAN + id is exact in a double for any count below 2^31. */
export const ID_SPAN = 2 ** 22;

/** How many of the counts are not 0. */
export function nonzeroCount(c: ArrayLike<number>): number {
  let nonzero = 0;
  for (let k = 0; k < c.length; k++) if (c[k]) nonzero++;
  return nonzero;
}

/**
 * The keys (count × ID_SPAN + (ID_SPAN − 1 − id): count, then id, in one number, all distinct) of the `size` first
 * values with a count (0: all), largest first. When a facet has more values than are shown (2,000 source documents,
 * 50 shown) the first ones are kept in a min-heap while the counts are read, and only they are sorted: sorting every
 * key cost 0.2 ms per query at 100k records. Counts of facets with more than ID_SPAN values are not keyed this way.
 * `nonzero` is nonzeroCount(c), passed by a caller that has it already (the build stores it beside the keys).
 */
export function topKeys(c: ArrayLike<number>, size: number, nonzero = nonzeroCount(c)): Float64Array {
  if (size <= 0 || nonzero <= size) {
    const keys = new Float64Array(nonzero);
    let j = 0;
    for (let k = 0; k < c.length; k++) if (c[k]) keys[j++] = c[k] * ID_SPAN + (ID_SPAN - 1 - k);
    return keys.sort().reverse();
  }
  const heap = new Float64Array(size);
  let n = 0;
  for (let k = 0; k < c.length; k++) {
    if (!c[k]) continue;
    const key = c[k] * ID_SPAN + (ID_SPAN - 1 - k);
    if (n < size) {
      // Sift up.
      let i = n++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (heap[parent] <= key) break;
        heap[i] = heap[parent];
        i = parent;
      }
      heap[i] = key;
    } else if (key > heap[0]) {
      // Replace the smallest kept, sift down.
      let i = 0;
      for (;;) {
        let child = 2 * i + 1;
        if (child >= size) break;
        if (child + 1 < size && heap[child + 1] < heap[child]) child++;
        if (heap[child] >= key) break;
        heap[i] = heap[child];
        i = child;
      }
      heap[i] = key;
    }
  }
  return heap.sort().reverse();
}

/** Counts per reform over the stored sets of the index's common terms (see the module comment). */
export function buildStoredCounts(postings: IndexData, facets: FacetColumns, reformOf: Int32Array, options: Partial<StoredCountsOptions> = {}): StoredCounts {
  const { minRecords, perFacet, words } = { ...DEFAULT_STORED_COUNTS, ...options };
  if (!Number.isInteger(perFacet) || perFacet < 0) throw new RangeError(`stored facet counts: perFacet must be a whole number ≥ 0 (0 keeps every value), not ${perFacet}`);
  if (!Number.isInteger(minRecords) || minRecords < 1) throw new RangeError(`stored facet counts: minRecords must be a whole number ≥ 1, not ${minRecords}`);
  const N = postings.records;
  const F = postings.fields.length;
  const cols = FACET_LIST.map((f) => facets[f.name]);
  const reformKey = Uint32Array.from(fingerprint(reformOf));
  const sets = { length: [] as number[], hash: [] as number[], reforms: [] as number[], nonzero: [] as number[], start: [0] as number[], ids: [] as number[], counts: [] as number[] };
  const out = (): StoredCounts => ({
    minRecords,
    perFacet,
    facets: cols.length,
    facetNames: FACET_LIST.map((f) => f.name),
    reformKey,
    length: Uint32Array.from(sets.length),
    hash: Uint32Array.from(sets.hash),
    reforms: Uint32Array.from(sets.reforms),
    nonzero: Uint32Array.from(sets.nonzero),
    start: Uint32Array.from(sets.start),
    ids: Uint32Array.from(sets.ids),
    counts: Uint32Array.from(sets.counts),
  });
  // Only the split formats (3-5) keep a term's records apart from its positions; the indexer writes no older one.
  if (!splitStreams(postings.format) || N < minRecords) return out();
  // Every record's facet values side by side, in reform order (indexer/facet-tally.ts, the layout search/facets.ts
  // counts live with), so a value counts once per reform by remembering the last reform that counted it.
  const rows = facetRows(facets);
  const { base, size } = rows;
  const byReform = reformRows(rows, reformOf);
  const counts = new Uint32Array(size);
  const last = new Int32Array(size);
  let docs = new Int32Array(0);
  for (let k = 0; k < postings.termEntries.length; k++) {
    const E = postings.termEntries[k];
    if (E < minRecords) continue;
    // Only a common term's name is sliced out (splitting every term's name cost more than the few read).
    const name = postings.terms.slice(postings.termOffsets[k], postings.termOffsets[k + 1] - 1);
    if (!COUNTED_TERM.test(name) || (words && !words(name))) continue;
    if (docs.length < E) docs = new Int32Array(E * 2);
    const n = decodeRecords(postings.postings, postings.termBytes[k], E, F, docs);
    if (n < minRecords) continue;
    // The same fingerprint search/facets.ts takes of a result's records (increasing record indexes).
    const set = docs.subarray(0, n);
    const [h0, h1] = fingerprint(set);
    counts.fill(0);
    last.fill(-1);
    const reforms = tallyReforms(ranksOf(set, byReform.rank), byReform, counts, last);
    sets.length.push(n);
    sets.hash.push(h0, h1);
    sets.reforms.push(reforms);
    for (let f = 0; f < cols.length; f++) {
      const c = counts.subarray(base[f], base[f] + cols[f].values.length);
      const nonzero = nonzeroCount(c);
      sets.nonzero.push(nonzero);
      for (const key of topKeys(c, perFacet, nonzero)) {
        const v = ID_SPAN - 1 - (key % ID_SPAN);
        sets.ids.push(v), sets.counts.push(c[v]);
      }
      sets.start.push(sets.ids.length);
    }
  }
  return out();
}
