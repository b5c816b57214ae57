/**
 * Records' long texts in chunks loaded on demand, as Pagefind loads its fragments: the offline entry file
 * (index.snapshot) holds the index, the analysis data and every record without its long text fields; the texts of
 * each run of records are a chunk file of their own (records/<n>-<hash>.json), fetched the first time an answer reads
 * one of them (a shown hit's snippet, an opened record). Ranking, facets and outcomes never read those fields, so a
 * query fetches the chunks of the hits it shows and no others.
 *
 * The same SearchService answers, over records whose long fields are getters: reading a field of a chunk not loaded
 * yet throws ChunkMissing; the page's source (source.ts) fetches that chunk and asks again (every cache along the
 * way is filled only after the field was read, so nothing half-made is kept). Environment-neutral: the export script
 * splits in Node, the page and the parity benchmark assemble.
 */
import type { ReformRecord } from '../../../indexer/schema.js';
import type { SnapshotBody } from '../../../snapshot/body.js';
import { decodeSnapshot } from '../../../snapshot/container.js';
import { SearchService } from '../../../search/service.js';

/** The long text fields kept out of the entry file. */
export const CHUNKED_FIELDS = ['content', 'applicableTo', 'process', 'outcome'] as const;
type ChunkedField = (typeof CHUNKED_FIELDS)[number];
type Texts = Partial<Record<ChunkedField, string>>;

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
}

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
  const bytes = serialize({ builtAt: body.builtAt, sources: [], warnings: [], dictionary: body.dictionary, analysis: { t2s: {}, vocabulary: [] }, records: [], index: null, similar: body.similar });
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
        if (r[f] !== undefined) t[f] = r[f];
        delete rest[f];
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

/** The loaded chunks of one entry, and the service over records whose long fields read them. */
export class ChunkedIndex {
  readonly service: SearchService;
  readonly manifest: ChunkManifest;
  private readonly loaded: (Texts[] | undefined)[];
  /** Chunk files fetched so far (for the status line, the benchmark and the tests). */
  fetched = 0;
  fetchedBytes = 0;

  constructor(decoded: EntryBody) {
    // The entry's records as plain objects (a loaded snapshot's records decode one at a time and are read-only):
    // their long fields become getters over the chunks, and the service takes its path for in-memory records.
    const body: EntryBody = { ...decoded, records: Array.from(decoded.records, (r) => ({ ...r })) };
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
    ) as Record<ChunkedField, () => string | undefined>;
    body.records.forEach((r, i) => {
      index.set(r, i);
      for (const f of CHUNKED_FIELDS) Object.defineProperty(r, f, { get: getters[f], enumerable: true, configurable: true });
    });
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
    this.body = body;
    this.service = new SearchService(body);
  }

  private readonly body: EntryBody;
  private similarLoaded = false;

  isLoaded(chunk: number | 'similar'): boolean {
    return chunk === 'similar' ? this.similarLoaded || !this.manifest.similar : this.loaded[chunk] !== undefined;
  }

  private fileOf(chunk: number | 'similar'): string {
    const m = chunk === 'similar' ? this.manifest.similar : this.manifest.chunks[chunk];
    if (!m) throw new Error(`no chunk ${chunk} in this index`);
    return m.file;
  }

  /** Adds a chunk's file content after checking it against the manifest (a damaged chunk throws). */
  add(chunk: number | 'similar', bytes: Uint8Array, hash: (bytes: Uint8Array) => string): void {
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
   * Runs `f` over the service, loading each chunk it turns out to need (`load` fetches a chunk's bytes) and running
   * it again, until it completes.
   */
  async run<T>(f: (service: SearchService) => T, load: (file: string) => Promise<Uint8Array>, hash: (bytes: Uint8Array) => string): Promise<T> {
    for (;;) {
      try {
        return f(this.service);
      } catch (e) {
        if (!(e instanceof ChunkMissing) || this.isLoaded(e.chunk)) throw e;
        this.add(e.chunk, await load(this.fileOf(e.chunk)), hash);
      }
    }
  }
}

/** Verifies (checksum) and decodes an entry file. A damaged file throws. */
export function chunkedIndexFromEntry(bytes: Uint8Array, hash: (bytes: Uint8Array) => string): ChunkedIndex {
  const { body } = decodeSnapshot(bytes, hash);
  return new ChunkedIndex(body as EntryBody);
}
