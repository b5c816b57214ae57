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

/**
 * Distinct reforms counted until `size` of them make a page: the one count behind "does this fill a page" (the
 * engine's fillsPage) and "bring records in until a page is full" (partial-fill.ts partsFill). A page is a few reforms, so they are
 * kept in a small array and compared one by one (no Set per count).
 */
export class ReformPage {
  private readonly seen: Int32Array;
  private n = 0;

  constructor(
    private readonly reformOf: Int32Array,
    private readonly size: number,
  ) {
    this.seen = new Int32Array(size);
  }

  /** Counts record d's reform (nothing once full); whether the page is full now. */
  add(d: number): boolean {
    if (this.n >= this.size) return true;
    const r = this.reformOf[d];
    for (let k = 0; k < this.n; k++) if (this.seen[k] === r) return false;
    this.seen[this.n++] = r;
    return this.n >= this.size;
  }

  get full(): boolean {
    return this.n >= this.size;
  }
}
