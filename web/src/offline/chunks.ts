/**
 * The offline index in chunks loaded on demand, as Pagefind loads its index and fragments: the entry file
 * (index.snapshot) holds the analysis data, what ranking reads per record and every record without its long text
 * fields and figures; the index's terms and postings are chunks by term range (postings-chunks.ts); the texts of each
 * run of records are a chunk file of their own (records/<n>-<hash>.json), fetched the first time an answer reads one
 * of them (a shown hit's snippet, an opened record). Ranking, facets and outcomes never read those fields, so a query
 * fetches the postings chunks of its terms and the text chunks of the hits it shows, and no others.
 *
 * The same SearchService answers, over records whose long fields are getters: reading a field of a chunk not loaded
 * yet throws ChunkMissing (every cache along the way is filled only after the field was read, so nothing half-made is
 * kept); ChunkedIndex.run fetches what a round found missing, all at once, and asks again. Environment-neutral: the
 * export script splits in Node, the page and the parity benchmark assemble.
 */
import { SortedCharMap } from '../../../analysis/char-map.js';
import type { ReformRecord } from '../../../indexer/schema.js';
import type { SnapshotBody } from '../../../snapshot/body.js';
import { decodeSnapshot } from '../../../snapshot/container.js';
import { recordStoreOf } from '../../../snapshot/records.js';
import { SearchService } from '../../../search/service.js';
import { ChunkedPostings, DEFAULT_POSTINGS_CHUNK_BYTES, postingsChunkFile, splitPostings, withoutTerms, type PostingsManifest } from './postings-chunks.js';
import { Postings, type IndexData } from '../../../search/postings.js';
import type { EngineIndex } from '../../../search/engine.js';
import { expandColumns, packColumns, type PackedColumns } from './columns.js';

/** The long text fields kept out of the entry file. */
export const CHUNKED_FIELDS = ['content', 'applicableTo', 'process', 'outcome', 'quantities'] as const;
type ChunkedField = (typeof CHUNKED_FIELDS)[number];
type Texts = Partial<Pick<ReformRecord, ChunkedField>>;

/** What the entry file says about its chunks (in the body, so the entry's checksum covers it). */
export interface ChunkManifest {
  /** Records per chunk: record i is in chunk ⌊i / perChunk⌋. */
  perChunk: number;
  chunks: { file: string; sha256: string; bytes: number }[];
  /**
   * The similar-reform lists (typed arrays, a quarter of a large index), in a file of their own (a snapshot container
   * holding only them) fetched by the first similar-reforms answer.
   */
  similar?: { file: string; sha256: string; bytes: number };
  /** The index's terms and postings in chunks by term (postings-chunks.ts); absent when the entry holds them itself. */
  postings?: PostingsManifest;
  /** The field lengths and facet columns, packed (columns.ts); absent in exports that kept them as typed arrays. */
  columns?: PackedColumns;
}

/** A file an answer may need: a chunk of record texts (its number), a postings chunk, or the similar-reform lists. */
export type ChunkRef = number | { postings: number } | 'similar';

/** An entry body: a snapshot body whose records lack CHUNKED_FIELDS, with the manifest of the chunks holding them. */
export type EntryBody = SnapshotBody & { offlineChunks: ChunkManifest };

/** Thrown by a read of data not loaded yet: a chunk of record texts (its number), or the similar-reform lists. */
export class ChunkMissing extends Error {
  constructor(readonly chunk: number | 'similar') {
    super(chunk === 'similar' ? 'the similar-reform lists are not loaded' : `record texts chunk ${chunk} is not loaded`);
  }
}

/** The similar-reform lists as a file of their own: a snapshot container whose body carries only them. */
export function similarFile(body: SnapshotBody, serialize: (body: SnapshotBody) => Uint8Array, hash: (bytes: Uint8Array) => string): { file: string; sha256: string; bytes: Uint8Array } | undefined {
  if (!body.similar) return undefined;
  const bytes = serialize({ builtAt: body.builtAt, sources: [], warnings: [], dictionary: body.dictionary, analysis: { t2s: SortedCharMap.fromTable({}), vocabulary: [] }, records: [], index: null, similar: body.similar });
  const sha256 = hash(bytes);
  return { file: `similar-${sha256.slice(0, 12)}.bin`, sha256, bytes };
}

/** Records per chunk by default: a page of ten hits from a large corpus fetches at most ten small files. */
export const DEFAULT_PER_CHUNK = 32;

/**
 * Splits records (as the service serves them) into the entry's records and the chunk files' contents.
 * `hash` names each chunk by its content, so a static server may cache chunks forever.
 */
export function splitRecords(
  records: readonly ReformRecord[],
  hash: (bytes: Uint8Array) => string,
  perChunk = DEFAULT_PER_CHUNK,
): { entryRecords: ReformRecord[]; manifest: ChunkManifest; files: { file: string; bytes: Uint8Array }[] } {
  const entryRecords: ReformRecord[] = [];
  const manifest: ChunkManifest = { perChunk, chunks: [] };
  const files: { file: string; bytes: Uint8Array }[] = [];
  const encoder = new TextEncoder();
  for (let from = 0; from < records.length; from += perChunk) {
    const texts: Texts[] = [];
    for (const r of records.slice(from, from + perChunk)) {
      const rest: Record<string, unknown> = { ...r };
      const t: Texts = {};
      for (const f of CHUNKED_FIELDS) {
        if (r[f] !== undefined) (t as Record<string, unknown>)[f] = r[f];
        // The required fields stay in place, empty, so the record still fits the snapshot's record columns (one that
        // does not is stored as JSON and decoded whole); their getters read the chunk.
        if (f === 'content') rest[f] = '';
        else if (f === 'quantities') rest[f] = [];
        else delete rest[f];
      }
      texts.push(t);
      entryRecords.push(rest as unknown as ReformRecord);
    }
    const bytes = encoder.encode(JSON.stringify(texts));
    const sha256 = hash(bytes);
    const file = `records/${manifest.chunks.length}-${sha256.slice(0, 12)}.json`;
    manifest.chunks.push({ file, sha256, bytes: bytes.length });
    files.push({ file, bytes });
  }
  return { entryRecords, manifest, files };
}

/**
 * Splits a snapshot body into an offline entry body and its chunk files, as npm run export:offline writes them: the
 * records' long texts by runs of records, the index's terms and postings by term range (written from the engine's own
 * postings reader, taken through its public option, so whatever layout the snapshot stores them in), and the
 * similar-reform lists in a file of their own.
 */
export function offlineChunks(
  body: SnapshotBody,
  serialize: (body: SnapshotBody) => Uint8Array,
  hash: (bytes: Uint8Array) => string,
  options: { perChunk?: number; postingsBytes?: number } = {},
): { entry: EntryBody; records: number; files: { file: string; bytes: Uint8Array }[]; textChunks: number; postingsChunks: number } {
  let reader: { postings: Postings; data: IndexData } | undefined;
  const service = new SearchService(body, { postings: (data, cache) => (reader = { postings: new Postings(data, cache), data }).postings });
  const split = splitRecords(service.records, hash, options.perChunk ?? DEFAULT_PER_CHUNK);
  const postings = splitPostings(reader!.postings, hash, options.postingsBytes ?? DEFAULT_POSTINGS_CHUNK_BYTES);
  const similar = similarFile(body, serialize, hash);
  const { similar: _inItsOwnFile, ...rest } = body;
  const columns = packColumns({ ...(body.index as EngineIndex), postings: withoutTerms(reader!.data) });
  const entry: EntryBody = {
    ...rest,
    index: columns.index,
    records: split.entryRecords,
    offlineChunks: { ...split.manifest, postings: postings.manifest, columns: columns.packed, ...(similar ? { similar: { file: similar.file, sha256: similar.sha256, bytes: similar.bytes.length } } : {}) },
  };
  return {
    entry,
    records: service.records.length,
    files: [...split.files, ...postings.files, ...(similar ? [{ file: similar.file, bytes: similar.bytes }] : [])],
    textChunks: split.files.length,
    postingsChunks: postings.files.length,
  };
}

/** The loaded chunks of one entry, and the service over records whose long fields read them. */
export class ChunkedIndex {
  readonly service: SearchService;
  readonly manifest: ChunkManifest;
  private readonly loaded: (Texts[] | undefined)[];
  /** Chunk files fetched so far (for the status line, the benchmark and the tests). */
  fetched = 0;
  fetchedBytes = 0;

  constructor(decoded: EntryBody) {
    // A decoded entry's records stay in their store, decoded one at a time when read (decoding all of them up front
    // cost most of the page's start-up at 10,000 records), and the service keeps its column paths; each record, as the
    // store decodes it, gets its chunked fields as getters. Records in memory (no store) are copied instead.
    const store = recordStoreOf(decoded.records);
    const body: EntryBody = store ? { ...decoded } : { ...decoded, records: Array.from(decoded.records, (r) => ({ ...r })) };
    this.manifest = body.offlineChunks;
    if (!this.manifest || !(this.manifest.perChunk > 0) || !Array.isArray(this.manifest.chunks)) throw new Error('not an offline entry file: no chunk manifest');
    if (this.manifest.chunks.length !== Math.ceil(body.records.length / this.manifest.perChunk)) throw new Error('offline entry file: the chunk manifest does not cover the records');
    this.loaded = new Array(this.manifest.chunks.length);
    const { perChunk } = this.manifest;
    const loaded = this.loaded;
    const index = new WeakMap<object, number>();
    const getters = Object.fromEntries(
      CHUNKED_FIELDS.map((f) => [
        f,
        function (this: object) {
          const i = index.get(this)!;
          const chunk = loaded[Math.floor(i / perChunk)];
          if (!chunk) throw new ChunkMissing(Math.floor(i / perChunk));
          return chunk[i % perChunk][f];
        },
      ]),
    ) as Record<ChunkedField, () => unknown>;
    const withTexts = (r: ReformRecord, i: number): ReformRecord => {
      if (index.get(r) === i) return r;
      index.set(r, i);
      for (const f of CHUNKED_FIELDS) Object.defineProperty(r, f, { get: getters[f], enumerable: true, configurable: true });
      return r;
    };
    if (store) {
      const decode = store.record.bind(store);
      (store as { record: (i: number) => ReformRecord }).record = (i) => withTexts(decode(i), i);
    } else body.records.forEach(withTexts);
    if (this.manifest.similar) {
      let similar: SnapshotBody['similar'];
      Object.defineProperty(body, 'similar', {
        get: () => {
          if (!this.similarLoaded) throw new ChunkMissing('similar');
          return similar;
        },
        set: (v: SnapshotBody['similar']) => {
          similar = v;
        },
        enumerable: true,
        configurable: true,
      });
    }
    if (this.manifest.columns) body.index = expandColumns(body.index as EngineIndex, this.manifest.columns);
    this.body = body;
    const manifest = this.manifest.postings;
    if (manifest && (!Array.isArray(manifest.chunks) || !(manifest.termCount >= 0))) throw new Error('offline entry file: the postings manifest is malformed');
    this.service = new SearchService(body, manifest ? { postings: (data, cache) => (this.postings = new ChunkedPostings(data, cache, manifest)) } : {});
  }

  /** The chunked postings reader, when the entry's terms live in chunks. */
  postings?: ChunkedPostings;
  /** Rounds of parallel fetches the answers so far waited for (the benchmark reports them). */
  rounds = 0;

  private readonly body: EntryBody;
  private similarLoaded = false;

  isLoaded(chunk: ChunkRef): boolean {
    if (typeof chunk === 'object') return this.postings?.isLoaded(chunk.postings) ?? true;
    return chunk === 'similar' ? this.similarLoaded || !this.manifest.similar : this.loaded[chunk] !== undefined;
  }

  /** The file holding a chunk, relative to the entry file. */
  fileOf(chunk: ChunkRef): string {
    if (typeof chunk === 'object') {
      const m = this.manifest.postings?.chunks[chunk.postings];
      if (!m) throw new Error(`no postings chunk ${chunk.postings} in this index`);
      return postingsChunkFile(chunk.postings, m.sha256);
    }
    const m = chunk === 'similar' ? this.manifest.similar : this.manifest.chunks[chunk];
    if (!m) throw new Error(`no chunk ${chunk} in this index`);
    return m.file;
  }

  /** The chunk of record texts holding record i. */
  textChunkOf(i: number): number {
    return Math.floor(i / this.manifest.perChunk);
  }

  /** Adds a chunk's file content after checking it against the manifest (a damaged chunk throws). */
  add(chunk: ChunkRef, bytes: Uint8Array, hash: (bytes: Uint8Array) => string): void {
    if (typeof chunk === 'object') {
      if (!this.postings) throw new Error('this index has no postings chunks');
      this.postings.add(chunk.postings, bytes, hash);
      this.fetched++;
      this.fetchedBytes += bytes.length;
      return;
    }
    if (chunk === 'similar') {
      const m = this.manifest.similar!;
      if (hash(bytes) !== m.sha256) throw new Error(`damaged chunk ${m.file}: checksum does not match the entry file`);
      const similar = decodeSnapshot(bytes, hash).body.similar;
      if (!similar) throw new Error(`damaged chunk ${m.file}: no similar-reform lists inside`);
      this.body.similar = similar;
      this.similarLoaded = true;
      this.fetched++;
      this.fetchedBytes += bytes.length;
      return;
    }
    const m = this.manifest.chunks[chunk];
    if (!m) throw new Error(`no chunk ${chunk} in this index`);
    if (hash(bytes) !== m.sha256) throw new Error(`damaged chunk ${m.file}: checksum does not match the entry file`);
    const texts = JSON.parse(new TextDecoder().decode(bytes)) as Texts[];
    const expected = Math.min(this.manifest.perChunk, this.service.records.length - chunk * this.manifest.perChunk);
    if (!Array.isArray(texts) || texts.length !== expected) throw new Error(`damaged chunk ${m.file}: ${Array.isArray(texts) ? texts.length : 'no'} records, expected ${expected}`);
    this.loaded[chunk] = texts;
    this.fetched++;
    this.fetchedBytes += bytes.length;
  }

  /**
   * Runs `f` over the service, loading the chunks it turns out to need and running it again, until it completes with
   * everything it read loaded. Each round fetches every chunk found missing in it at once (`load` fetches a file's
   * bytes, relative to the entry file), so a query costs a few round trips, not one per file:
   *   - a term in a postings chunk not loaded reads as absent and is noted; the round's answer is then discarded and
   *     every cache of the service cleared, since results, matches and analyses were computed without that term;
   *   - `hint` (router.ts prefetchHint) names the records whose texts the answer will read (the hits of a search):
   *     their chunks come in the same round as the postings the ranking needs, or in the next once it is known;
   *   - a read of record texts or similar lists not loaded throws ChunkMissing (nothing half-made is cached), and
   *     that file is fetched.
   */
  async run<T>(f: (service: SearchService) => T, load: (file: string) => Promise<Uint8Array>, hash: (bytes: Uint8Array) => string, hint?: (service: SearchService) => number[] | 'all'): Promise<T> {
    for (;;) {
      const want = new Map<string, ChunkRef>();
      const need = (c: ChunkRef) => {
        if (!this.isLoaded(c)) want.set(typeof c === 'object' ? `p${c.postings}` : `${c}`, c);
      };
      this.postings?.missing.clear();
      const termsMissing = () => (this.postings?.missing.size ?? 0) > 0;
      let done: { value: T } | undefined;
      try {
        const reads = hint?.(this.service) ?? [];
        // Texts of a ranking made without some terms are not worth fetching: they come once the ranking is right.
        if (!termsMissing()) {
          if (reads === 'all') for (let c = 0; c < this.loaded.length; c++) need(c);
          else for (const i of reads) need(this.textChunkOf(i));
        }
        if (!termsMissing() && want.size === 0) done = { value: f(this.service) };
      } catch (e) {
        if (!(e instanceof ChunkMissing) || this.isLoaded(e.chunk)) throw e;
        need(e.chunk);
      }
      if (termsMissing()) {
        for (const p of this.postings!.missing) need({ postings: p });
        this.service.clearCache();
      }
      if (done && want.size === 0) return done.value;
      if (want.size === 0) throw new Error('offline index: an answer needs a chunk that is already loaded');
      this.rounds++;
      const refs = [...want.values()];
      const files = await Promise.all(refs.map((c) => load(this.fileOf(c))));
      refs.forEach((c, k) => this.add(c, files[k], hash));
    }
  }
}

/** Verifies (checksum) and decodes an entry file. A damaged file throws. */
export function chunkedIndexFromEntry(bytes: Uint8Array, hash: (bytes: Uint8Array) => string): ChunkedIndex {
  const { body } = decodeSnapshot(bytes, hash);
  return new ChunkedIndex(body as EntryBody);
}
