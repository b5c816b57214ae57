/**
 * The snapshot file format. Environment-neutral (Uint8Array and DataView only; the checksum function is passed in),
 * so the server and a browser decode the same bytes the same way.
 *
 *   "FTZSNAP\n"  u32 header length  header JSON  pad to 8
 *   payload:     u32 skeleton length  u32 0  skeleton JSON  pad to 8  | sections: section  pad to 8  section …
 *   or, packed:  u32 skeleton length  u32 packed length  u32 unpacked length  u32 n  n × (u32 packed, u32 unpacked)
 *                stream 0  stream 1 … n  pad to 8  | raw sections
 *
 * Packed (written by the Node edge for files on disk): stream 0 (brotli) unpacks to the skeleton and the text
 * sections; stream 1 (version 5) to the other sections, referenced with "stream":1 and offsets within it; sections
 * that do not compress (a large corpus's bit-packed postings) stay raw after the streams, referenced with "raw":1, and
 * are mapped as views without copying. Inside the streams: increasing Uint32 columns (offsets) as gaps, "delta":1,
 * summed back in the unpacked buffer; small 32-bit columns byte-planed, "shuffle":1; long sorted string lists
 * front-coded, "sorted":1 (sorted-strings.ts); some tables in a stored form (tables.ts). Version 4 had stream 0
 * only (n = 0) and none of these but gaps. The decompressor is passed in like the checksum, so a browser (which
 * reads the unpacked files the offline export writes) needs none.
 *
 * The header is readable without touching the payload: format and product versions, build time, source files with
 * their sha256, record count, dictionary hashes and the payload's length and sha256, and last `headerSha256`: the sha256
 * of the header JSON without that field, so a changed build time, source hash or record count is refused like a
 * damaged payload (files written before it had one are read without it, up to version 5). The skeleton is the body as
 * JSON with every typed array replaced by a reference {"$typed": kind, "offset", "length"} to a section (offset
 * from the start of the sections area); decoding maps sections as zero-copy views. Records are columns too
 * (records.ts), decoded one record at a time when read: loading is a checksum, a small JSON parse and taking views.
 * Anything off — magic, version, length, checksum, a section out of range — refuses the whole file.
 */
import type { SnapshotBody, SourceFile } from './body.js';
import { isPackedRecords, packedIdMismatch, packRecords, recordList, RecordStore, textColumns, type PackedRecords } from './records.js';
import { recordValidator } from './validate.js';
import { decodeSortedList, encodeSortedList, sortedItems } from './sorted-strings.js';
import { restoreTables, storeTables } from './tables.js';

export const SNAPSHOT_FORMAT = 'ftz-search-snapshot';
/**
 * Version 5: in a packed file, integer columns are byte-planed ("shuffle"), sorted string lists front-coded
 * (sorted-strings.ts), the vocabulary, user words, similar term table and scores in a stored form (tables.ts).
 * Version 4: sections may be packed (one brotli stream) and postings are bit-packed (indexer/postings-codec.ts).
 * Version 3: records as columns decoded per record (snapshot/records.ts). Versions 2 (records as one JSON array) and
 * 3 are still read. Version 1 was a JSON line format.
 */
export const SNAPSHOT_VERSION = 5;
const READABLE_VERSIONS = [2, 3, 4, 5];
const MAGIC = new TextEncoder().encode('FTZSNAP\n');

export type Sha256 = (bytes: Uint8Array) => string;
/** A general-purpose compressor and its inverse (the Node edge passes brotli; see file.ts). */
export type Compress = (bytes: Uint8Array) => Uint8Array;
/** Must return exactly `size` bytes or throw. */
export type Decompress = (bytes: Uint8Array, size: number) => Uint8Array;

export interface SnapshotHeader {
  format: typeof SNAPSHOT_FORMAT;
  formatVersion: number;
  productVersion: string;
  builtAt: string;
  records: number;
  sources: Pick<SourceFile, 'file' | 'sha256' | 'bytes' | 'records'>[];
  dictionaryHash: string;
  synonymsHash: string;
  /** Byte order of the typed-array sections. */
  endianness: 'le';
  /** Present when the payload's skeleton and compressible sections are one brotli stream (version 4 and later). */
  compression?: 'brotli';
  payload: { bytes: number; sha256: string };
  /**
   * sha256 of the header's JSON without this field (the last key, so the reader re-serialises the rest as written):
   * the header's provenance is checked as the payload is. Absent in files written before it (versions up to 5).
   */
  headerSha256?: string;
}

/** The first format version every file of which has `headerSha256` (it was added while version 5 was current). */
const HEADER_HASH_REQUIRED_FROM = 6;

export class SnapshotError extends Error {}

const TYPED = {
  Uint8Array,
  Uint16Array,
  Uint32Array,
  Int32Array,
  Float32Array,
  Float64Array,
} as const;
type TypedKind = keyof typeof TYPED;
type Typed = InstanceType<(typeof TYPED)[TypedKind]>;

function typedKind(v: unknown): TypedKind | undefined {
  if (!ArrayBuffer.isView(v) || v instanceof DataView) return undefined;
  for (const k of Object.keys(TYPED) as TypedKind[]) if (v.constructor === TYPED[k]) return k;
  return undefined;
}

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const pad8 = (n: number) => (n + 7) & ~7;

/**
 * Sections smaller than this are always packed; a larger one is packed when a sample of it compresses to less than
 * SAMPLE_GAIN of its size, or to less than SMALL_GAIN when the section is at most PACK_MIB: unpacking costs load time
 * and a copy, a few milliseconds below 16 MiB (the seeds' bit-packed postings, 219 KB, pack 8 % smaller), a second
 * for the postings of 100,000 records, which barely compress and stay raw.
 */
const SMALL_SECTION = 1 << 16;
const SAMPLE_GAIN = 0.85;
const SMALL_GAIN = 0.97;
const PACK_MIB = 16;
/** Largest column stored byte-planed (see encodeSnapshot). */
const PLANES_MAX = 1 << 20;
/** Joined string lists shorter than this stay in the skeleton's JSON. */
const SORTED_LIST_CHARS = 4096;

/**
 * Encode a body. Its build time goes into the header only; the payload depends on the body's content alone.
 * With `compress`, the skeleton and the sections that compress are packed into one stream (see the top of the file).
 * `packedRecords`, when given, is packRecords(body.records) made earlier (the CLI's build packs them while it
 * waits): used as it is, so the same bytes as packing them here; refused when its count or its records' ids differ
 * from the body's.
 */
export function encodeSnapshot(body: SnapshotBody, info: { productVersion: string }, sha256: Sha256, compress?: Compress, packedRecords?: PackedRecords): Uint8Array {
  const layout = layoutSnapshot(body, compress, packedRecords);
  return assembleSnapshot(body, info, sha256, layout, layout.streams.map((x) => compress!(x)));
}

/**
 * encodeSnapshot's bytes as the parts a writer writes one after the other (head, then the payload's parts; their
 * concatenation is encodeSnapshot's answer), with the packed streams compressed at once by `compressAsync` (Node:
 * brotli on libuv's thread pool, so the skeleton's stream and the numbers' stream are compressed on two cores while
 * this thread waits; `compress` still samples which sections pack): the payload is never copied into one array.
 */
export async function encodeSnapshotPartsAsync(
  body: SnapshotBody,
  info: { productVersion: string },
  sha256Parts: (parts: Uint8Array[]) => string,
  compress: Compress,
  compressAsync: (bytes: Uint8Array) => Promise<Uint8Array>,
  packedRecords?: PackedRecords,
): Promise<Uint8Array[]> {
  const layout = layoutSnapshot(body, compress, packedRecords);
  return assembleParts(body, info, sha256Parts, layout, await Promise.all(layout.streams.map(compressAsync)));
}

/** Where every part of a body goes: the unpacked payload, or (compress) the streams to pack and the raw sections. */
interface SnapshotLayout {
  /** Unpacked: the whole payload. Packed: the streams to compress, in order (skeleton and text first, then numbers). */
  payload?: Uint8Array;
  streams: Uint8Array[];
  skeletonLength: number;
  rawSections: Typed[];
  rawOffset: number;
}

function layoutSnapshot(body: SnapshotBody, compress?: Compress, packedRecords?: PackedRecords): SnapshotLayout {
  if (!littleEndian) throw new SnapshotError('snapshots are written on little-endian machines only');
  const sections: Typed[] = [];
  const rawSections: Typed[] = [];
  const binary: Typed[] = [];
  let offset = 0; // relative to the start of the sections area, right after the padded skeleton
  let rawOffset = 0; // relative to the start of the raw area, after the packed bytes
  let binaryOffset = 0; // relative to the start of the second packed stream, unpacked
  const { builtAt, ...plain } = body;
  // Packed files store some tables in a smaller form (tables.ts); the unpacked layout stays as the body is.
  const rest = compress ? storeTables(plain) : plain;
  const packs = (v: Typed): boolean => {
    if (!compress || v.byteLength < SMALL_SECTION) return true;
    const sample = new Uint8Array(v.buffer, v.byteOffset, SMALL_SECTION);
    return compress(sample).length < (v.byteLength <= PACK_MIB * 2 ** 20 ? SMALL_GAIN : SAMPLE_GAIN) * SMALL_SECTION;
  };
  // Sections of text, which go in the skeleton's stream (see below): the records' text columns.
  const textSections = new Set<ArrayBufferView>();
  // Records become columns in place (the body's key order is kept); a record the loader would refuse stays JSON.
  const skeleton = new TextEncoder().encode(
    JSON.stringify(rest, function (this: unknown, key, value) {
      if (this === rest && key === 'records' && Array.isArray(value)) {
        const packed = packedRecords ?? packRecords(value, recordValidator());
        if (packed.count !== value.length) throw new SnapshotError(`packed records hold ${packed.count} records, the body ${value.length}`);
        const wrong = packedRecords ? packedIdMismatch(packed, value) : -1;
        if (wrong >= 0) throw new SnapshotError(`packed records do not hold the body's records: record ${wrong} (id ${JSON.stringify((value[wrong] as { id?: unknown } | undefined)?.id)}) differs`);
        for (const column of textColumns(packed)) textSections.add(column);
        return packed;
      }
      // A long sorted list joined by U+0000 (the term dictionary, the vocabulary's words) is stored front-coded.
      if (compress && typeof value === 'string' && value.length >= SORTED_LIST_CHARS) {
        const items = sortedItems(value);
        if (items) {
          const coded = encodeSortedList(items);
          sections.push(coded);
          const ref = { $typed: 'Uint8Array', offset, length: coded.length, sorted: 1 };
          offset = pad8(offset + coded.length);
          return ref;
        }
      }
      const kind = typedKind(value);
      if (!kind) return value;
      const v = value as Typed;
      if (!packs(v)) {
        const ref = { $typed: kind, offset: rawOffset, length: v.length, raw: 1 };
        rawSections.push(v);
        rawOffset = pad8(rawOffset + v.byteLength);
        return ref;
      }
      // Offsets and other increasing columns pack far smaller as gaps (the seeds' term offsets: 24 KB → 1 KB).
      const gaps = compress && kind === 'Uint32Array' && increasing(v as Uint32Array);
      const column = gaps ? deltas(v as Uint32Array) : v;
      // 32-bit integer columns of small values compress better byte-planed: all low bytes, then all second bytes,
      // … (not UTF-16 text, whose two bytes belong together; not floats, measured worse). Up to PLANES_MAX only:
      // putting a large column back costs load time (a large corpus's columns, 100k records: +11 % decode) for
      // a gain lost in its raw postings.
      const planes = compress && (kind === 'Uint32Array' || kind === 'Int32Array') && column.length >= 64 && column.byteLength <= PLANES_MAX;
      const stored = planes ? shuffle(column) : column;
      // Text (the records' text and quantity JSON) goes in the skeleton's stream, numbers in a second one: brotli
      // codes each far better alone than the two interleaved (the seeds: 467 → 446 KB).
      const text = textSections.has(v);
      const ref: Record<string, unknown> = { $typed: kind, offset: text || !compress ? offset : binaryOffset, length: v.length };
      if (gaps) ref.delta = 1;
      if (planes) ref.shuffle = 1;
      if (text || !compress) {
        sections.push(stored);
        offset = pad8(offset + v.byteLength);
      } else {
        ref.stream = 1;
        binary.push(stored);
        binaryOffset = pad8(binaryOffset + v.byteLength);
      }
      return ref;
    }),
  );
  // The unpacked layout: skeleton, padding, sections (after an 8-byte prefix when nothing is packed).
  const lead = compress ? 0 : 8;
  const inner = new Uint8Array(pad8(lead + skeleton.length) + offset);
  inner.set(skeleton, lead);
  let at = pad8(lead + skeleton.length);
  for (const s of sections) {
    inner.set(new Uint8Array(s.buffer, s.byteOffset, s.byteLength), at);
    at = pad8(at + s.byteLength);
  }
  if (!compress) {
    new DataView(inner.buffer).setUint32(0, skeleton.length, true);
    return { payload: inner, streams: [], skeletonLength: skeleton.length, rawSections, rawOffset };
  }
  const second = new Uint8Array(binaryOffset);
  let b = 0;
  for (const s of binary) {
    second.set(new Uint8Array(s.buffer, s.byteOffset, s.byteLength), b);
    b = pad8(b + s.byteLength);
  }
  return { streams: binaryOffset > 0 ? [inner, second] : [inner], skeletonLength: skeleton.length, rawSections, rawOffset };
}

/**
 * The payload as the parts it is made of, in order (unpacked: the one payload; packed: the table of sizes, the packed
 * streams, zeros up to the raw area and each raw section followed by the zeros padding it). Views of the sections, not
 * copies: the 100k build's payload is 138 MB, 97 of them raw sections, and copying them into one array and that into
 * the file's was two allocations of its size at the build's end.
 */
function payloadParts(layout: SnapshotLayout, packedStreams: Uint8Array[]): Uint8Array[] {
  if (layout.payload) return [layout.payload];
  const [inner, second] = layout.streams;
  const [packed, ...streams] = packedStreams;
  const lead = 16 + 8 * streams.length;
  const table = new Uint8Array(lead);
  const view = new DataView(table.buffer);
  view.setUint32(0, layout.skeletonLength, true);
  view.setUint32(4, packed.length, true);
  view.setUint32(8, inner.length, true);
  view.setUint32(12, streams.length, true);
  if (streams.length) {
    view.setUint32(16, streams[0].length, true);
    view.setUint32(20, second.length, true);
  }
  const parts = [table, packed, ...streams];
  const packedEnd = lead + packed.length + streams.reduce((n, x) => n + x.length, 0);
  const zeros = new Uint8Array(8);
  if (pad8(packedEnd) > packedEnd) parts.push(zeros.subarray(0, pad8(packedEnd) - packedEnd));
  let r = 0;
  for (const s of layout.rawSections) {
    parts.push(new Uint8Array(s.buffer, s.byteOffset, s.byteLength));
    r += s.byteLength;
    if (pad8(r) > r) parts.push(zeros.subarray(0, pad8(r) - r));
    r = pad8(r);
  }
  return parts;
}

/** The file's head: magic, header length, the header (its payload's size and checksum) and zeros up to a multiple of 8. */
function headBytes(body: SnapshotBody, info: { productVersion: string }, compress: boolean, payload: { bytes: number; sha256: string }, sha256: Sha256): Uint8Array {
  const fields: SnapshotHeader = {
    format: SNAPSHOT_FORMAT,
    formatVersion: SNAPSHOT_VERSION,
    productVersion: info.productVersion,
    builtAt: body.builtAt,
    records: body.records.length,
    sources: body.sources.map((s) => ({ file: s.file, sha256: s.sha256, bytes: s.bytes, records: s.records })),
    dictionaryHash: body.dictionary.version,
    synonymsHash: body.dictionary.synonymsVersion ?? '',
    endianness: 'le',
    ...(compress ? { compression: 'brotli' as const } : {}),
    payload,
  };
  const header: SnapshotHeader = { ...fields, headerSha256: sha256(new TextEncoder().encode(JSON.stringify(fields))) };
  const headerBytes = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(pad8(MAGIC.length + 4 + headerBytes.length));
  out.set(MAGIC, 0);
  new DataView(out.buffer).setUint32(MAGIC.length, headerBytes.length, true);
  out.set(headerBytes, MAGIC.length + 4);
  return out;
}

/** The file: header, then the payload (unpacked, or the packed streams with their sizes and the raw sections). */
function assembleSnapshot(body: SnapshotBody, info: { productVersion: string }, sha256: Sha256, layout: SnapshotLayout, packedStreams: Uint8Array[]): Uint8Array {
  const compress = layout.payload === undefined;
  const parts = payloadParts(layout, packedStreams);
  const bytes = parts.reduce((n, x) => n + x.length, 0);
  // The head's length does not depend on the checksum (always 64 hex digits): the payload is written once, in place
  // after it, hashed there, and the head written in front.
  const placeholder = headBytes(body, info, compress, { bytes, sha256: '0'.repeat(64) }, sha256);
  const out = new Uint8Array(placeholder.length + bytes);
  let at = placeholder.length;
  for (const x of parts) {
    out.set(x, at);
    at += x.length;
  }
  const head = headBytes(body, info, compress, { bytes, sha256: sha256(out.subarray(placeholder.length)) }, sha256);
  if (head.length !== placeholder.length) throw new SnapshotError('snapshot header length changed with its checksum');
  out.set(head, 0);
  return out;
}

/** assembleSnapshot as the file's parts (head first), none copied: `sha256Parts` hashes the payload's parts in order as one. */
function assembleParts(body: SnapshotBody, info: { productVersion: string }, sha256Parts: (parts: Uint8Array[]) => string, layout: SnapshotLayout, packedStreams: Uint8Array[]): Uint8Array[] {
  const parts = payloadParts(layout, packedStreams);
  const bytes = parts.reduce((n, x) => n + x.length, 0);
  return [headBytes(body, info, layout.payload === undefined, { bytes, sha256: sha256Parts(parts) }, (b) => sha256Parts([b])), ...parts];
}

interface SectionRef {
  $typed: string;
  offset: unknown;
  length: unknown;
  raw?: unknown;
  delta?: unknown;
  shuffle?: unknown;
  sorted?: unknown;
  stream?: unknown;
}

function increasing(v: Uint32Array): boolean {
  if (v.length < 64) return false;
  for (let i = 1; i < v.length; i++) if (v[i] < v[i - 1]) return false;
  return true;
}

/** Byte planes: byte k of element i goes to k × n + i. */
function shuffle(v: Typed): Uint8Array<ArrayBuffer> {
  const w = v.BYTES_PER_ELEMENT;
  const n = v.length;
  const bytes = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  const out = new Uint8Array(new ArrayBuffer(bytes.length));
  for (let k = 0; k < w; k++) {
    const base = k * n;
    for (let i = 0, j = k; i < n; i++, j += w) out[base + i] = bytes[j];
  }
  return out;
}

/** Back from byte planes, in place (the planes are copied out first). */
function unshuffle(region: Uint8Array, w: number): void {
  const n = region.length / w;
  const planes = region.slice();
  if (w === 4) {
    const out = new Uint32Array(region.buffer, region.byteOffset, n);
    for (let i = 0; i < n; i++) out[i] = (planes[i] | (planes[n + i] << 8) | (planes[2 * n + i] << 16) | (planes[3 * n + i] << 24)) >>> 0;
    return;
  }
  for (let k = 0; k < w; k++) {
    const base = k * n;
    for (let i = 0, j = k; i < n; i++, j += w) region[j] = planes[base + i];
  }
}

function deltas(v: Uint32Array): Typed {
  const d = new Uint32Array(v.length);
  d[0] = v[0];
  for (let i = 1; i < v.length; i++) d[i] = v[i] - v[i - 1];
  return d;
}

/**
 * Read and check the header alone (for `--inspect` and early refusal); returns where the payload starts. With
 * `sha256`, the header's own checksum is verified too (every reader that trusts the header's provenance passes it).
 */
export function readSnapshotHeader(bytes: Uint8Array, fileSize = bytes.length, sha256?: Sha256): { header: SnapshotHeader; payloadStart: number } {
  if (bytes.length < MAGIC.length + 4 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new SnapshotError('not a snapshot: the file does not start with the snapshot signature');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(MAGIC.length, true);
  if (MAGIC.length + 4 + headerLength > bytes.length) throw new SnapshotError('damaged snapshot: the header is cut short');
  let header: SnapshotHeader;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(MAGIC.length + 4, MAGIC.length + 4 + headerLength)));
  } catch {
    throw new SnapshotError('damaged snapshot: the header is not valid JSON');
  }
  if (!header || typeof header !== 'object' || header.format !== SNAPSHOT_FORMAT) {
    throw new SnapshotError(`not a snapshot: format is ${JSON.stringify((header as { format?: unknown } | null)?.format)}`);
  }
  if (!READABLE_VERSIONS.includes(header.formatVersion)) {
    throw new SnapshotError(`unsupported snapshot version ${header.formatVersion} (this server reads versions ${READABLE_VERSIONS.slice(0, -1).join(', ')} and ${READABLE_VERSIONS.at(-1)}); build it again with this release's indexer`);
  }
  if (sha256) checkHeaderHash(header, sha256);
  if (header.endianness !== 'le' || !littleEndian) throw new SnapshotError('unsupported snapshot: byte order does not match this machine');
  const payloadStart = pad8(MAGIC.length + 4 + headerLength);
  if (!header.payload || typeof header.payload.bytes !== 'number' || typeof header.payload.sha256 !== 'string') {
    throw new SnapshotError('damaged snapshot: the header does not describe the payload');
  }
  if (fileSize !== payloadStart + header.payload.bytes) {
    throw new SnapshotError(`damaged snapshot: ${fileSize} bytes where the header says ${payloadStart + header.payload.bytes} (truncated or extended)`);
  }
  return { header, payloadStart };
}

/**
 * Where a payload's parts lie: the skeleton's length, the packed streams (stream 0 the skeleton and text, then the
 * numbers) and where the raw sections start. Read from the payload's first bytes only (16 + 8 × streams), so a
 * reader can start unpacking a stream as soon as its bytes are in (snapshot/file.ts).
 */
export interface PayloadLayout {
  skeletonLength: number;
  /** Packed streams, in order: position in the payload, packed length, unpacked size. Empty when nothing is packed. */
  streams: { from: number; length: number; size: number }[];
  /** Where the raw sections start (packed files); the payload's length otherwise. */
  rawBase: number;
}

/**
 * The layout of a payload of `payloadLength` bytes whose first bytes are `head` (at least 16 + 8 × 64 bytes, or
 * the whole payload). Checks what the table says against the payload's length; throws SnapshotError.
 */
export function payloadLayout(header: SnapshotHeader, head: Uint8Array, payloadLength: number, decompress: boolean): PayloadLayout {
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  if (payloadLength < 8 || head.length < 8) throw new SnapshotError('damaged snapshot: the body is cut short');
  const skeletonLength = view.getUint32(0, true);
  const packedLength = view.getUint32(4, true);
  if (packedLength === 0) return { skeletonLength, streams: [], rawBase: payloadLength };
  if (header.formatVersion < 4 || payloadLength < 16 || head.length < 16 || 16 + packedLength > payloadLength) throw new SnapshotError('damaged snapshot: the packed sections are cut short');
  if (!decompress) {
    throw new SnapshotError(`this snapshot is ${header.compression ?? 'packed'}-compressed and this reader has no decompressor (a browser reads the unpacked files npm run export:offline writes)`);
  }
  const more = view.getUint32(12, true);
  if (more > 0 && header.formatVersion < 5) throw new SnapshotError('damaged snapshot: the packed sections are cut short');
  const table = 16 + 8 * more;
  if (more > 64 || table > payloadLength || table > head.length) throw new SnapshotError('damaged snapshot: the packed sections are cut short');
  const streams = [{ from: table, length: packedLength, size: view.getUint32(8, true) }];
  let at = table + packedLength;
  for (let i = 0; i < more; i++) {
    const length = view.getUint32(16 + 8 * i, true);
    streams.push({ from: at, length, size: view.getUint32(20 + 8 * i, true) });
    at += length;
  }
  for (const s of streams) if (s.from + s.length > payloadLength) throw new SnapshotError('damaged snapshot: the packed sections are cut short');
  return { skeletonLength, streams, rawBase: pad8(at) };
}

/** The bytes a payload's head must hold for payloadLayout (or the whole payload, when shorter). */
export const PAYLOAD_HEAD_BYTES = 16 + 8 * 64;

/** What a packed stream unpacked to: checked against the size its table gives, aligned for typed views. */
export function checkUnpacked(out: Uint8Array, size: number): Uint8Array {
  if (out.length !== size) throw new SnapshotError(`damaged snapshot: the packed sections unpack to ${out.length} bytes, not ${size}`);
  // Typed views need their element alignment.
  return out.byteOffset % 8 !== 0 ? out.slice() : out;
}

/** A stream's unpacking failed: the message a damaged file gets. */
export const unpackError = (e: unknown): SnapshotError =>
  e instanceof SnapshotError ? e : new SnapshotError(`damaged snapshot: the packed sections do not unpack (${(e as Error).message})`);

/** Throws when the header's fields are not those its `headerSha256` was computed over (a changed build time, source hash, count). */
function checkHeaderHash(header: SnapshotHeader, sha256: Sha256): void {
  const { headerSha256, ...fields } = header;
  if (headerSha256 === undefined) {
    if (header.formatVersion >= HEADER_HASH_REQUIRED_FROM) throw new SnapshotError('damaged snapshot: the header has no checksum');
    return;
  }
  const actual = sha256(new TextEncoder().encode(JSON.stringify(fields)));
  if (actual !== headerSha256) {
    throw new SnapshotError(`damaged snapshot: the header's checksum ${actual.slice(0, 12)}… does not match ${String(headerSha256).slice(0, 12)}… (its build time, sources or record count changed)`);
  }
}

/** The checksum's verdict: throws when the payload's sha256 is not the header's. */
export function checkPayloadHash(header: SnapshotHeader, actual: string): void {
  if (actual !== header.payload.sha256) {
    throw new SnapshotError(`damaged snapshot: checksum ${actual.slice(0, 12)}… does not match ${String(header.payload.sha256).slice(0, 12)}…`);
  }
}

/** Verify and decode a whole snapshot. Throws SnapshotError, never returns a partial body. */
export function decodeSnapshot(input: Uint8Array, sha256: Sha256, decompress?: Decompress): { header: SnapshotHeader; body: SnapshotBody } {
  const { header, payloadStart } = readSnapshotHeader(input, input.length, sha256);
  // Typed views need their element alignment: copy the (rare) input that does not start on an 8-byte boundary.
  const bytes = input.byteOffset % 8 === 0 ? input : input.slice();
  const payload = bytes.subarray(payloadStart);
  checkPayloadHash(header, sha256(payload));
  const layout = payloadLayout(header, payload, payload.length, decompress !== undefined);
  const unpacked = layout.streams.map(({ from, length, size }) => {
    let out: Uint8Array;
    try {
      out = decompress!(payload.subarray(from, from + length), size);
    } catch (e) {
      throw unpackError(e);
    }
    return checkUnpacked(out, size);
  });
  return { header, body: decodeVerified(header, payload, layout, unpacked) };
}

/**
 * The body of a payload whose checksum has been verified, given its streams unpacked (checkUnpacked): the skeleton
 * parsed, section references made views, records made a list decoding one record when read, tables restored.
 */
export function decodeVerified(header: SnapshotHeader, payload: Uint8Array, layout: PayloadLayout, unpacked: Uint8Array[]): SnapshotBody {
  const { skeletonLength, rawBase } = layout;
  // `inner` holds the skeleton and the packed sections; `raw` the sections stored as they are (packed files only).
  const inner = unpacked.length ? unpacked[0] : payload;
  const lead = unpacked.length ? 0 : 8;
  // Further packed streams (version 5: the numbers apart from the text), unpacked.
  const streams = unpacked.slice(1);
  if (lead + skeletonLength > inner.length) throw new SnapshotError('damaged snapshot: the body is cut short');
  const sectionsStart = pad8(lead + skeletonLength);
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(inner.subarray(lead, lead + skeletonLength)));
  } catch {
    throw new SnapshotError('damaged snapshot: the body is not valid JSON');
  }
  // Section references become views, bottom-up (a walk: JSON.parse with a reviver costs several times the parse).
  const revive = (v: Record<string, unknown> | unknown[], key: string): unknown => {
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const x = v[i];
        if (x !== null && typeof x === 'object') v[i] = revive(x as Record<string, unknown>, '');
      }
      return v;
    }
    if (typeof v.$typed === 'string') return section(v as unknown as SectionRef);
    for (const k of Object.keys(v)) {
      const x = v[k];
      if (x === null || typeof x !== 'object') continue;
      const y = revive(x as Record<string, unknown>, k);
      if (y !== x) Object.defineProperty(v, k, { value: y, writable: true, enumerable: true, configurable: true });
    }
    // The records' columns (typed sections by now) become a list decoding one record when it is read.
    if (key === 'records' && isPackedRecords(v)) return recordList(new RecordStore(v));
    return v;
  };
  const body = (parsed !== null && typeof parsed === 'object' ? revive(parsed as Record<string, unknown>, '') : parsed) as SnapshotBody;
  if (!body || typeof body !== 'object') throw new SnapshotError('damaged snapshot: missing records, index or analysis data');
  try {
    restoreTables(body);
  } catch (e) {
    throw new SnapshotError(`damaged snapshot: ${(e as Error).message}`);
  }
  body.builtAt = header.builtAt;
  if (!Array.isArray(body.records) || body.index === undefined || !body.analysis?.vocabulary) {
    throw new SnapshotError('damaged snapshot: missing records, index or analysis data');
  }
  if (body.records.length !== header.records) throw new SnapshotError(`damaged snapshot: the header says ${header.records} records, the payload holds ${body.records.length}`);
  return body;

  function section(ref: SectionRef): Typed | string {
    const Ctor = TYPED[ref.$typed as TypedKind];
    const { offset, length } = ref;
    if (!Ctor || !Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || (offset as number) < 0 || (length as number) < 0) {
      throw new SnapshotError(`damaged snapshot: a section reference is malformed (${JSON.stringify(ref).slice(0, 80)})`);
    }
    const raw = ref.raw === 1;
    if (raw && inner === payload) throw new SnapshotError('damaged snapshot: a raw section in a snapshot with nothing packed');
    const stream = ref.stream;
    if (stream !== undefined && (raw || typeof stream !== 'number' || !(stream >= 1 && stream <= streams.length) || !Number.isInteger(stream))) {
      throw new SnapshotError(`damaged snapshot: a section reference is malformed (${JSON.stringify(ref).slice(0, 80)})`);
    }
    const area = raw ? payload : stream !== undefined ? streams[stream - 1] : inner;
    const start = (raw ? rawBase : stream !== undefined ? 0 : sectionsStart) + (offset as number);
    const end = start + (length as number) * Ctor.BYTES_PER_ELEMENT;
    if (start % Ctor.BYTES_PER_ELEMENT !== 0 || end > area.length) {
      throw new SnapshotError(`damaged snapshot: a ${ref.$typed} section lies outside the payload`);
    }
    const view = new Ctor(area.buffer as ArrayBuffer, area.byteOffset + start, length as number);
    if (ref.sorted !== undefined) {
      if (ref.sorted !== 1 || raw || inner === payload || !(view instanceof Uint8Array) || ref.delta !== undefined || ref.shuffle !== undefined) throw new SnapshotError('damaged snapshot: a section reference is malformed (sorted)');
      try {
        return decodeSortedList(view);
      } catch (e) {
        throw new SnapshotError(`damaged snapshot: a sorted list does not decode (${(e as Error).message})`);
      }
    }
    if (ref.shuffle !== undefined) {
      if (ref.shuffle !== 1 || raw || inner === payload || Ctor.BYTES_PER_ELEMENT === 1) throw new SnapshotError('damaged snapshot: a section reference is malformed (shuffle)');
      // Byte planes back into elements, in the unpacked buffer (ours).
      unshuffle(new Uint8Array(view.buffer, view.byteOffset, view.byteLength), Ctor.BYTES_PER_ELEMENT);
    }
    if (ref.delta === undefined) return view;
    if (ref.delta !== 1 || raw || inner === payload || !(view instanceof Uint32Array)) throw new SnapshotError('damaged snapshot: a section reference is malformed (delta)');
    // Stored as gaps (packed files only): summed back into the column, in place (the unpacked buffer is ours).
    for (let i = 1; i < view.length; i++) view[i] += view[i - 1];
    return view;
  }
}
