/**
 * The positional inverted index: for every positional token (analysis/terms.ts: Han bigrams, a run's last
 * character, Latin/number words, punctuation), the record fields it occurs in and its positions there. Built once
 * by the indexer into typed arrays that the snapshot stores as binary sections; loading is taking views, nothing
 * else. Term postings are decoded on demand and kept in a bounded cache.
 *
 * Layout (all in `IndexData`):
 *   terms          the distinct tokens, sorted (UTF-16 order), joined by U+0000; termOffsets[t] … termOffsets[t+1]
 *   postings       per term, byte-aligned Rice codes (indexer/postings-codec.ts): for each slot (record × field,
 *                  increasing) the slot gap and the number of positions, then apart the first position and the
 *                  position gaps (format 5: a common term's slot gaps and counts packed in fixed-width blocks).
 *                  termBytes[t] is where t starts. Formats 3-5 decode a term's slots on first use and its positions
 *                  only when read; formats 2 (codes interleaved) and 1 (LEB128 varints) are still read.
 *   termEntries    slots per term, termPositions positions per term (decoding sizes its arrays exactly)
 *   fieldLengths   normalised length of every field of every record (BM25 length normalisation), avgLengths per field
 *   titleKeys      a 32-bit hash of every record's title key (a title typed in full)
 */
import { Lru } from '../analysis/lru.js';
import { int32Columns } from './slab.js';
import { POSITION_BLOCK, decodeDocs, decodePositions, decodeRecords, decodeTermInterleaved, type RecordRuns } from '../indexer/postings-codec.js';

export type { RecordRuns } from '../indexer/postings-codec.js';
import { INDEX_FORMAT, INDEX_FORMAT_BOUNDED, INDEX_FORMAT_INTERLEAVED, INDEX_FORMAT_SPLIT, INDEX_FORMAT_VARINT, hasBlockBounds, splitStreams, type IndexData } from '../indexer/postings.js';

// The format is the indexer's (indexer/postings.ts builds it); this module reads it.
export { BOUND_BLOCK, INDEX_FORMAT, INDEX_FORMAT_BOUNDED, INDEX_FORMAT_INTERLEAVED, INDEX_FORMAT_SPLIT, INDEX_FORMAT_VARINT, hasBlockBounds, hash32, splitStreams, type IndexData } from '../indexer/postings.js';

/** Decoded postings of one term (or a union of terms): slots increasing; positions of slot i are pos[starts[i]…starts[i+1]). */
export interface Occurrences {
  slots: Int32Array;
  starts: Int32Array;
  pos: Int32Array;
  /** A string found through one stored term (its rarest): that term's block bounds bound the string's scores too. */
  bound?: BoundSource;
  /** The entries' records, where listed while decoding (a stored term; see RecordRuns): scoring reads them. */
  runs?: RecordRuns;
}

/**
 * Block bounds of the term a string's occurrences were found through (search/match.ts intersect): entry e's record is
 * the record[e]-th of that term's records, in its block record[e] / BOUND_BLOCK. The string occurs in a subset of the
 * term's fields and at most as often in each, and BM25's per-field part grows with the count: so the term's bound,
 * scaled by the string's own idf and weight, bounds the string's score.
 */
export interface BoundSource {
  blocks: Float32Array;
  /** How many entries `record` has (one per entry of the occurrences it came with), known before it is read. */
  readonly entries: number;
  readonly record: Int32Array;
}

export const EMPTY: Occurrences = { slots: new Int32Array(0), starts: new Int32Array(1), pos: new Int32Array(0) };

/**
 * One term's postings as read from formats 3-5: slots and starts decoded at once (the document stream), positions only
 * when first read. `pos` decodes them all; `positionsOf` only the block of POSITION_BLOCK entries holding one entry
 * (a proximity bonus reads a page's records, not a common word's hundred thousand).
 */
export class TermOccurrences implements Occurrences {
  /** A term's bounds are its own (`bounds`), never another's. */
  readonly bound?: BoundSource = undefined;
  private positions?: Int32Array;
  /** Blocks of positions decoded (undefined once all are). */
  private blocks?: Uint8Array;

  constructor(
    readonly slots: Int32Array,
    readonly starts: Int32Array,
    private readonly bytes: Uint8Array,
    private readonly paramByte: number,
    private readonly tableByte: number,
    /** The term's block score bounds (formats 4 and 5, a term in more than one block; see indexer/postings.ts). */
    readonly bounds?: Float32Array,
    /** The entries' records, listed in the same decoding pass. */
    readonly runs?: RecordRuns,
  ) {}

  get pos(): Int32Array {
    const E = this.slots.length;
    if (!this.positions) {
      this.positions = new Int32Array(this.starts[E]);
      decodePositions(this.bytes, this.paramByte, this.tableByte, this.starts, this.positions, 0, E);
    } else if (this.blocks) {
      for (let b = 0; b < this.blocks.length; b++) if (!this.blocks[b]) this.decodeBlock(b);
    }
    this.blocks = undefined;
    return this.positions;
  }

  /** How many of the term's positions have been decoded so far (what a query cost in positions). */
  get positionsDecoded(): number {
    if (!this.positions) return 0;
    if (!this.blocks) return this.positions.length;
    let n = 0;
    for (let b = 0; b < this.blocks.length; b++) {
      if (this.blocks[b]) n += this.starts[Math.min(this.slots.length, (b + 1) * POSITION_BLOCK)] - this.starts[b * POSITION_BLOCK];
    }
    return n;
  }

  /** An array holding entry i's positions at starts[i] … starts[i + 1] (other entries' may not be decoded yet). */
  positionsOf(i: number): Int32Array {
    if (this.positions && !this.blocks) return this.positions;
    const E = this.slots.length;
    if (E <= POSITION_BLOCK) return this.pos;
    this.positions ??= new Int32Array(this.starts[E]);
    this.blocks ??= new Uint8Array(Math.ceil(E / POSITION_BLOCK));
    const b = (i / POSITION_BLOCK) | 0;
    if (!this.blocks[b]) this.decodeBlock(b);
    return this.positions;
  }

  private decodeBlock(b: number): void {
    const from = b * POSITION_BLOCK;
    decodePositions(this.bytes, this.paramByte, this.tableByte, this.starts, this.positions!, from, Math.min(this.slots.length, from + POSITION_BLOCK));
    this.blocks![b] = 1;
  }
}

/** The positions array holding entry i of `o` (decoding only its block when `o` is a term read lazily). */
export function positionsOf(o: Occurrences, i: number): Int32Array {
  return o instanceof TermOccurrences ? o.positionsOf(i) : o.pos;
}

/** How many positions `o` holds, without decoding any. */
export function positionCount(o: Occurrences): number {
  return o.starts[o.slots.length];
}

/**
 * The records (increasing, each once) of occurrences in the fields `keep` marks (all when absent): what an exclusion
 * needs, with no scores and no copy of the positions.
 */
export function recordsOf(o: Occurrences, F: number, keep?: Uint8Array): Int32Array {
  const slots = o.slots;
  const out = new Int32Array(slots.length);
  let n = 0;
  let end = 0;
  for (let i = 0; i < slots.length; i++) {
    const slot = slots[i];
    if (slot < end) continue;
    const d = (slot / F) | 0;
    if (keep && !keep[slot - d * F]) continue;
    out[n++] = d;
    end = (d + 1) * F;
  }
  return out.slice(0, n);
}

/** Check the index part of a snapshot body before anything uses it (a damaged index is refused whole). */
export function isIndexData(x: unknown): x is IndexData {
  const d = x as IndexData;
  return !!d && (d.format === INDEX_FORMAT || d.format === INDEX_FORMAT_BOUNDED || d.format === INDEX_FORMAT_SPLIT || d.format === INDEX_FORMAT_INTERLEAVED || d.format === INDEX_FORMAT_VARINT) && typeof d.terms === 'string' && d.termOffsets instanceof Uint32Array && d.termBytes instanceof Uint32Array
    && d.postings instanceof Uint8Array && d.fieldLengths instanceof Uint32Array && d.titleKeys instanceof Uint32Array
    && d.termOffsets.length === d.termBytes.length && d.termEntries.length === d.termOffsets.length - 1 && d.fieldLengths.length === d.records * d.fields.length
    && (!hasBlockBounds(d.format) || hasBounds(d));
}

/** Formats 4 and 5's block bounds are whole: a start per term and one more, as many bounds as the last start says. */
function hasBounds(d: IndexData): boolean {
  const s = d.boundScoring;
  return d.blockBounds instanceof Float32Array && d.boundStart instanceof Uint32Array && d.boundStart.length === d.termEntries.length + 1
    && d.boundStart[d.termEntries.length] === d.blockBounds.length && !!s && typeof s.k1 === 'number' && typeof s.b === 'number' && !!s.fieldWeights && typeof s.fieldWeights === 'object';
}

/** Read access to the index: term look-up by binary search, postings decoded on demand into a bounded cache. */
export class Postings {
  readonly termCount: number;
  readonly fieldCount: number;
  private readonly cache: Lru<string, Occurrences>;

  constructor(readonly data: IndexData, cachePositions: number) {
    this.termCount = data.termEntries.length;
    this.fieldCount = data.fields.length;
    this.cache = new Lru(cachePositions);
  }

  /**
   * How many reads so far answered "absent" only because their data was not at hand yet (a chunked reader's chunk not
   * loaded, web/src/offline/postings-chunks.ts): always 0 here, where every list is whole. A cache that outlives
   * clearCache (the matcher's sentence breaks) keeps what it read only when this did not move meanwhile.
   */
  get provisionalReads(): number {
    return 0;
  }

  termAt(k: number): string {
    return this.data.terms.slice(this.data.termOffsets[k], this.data.termOffsets[k + 1] - 1);
  }

  /** First term index ≥ s (UTF-16 order). */
  private lowerBound(s: string): number {
    let lo = 0;
    let hi = this.termCount;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.compareTerm(mid, s) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * Term k against s in UTF-16 order (as `<` on strings), read in place: a question's look-ups (every token, kind and
   * verbatim string) made a string per probe with termAt, several percent of a first-seen question on the seeds.
   */
  private compareTerm(k: number, s: string): number {
    const { terms, termOffsets } = this.data;
    const from = termOffsets[k];
    const n = termOffsets[k + 1] - 1 - from;
    const m = Math.min(n, s.length);
    for (let i = 0; i < m; i++) {
      const d = terms.charCodeAt(from + i) - s.charCodeAt(i);
      if (d !== 0) return d;
    }
    return n - s.length;
  }

  termId(term: string): number {
    const k = this.lowerBound(term);
    return k < this.termCount && this.compareTerm(k, term) === 0 ? k : -1;
  }

  /** How many positions a term has, from the index's own count (nothing decoded; 0 when unknown). */
  positionsOfTerm(term: string): number {
    const k = this.termId(term);
    return k < 0 ? 0 : this.data.termPositions[k];
  }

  /** Positions a term occurs at (empty when unknown). */
  term(term: string): Occurrences {
    const cached = this.cache.get(term);
    if (cached) return cached;
    const k = this.termId(term);
    const occ = k < 0 ? EMPTY : this.decode(k);
    this.cache.set(term, occ, positionCount(occ) + 3 * occ.slots.length + 8);
    return occ;
  }

  /**
   * Positions a term occurs at, decoded without entering the cache (the cached ones when there): a term read once for
   * a few records (Matcher.scattered's characters, hundreds of terms a query) would otherwise be charged its whole
   * position count and push the query's own words out.
   */
  termOnce(term: string): Occurrences {
    const cached = this.cache.get(term);
    if (cached) return cached;
    const k = this.termId(term);
    return k < 0 ? EMPTY : this.decode(k);
  }

  /** Whether a term's decoded postings are cached (reading them again costs nothing). */
  hasCached(term: string): boolean {
    return this.cache.has(term);
  }

  /**
   * The records a term occurs in (in the fields `keep` marks), increasing: from its decoded postings when cached, else
   * straight from its document stream (an excluded common word lists its records without slots, starts or a cache
   * entry of its postings).
   */
  termRecords(term: string, keep?: Uint8Array): Int32Array {
    const cached = this.cache.get(term);
    if (cached) return recordsOf(cached, this.fieldCount, keep);
    const d = this.data;
    if (!splitStreams(d.format)) return recordsOf(this.term(term), this.fieldCount, keep);
    const k = this.termId(term);
    if (k < 0) return EMPTY.slots;
    const out = new Int32Array(d.termEntries[k]);
    return out.slice(0, decodeRecords(d.postings, d.termBytes[k], out.length, this.fieldCount, out, keep));
  }

  /**
   * The terms starting with `prefix` (what prefix() unites) and how many positions they hold together, read from the
   * term list and the index's counts (nothing decoded); undefined where the terms are not listed here (a chunked
   * reader's), and the caller unites them with prefix().
   */
  prefixTerms(prefix: string): { terms: string[]; positions: number } | undefined {
    const lo = this.lowerBound(prefix);
    const hi = this.lowerBound(prefix + '\uffff');
    const terms: string[] = [];
    let positions = 0;
    for (let k = lo; k < hi; k++) {
      terms.push(this.termAt(k));
      positions += this.data.termPositions[k];
    }
    return { terms, positions };
  }

  /** Union of the positions of every term starting with `prefix` (a single Han character typed at a needle's end). */
  prefix(prefix: string): Occurrences {
    const key = `\u0001${prefix}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    const lo = this.lowerBound(prefix);
    const hi = this.lowerBound(prefix + '\uffff');
    const occ = hi - lo === 1 ? this.decode(lo) : this.union(Array.from({ length: hi - lo }, (_, i) => this.decode(lo + i)));
    this.cache.set(key, occ, positionCount(occ) + occ.slots.length + 8);
    return occ;
  }

  /**
   * Union of several terms' positions (sentence breaks; a prefix), merged by (slot, position), a position held by
   * several terms once. Merged two lists at a time, smallest first: both are in order already, so no sort (the
   * corpus's sentence breaks, millions of positions at 100k records, took ~0.4 s to sort as keys).
   */
  union(parts: Occurrences[]): Occurrences {
    const live = parts.filter((p) => p.slots.length > 0);
    if (live.length === 0) return EMPTY;
    while (live.length > 1) {
      live.sort((x, y) => positionCount(x) - positionCount(y));
      const merged = mergeOccurrences(live[0], live[1]);
      live.splice(0, 2, merged);
    }
    return live[0];
  }

  private decode(k: number): Occurrences {
    const format = this.data.format;
    return splitStreams(format) ? this.decodeSplit(k) : format === INDEX_FORMAT_INTERLEAVED ? this.decodeInterleaved(k) : this.decodeVarint(k);
  }

  /** Formats 3-5: the document stream now (Rice codes or packed, postings-codec.ts), positions when read (TermOccurrences); the block bounds of formats 4 and 5. */
  private decodeSplit(k: number): Occurrences {
    const d = this.data;
    const E = d.termEntries[k];
    // The four lists of the document stream are the term's and die together: one buffer (search/slab.ts).
    const [slots, starts, docs, first] = int32Columns(E, E + 1, E, E + 1);
    const runs: RecordRuns = { F: this.fieldCount, docs, first, n: 0 };
    const table = decodeDocs(d.postings, d.termBytes[k], slots, starts, runs);
    if (starts[E] !== d.termPositions[k]) throw new Error(`index: term ${k} decodes to ${starts[E]} positions, not ${d.termPositions[k]}`);
    const from = d.boundStart?.[k] ?? 0;
    const to = d.boundStart?.[k + 1] ?? 0;
    return new TermOccurrences(slots, starts, d.postings, d.termBytes[k], table, to > from ? d.blockBounds!.subarray(from, to) : undefined, runs);
  }

  private decodeInterleaved(k: number): Occurrences {
    const d = this.data;
    const E = d.termEntries[k];
    const slots = new Int32Array(E);
    const starts = new Int32Array(E + 1);
    const pos = new Int32Array(d.termPositions[k]);
    const m = decodeTermInterleaved(d.postings, d.termBytes[k], slots, starts, pos);
    if (m !== pos.length) throw new Error(`index: term ${k} decodes to ${m} positions, not ${pos.length}`);
    return { slots, starts, pos };
  }

  private decodeVarint(k: number): Occurrences {
    const d = this.data;
    const bytes = d.postings;
    const E = d.termEntries[k];
    const slots = new Int32Array(E);
    const starts = new Int32Array(E + 1);
    const pos = new Int32Array(d.termPositions[k]);
    let at = d.termBytes[k];
    let slot = 0;
    let m = 0;
    // LEB128 varints, inlined: this loop runs once per stored position (values stay below 2^31).
    for (let e = 0; e < E; e++) {
      let v = 0;
      let shift = 0;
      let b: number;
      do {
        b = bytes[at++];
        v |= (b & 0x7f) << shift;
        shift += 7;
      } while (b & 0x80);
      slot += v;
      slots[e] = slot;
      starts[e] = m;
      let count = 0;
      shift = 0;
      do {
        b = bytes[at++];
        count |= (b & 0x7f) << shift;
        shift += 7;
      } while (b & 0x80);
      let p = 0;
      for (let c = 0; c < count; c++) {
        let dv = 0;
        shift = 0;
        do {
          b = bytes[at++];
          dv |= (b & 0x7f) << shift;
          shift += 7;
        } while (b & 0x80);
        p += dv;
        pos[m++] = p;
      }
    }
    starts[E] = m;
    return { slots, starts, pos };
  }

  clearCache(): void {
    this.cache.clear();
  }
}

/** Two occurrence lists merged in (slot, position) order; a position in both is kept once. */
function mergeOccurrences(a: Occurrences, b: Occurrences): Occurrences {
  const slots = new Int32Array(a.slots.length + b.slots.length);
  const starts = new Int32Array(slots.length + 1);
  // Positions read once each (a lazily decoded term decodes them here, not per access).
  const aPos = a.pos;
  const bPos = b.pos;
  const pos = new Int32Array(aPos.length + bPos.length);
  let i = 0;
  let j = 0;
  let n = 0;
  let m = 0;
  while (i < a.slots.length || j < b.slots.length) {
    const sa = i < a.slots.length ? a.slots[i] : 0x7fffffff;
    const sb = j < b.slots.length ? b.slots[j] : 0x7fffffff;
    slots[n] = sa < sb ? sa : sb;
    starts[n++] = m;
    if (sa !== sb) {
      const o = sa < sb ? a : b;
      const oPos = sa < sb ? aPos : bPos;
      const k = sa < sb ? i++ : j++;
      for (let x = o.starts[k]; x < o.starts[k + 1]; x++) pos[m++] = oPos[x];
      continue;
    }
    let x = a.starts[i];
    const xe = a.starts[i + 1];
    let y = b.starts[j];
    const ye = b.starts[j + 1];
    while (x < xe || y < ye) {
      const pa = x < xe ? aPos[x] : 0x7fffffff;
      const pb = y < ye ? bPos[y] : 0x7fffffff;
      if (pa <= pb) {
        pos[m++] = pa;
        x++;
        if (pa === pb) y++;
      } else {
        pos[m++] = pb;
        y++;
      }
    }
    i++;
    j++;
  }
  starts[n] = m;
  return { slots: slots.slice(0, n), starts: starts.slice(0, n + 1), pos: pos.slice(0, m) };
}
