/** One reform, several printings: the copies a search collapses and a similar list never counts twice. */

import { reformGroups } from '../indexer/reform-groups.js';
import type { ReformRecord } from '../indexer/schema.js';
import { recordStoreOf } from '../snapshot/records.js';

/**
 * Every record's reform: from a loaded snapshot's link columns (snapshot/records.ts reformOf: no record decoded), or
 * from the records' links by the indexer's reformGroups, the grouping the build made the stored facet counts under
 * (used only when the grouping's fingerprint is the build's: search/facets.ts).
 */
export function reformsOf(records: ReformRecord[]): Int32Array {
  const store = recordStoreOf(records);
  return store ? store.reformOf() : reformGroups(records);
}

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
