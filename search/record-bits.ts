/**
 * Sets of records as maps of one bit per record (record d at bit d & 31 of word d >>> 5): what a query's exclusions
 * remove, built from the snapshot's stored maps of common words (indexer/record-bits.ts) where it has them and from
 * decoded record lists otherwise. Unions and intersections of maps are a word at a time; a record is tested with one
 * read, where a list needs a merge or a gallop.
 */
import { below } from '../indexer/sorted.js';
import { bitCount, mapWords, type RecordBits } from '../indexer/record-bits.js';

/** Whether map `bits` holds record d. */
export function hasRecord(bits: Int32Array, d: number): boolean {
  return ((bits[d >>> 5] >>> d) & 1) !== 0;
}

/** Records as a map: `size` of them, each tested by `has`, listed increasing by iterating. */
export class RecordSet implements Iterable<number> {
  constructor(
    readonly bits: Int32Array,
    readonly size: number,
  ) {}

  static readonly EMPTY = new RecordSet(new Int32Array(0), 0);

  /** The set of the records a map marks (counted here). */
  static of(bits: Int32Array): RecordSet {
    let n = 0;
    for (let w = 0; w < bits.length; w++) if (bits[w] !== 0) n += bitCount(bits[w]);
    return n === 0 ? RecordSet.EMPTY : new RecordSet(bits, n);
  }

  has(d: number): boolean {
    return hasRecord(this.bits, d);
  }

  *[Symbol.iterator](): Iterator<number> {
    const bits = this.bits;
    for (let w = 0; w < bits.length; w++) {
      let word = bits[w];
      while (word !== 0) {
        const low = word & -word;
        yield (w << 5) + 31 - Math.clz32(low);
        word ^= low;
      }
    }
  }
}

/** `bits` gains the records of a list (in place; any order); returns it. */
export function markInto(bits: Int32Array, docs: ArrayLike<number>): Int32Array {
  for (let i = 0; i < docs.length; i++) bits[docs[i] >>> 5] |= 1 << (docs[i] & 31);
  return bits;
}

/** A map over N records marking the records of an increasing (or any) list. */
export function mapOf(docs: ArrayLike<number>, N: number): Int32Array {
  return markInto(new Int32Array(mapWords(N)), docs);
}

/** `into` gains b's records (in place); returns it. */
export function orInto(into: Int32Array, b: Int32Array): Int32Array {
  for (let w = 0; w < into.length; w++) into[w] |= b[w];
  return into;
}

/** `into` keeps only records b also holds (in place); returns it. */
export function andInto(into: Int32Array, b: Int32Array): Int32Array {
  for (let w = 0; w < into.length; w++) into[w] &= b[w];
  return into;
}

/** The stored maps of a snapshot's common words, by term (views of the snapshot's array: never written). */
export class RecordMaps {
  private readonly W: number;
  private readonly maps: Int32Array;

  constructor(
    private readonly bits: RecordBits,
    /** The index's term id of a term (-1 when it has none). */
    private readonly termId: (term: string) => number,
  ) {
    this.W = mapWords(bits.records);
    this.maps = new Int32Array(bits.maps.buffer, bits.maps.byteOffset, bits.maps.length);
  }

  /** Per index field, 1 when a map's bit counts it (the fields an exclusion looks at, when the build's rule holds). */
  fieldMask(fields: readonly string[]): Uint8Array {
    return Uint8Array.from(fields, (f) => (this.bits.fields.includes(f) ? 1 : 0));
  }

  /** The term's map, or undefined when it has none (a rarer term: its record list is read instead). */
  of(term: string): Int32Array | undefined {
    const k = this.termId(term);
    if (k < 0) return undefined;
    const terms = this.bits.terms;
    const lo = below(terms, k);
    return lo < terms.length && terms[lo] === k ? this.maps.subarray(lo * this.W, (lo + 1) * this.W) : undefined;
  }
}
