/**
 * A map that keeps at most `capacity` entries, forgetting the least recently used first. Every cache that user
 * input can reach is one of these, so a client sweeping distinct queries or characters cannot grow memory.
 *
 * Two generations approximate LRU at the cost of a plain Map lookup (the normaliser calls `get` once per
 * character of every text): new and recently used entries live in `recent`; when it holds half the capacity it
 * becomes `old`, and the previous `old` (entries unused for a whole generation) is dropped. An entry read from
 * `old` moves back to `recent`.
 */
export class Lru<K, V> {
  private recent = new Map<K, V>();
  private old = new Map<K, V>();
  private readonly half: number;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 2) throw new RangeError(`LRU capacity must be an integer ≥ 2 (got ${capacity})`);
    this.half = Math.floor(capacity / 2);
  }

  /** Entries held now: never more than `capacity`. */
  get size(): number {
    return this.recent.size + this.old.size;
  }

  get(key: K): V | undefined {
    const v = this.recent.get(key);
    if (v !== undefined) return v;
    const o = this.old.get(key);
    if (o !== undefined) {
      this.old.delete(key);
      this.put(key, o);
    }
    return o;
  }

  has(key: K): boolean {
    return this.recent.has(key) || this.old.has(key);
  }

  set(key: K, value: V): this {
    this.old.delete(key);
    if (this.recent.has(key)) this.recent.set(key, value);
    else this.put(key, value);
    return this;
  }

  clear(): void {
    this.recent.clear();
    this.old.clear();
  }

  private put(key: K, value: V): void {
    if (this.recent.size >= this.half) {
      this.old = this.recent;
      this.recent = new Map();
    }
    this.recent.set(key, value);
  }
}
