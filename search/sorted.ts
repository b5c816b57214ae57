/** Questions asked of increasing lists of record indexes (a result's docs, a reform's members, filter lists). */
import { gallop } from './match.js';

/** Where the increasing list `sorted` holds `v`, searching from `from` on, or -1 when it does not. */
export function indexIn(sorted: Int32Array, v: number, from = 0): number {
  const a = gallop(sorted, v, from);
  return a < sorted.length && sorted[a] === v ? a : -1;
}

/**
 * Whether increasing, distinct record indexes are every record 0 … N − 1: then the length and the ends decide, with
 * no pass over them (the empty query's set; filters and counts answer it from the snapshot's lists and totals).
 */
export function isEveryRecord(docs: ArrayLike<number>, N: number): boolean {
  return docs.length === N && (N === 0 || (docs[0] === 0 && docs[N - 1] === N - 1));
}
