/**
 * Sorted string lists, front-coded: how a packed snapshot stores a long list of strictly increasing strings joined
 * by U+0000 (the index's term dictionary, the vocabulary's words). Neighbours in sorted order share their start
 * (Han bigrams share their first character), so each item keeps only what differs from the one before; three
 * columns (shared-prefix lengths, suffix lengths, suffix code units) compress far better than the joined text
 * written as JSON, where every separator is six bytes ("\u0000"). The seeds' terms: 62 KB → 35 KB once packed.
 *
 *   u32 count  |  count × u8 shared prefix (capped at 255)  |  count × LEB128 suffix length  |  suffix UTF-16 units, LE
 *
 * Environment-neutral (typed arrays and strings only). Decoding rebuilds the exact joined string, lone
 * surrogates included.
 */
import { VarintReader, VarintWriter } from './varint.js';

const SEP = 0;

/**
 * UTF-16LE text straight from a Uint16Array's memory: only where that memory is little-endian (every platform Node
 * runs on in practice; elsewhere the units are joined with fromCharCode). Keeps a leading U+FEFF (ignoreBOM).
 */
const UTF16 = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1 ? new TextDecoder('utf-16le', { fatal: true, ignoreBOM: true }) : undefined;

/** A joined list this codec stores: at least `minItems` items, strictly increasing in UTF-16 order (a last empty item aside). */
export function sortedItems(joined: string, minItems = 64): string[] | undefined {
  if (joined.indexOf('\0') < 0) return undefined;
  const items = joined.split('\0');
  if (items.length < minItems) return undefined;
  // A list written with a separator after every item (the term dictionary) ends in an empty item.
  const end = items[items.length - 1] === '' ? items.length - 1 : items.length;
  for (let i = 1; i < end; i++) if (!(items[i - 1] < items[i])) return undefined;
  return items;
}

export function encodeSortedList(items: string[]): Uint8Array<ArrayBuffer> {
  const n = items.length;
  let suffixUnits = 0;
  const lengths = new VarintWriter();
  const shared = new Uint8Array(n);
  let prev = '';
  for (let i = 0; i < n; i++) {
    const t = items[i];
    const max = Math.min(prev.length, t.length, 255);
    let p = 0;
    while (p < max && prev.charCodeAt(p) === t.charCodeAt(p)) p++;
    shared[i] = p;
    const len = t.length - p;
    suffixUnits += len;
    lengths.varint(len);
    prev = t;
  }
  const out = new Uint8Array(new ArrayBuffer(4 + n + lengths.length + 2 * suffixUnits));
  new DataView(out.buffer).setUint32(0, n, true);
  out.set(shared, 4);
  out.set(lengths.take(), 4 + n);
  let u = 4 + n + lengths.length;
  for (let i = 0; i < n; i++) {
    const t = items[i];
    for (let c = shared[i]; c < t.length; c++) {
      const unit = t.charCodeAt(c);
      out[u++] = unit & 0xff;
      out[u++] = unit >>> 8;
    }
  }
  return out;
}

/** The joined string (items separated by U+0000). Throws on bytes that are not such a list. */
export function decodeSortedList(bytes: Uint8Array): string {
  if (bytes.length < 4) throw new Error('sorted list cut short');
  const n = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true);
  if (4 + n > bytes.length) throw new Error('sorted list cut short');
  // First pass: suffix lengths, so the joined units are written into one exact array.
  const lengths = new Uint32Array(n);
  const column = new VarintReader(bytes, 4 + n, 'sorted list');
  let total = n > 0 ? n - 1 : 0;
  for (let i = 0; i < n; i++) {
    // Nearly every suffix is under 128 units, one byte: read inline (a load runs this cold, in the interpreter, for
    // every term of the index); the reader takes longer ones and a column cut short.
    const x = bytes[column.i];
    if (x < 0x80) {
      lengths[i] = x;
      column.i++;
    } else lengths[i] = column.varint();
    total += bytes[4 + i] + lengths[i];
  }
  let u = column.i;
  const units = new Uint16Array(total);
  let at = 0;
  let prevStart = 0;
  let prevLength = 0;
  for (let i = 0; i < n; i++) {
    const p = bytes[4 + i];
    if (p > prevLength) throw new Error('sorted list shares more than the item before it has');
    if (i > 0) units[at++] = SEP;
    const start = at;
    units.copyWithin(at, prevStart, prevStart + p);
    at += p;
    const len = lengths[i];
    if (u + 2 * len > bytes.length) throw new Error('sorted list cut short');
    for (let c = 0; c < len; c++, u += 2) units[at++] = bytes[u] | (bytes[u + 1] << 8);
    prevStart = start;
    prevLength = p + len;
  }
  if (u !== bytes.length) throw new Error('sorted list has trailing bytes');
  // Well-formed UTF-16 (every list the indexer writes) is decoded in one call; a strict decoder refuses a lone
  // surrogate, which fromCharCode keeps as it is (below). Both give the same string for well-formed units.
  if (UTF16) {
    try {
      return UTF16.decode(units);
    } catch {
      // a lone surrogate: kept, unit by unit
    }
  }
  // In chunks, for the stack.
  const parts: string[] = [];
  const CHUNK = 1 << 14;
  for (let i = 0; i < total; i += CHUNK) parts.push(String.fromCharCode.apply(null, units.subarray(i, Math.min(total, i + CHUNK)) as unknown as number[]));
  return parts.join('');
}
