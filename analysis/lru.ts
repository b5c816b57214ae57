/**
 * A bounded cache: least recently used entries leave first once the total cost passes the limit.
 *
 * Written for the garbage collector as much as for lookups: an entry that leaves (evicted or cleared) lets go of its
 * value. A long-lived cache's map and entries sit in V8's old generation; an old object that still points at a young
 * value keeps that value alive through every minor GC until the next full one, even when the old object itself is
 * garbage (a cleared map's old table is). Each search's answer then survived and was promoted: 1.1 MB per scavenge on
 * the seeds' first-seen loop, 0.1 MB with this.
 */
export class Lru<K, V> {
  private readonly map = new Map<K, Entry<V>>();
  private total = 0;

  /** @param limit total cost held (entries count 1 each unless a cost is given). */
  constructor(private readonly limit: number) {}

  get(key: K): V | undefined {
    const e = this.map.get(key);
    if (!e) return undefined;
    // Re-insert: Map keeps insertion order, so the first key is always the least recently used.
    this.map.delete(key);
    this.map.set(key, e);
    return e.value;
  }

  set(key: K, value: V, cost = 1): void {
    const old = this.map.get(key);
    if (old) {
      this.total -= old.cost;
      this.map.delete(key);
    }
    // A class, not an object literal: V8 pretenures a literal's allocation site once its objects survive a few minor
    // GCs, and old-generation entries pointing at each query's young answer are what kept those answers alive.
    this.map.set(key, new Entry(value, cost));
    this.total += cost;
    while (this.total > this.limit && this.map.size > 1) {
      const first = this.map.keys().next().value as K;
      const e = this.map.get(first)!;
      this.total -= e.cost;
      this.map.delete(first);
      e.value = undefined as V;
    }
  }

  has(key: K): boolean {
    return this.map.has(key);
  }

  clear(): void {
    for (const e of this.map.values()) e.value = undefined as V;
    this.map.clear();
    this.total = 0;
  }

  get size(): number {
    return this.map.size;
  }
}

/** One cached value and its cost (`value` is dropped when the entry leaves, see the class comment above). */
class Entry<V> {
  constructor(public value: V, readonly cost: number) {}
}
