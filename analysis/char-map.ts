/**
 * A character → character table (the snapshot's traditional → simplified table) held as its keys' code units in
 * increasing order and its values as one string: the form a packed snapshot stores it in (snapshot/tables.ts), so
 * loading keeps the two columns as they are instead of building an object of thousands of keys (a fresh process's
 * first answer waited on that object; the normaliser looks each distinct character up once and remembers it).
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

  /** The table as a plain object (the unpacked layout and JSON write it this way, as a table built from seeds is). */
  toJSON(): Record<string, string> {
    const out: Record<string, string> = {};
    for (let i = 0; i < this.from.length; i++) out[String.fromCharCode(this.from[i])] = this.to[i];
    return out;
  }
}

/** A character table in either form: a plain object (a body built from seeds) or the stored columns (a loaded file). */
export type CharTable = Readonly<Record<string, string>> | SortedCharMap;

/** What `table` maps the character `ch` to, or undefined. */
export function mapChar(table: CharTable, ch: string): string | undefined {
  return table instanceof SortedCharMap ? table.get(ch) : table[ch];
}
