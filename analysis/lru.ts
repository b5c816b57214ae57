/**
 * A bounded cache: least recently used entries leave first once the total cost passes the limit.
 *
 * Entries form a list from least to most recently used, so a look-up moves one entry and an eviction takes the head:
 * both O(1). (Re-inserting into a Map on every look-up and evicting its first key scanned the deleted slots the
 * re-inserts left at the front of the Map's table: 43 µs per eviction at 20,000 entries.)
 *
 * Written for the garbage collector as much as for lookups: an entry that leaves (evicted or cleared) lets go of its
 * value and its neighbours. A long-lived cache's map and entries sit in V8's old generation; an old object that still
 * points at a young value keeps that value alive through every minor GC until the next full one, even when the old
 * object itself is garbage (a cleared map's old table is). Each search's answer then survived and was promoted: 1.1 MB
 * per scavenge on the seeds' first-seen loop, 0.1 MB with this.
 */
export class Lru<K, V> {
  private map = new Map<K, Entry<K, V>>();
  /** Least recently used entry (the next to leave)… */
  private head?: Entry<K, V>;
  /** …and most recently used. */
  private tail?: Entry<K, V>;
  private total = 0;

  /** @param limit total cost held (entries count 1 each unless a cost is given). */
  constructor(private readonly limit: number) {}

  get(key: K): V | undefined {
    const e = this.map.get(key);
    if (!e) return undefined;
    if (e !== this.tail) {
      this.unlink(e);
      this.append(e);
    }
    return e.value;
  }

  set(key: K, value: V, cost = 1): void {
    const old = this.map.get(key);
    if (old) {
      this.total -= old.cost;
      this.map.delete(key);
      this.unlink(old);
      old.value = undefined as V;
    }
    // A class, not an object literal: V8 pretenures a literal's allocation site once its objects survive a few minor
    // GCs, and old-generation entries pointing at each query's young answer are what kept those answers alive.
    const e = new Entry(key, value, cost);
    this.map.set(key, e);
    this.append(e);
    this.total += cost;
    while (this.total > this.limit && this.map.size > 1) {
      const first = this.head!;
      this.total -= first.cost;
      this.map.delete(first.key);
      this.unlink(first);
      first.value = undefined as V;
    }
  }

  has(key: K): boolean {
    return this.map.has(key);
  }

  /**
   * Forget every entry. The map is replaced, not cleared in place: Map.clear() gives the map a new table in the old
   * map's generation, so a long-lived cache's table stays in the old generation, and the young keys and entries put
   * into it are kept alive by it through every scavenge, cleared or not, until the next full collection: on the seeds'
   * first-seen loop (clearCache before every query) they were a third of what each scavenge copied and promoted. A
   * new map is young and dies with the query's garbage.
   */
  clear(): void {
    for (let e = this.head; e; ) {
      const next = e.next;
      e.value = undefined as V;
      e.prev = e.next = undefined;
      e = next;
    }
    this.head = this.tail = undefined;
    this.map = new Map();
    this.total = 0;
  }

  get size(): number {
    return this.map.size;
  }

  /** Take an entry out of the list; it keeps no pointer to its former neighbours. */
  private unlink(e: Entry<K, V>): void {
    if (e.prev) e.prev.next = e.next;
    else this.head = e.next;
    if (e.next) e.next.prev = e.prev;
    else this.tail = e.prev;
    e.prev = e.next = undefined;
  }

  private append(e: Entry<K, V>): void {
    e.prev = this.tail;
    if (this.tail) this.tail.next = e;
    else this.head = e;
    this.tail = e;
  }
}

/** One cached value, its cost and its place in the recency list (dropped when the entry leaves). */
class Entry<K, V> {
  prev?: Entry<K, V> = undefined;
  next?: Entry<K, V> = undefined;
  constructor(readonly key: K, public value: V, readonly cost: number) {}
}
