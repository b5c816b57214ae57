/**
 * The similar lists' third view of a pair (`bigramViewWeight` in indexer/similar.ts): the tf-idf cosine of the two
 * reforms' Han character bigrams over their whole text (title, content, applicable-to, process, outcome of the
 * printing shown for the reform). It needs no segmentation, so it meets what the word views split apart or cut as
 * background: 前置检测 and 检测前置, a long word the vocabulary lacks, a compound read as one word in one text and as two
 * in the other. Inside the idea vector such bigrams drowned its forty terms (dev 0.838 → 0.814 at weight 0.1, session
 * 12); as a view of its own, normalised by its best candidate and fused with the others, it reorders the pool.
 */
import type { ReformRecord } from './schema.js';
import { Grow } from './grow.js';
import { BigramTable } from './postings.js';
import { hanBigramKey } from '../analysis/terms.js';

/** One unit-length vector per reform (CSR: ids increase within a row), over compact bigram ids [0, size). */
export interface BigramView {
  start: Int32Array;
  /** Two bytes an id while the kept bigrams number at most 65,536 (33,482 at 100,000 generated records), else four. */
  ids: Uint16Array | Int32Array;
  w: Float32Array;
  /** Distinct bigrams kept (the dense spread array's length). */
  size: number;
}

export interface BigramViewOptions {
  /** Rows in SharedArrayBuffers, for the list stage's ranking worker (default false). */
  shared?: boolean;
}

/**
 * The view of reforms whose shown printings are `shown` (record indices). Weights log1p(count) · ln(R / df), df over
 * reforms; a bigram no other reform prints is left out of the stored row (it can add nothing to any dot product) but
 * counted in the row's length, so the cosine is the full one.
 */
export function bigramView(records: readonly ReformRecord[], shown: Int32Array, options: BigramViewOptions = {}): BigramView {
  const R = shown.length;
  // Bigram code (hanBigramKey) → compact id in order of first sight, in the index's open-addressed table of typed
  // arrays (a Map's look-up was a third of this pass at 100,000 records); each id's code, df and each reform's
  // (id, count) pairs in flat arrays.
  const table = new BigramTable();
  const codeOf = new Grow(new Int32Array(1024));
  const df = new Grow(new Int32Array(1024));
  const rowStart = new Int32Array(R + 1);
  const rowIds = new Grow(new Int32Array(1024));
  const rowCount = new Grow(new Int32Array(1024));
  let codes = new Int32Array(1024);
  for (let r = 0; r < R; r++) {
    const rec = records[shown[r]];
    let n = 0;
    for (let fi = 0; fi < 5; fi++) {
      const t = fi === 0 ? rec.title : fi === 1 ? rec.content : fi === 2 ? rec.applicableTo : fi === 3 ? rec.process : rec.outcome;
      if (!t) continue;
      if (codes.length < n + t.length) {
        const next = new Int32Array(2 * (n + t.length));
        next.set(codes.subarray(0, n));
        codes = next;
      }
      for (let x = 0, prev = -1; x < t.length; x++) {
        const c = t.charCodeAt(x);
        const han = c >= 0x4e00 && c <= 0x9fff ? c : -1;
        if (prev >= 0 && han >= 0) codes[n++] = hanBigramKey(prev, han);
        prev = han;
      }
    }
    // Sorted as numbers, equal codes are neighbours: one count per distinct bigram, no per-reform map.
    const sorted = codes.subarray(0, n).sort();
    for (let x = 0; x < n;) {
      const code = sorted[x];
      let y = x + 1;
      while (y < n && sorted[y] === code) y++;
      const id = table.idOf(code, df.length);
      if (id === df.length) {
        df.push(0);
        codeOf.push(code);
      }
      df.data[id]++;
      rowIds.push(id);
      rowCount.push(y - x);
      x = y;
    }
    rowStart[r + 1] = rowIds.length;
  }
  // Kept: bigrams at least two reforms print, renumbered in the order of their codes, so that a row, read in code order
  // (its codes were sorted), is in increasing id order as it is written: no sort per row.
  const keptCodes = new Grow(new Int32Array(1024));
  for (let id = 0; id < df.length; id++) if (df.data[id] >= 2) keptCodes.push(codeOf.data[id]);
  const codesInOrder = keptCodes.done().sort();
  const keptId = new Int32Array(df.length).fill(-1);
  for (let x = 0; x < codesInOrder.length; x++) keptId[table.idOf(codesInOrder[x], df.length)] = x;
  const size = codesInOrder.length;
  // Each bigram's idf, once per bigram rather than once per entry (the same double: the same Math.log of the same
  // quotient).
  const idf = new Float64Array(df.length);
  for (let id = 0; id < df.length; id++) idf[id] = Math.log(R / df.data[id]);
  // A row keeps a bigram another reform prints with a positive weight (df < R): counted first, so the rows are written
  // once into arrays of their final length, shared when asked (no copy of them beside the original in the list stage).
  let kept = 0;
  for (let x = 0; x < rowStart[R]; x++) {
    const id = rowIds.data[x];
    if (keptId[id] >= 0 && df.data[id] < R) kept++;
  }
  const buffer = (bytes: number) => (options.shared ? new SharedArrayBuffer(Math.max(1, bytes)) : new ArrayBuffer(bytes));
  const start = new Int32Array(buffer(4 * (R + 1)), 0, R + 1);
  const ids = size <= 0x10000 ? new Uint16Array(buffer(2 * kept), 0, kept) : new Int32Array(buffer(4 * kept), 0, kept);
  const w = new Float32Array(buffer(4 * kept), 0, kept);
  // log1p of the small counts most entries have, looked up (the same doubles Math.log1p gives).
  const log1p = new Float64Array(64);
  for (let c = 0; c < log1p.length; c++) log1p[c] = Math.log1p(c);
  let at = 0;
  for (let r = 0; r < R; r++) {
    let norm2 = 0;
    const from = at;
    for (let x = rowStart[r]; x < rowStart[r + 1]; x++) {
      const id = rowIds.data[x];
      const count = rowCount.data[x];
      const v = (count < 64 ? log1p[count] : Math.log1p(count)) * idf[id];
      norm2 += v * v;
      if (keptId[id] >= 0 && v > 0) {
        ids[at] = keptId[id];
        w[at++] = v;
      }
    }
    const by = Math.sqrt(norm2) || 1;
    for (let x = from; x < at; x++) w[x] /= by;
    start[r + 1] = at;
  }
  if (at !== kept) throw new Error(`bigram view: ${at} entries written, ${kept} counted`);
  return { start, ids, w, size };
}
