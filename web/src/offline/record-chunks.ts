/**
 * The records of the offline index, out of the entry file: each run of `perChunk` records is a chunk file holding them
 * whole (records/<n>-<hash>.json), fetched when an answer first reads one of them (a shown hit, its copies, an opened
 * record). The entry file keeps per record only what an answer reads for every record it matches, packed as varints:
 *   reforms   the records that are copies of an earlier one (gap to the previous such record, then how far back
 *             its reform's first record is): collapsing and reform counts read it for every match
 *   moved     the records whose outcomes moved down or up (gap, then the direction bits): a change verb reads it
 *   ids       the 32-bit hashes of the ids in increasing order (gaps) and the record each belongs to: opening a
 *             record by id finds the one chunk to fetch
 * Two files serve answers that read a few fields of every record: titles-<hash>.json (ids and titles: suggestions)
 * and outcomes-<hash>.json (the outcome facts of the records that have some, with the fields an outcomes row shows:
 * the outcomes table, an outcome query's candidates).
 *
 * In the page, ChunkedRecordStore stands in for the snapshot's record store (snapshot/records.ts) under the same
 * SearchService: a read of a record whose chunk (or of a field whose file) is not loaded throws ChunkMissing, before
 * anything is cached, and ChunkedIndex.run fetches it and asks again. Environment-neutral.
 */
import type { ReformRecord } from '../../../indexer/schema.js';
import { RecordStore, recordList, type PackedRecords } from '../../../snapshot/records.js';
import { reformGroups } from '../../../search/similar.js';

/** What an answer may wait for: a chunk of records (its number), or one of the whole-corpus files. */
export type RecordFile = number | 'titles' | 'outcomes';

/** Thrown by a read of data not loaded yet: a chunk of records, the titles or outcomes file, or the similar lists. */
export class ChunkMissing extends Error {
  constructor(readonly chunk: RecordFile | 'similar') {
    super(typeof chunk === 'number' ? `record chunk ${chunk} is not loaded` : `the ${chunk} file is not loaded`);
  }
}

/** What the entry file says about the records (inside its body, so its checksum covers it). */
export interface RecordsManifest {
  count: number;
  perChunk: number;
  chunks: { sha256: string; bytes: number }[];
  titles: { sha256: string; bytes: number };
  outcomes: { sha256: string; bytes: number };
  reforms: Uint8Array;
  moved: Uint8Array;
  idHashes: Uint8Array;
  idOrder: Uint8Array;
}

export const recordChunkFile = (i: number, sha256: string) => `records/${i}-${sha256.slice(0, 12)}.json`;
export const titlesFile = (sha256: string) => `titles-${sha256.slice(0, 12)}.json`;
export const outcomesFile = (sha256: string) => `outcomes-${sha256.slice(0, 12)}.json`;

/** The fields the outcomes file carries for a record with outcome facts (what an outcomes row shows and filters on). */
const ROW_FIELDS = ['id', 'title', 'outcomes', 'regions', 'category', 'section', 'source'] as const;

/** FNV-1a over UTF-16 code units: the id look-up's hash. */
function idHash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

class Varints {
  private out: number[] = [];
  add(v: number): void {
    while (v >= 0x80) {
      this.out.push((v & 0x7f) | 0x80);
      v = Math.floor(v / 128);
    }
    this.out.push(v);
  }
  take(): Uint8Array {
    return Uint8Array.from(this.out);
  }
}

function readAll(bytes: Uint8Array, what: string): number[] {
  const out: number[] = [];
  let v = 0;
  let scale = 1;
  for (const x of bytes) {
    v += (x & 0x7f) * scale;
    if (x & 0x80) {
      scale *= 128;
      if (scale > 2 ** 35) throw new Error(`offline entry file: ${what}: a number runs too long`);
    } else {
      out.push(v);
      v = 0;
      scale = 1;
    }
  }
  if (scale !== 1) throw new Error(`offline entry file: ${what} ends inside a number`);
  return out;
}

/** Records (as the service serves them) → the entry's manifest and the files holding them. */
export function splitRecords(
  records: readonly ReformRecord[],
  hash: (bytes: Uint8Array) => string,
  perChunk: number,
): { manifest: RecordsManifest; files: { file: string; bytes: Uint8Array }[] } {
  const encoder = new TextEncoder();
  const files: { file: string; bytes: Uint8Array }[] = [];
  const chunks: RecordsManifest['chunks'] = [];
  for (let from = 0; from < records.length; from += perChunk) {
    const bytes = encoder.encode(JSON.stringify(records.slice(from, from + perChunk)));
    const sha256 = hash(bytes);
    files.push({ file: recordChunkFile(chunks.length, sha256), bytes });
    chunks.push({ sha256, bytes: bytes.length });
  }
  const file = (name: (sha: string) => string, value: unknown) => {
    const bytes = encoder.encode(JSON.stringify(value));
    const sha256 = hash(bytes);
    files.push({ file: name(sha256), bytes });
    return { sha256, bytes: bytes.length };
  };
  const titles = file(titlesFile, [records.map((r) => r.id), records.map((r) => r.title)]);
  const withOutcomes: [number, Partial<ReformRecord>][] = [];
  records.forEach((r, i) => {
    if (!r.outcomes?.length) return;
    const row: Partial<ReformRecord> = {};
    for (const k of ROW_FIELDS) if (r[k] !== undefined) (row as Record<string, unknown>)[k] = r[k];
    withOutcomes.push([i, row]);
  });
  const outcomes = file(outcomesFile, withOutcomes);
  const reforms = new Varints();
  const groups = reformGroups(records as ReformRecord[]);
  let prev = -1;
  groups.forEach((g, i) => {
    if (g === i) return;
    reforms.add(i - prev);
    reforms.add(i - g);
    prev = i;
  });
  const moved = new Varints();
  prev = -1;
  records.forEach((r, i) => {
    let bits = 0;
    for (const o of r.outcomes ?? []) bits |= o?.direction === 'down' ? 1 : o?.direction === 'up' ? 2 : 0;
    if (!bits) return;
    moved.add(i - prev);
    moved.add(bits);
    prev = i;
  });
  const byHash = records.map((r, i) => [idHash(r.id), i] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const idHashes = new Varints();
  const idOrder = new Varints();
  let last = 0;
  for (const [h, i] of byHash) {
    idHashes.add(h - last);
    idOrder.add(i);
    last = h;
  }
  return {
    manifest: { count: records.length, perChunk, chunks, titles, outcomes, reforms: reforms.take(), moved: moved.take(), idHashes: idHashes.take(), idOrder: idOrder.take() },
    files,
  };
}

/** The file of a record file reference, relative to the entry file. */
export function recordFileOf(m: RecordsManifest, f: RecordFile): string {
  if (f === 'titles') return titlesFile(m.titles.sha256);
  if (f === 'outcomes') return outcomesFile(m.outcomes.sha256);
  const c = m.chunks[f];
  if (!c) throw new Error(`no record chunk ${f} in this index`);
  return recordChunkFile(f, c.sha256);
}

/**
 * The snapshot's record store, answered from chunks: the same methods the service and engine call, each reading
 * the loaded chunk, file or entry column it needs, or throwing ChunkMissing.
 */
export class ChunkedRecordStore extends RecordStore {
  private readonly chunks: (ReformRecord[] | undefined)[];
  private titles?: { ids: string[]; titles: string[] };
  private outcomes?: Map<number, Partial<ReformRecord>>;
  private readonly linkGroups: Int32Array;
  private readonly dirs = new Map<number, number>();
  private readonly hashes: Uint32Array;
  private readonly order: Uint32Array;
  /** Records of chunks not loaded, as objects whose outcomes, id and title read the whole-corpus files. */
  private readonly partial = new Map<number, ReformRecord>();

  constructor(readonly manifest: RecordsManifest) {
    super({ count: manifest.count, shapes: [] } as unknown as PackedRecords);
    const n = manifest.count;
    const { perChunk, chunks } = manifest;
    if (!(n >= 0) || !(perChunk > 0) || !Array.isArray(chunks) || chunks.length !== Math.ceil(n / perChunk)) throw new Error('offline entry file: the record chunks do not cover the records');
    for (const k of ['reforms', 'moved', 'idHashes', 'idOrder'] as const) if (!(manifest[k] instanceof Uint8Array)) throw new Error(`offline entry file: no ${k} column`);
    this.chunks = new Array(chunks.length);
    this.linkGroups = Int32Array.from({ length: n }, (_, i) => i);
    const reforms = readAll(manifest.reforms, 'reforms');
    for (let k = 0, i = -1; k < reforms.length; k += 2) {
      i += reforms[k];
      const g = i - reforms[k + 1];
      if (reforms[k] < 1 || i >= n || !(g >= 0 && g < i)) throw new Error('offline entry file: reforms out of range');
      this.linkGroups[i] = g;
    }
    const moved = readAll(manifest.moved, 'moved');
    for (let k = 0, i = -1; k < moved.length; k += 2) {
      i += moved[k];
      if (moved[k] < 1 || i >= n || moved[k + 1] > 3) throw new Error('offline entry file: outcome directions out of range');
      this.dirs.set(i, moved[k + 1]);
    }
    const hashes = readAll(manifest.idHashes, 'id hashes');
    const order = readAll(manifest.idOrder, 'id order');
    if (hashes.length !== n || order.length !== n) throw new Error('offline entry file: the id look-up does not cover the records');
    this.hashes = new Uint32Array(n);
    let h = 0;
    hashes.forEach((gap, k) => (this.hashes[k] = h += gap));
    if (h > 0xffffffff || order.some((i) => i >= n)) throw new Error('offline entry file: the id look-up is out of range');
    this.order = Uint32Array.from(order);
  }

  /** The records as the service reads them: records[i] is this store's record(i). */
  records(): ReformRecord[] {
    return recordList(this);
  }

  override list(i: number, l: Parameters<RecordStore['list']>[1]): string[] {
    return (this.record(i) as unknown as Record<string, string[] | undefined>)[l] ?? [];
  }

  isLoaded(f: RecordFile): boolean {
    return f === 'titles' ? !!this.titles : f === 'outcomes' ? !!this.outcomes : this.chunks[f] !== undefined;
  }

  chunkOf(i: number): number {
    return Math.floor(i / this.manifest.perChunk);
  }

  /** Adds a file's content after checking it against the manifest (a damaged file throws, naming it). */
  add(f: RecordFile, bytes: Uint8Array, hash: (bytes: Uint8Array) => string): void {
    const m = f === 'titles' ? this.manifest.titles : f === 'outcomes' ? this.manifest.outcomes : this.manifest.chunks[f];
    const file = recordFileOf(this.manifest, f);
    if (!m || bytes.length !== m.bytes || hash(bytes) !== m.sha256) throw new Error(`damaged chunk ${file}: checksum does not match the entry file`);
    let value: unknown;
    try {
      value = JSON.parse(new TextDecoder().decode(bytes));
    } catch (e) {
      throw new Error(`damaged chunk ${file}: ${(e as Error).message}`);
    }
    const n = this.length;
    if (f === 'titles') {
      const [ids, titles] = value as [string[], string[]];
      if (!Array.isArray(ids) || !Array.isArray(titles) || ids.length !== n || titles.length !== n) throw new Error(`damaged chunk ${file}: not ${n} ids and titles`);
      this.titles = { ids, titles };
    } else if (f === 'outcomes') {
      if (!Array.isArray(value) || !value.every((x) => Array.isArray(x) && Number.isInteger(x[0]) && x[0] >= 0 && x[0] < n && Array.isArray(x[1]?.outcomes))) throw new Error(`damaged chunk ${file}: not a list of records' outcomes`);
      this.outcomes = new Map(value as [number, Partial<ReformRecord>][]);
    } else {
      const expected = Math.min(this.manifest.perChunk, n - f * this.manifest.perChunk);
      if (!Array.isArray(value) || value.length !== expected || !value.every((r) => r && typeof r === 'object' && typeof r.id === 'string')) throw new Error(`damaged chunk ${file}: not ${expected} records`);
      this.chunks[f] = value as ReformRecord[];
    }
  }

  override isRaw(): boolean {
    return false;
  }

  override record(i: number): ReformRecord {
    const chunk = this.chunkOf(i);
    const c = this.chunks[chunk];
    if (c) return c[i % this.manifest.perChunk];
    // Not loaded: a stand-in reading what the whole-corpus files hold (outcome facts and an outcomes row's fields,
    // ids, titles) and anything else from the chunk, once loaded (one kept by a cache reads the loaded record then).
    let r = this.partial.get(i);
    if (!r) {
      const read = (k: string | symbol): unknown => {
        const loaded = this.chunks[chunk];
        if (loaded) return (loaded[i % this.manifest.perChunk] as unknown as Record<string | symbol, unknown>)[k];
        if (typeof k === 'symbol' || k === 'then') return undefined;
        if (k === 'outcomes' && !this.outcomes) throw new ChunkMissing('outcomes');
        const row = this.outcomes?.get(i) as Record<string, unknown> | undefined;
        if (row && (k in row || k === 'outcomes')) return row[k];
        if (row && (ROW_FIELDS as readonly string[]).includes(k)) return undefined;
        if (k === 'outcomes') return undefined;
        if (k === 'id' && this.titles) return this.titles.ids[i];
        if (k === 'title' && this.titles) return this.titles.titles[i];
        throw new ChunkMissing(chunk);
      };
      const whole = (): ReformRecord => {
        const loaded = this.chunks[chunk];
        if (!loaded) throw new ChunkMissing(chunk);
        return loaded[i % this.manifest.perChunk];
      };
      r = new Proxy({} as ReformRecord, {
        get: (_, k) => read(k),
        has: (_, k) => k in whole(),
        ownKeys: () => Reflect.ownKeys(whole()),
        getOwnPropertyDescriptor: (_, k) => {
          const d = Reflect.getOwnPropertyDescriptor(whole(), k);
          return d && { ...d, configurable: true };
        },
      });
      this.partial.set(i, r);
    }
    return r;
  }

  override id(i: number): string {
    return this.titles ? this.titles.ids[i] : this.record(i).id;
  }

  override title(i: number): string {
    return this.titles ? this.titles.titles[i] : this.record(i).title;
  }

  override field(i: number, f: Parameters<RecordStore['field']>[1]): string | undefined {
    return (this.record(i) as unknown as Record<string, string | undefined>)[f];
  }

  override source(i: number): { file: string; title: string; no: number } {
    const s = this.record(i).source;
    return { file: s.file, title: s.title, no: s.no };
  }

  override category(i: number): string | undefined {
    return this.record(i).category;
  }

  /** The records whose id hashes like `id` (the chunks holding them are what finding it needs). */
  candidates(id: string): number[] {
    const h = idHash(id);
    let lo = 0;
    let hi = this.hashes.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.hashes[mid] < h) lo = mid + 1;
      else hi = mid;
    }
    const out: number[] = [];
    for (let j = lo; j < this.hashes.length && this.hashes[j] === h; j++) out.push(this.order[j]);
    return out;
  }

  override indexOf(id: string): number {
    for (const j of this.candidates(id)) if (this.id(j) === id) return j;
    return -1;
  }

  override moved(i: number, direction: 'down' | 'up'): boolean {
    return ((this.dirs.get(i) ?? 0) & (direction === 'down' ? 1 : 2)) !== 0;
  }

  override reformOf(): Int32Array {
    return this.linkGroups;
  }

  override check(): void {}
}
