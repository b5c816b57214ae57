/**
 * The snapshot file format. Environment-neutral (Uint8Array and DataView only; the checksum function is passed in),
 * so the server and a browser decode the same bytes the same way.
 *
 *   "FTZSNAP\n"  u32 header length  header JSON  pad to 8
 *   payload:     u32 skeleton length  u32 0  skeleton JSON  pad to 8  | sections: section  pad to 8  section …
 *
 * The header is readable without touching the payload: format and product versions, build time, source files with
 * their sha256, record count, dictionary hashes and the payload's length and sha256. The skeleton is the body as
 * JSON with every typed array replaced by a reference {"$typed": kind, "offset", "length"} to a section (offset
 * from the start of the sections area); decoding maps sections as zero-copy views. Records are columns too
 * (records.ts), decoded one record at a time when read: loading is a checksum, a small JSON parse and taking views.
 * Anything off — magic, version, length, checksum, a section out of range — refuses the whole file.
 */
import type { SnapshotBody, SourceFile } from './body.js';
import { isPackedRecords, packRecords, recordList, RecordStore } from './records.js';
import { recordValidator } from './validate.js';

export const SNAPSHOT_FORMAT = 'ftz-search-snapshot';
/**
 * Version 3: records as columns decoded per record (snapshot/records.ts). Version 2 (records as one JSON array) is
 * still read. Version 1 was a JSON line format.
 */
export const SNAPSHOT_VERSION = 3;
const READABLE_VERSIONS = [2, 3];
const MAGIC = new TextEncoder().encode('FTZSNAP\n');

export type Sha256 = (bytes: Uint8Array) => string;

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
  payload: { bytes: number; sha256: string };
}

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

/** Encode a body. Its build time goes into the header only; the payload depends on the body's content alone. */
export function encodeSnapshot(body: SnapshotBody, info: { productVersion: string }, sha256: Sha256): Uint8Array {
  if (!littleEndian) throw new SnapshotError('snapshots are written on little-endian machines only');
  const sections: Typed[] = [];
  let offset = 0; // relative to the start of the sections area, right after the padded skeleton
  const { builtAt, ...rest } = body;
  // Records become columns in place (the body's key order is kept); a record the loader would refuse stays JSON.
  const skeleton = new TextEncoder().encode(
    JSON.stringify(rest, function (this: unknown, key, value) {
      if (this === rest && key === 'records' && Array.isArray(value)) return packRecords(value, recordValidator());
      const kind = typedKind(value);
      if (!kind) return value;
      const ref = { $typed: kind, offset, length: (value as Typed).length };
      sections.push(value as Typed);
      offset = pad8(offset + (value as Typed).byteLength);
      return ref;
    }),
  );
  const base = pad8(8 + skeleton.length);
  const payloadLength = base + offset;
  const payload = new Uint8Array(payloadLength);
  new DataView(payload.buffer).setUint32(0, skeleton.length, true);
  payload.set(skeleton, 8);
  let at = base;
  for (const s of sections) {
    payload.set(new Uint8Array(s.buffer, s.byteOffset, s.byteLength), at);
    at = pad8(at + s.byteLength);
  }
  const header: SnapshotHeader = {
    format: SNAPSHOT_FORMAT,
    formatVersion: SNAPSHOT_VERSION,
    productVersion: info.productVersion,
    builtAt,
    records: body.records.length,
    sources: body.sources.map((s) => ({ file: s.file, sha256: s.sha256, bytes: s.bytes, records: s.records })),
    dictionaryHash: body.dictionary.version,
    synonymsHash: body.dictionary.synonymsVersion ?? '',
    endianness: 'le',
    payload: { bytes: payloadLength, sha256: sha256(payload) },
  };
  const headerBytes = new TextEncoder().encode(JSON.stringify(header));
  const start = pad8(MAGIC.length + 4 + headerBytes.length);
  const out = new Uint8Array(start + payloadLength);
  out.set(MAGIC, 0);
  new DataView(out.buffer).setUint32(MAGIC.length, headerBytes.length, true);
  out.set(headerBytes, MAGIC.length + 4);
  out.set(payload, start);
  return out;

}

/** Read and check the header alone (for `--inspect` and early refusal); returns where the payload starts. */
export function readSnapshotHeader(bytes: Uint8Array, fileSize = bytes.length): { header: SnapshotHeader; payloadStart: number } {
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
    throw new SnapshotError(`unsupported snapshot version ${header.formatVersion} (this server reads versions ${READABLE_VERSIONS.join(' and ')}); build it again with this release's indexer`);
  }
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

/** Verify and decode a whole snapshot. Throws SnapshotError, never returns a partial body. */
export function decodeSnapshot(input: Uint8Array, sha256: Sha256): { header: SnapshotHeader; body: SnapshotBody } {
  const { header, payloadStart } = readSnapshotHeader(input);
  // Typed views need their element alignment: copy the (rare) input that does not start on an 8-byte boundary.
  const bytes = input.byteOffset % 8 === 0 ? input : input.slice();
  const payload = bytes.subarray(payloadStart);
  const actual = sha256(payload);
  if (actual !== header.payload.sha256) {
    throw new SnapshotError(`damaged snapshot: checksum ${actual.slice(0, 12)}… does not match ${String(header.payload.sha256).slice(0, 12)}…`);
  }
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const skeletonLength = view.getUint32(0, true);
  if (8 + skeletonLength > payload.length) throw new SnapshotError('damaged snapshot: the body is cut short');
  const sectionsStart = pad8(8 + skeletonLength);
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload.subarray(8, 8 + skeletonLength)));
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
    if (typeof v.$typed === 'string') return section(v as { $typed: string; offset: unknown; length: unknown });
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
  body.builtAt = header.builtAt;
  if (!Array.isArray(body.records) || body.records.length !== header.records || body.index === undefined || !body.analysis?.vocabulary) {
    throw new SnapshotError('damaged snapshot: missing records, index or analysis data');
  }
  return { header, body };

  function section(ref: { $typed: string; offset: unknown; length: unknown }): Typed {
    const Ctor = TYPED[ref.$typed as TypedKind];
    const { offset, length } = ref;
    if (!Ctor || !Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || (offset as number) < 0 || (length as number) < 0) {
      throw new SnapshotError(`damaged snapshot: a section reference is malformed (${JSON.stringify(ref).slice(0, 80)})`);
    }
    const start = sectionsStart + (offset as number);
    const end = start + (length as number) * Ctor.BYTES_PER_ELEMENT;
    if (start % Ctor.BYTES_PER_ELEMENT !== 0 || end > payload.length) {
      throw new SnapshotError(`damaged snapshot: a ${ref.$typed} section lies outside the payload`);
    }
    return new Ctor(payload.buffer as ArrayBuffer, payload.byteOffset + start, length as number);
  }
}
