/**
 * Intersecting increasing slot lists (F slots a record): the one walk the build's stored expansions
 * (indexer/loose-postings.ts) and the engine's loose matching (search/loose-match.ts) both use, so the records the
 * build stores are the records the engine would find, by construction. Here, not in search/, because the indexer may
 * not import a later stage.
 */

/** First index in a[from…) with a[i] ≥ v (galloping, then binary search: cheap when a is much longer than what it is intersected with). */
export function gallop(a: Int32Array, v: number, from: number): number {
  let step = 1;
  let hi = from;
  while (hi < a.length && a[hi] < v) {
    from = hi + 1;
    hi += step;
    step *= 2;
  }
  hi = Math.min(hi, a.length);
  while (from < hi) {
    const mid = (from + hi) >>> 1;
    if (a[mid] < v) from = mid + 1;
    else hi = mid;
  }
  return from;
}

/**
 * The records (increasing, each once) with a field (slot) that every list holds: the shortest list walked, the others
 * galloped from where the last slot was found. Undefined as soon as there are more than `limit` (the build then does
 * not store the expansion, so the rest is not looked for); no limit by default.
 */
export function recordsOfSharedSlots(lists: readonly Int32Array[], F: number): Int32Array;
export function recordsOfSharedSlots(lists: readonly Int32Array[], F: number, limit: number): Int32Array | undefined;
export function recordsOfSharedSlots(lists: readonly Int32Array[], F: number, limit = Infinity): Int32Array | undefined {
  const sorted = [...lists].sort((a, b) => a.length - b.length);
  const driver = sorted[0];
  const cursor = new Int32Array(sorted.length);
  const out = new Int32Array(driver.length);
  let n = 0;
  let last = -1;
  next: for (let i = 0; i < driver.length; i++) {
    const slot = driver[i];
    const d = (slot / F) | 0;
    // A record already kept through an earlier field needs no other.
    if (d === last) continue;
    for (let k = 1; k < sorted.length; k++) {
      const list = sorted[k];
      const j = (cursor[k] = gallop(list, slot, cursor[k]));
      if (j >= list.length) break next;
      if (list[j] !== slot) continue next;
    }
    if (n + 1 > limit) return undefined;
    out[n++] = last = d;
  }
  return out.slice(0, n);
}
