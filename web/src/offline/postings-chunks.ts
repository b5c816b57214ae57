/**
 * The positional index in chunks by term, as Pagefind ships its index: the offline entry file keeps what every query
 * needs per record (field lengths, title keys) and a manifest of term ranges; the terms and their postings are split,
 * in sorted order, into files of about `targetBytes` each (postings/<n>-<hash>.bin), fetched the first time a query
 * looks up a term of that range. The entry file then no longer carries the index's terms and postings, which grow
 * with the text of the corpus.
 *
 * Chunks are written from the engine's public reader (Postings: termCount, termAt, term), not from the snapshot's
 * stored layout (decoded per term on demand):
 *   varint termCount, then per term: varint UTF-8 length, the term's UTF-8 bytes, varint length of its postings;
 *   then the postings of each term in order: varint slot count, varint position count, and the term's Rice codes
 *   written by the snapshot's own postings codec (indexer/postings-codec.ts), so there is one postings encoding.
 * Environment-neutral (the export script writes chunks in Node, the page and the parity benchmark read them).
 */
import { decodeTerm, encodeTerm } from '../../../indexer/postings-codec.js';
import { EMPTY, INDEX_FORMAT_SPLIT, Postings, hasBlockBounds, positionCount, recordsOf, type IndexData, type Occurrences } from '../../../search/postings.js';
import { VarintReader, VarintWriter } from '../../../snapshot/varint.js';

/** What the entry file says about the postings chunks (inside its body, so its checksum covers it). */
export interface PostingsManifest {
  /** Distinct terms of the whole index (the engine reports it in /api/stats). */
  termCount: number;
  /** In term order: chunk i holds the terms t with first[i] ≤ t < first[i+1] (UTF-16 order, as the index sorts them). */
  chunks: { first: string; terms: number; sha256: string; bytes: number }[];
}

/** Raw bytes per postings chunk by default: a query's few terms fetch a few small files. */
export const DEFAULT_POSTINGS_CHUNK_BYTES = 48 * 1024;

export function postingsChunkFile(i: number, sha256: string): string {
  return `postings/${i}-${sha256.slice(0, 12)}.bin`;
}

/** A term's list: its entry and position counts, then its codes in the snapshot's own postings codec. */
function encodeOccurrences(occ: Occurrences): Uint8Array {
  const w = new VarintWriter();
  w.varint(occ.slots.length);
  w.varint(occ.pos.length);
  w.bytes(encodeTerm(occ));
  return w.take();
}

/**
 * Splits an index, read through `reader`, into postings chunks of about `targetBytes` (a term whose postings alone are
 * larger is a chunk of its own). `hash` names each chunk by its content, so a static server may cache it forever.
 */
export function splitPostings(
  reader: Postings,
  hash: (bytes: Uint8Array) => string,
  targetBytes = DEFAULT_POSTINGS_CHUNK_BYTES,
): { manifest: PostingsManifest; files: { file: string; bytes: Uint8Array }[] } {
  const manifest: PostingsManifest = { termCount: reader.termCount, chunks: [] };
  const files: { file: string; bytes: Uint8Array }[] = [];
  const encoder = new TextEncoder();
  let terms: Uint8Array[] = [];
  let lists: Uint8Array[] = [];
  let first = '';
  let size = 0;
  const flush = () => {
    if (terms.length === 0) return;
    const w = new VarintWriter();
    w.varint(terms.length);
    terms.forEach((t, i) => {
      w.varint(t.length);
      w.bytes(t);
      w.varint(lists[i].length);
    });
    for (const l of lists) w.bytes(l);
    const bytes = w.take();
    const sha256 = hash(bytes);
    manifest.chunks.push({ first, terms: terms.length, sha256, bytes: bytes.length });
    files.push({ file: postingsChunkFile(manifest.chunks.length - 1, sha256), bytes });
    terms = [];
    lists = [];
    size = 0;
  };
  for (let k = 0; k < reader.termCount; k++) {
    const term = reader.termAt(k);
    const list = encodeOccurrences(reader.term(term));
    if (size > 0 && size + list.length > targetBytes) flush();
    if (terms.length === 0) first = term;
    const t = encoder.encode(term);
    terms.push(t);
    lists.push(list);
    size += t.length + list.length + 4;
  }
  flush();
  reader.clearCache();
  return { manifest, files };
}

/**
 * The per-record part of an index with no terms: what the entry file keeps (the engine checks its shape as usual).
 * Block score bounds are per term and the chunks do not carry them: the entry says format 3 (the same codes, no
 * bounds), and the page scores every match, with the same answers.
 */
export function withoutTerms(data: IndexData): IndexData {
  const { blockBounds: _bounds, boundStart: _starts, boundScoring: _scoring, ...rest } = data;
  const format = hasBlockBounds(data.format) ? INDEX_FORMAT_SPLIT : data.format;
  return { ...rest, format, terms: '', termOffsets: Uint32Array.of(0), termBytes: Uint32Array.of(0), termEntries: new Uint32Array(0), termPositions: new Uint32Array(0), postings: new Uint8Array(0) };
}

/** A loaded chunk: its terms in order and where each term's postings are in its bytes. */
interface LoadedChunk {
  terms: string[];
  at: Map<string, [number, number]>;
  bytes: Uint8Array;
}

/** Parses and checks a chunk against its manifest entry and the next chunk's first term; a damaged chunk throws. */
function parseChunk(bytes: Uint8Array, m: PostingsManifest['chunks'][number], next: string | undefined): LoadedChunk {
  const at = new VarintReader(bytes, 0, 'the chunk');
  const n = at.varint();
  if (n !== m.terms) throw new Error(`${n} terms, expected ${m.terms}`);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const terms: string[] = [];
  const lengths: number[] = [];
  for (let k = 0; k < n; k++) {
    const len = at.varint();
    if (at.i + len > bytes.length) throw new Error('a term runs past the end');
    terms.push(decoder.decode(bytes.subarray(at.i, at.i + len)));
    at.i += len;
    lengths.push(at.varint());
  }
  if (terms[0] !== m.first) throw new Error('its first term is not the one the entry file names');
  const map = new Map<string, [number, number]>();
  let from = at.i;
  for (let k = 0; k < n; k++) {
    if (k > 0 && !(terms[k - 1] < terms[k])) throw new Error('terms out of order');
    map.set(terms[k], [from, from + lengths[k]]);
    from += lengths[k];
  }
  if (next !== undefined && !(terms[n - 1] < next)) throw new Error('its terms run into the next chunk');
  if (from !== bytes.length) throw new Error(`postings end at byte ${from} of ${bytes.length}`);
  return { terms, at: map, bytes };
}

function decodeOccurrences(bytes: Uint8Array, from: number, to: number, slotLimit: number): Occurrences {
  const at = new VarintReader(bytes, from, 'the chunk');
  const E = at.varint();
  const P = at.varint();
  // Sizes come from the file: bounded by its bytes (every entry and position takes at least a bit) before anything
  // is allocated from them.
  if (E > P || P > 8 * (to - at.i)) throw new Error('postings larger than their bytes');
  const slots = new Int32Array(E);
  const starts = new Int32Array(E + 1);
  const pos = new Int32Array(P);
  if (E === 0 ? at.i !== to || P !== 0 : decodeTerm(bytes, at.i, slots, starts, pos) !== P || (E > 0 && slots[E - 1] >= slotLimit))
    throw new Error('postings do not match their stated sizes');
  return { slots, starts, pos };
}

/**
 * The engine's postings reader over chunks. A term in a chunk not loaded yet reads as absent and its chunk is noted
 * in `missing` and counted in `provisionalReads` (nothing read that way is cached here, nor by the engine past
 * clearCache); whoever runs the query fetches the noted chunks together and asks again with every cache cleared
 * (chunks.ts ChunkedIndex.run). Damaged content throws.
 */
export class ChunkedPostings extends Postings {
  /** Chunks a lookup needed since the last clear of this set. */
  readonly missing = new Set<number>();
  private readonly loaded: (LoadedChunk | undefined)[];
  private readonly slotLimit: number;
  private readonly ownCache = new Map<string, Occurrences>();
  private cachedPositions = 0;
  private provisional = 0;

  constructor(data: IndexData, private readonly cachePositions: number, readonly manifest: PostingsManifest) {
    super(data, cachePositions);
    (this as { termCount: number }).termCount = manifest.termCount;
    this.loaded = new Array(manifest.chunks.length);
    this.slotLimit = data.records * data.fields.length;
  }

  /** The chunk whose range holds `term` (-1 before the first chunk's first term). */
  chunkOf(term: string): number {
    const c = this.manifest.chunks;
    let lo = 0;
    let hi = c.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (c[mid].first <= term) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }

  isLoaded(chunk: number): boolean {
    return this.loaded[chunk] !== undefined;
  }

  /** Adds chunk `i`'s bytes after checking them against the manifest (a damaged chunk throws, naming the file). */
  add(i: number, bytes: Uint8Array, hash: (bytes: Uint8Array) => string): void {
    const m = this.manifest.chunks[i];
    if (!m) throw new Error(`no postings chunk ${i} in this index`);
    const file = postingsChunkFile(i, m.sha256);
    if (bytes.length !== m.bytes || hash(bytes) !== m.sha256) throw new Error(`damaged chunk ${file}: checksum does not match the entry file`);
    try {
      this.loaded[i] = parseChunk(bytes, m, this.manifest.chunks[i + 1]?.first);
    } catch (e) {
      throw new Error(`damaged chunk ${file}: ${(e as Error).message}`);
    }
  }

  private occurrences(chunk: LoadedChunk, term: string, i: number): Occurrences {
    const range = chunk.at.get(term);
    if (!range) return EMPTY;
    try {
      return decodeOccurrences(chunk.bytes, range[0], range[1], this.slotLimit);
    } catch (e) {
      throw new Error(`damaged chunk ${postingsChunkFile(i, this.manifest.chunks[i].sha256)}: ${(e as Error).message}`);
    }
  }

  private remember(key: string, occ: Occurrences): Occurrences {
    // A bounded cache of decoded lists, as the base reader keeps (dropped whole when full: chunks decode fast).
    const size = occ.pos.length + occ.slots.length + 8;
    if (this.cachedPositions + size > this.cachePositions) {
      this.ownCache.clear();
      this.cachedPositions = 0;
    }
    this.ownCache.set(key, occ);
    this.cachedPositions += size;
    return occ;
  }

  override term(term: string): Occurrences {
    const cached = this.ownCache.get(term);
    if (cached) return cached;
    const i = this.chunkOf(term);
    if (i < 0) return EMPTY;
    const chunk = this.loaded[i];
    if (!chunk) {
      this.missing.add(i);
      this.provisional++;
      return EMPTY;
    }
    return this.remember(term, this.occurrences(chunk, term, i));
  }

  /** A term read once: through term() here (its chunk noted when not loaded; the chunk cache is cheap to refill). */
  override termOnce(term: string): Occurrences {
    return this.term(term);
  }

  override hasCached(term: string): boolean {
    return this.ownCache.has(term);
  }

  override prefix(prefix: string): Occurrences {
    const key = `\u0001${prefix}`;
    const cached = this.ownCache.get(key);
    if (cached) return cached;
    const end = prefix + '\uffff';
    const from = Math.max(0, this.chunkOf(prefix));
    const to = this.chunkOf(end);
    let complete = true;
    for (let i = from; i <= to; i++) {
      if (!this.loaded[i]) {
        this.missing.add(i);
        complete = false;
      }
    }
    if (!complete) {
      this.provisional++;
      return EMPTY;
    }
    const parts: Occurrences[] = [];
    for (let i = from; i <= to; i++) {
      const chunk = this.loaded[i]!;
      for (const t of chunk.terms) if (t >= prefix && t < end) parts.push(this.occurrences(chunk, t, i));
    }
    return this.remember(key, parts.length === 1 ? parts[0] : this.union(parts));
  }

  /** Reads answered as absent because their chunk was not loaded (the engine keeps nothing long-lived from them). */
  override get provisionalReads(): number {
    return this.provisional;
  }

  /**
   * A term's positions, read from its chunk (the entry holds no per-term counts). Reading it notes a chunk not loaded
   * yet, so a string's first round fetches the chunks of all its tokens, whichever cover the matcher then keeps.
   */
  override positionsOfTerm(term: string): number {
    return positionCount(this.term(term));
  }

  /** A term's records, from its postings as read from its chunk (the chunks hold no document streams apart). */
  override termRecords(term: string, keep?: Uint8Array): Int32Array {
    return recordsOf(this.term(term), this.fieldCount, keep);
  }

  /** Terms are held in chunks here: the matcher unites a prefix with prefix() instead. */
  override prefixTerms(): undefined {
    return undefined;
  }

  override termAt(): string {
    throw new Error('the offline index holds its terms in chunks: look terms up with term() or prefix()');
  }

  override termId(term: string): number {
    throw new Error(`the offline index holds its terms in chunks: no term ids (${term})`);
  }

  override clearCache(): void {
    super.clearCache();
    this.ownCache.clear();
    this.cachedPositions = 0;
  }
}
