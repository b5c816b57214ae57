/**
 * Record lists a query's matching walks: touched records put in increasing order, and lists read at given records by
 * galloping. Shared by loose expansions (loose-match.ts), a compound's parts (partial-fill.ts partsFill) and combine.
 */
import { gallop } from './match.js';
import type { DocScores } from './score.js';

/**
 * The records in `touched` (each once, each marked non-zero in `marks`) in increasing order: a scan of the marks
 * when they are many, a numeric sort when few (a corpus-sized pass per first-seen query is what this spares).
 */
export function increasing(touched: number[], marks: Uint8Array | Uint32Array, N: number): Int32Array {
  if (touched.length * 8 <= N) return Int32Array.from(touched).sort();
  const out = new Int32Array(touched.length);
  let k = 0;
  // A touched record is one whose scratch mark is set: read straight from the array (no call per record).
  for (let d = 0; d < N && k < out.length; d++) if (marks[d] !== 0) out[k++] = d;
  return out;
}

/**
 * For records (increasing), each list holding each, in list order: one galloping walk per list, so work is per
 * record asked about, not per record of the lists (a sum made this way adds in the same order as a pass per list).
 */
export function gather(docs: Int32Array, lists: DocScores[], found: (k: number, j: number, i: number) => void): void {
  for (let k = 0; k < lists.length; k++) {
    const l = lists[k];
    for (let i = 0, j = 0; i < docs.length && j < l.docs.length; i++) {
      j = gallop(l.docs, docs[i], j);
      if (l.docs[j] === docs[i]) found(k, j, i);
    }
  }
}
