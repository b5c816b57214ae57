/**
 * Record maps of common words: for a vocabulary word held by at least one record in `share` (and at least
 * `minRecords` records), one bit per record, set when the record prints the word in one of its own fields (every
 * field but the units of its copies: what an exclusion looks at, indexer/fields.ts OWN_FIELDS). An exclusion of a
 * common word (融资 -银行: 银行 in ~50,000 of 100,000 records) then reads the word's map instead of decoding its whole
 * document stream (the postings have no skips; ~1.2 ms at 100k on the recorded machine), and tests a record with a
 * bit read.
 *
 * Layout (`RecordBits`, body.index.bits, optional): `terms` the index term ids that have a map, increasing; map i is
 * `maps[i × W] … maps[(i + 1) × W − 1]`, W = ⌈records / 32⌉, record d at bit d & 31 of word d >>> 5. A map costs
 * records / 8 bytes; a term given one has at least records / share records, and its document stream takes about a
 * byte per record (Rice-coded slot gaps), so at the default share a map costs less than the stream it stands in for.
 * Measured at 100k records of the generated corpus: the 165 words' maps 2.06 MB against 5.41 MB of their document
 * streams (7.6-26.7 bits per record, median 8.9); a map at most 0.88× its word's stream (a word just over 1 in 8),
 * median 0.51×. At 10k the 4,096-record floor leaves 16 words, each map at most 0.30× its stream.
 */
import { decodeRecords } from './postings-codec.js';
import { splitStreams, type IndexData } from './postings.js';
import { OWN_FIELDS } from './fields.js';
import { COUNTED_TERM } from './facet-counts.js';

export const RECORD_BITS_FORMAT = 'record-bits-1';

export interface RecordBits {
  $bits: typeof RECORD_BITS_FORMAT;
  /** The records the maps are over (the index's). */
  records: number;
  /** The fields a record holds a word in for its bit (names, in the index's field order). */
  fields: string[];
  /** Index term ids with a map, increasing. */
  terms: Uint32Array;
  /** The maps, ⌈records / 32⌉ words each, in the order of `terms`. */
  maps: Uint32Array;
}

/** Options of the record maps, with their defaults. */
export interface RecordBitsOptions {
  /**
   * A word gets a map when at least 1 record in `share` holds it (default 8: at 100k records of the generated corpus,
   * 165 words, 2.06 MB; 1/4 would store 60 words, 0.75 MB, and 1/16 402 words, 5.0 MB, for words of 6,250-12,500
   * records whose lists decode in about 0.1-0.2 ms).
   */
  share: number;
  /**
   * And at least this many records (default 4096): a list shorter than that decodes in tens of microseconds, so
   * the seeds (300 records) and other small corpora store no map and their snapshots do not grow.
   */
  minRecords: number;
  /** Which terms are words users type (the build passes the corpus vocabulary). Default: every term. */
  words?: (term: string) => boolean;
}

export const DEFAULT_RECORD_BITS: RecordBitsOptions = { share: 8, minRecords: 4096 };

/** Words per map over `records` records. */
export function mapWords(records: number): number {
  return (records + 31) >>> 5;
}

/** The maps of the index's common words, or undefined when no term reaches the threshold (the section is left out). */
export function buildRecordBits(postings: IndexData, options: Partial<RecordBitsOptions> = {}): RecordBits | undefined {
  const { share, minRecords, words } = { ...DEFAULT_RECORD_BITS, ...options };
  if (!(share >= 1) || !(minRecords >= 1)) throw new RangeError(`record maps: share and minRecords must be ≥ 1, not ${share} and ${minRecords}`);
  // Only the split formats (3-5) list a term's records apart from its positions; the indexer writes no older one.
  if (!splitStreams(postings.format)) return undefined;
  const N = postings.records;
  const F = postings.fields.length;
  const need = Math.max(minRecords, Math.ceil(N / share));
  const W = mapWords(N);
  const fields = postings.fields.filter((f) => (OWN_FIELDS as readonly string[]).includes(f));
  const keep = Uint8Array.from(postings.fields, (f) => (fields.includes(f) ? 1 : 0));
  const terms: number[] = [];
  const maps: Uint32Array[] = [];
  let docs = new Int32Array(0);
  for (let k = 0; k < postings.termEntries.length; k++) {
    // A term's entries (record × field) bound its records from above: most terms are skipped unread, their names
    // never sliced out of the term list.
    const E = postings.termEntries[k];
    if (E < need) continue;
    const name = postings.terms.slice(postings.termOffsets[k], postings.termOffsets[k + 1] - 1);
    // Words users exclude: two or more letters or digits (a lone character or punctuation is never a word alone).
    if (!COUNTED_TERM.test(name) || (words && !words(name))) continue;
    if (docs.length < E) docs = new Int32Array(E);
    const n = decodeRecords(postings.postings, postings.termBytes[k], E, F, docs, keep);
    if (n < need) continue;
    const map = new Uint32Array(W);
    for (let i = 0; i < n; i++) map[docs[i] >>> 5] |= 1 << (docs[i] & 31);
    terms.push(k);
    maps.push(map);
  }
  if (terms.length === 0) return undefined;
  const all = new Uint32Array(terms.length * W);
  maps.forEach((m, i) => all.set(m, i * W));
  return { $bits: RECORD_BITS_FORMAT, records: N, fields, terms: Uint32Array.from(terms), maps: all };
}

/** Whether a snapshot's record maps are whole and fit its index (damaged maps refuse the snapshot, never half-read). */
export function isRecordBits(x: unknown, index: IndexData): x is RecordBits {
  const b = x as RecordBits;
  if (!b || b.$bits !== RECORD_BITS_FORMAT || b.records !== index.records) return false;
  if (!Array.isArray(b.fields) || b.fields.some((f) => !index.fields.includes(f))) return false;
  if (!(b.terms instanceof Uint32Array) || !(b.maps instanceof Uint32Array)) return false;
  if (b.maps.length !== b.terms.length * mapWords(b.records)) return false;
  const T = index.termEntries.length;
  for (let i = 0; i < b.terms.length; i++) if (b.terms[i] >= T || (i > 0 && b.terms[i] <= b.terms[i - 1])) return false;
  // Bits past the last record would be records that do not exist.
  const tail = b.records & 31;
  if (tail) {
    const W = mapWords(b.records);
    const spare = ~((1 << tail) - 1);
    for (let i = 0; i < b.terms.length; i++) if (b.maps[(i + 1) * W - 1] & spare) return false;
  }
  return true;
}

/** Set bits in a 32-bit word (search/record-bits.ts counts maps with it; copy linking compares title signatures). */
export function bitCount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}
