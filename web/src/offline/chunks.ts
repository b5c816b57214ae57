/**
 * The offline index in chunks loaded on demand, as Pagefind loads its index and fragments: the entry file
 * (index.snapshot) holds the analysis data, the per-record columns every query reads (packed: columns.ts,
 * record-chunks.ts) and the manifests of the files below; the index's terms and postings are chunks by term range
 * (postings-chunks.ts); the records are chunks by runs of records (record-chunks.ts), fetched the first time an answer
 * reads one of them (a shown hit, its copies, an opened record); ids and titles (suggestions), outcome facts (the
 * outcomes table) and the similar-reform lists are files of their own, fetched by the first answer reading them.
 * So a query fetches the postings chunks of its terms and the record chunks of the hits it shows, and no others.
 *
 * The same SearchService answers, over a record store reading those chunks: a read of a record or file not loaded
 * yet throws ChunkMissing (every cache along the way is filled only after the read, so nothing half-made is kept);
 * ChunkedIndex.run fetches what a round found missing, all at once, and asks again. Environment-neutral: the export
 * script splits in Node, the page and the parity benchmark assemble.
 */
import type { SnapshotBody } from '../../../snapshot/body.js';
import { decodeSnapshot } from '../../../snapshot/container.js';
import { SearchService } from '../../../search/service.js';
import { ChunkedPostings, DEFAULT_POSTINGS_CHUNK_BYTES, postingsChunkFile, splitPostings, withoutTerms, type PostingsManifest } from './postings-chunks.js';
import { Postings, type IndexData } from '../../../search/postings.js';
import type { EngineIndex } from '../../../search/engine.js';
import { expandColumns, packColumns, type PackedColumns } from './columns.js';
import { ChunkMissing, ChunkedRecordStore, recordFileOf, splitRecords, type RecordFile, type RecordsManifest } from './record-chunks.js';

export { ChunkMissing } from './record-chunks.js';

/** What the entry file says about its chunks (in the body, so the entry's checksum covers it). */
export interface ChunkManifest {
  /** The records: chunk files by runs of records, the titles and outcomes files, the packed per-record columns. */
  records: RecordsManifest;
  /**
   * The similar-reform lists (typed arrays, a quarter of a large index), in a file of their own (a snapshot container
   * holding only them) fetched by the first similar-reforms answer.
   */
  similar?: { file: string; sha256: string; bytes: number };
  /** The index's terms and postings in chunks by term (postings-chunks.ts). */
  postings: PostingsManifest;
  /** The field lengths and facet columns, packed (columns.ts). */
  columns: PackedColumns;
}

/** A file an answer may need: a record chunk (its number), the titles or outcomes file, a postings chunk, the similar lists. */
export type ChunkRef = RecordFile | { postings: number } | 'similar';

/** An entry body: a snapshot body with no records, with the manifest of the chunks holding them and the index. */
export type EntryBody = SnapshotBody & { offlineChunks: ChunkManifest };

/** The similar-reform lists as a file of their own: a snapshot container whose body carries only them. */
export function similarFile(body: SnapshotBody, serialize: (body: SnapshotBody) => Uint8Array, hash: (bytes: Uint8Array) => string): { file: string; sha256: string; bytes: Uint8Array } | undefined {
  if (!body.similar) return undefined;
  const bytes = serialize({ builtAt: body.builtAt, sources: [], warnings: [], dictionary: body.dictionary, analysis: { t2s: {}, vocabulary: [] }, records: [], index: null, similar: body.similar });
  const sha256 = hash(bytes);
  return { file: `similar-${sha256.slice(0, 12)}.bin`, sha256, bytes };
}

/** Records per chunk by default: a page of ten hits from a large corpus fetches at most ten small files. */
export const DEFAULT_PER_CHUNK = 32;

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
  const textChunks = split.manifest.chunks.length;
  const postings = splitPostings(reader!.postings, hash, options.postingsBytes ?? DEFAULT_POSTINGS_CHUNK_BYTES);
  const similar = similarFile(body, serialize, hash);
  const { similar: _inItsOwnFile, ...rest } = body;
  const columns = packColumns({ ...(body.index as EngineIndex), postings: withoutTerms(reader!.data) });
  const entry: EntryBody = {
    ...rest,
    index: columns.index,
    records: [],
    offlineChunks: { records: split.manifest, postings: postings.manifest, columns: columns.packed, ...(similar ? { similar: { file: similar.file, sha256: similar.sha256, bytes: similar.bytes.length } } : {}) },
  };
  return {
    entry,
    records: service.records.length,
    files: [...split.files, ...postings.files, ...(similar ? [{ file: similar.file, bytes: similar.bytes }] : [])],
    textChunks,
    postingsChunks: postings.files.length,
  };
}

/** The loaded chunks of one entry, and the service over a record store and postings reading them. */
export class ChunkedIndex {
  readonly service: SearchService;
  readonly manifest: ChunkManifest;
  readonly store: ChunkedRecordStore;
  /** Chunk files fetched so far (for the status line, the benchmark and the tests). */
  fetched = 0;
  fetchedBytes = 0;

  constructor(decoded: EntryBody) {
    const manifest = decoded.offlineChunks;
    if (!manifest || !manifest.records || !manifest.postings || !manifest.columns) throw new Error('not an offline entry file of this version: no chunk manifest');
    if (!Array.isArray(manifest.postings.chunks) || !(manifest.postings.termCount >= 0)) throw new Error('offline entry file: the postings manifest is malformed');
    this.manifest = manifest;
    this.store = new ChunkedRecordStore(manifest.records);
    const index = expandColumns(decoded.index as EngineIndex, manifest.columns);
    if (index.postings.records !== this.store.length) throw new Error('offline entry file: the index and the record manifest count different records');
    const body: EntryBody = { ...decoded, index, records: this.store.records() };
    if (manifest.similar) {
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
    this.body = body;
    this.service = new SearchService(body, { postings: (data, cache) => (this.postings = new ChunkedPostings(data, cache, manifest.postings)) });
  }

  /** The chunked postings reader. */
  postings?: ChunkedPostings;
  /** Rounds of parallel fetches the answers so far waited for (the benchmark reports them). */
  rounds = 0;

  private readonly body: EntryBody;
  private similarLoaded = false;

  isLoaded(chunk: ChunkRef): boolean {
    if (typeof chunk === 'object') return this.postings?.isLoaded(chunk.postings) ?? true;
    if (chunk === 'similar') return this.similarLoaded || !this.manifest.similar;
    return this.store.isLoaded(chunk);
  }

  /** The file holding a chunk, relative to the entry file. */
  fileOf(chunk: ChunkRef): string {
    if (typeof chunk === 'object') {
      const m = this.manifest.postings.chunks[chunk.postings];
      if (!m) throw new Error(`no postings chunk ${chunk.postings} in this index`);
      return postingsChunkFile(chunk.postings, m.sha256);
    }
    if (chunk === 'similar') {
      if (!this.manifest.similar) throw new Error('no similar-reform lists in this index');
      return this.manifest.similar.file;
    }
    return recordFileOf(this.manifest.records, chunk);
  }

  /** The record chunk holding record i. */
  textChunkOf(i: number): number {
    return this.store.chunkOf(i);
  }

  /** Adds a chunk's file content after checking it against the manifest (a damaged chunk throws). */
  add(chunk: ChunkRef, bytes: Uint8Array, hash: (bytes: Uint8Array) => string): void {
    if (typeof chunk === 'object') {
      if (!this.postings) throw new Error('this index has no postings chunks');
      this.postings.add(chunk.postings, bytes, hash);
    } else if (chunk === 'similar') {
      const m = this.manifest.similar!;
      if (hash(bytes) !== m.sha256) throw new Error(`damaged chunk ${m.file}: checksum does not match the entry file`);
      const similar = decodeSnapshot(bytes, hash).body.similar;
      if (!similar) throw new Error(`damaged chunk ${m.file}: no similar-reform lists inside`);
      this.body.similar = similar;
      this.similarLoaded = true;
    } else this.store.add(chunk, bytes, hash);
    this.fetched++;
    this.fetchedBytes += bytes.length;
  }

  /**
   * Runs `f` over the service, loading the chunks it turns out to need and running it again, until it completes with
   * everything it read loaded. Each round fetches every chunk found missing in it at once (`load` fetches a file's
   * bytes, relative to the entry file), so a query costs a few round trips, not one per file:
   *   - a term in a postings chunk not loaded reads as absent and is noted; the round's answer is then discarded and
   *     every cache of the service cleared, since results, matches and analyses were computed without that term;
   *   - `hint` (router.ts prefetchHint) names the records the answer will read (the hits of a search and their
   *     copies, the record an id names) or a whole-corpus file: they come in the same round as the postings the
   *     ranking needs, or in the next once it is known;
   *   - a read of a record or file not loaded throws ChunkMissing (nothing half-made is cached), and that file is
   *     fetched.
   */
  async run<T>(f: (service: SearchService) => T, load: (file: string) => Promise<Uint8Array>, hash: (bytes: Uint8Array) => string, hint?: (index: ChunkedIndex) => Hint): Promise<T> {
    for (;;) {
      const want = new Map<string, ChunkRef>();
      const need = (c: ChunkRef) => {
        if (!this.isLoaded(c)) want.set(typeof c === 'object' ? `p${c.postings}` : `${c}`, c);
      };
      this.postings?.missing.clear();
      const termsMissing = () => (this.postings?.missing.size ?? 0) > 0;
      let done: { value: T } | undefined;
      try {
        const reads = hint?.(this) ?? {};
        // Records of a ranking made without some terms are not worth fetching: they come once the ranking is right.
        if (!termsMissing()) {
          for (const file of reads.files ?? []) need(file);
          for (const i of reads.records ?? []) need(this.textChunkOf(i));
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

/** What an answer will read, as far as can be told before answering: records (their chunks) and whole files. */
export interface Hint {
  records?: Iterable<number>;
  files?: ChunkRef[];
}

/** Verifies (checksum) and decodes an entry file. A damaged file throws. */
export function chunkedIndexFromEntry(bytes: Uint8Array, hash: (bytes: Uint8Array) => string): ChunkedIndex {
  const { body } = decodeSnapshot(bytes, hash);
  return new ChunkedIndex(body as EntryBody);
}
