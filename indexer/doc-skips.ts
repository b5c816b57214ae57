/**
 * Block starts of common terms' document streams: for a term in many record fields (企业 in 184k of 1M at 100k
 * records), where each block of POSITION_BLOCK entries starts, so a reader decodes only the blocks holding the
 * records it asks about. A question's common words (企业 of 企业如何申请知识产权质押融资) are asked about only at
 * the records holding its rarer words (56 of 100k): without these starts the whole stream was decoded (and the word
 * scored for every record) to answer for those few. Each term also keeps its record count, so its idf is known
 * without decoding it. The blocks are those of the position stream's block table (indexer/postings-codec.ts), so a
 * block's positions are found there.
 *
 * Layout (`DocSkips`, body.index.skips, optional): `terms` the index term ids that have starts, increasing; `records`
 * each one's distinct records; `tableBytes` where its document stream ends, from its first byte; its blocks are
 * `first[i]` … `first[i + 1] − 1` of `bits` (a block's first code, in bits from the term's first byte),
 * `slotBefore` (the slot before the block, −1 for the first) and `positionsBefore`. 12 bytes per block of 64
 * entries: about 0.19 bytes per entry of the terms kept, against about a byte per entry of their document streams.
 */
import { POSITION_BLOCK, docBlockStarts } from './postings-codec.js';
import { splitStreams, type IndexData } from './postings.js';

export const DOC_SKIPS_FORMAT = 'doc-skips-1';

export interface DocSkips {
  $skips: typeof DOC_SKIPS_FORMAT;
  /** Entries per block (the index's POSITION_BLOCK when built). */
  block: number;
  /** Index term ids with block starts, increasing. */
  terms: Uint32Array;
  /** Per term: the records it occurs in (each once). */
  records: Uint32Array;
  /** Per term: where its document stream ends (its position block table begins), in bytes from its first byte. */
  tableBytes: Uint32Array;
  /** Per term and one more: its first block in the block arrays. */
  first: Uint32Array;
  /** Per block: where its first entry's code starts, in bits from the term's first byte. */
  bits: Uint32Array;
  /** Per block: the slot of the entry before it (−1 for a term's first block). */
  slotBefore: Int32Array;
  /** Per block: the positions of the term's entries before it. */
  positionsBefore: Int32Array;
}

/** Options of the block starts, with their defaults. */
export interface DocSkipsOptions {
  /**
   * A term gets block starts when it has at least 1 entry (record × field) in `share` records (default 16: at 100k
   * records, terms of 6,250 entries and more, whose streams take about 0.1 ms and more to decode).
   */
  share: number;
  /** And at least this many entries (default 4096): the seeds and other small corpora store none. */
  minEntries: number;
}

export const DEFAULT_DOC_SKIPS: DocSkipsOptions = { share: 16, minEntries: 4096 };

/** The block starts of the index's common terms, or undefined when no term has enough entries (the section is left out). */
export function buildDocSkips(postings: IndexData, options: Partial<DocSkipsOptions> = {}): DocSkips | undefined {
  const { share, minEntries } = { ...DEFAULT_DOC_SKIPS, ...options };
  if (!(share >= 1) || !(minEntries >= 1)) throw new RangeError(`block starts: share and minEntries must be ≥ 1, not ${share} and ${minEntries}`);
  // Only the split formats (3-5) keep the document stream apart from the positions.
  if (!splitStreams(postings.format)) return undefined;
  const need = Math.max(minEntries, Math.ceil(postings.records / share));
  const F = postings.fields.length;
  const terms: number[] = [];
  const first: number[] = [0];
  let blocks = 0;
  for (let k = 0; k < postings.termEntries.length; k++) {
    const E = postings.termEntries[k];
    if (E < need) continue;
    terms.push(k);
    blocks += Math.ceil(E / POSITION_BLOCK);
    first.push(blocks);
  }
  if (terms.length === 0) return undefined;
  const bits = new Uint32Array(blocks);
  const slotBefore = new Int32Array(blocks);
  const positionsBefore = new Int32Array(blocks);
  const records = new Uint32Array(terms.length);
  const tableBytes = new Uint32Array(terms.length);
  terms.forEach((k, i) => {
    const start = postings.termBytes[k];
    const walked = docBlockStarts(postings.postings, start, postings.termEntries[k], F, bits, slotBefore, positionsBefore, first[i]);
    records[i] = walked.records;
    tableBytes[i] = walked.tableByte - start;
  });
  return { $skips: DOC_SKIPS_FORMAT, block: POSITION_BLOCK, terms: Uint32Array.from(terms), records, tableBytes, first: Uint32Array.from(first), bits, slotBefore, positionsBefore };
}

/** Whether a snapshot's block starts are whole and fit its index (damaged starts refuse the snapshot, never half-read). */
export function isDocSkips(x: unknown, index: IndexData): x is DocSkips {
  const s = x as DocSkips;
  if (!s || s.$skips !== DOC_SKIPS_FORMAT || s.block !== POSITION_BLOCK) return false;
  if (!splitStreams(index.format)) return false;
  const arrays = [s.terms, s.records, s.tableBytes, s.first, s.bits];
  if (!arrays.every((a) => a instanceof Uint32Array) || !(s.slotBefore instanceof Int32Array) || !(s.positionsBefore instanceof Int32Array)) return false;
  const T = s.terms.length;
  if (s.records.length !== T || s.tableBytes.length !== T || s.first.length !== T + 1 || s.first[0] !== 0) return false;
  const B = s.first[T];
  if (s.bits.length !== B || s.slotBefore.length !== B || s.positionsBefore.length !== B) return false;
  for (let i = 0; i < T; i++) {
    const k = s.terms[i];
    if (k >= index.termEntries.length || (i > 0 && k <= s.terms[i - 1])) return false;
    const E = index.termEntries[k];
    if (s.first[i + 1] - s.first[i] !== Math.ceil(E / POSITION_BLOCK) || s.records[i] > E || s.records[i] > index.records) return false;
    if (index.termBytes[k] + s.tableBytes[i] > index.postings.length) return false;
  }
  return true;
}
