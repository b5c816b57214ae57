/**
 * A character → character table (the snapshot's traditional → simplified table) held as its keys' code units in
 * increasing order and its values as one string: the form a packed snapshot stores it in (snapshot/tables.ts), so
 * loading keeps the two columns as they are instead of building an object of thousands of keys (a fresh process's
 * first answer waited on that object; the normaliser looks each distinct character up once and remembers it).
 * The one in-memory form: the indexer builds it (indexer/t2s.ts); a body of an older snapshot, which held the table
 * as a plain object, is turned into it as it is read (`fromTable`, snapshot/tables.ts).
 */
export class SortedCharMap {
  /**
   * @param from the keys' UTF-16 code units, strictly increasing
   * @param to each key's value, one code unit each, in the same order
   * Throws when the columns do not fit that shape (a damaged snapshot is refused, never half-loaded).
   */
  constructor(
    readonly from: Uint32Array,
    readonly to: string,
  ) {
    if (to.length !== from.length) throw new Error(`a character table has ${from.length} keys and ${to.length} values`);
    for (let i = 0; i < from.length; i++) {
      if (from[i] > 0xffff || (i > 0 && from[i] <= from[i - 1])) throw new Error('a character table\'s keys are not single characters in increasing order');
    }
  }

  /**
   * The value of a one-unit key, or undefined. A binary search over the stored keys: the normaliser keeps each code
   * unit's result after its first look-up (analysis/normalize.ts `bmp`/`same`), so this runs once per distinct
   * character per normaliser (637 look-ups in the seeds' first answer), and a cache of its own here would be a third.
   */
  get(ch: string): string | undefined {
    if (ch.length !== 1) return undefined;
    const code = ch.charCodeAt(0);
    const from = this.from;
    let lo = 0;
    let hi = from.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const k = from[mid];
      if (k === code) return this.to[mid];
      if (k < code) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  /**
   * The map of a plain object of one-character keys and values, in any key order. Throws on any other entry (a
   * damaged snapshot is refused, never half-loaded).
   */
  static fromTable(table: Readonly<Record<string, unknown>>): SortedCharMap {
    const entries = Object.entries(table);
    for (const [k, v] of entries) {
      if (k.length !== 1 || typeof v !== 'string' || v.length !== 1) throw new Error(`a character table maps ${JSON.stringify(k.slice(0, 8))} to ${typeof v === 'string' ? JSON.stringify(v.slice(0, 8)) : typeof v}, not one character to one character`);
    }
    entries.sort((a, b) => a[0].charCodeAt(0) - b[0].charCodeAt(0));
    return new SortedCharMap(Uint32Array.from(entries, ([k]) => k.charCodeAt(0)), entries.map(([, v]) => v).join(''));
  }

  /** The table as a plain object (what `JSON.stringify` writes). */
  toJSON(): Record<string, string> {
    const out: Record<string, string> = {};
    for (let i = 0; i < this.from.length; i++) out[String.fromCharCode(this.from[i])] = this.to[i];
    return out;
  }
}
