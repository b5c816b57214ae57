/** One reform, several printings: the copies a search collapses and a similar list never counts twice. */

// Grouped by the indexer's function: the stored facet counts are made at build under the same grouping.
export { reformGroups as reforms } from '../indexer/facet-counts.js';

/** Reform → its records (only reforms with more than one printing are listed). */
export function reformMembers(reformOf: Int32Array): Map<number, number[]> {
  // Counted first, so only reforms printed more than once get a list (no array per record at load).
  const count = new Int32Array(reformOf.length);
  for (let i = 0; i < reformOf.length; i++) count[reformOf[i]]++;
  const out = new Map<number, number[]>();
  for (let i = 0; i < reformOf.length; i++) {
    const r = reformOf[i];
    if (count[r] < 2) continue;
    const g = out.get(r);
    if (g) g.push(i);
    else out.set(r, [i]);
  }
  return out;
}
