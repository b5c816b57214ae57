/**
 * Snapshots at the Node edge: bytes with Node's sha256 and this package's version, files on disk (read, verified,
 * validated; written atomically), and what identifies a served snapshot.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { brotliCompress, brotliCompressSync, brotliDecompress, brotliDecompressSync, constants as zlibConstants, type BrotliOptions } from 'node:zlib';
import { open, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from './atomic.js';
import type { SnapshotBody } from './body.js';
import {
  checkPayloadHash,
  checkUnpacked,
  decodeSnapshot,
  decodeVerified,
  encodeSnapshot,
  encodeSnapshotPartsAsync,
  PAYLOAD_HEAD_BYTES,
  payloadLayout,
  readSnapshotHeader,
  SnapshotError,
  unpackError,
  type Compress,
  type Decompress,
  type PayloadLayout,
  type SnapshotHeader,
} from './container.js';
import type { PackedRecords } from './records.js';
import { validateBody } from './validate.js';

export const sha256: (bytes: Uint8Array) => string = (bytes) => createHash('sha256').update(bytes).digest('hex');
/** sha256 of parts taken as one run of bytes, in order. */
const sha256Parts = (parts: Uint8Array[]): string => {
  const hash = createHash('sha256');
  for (const p of parts) hash.update(p);
  return hash.digest('hex');
};

/** Replaced at bundle time in a release (which has no package.json beside it). */
declare const FTZ_RELEASE_VERSION: string;

let version: string | undefined;
/** This product's version, from package.json (a bundled release passes it at build time instead). */
export function productVersion(): string {
  if (version) return version;
  if (typeof FTZ_RELEASE_VERSION === 'string') return (version = FTZ_RELEASE_VERSION);
  try {
    const pkg = JSON.parse(readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', 'package.json'), 'utf8'));
    version = String(pkg.version);
  } catch {
    version = 'unknown';
  }
  return version;
}

/** What identifies a served snapshot: shown at start-up, in /api/health and /api/stats. */
export interface SnapshotInfo {
  /** sha256 of the payload (hex): the same for two builds of the same inputs. */
  hash: string;
  records: number;
  /** Documents that gave at least one record. */
  documents: number;
  builtAt?: string;
}

export interface LoadedSnapshot {
  header: SnapshotHeader;
  body: SnapshotBody;
  info: SnapshotInfo;
}

function describe(header: SnapshotHeader, body: SnapshotBody): SnapshotInfo {
  return { hash: header.payload.sha256, records: body.records.length, documents: body.sources.filter((s) => s.records > 0).length, builtAt: header.builtAt };
}

/**
 * Brotli quality: 5 for a packed part under 16 MiB (the seeds: 13 % smaller than at 4, a quarter of a second), 4
 * above (a 100k build would pay many seconds at 5 for a few per cent). Loading unpacks at any quality alike.
 */
const brotliQuality = (size: number) => (size < 16 * 2 ** 20 ? 5 : 4);
const brotliOptions = (bytes: Uint8Array): BrotliOptions => ({
  params: { [zlibConstants.BROTLI_PARAM_QUALITY]: brotliQuality(bytes.length), [zlibConstants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
});
export const brotli: Compress = (bytes) => brotliCompressSync(bytes, brotliOptions(bytes));
/** The same bytes as `brotli`, compressed on libuv's thread pool. */
export const brotliAsync = (bytes: Uint8Array): Promise<Uint8Array> =>
  new Promise((resolve, reject) => brotliCompress(bytes, brotliOptions(bytes), (e, out) => (e ? reject(e) : resolve(out))));
/**
 * The most a packed stream of `length` bytes plausibly unpacks to: 64 times its length and a MiB. Our streams unpack
 * to 1.7-13.3 times their length (seeds, 10k and 100k builds); the size in a stream's table is a 32-bit field,
 * unchecked until the file's checksum is, so a flipped high byte could otherwise ask for up to 4 GiB at once.
 */
const plausibleSize = (length: number) => 64 * length + 2 ** 20;
/**
 * Unpacking into one buffer of the size the table gives (chunkSize a little above it): zlib's default 16 KiB chunks
 * would be joined by a copy of the whole stream at the end (79 MB for the text of 100,000 records). The buffer is at
 * most plausibleSize: a larger size in the table unpacks in chunks of that, to what the stream holds (then refused
 * by checkUnpacked when that is not the size), never allocating what the table says up front.
 */
const unbrotliOptions = (length: number, size: number) => ({
  maxOutputLength: Math.max(1, size),
  chunkSize: Math.max(64, Math.min(size, plausibleSize(length)) + 64),
});
export const unbrotli: Decompress = (bytes, size) => brotliDecompressSync(bytes, unbrotliOptions(bytes.length, size));
/** The same as `unbrotli`, on libuv's thread pool. */
const unbrotliAsync = (bytes: Uint8Array, size: number): Promise<Uint8Array> =>
  new Promise((resolve, reject) => brotliDecompress(bytes, unbrotliOptions(bytes.length, size), (e, out) => (e ? reject(e) : resolve(out))));

export interface SerializeOptions {
  /**
   * Pack the skeleton and the sections that compress into one brotli stream (default false: the unpacked layout a
   * browser can read without a decompressor). Files on disk are written packed (writeSnapshotFile).
   */
  compress?: boolean;
  /** body.records already packed into columns (BuildResult.whileCounting, when the build was given packRecords), so they are not packed again. */
  packedRecords?: PackedRecords;
}

export function serializeSnapshot(body: SnapshotBody, options: SerializeOptions = {}): Uint8Array {
  return encodeSnapshot(body, { productVersion: productVersion() }, sha256, options.compress ? brotli : undefined, options.packedRecords);
}

/** Verify, decode and validate snapshot bytes; throws SnapshotError naming what is wrong, never returns a partial body. */
export function decodeSnapshotBytes(bytes: Uint8Array): LoadedSnapshot {
  const { header, body } = decodeSnapshot(bytes, sha256, unbrotli);
  validateBody(body);
  return { header, body, info: describe(header, body) };
}

/** Verify, decode and validate; throws SnapshotError when anything is off. */
export function parseSnapshot(bytes: Uint8Array): SnapshotBody {
  return decodeSnapshotBytes(bytes).body;
}

/** The payload hash a body has once written to a file (packed; a server built from seeds reports one too). */
export function bodyHash(body: SnapshotBody): string {
  const bytes = serializeSnapshot(body, { compress: true });
  return readSnapshotHeader(bytes).header.payload.sha256;
}

export interface LoadOptions {
  /** Bytes read at a time (default 4 MiB): the checksum of each chunk is computed while the next is read. */
  readChunk?: number;
}

/**
 * Read, verify, decode and validate a snapshot file; throws SnapshotError when anything is off, never returns a
 * partial body. The file is read into one buffer in chunks, the checksum computed over each chunk while the next
 * is read, and each packed stream unpacked on libuv's thread pool as soon as its bytes are in, so reading, hashing
 * and the two streams' unpacking overlap (on two cores, a 100,000-record file's load is about its text stream's
 * unpacking, not the sum). Nothing is decoded before the checksum matches; a damaged file gets the message
 * decodeSnapshotBytes gives it (the checksum's first).
 */
export async function loadSnapshotFile(path: string, options: LoadOptions = {}): Promise<LoadedSnapshot> {
  return (await readSnapshotFile(path, options)).finish();
}

/** A snapshot file read and its checksum verified, its packed streams unpacking on libuv's thread pool. */
export interface ReadSnapshot {
  /** Waits for the unpacking, then decodes and validates; throws SnapshotError, never returns a partial body. */
  finish(): Promise<LoadedSnapshot>;
}

/**
 * The first half of loadSnapshotFile: resolves once the file is read, its checksum checked and every packed stream's
 * unpacking started on the thread pool, so the caller can do other main-thread work (a server initialising its
 * modules) while the streams unpack, then `finish`. A file refused on reading (missing, truncated, checksum, layout)
 * rejects here; one refused on unpacking or decoding, in `finish`.
 */
export async function readSnapshotFile(path: string, options: LoadOptions = {}): Promise<ReadSnapshot> {
  const READ_CHUNK = Math.max(64, options.readChunk ?? 4 * 2 ** 20);
  const cannot = (e: unknown) => new SnapshotError(`cannot read snapshot ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  let fh: FileHandle;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    throw cannot(e);
  }
  try {
    let size: number;
    try {
      size = (await fh.stat()).size;
    } catch (e) {
      throw cannot(e);
    }
    // Its own ArrayBuffer at offset 0: sections are mapped as aligned typed views into it.
    const bytes = new Uint8Array(new ArrayBuffer(size));
    let got = 0;
    const readTo = async (end: number): Promise<void> => {
      while (got < end) {
        let n: number;
        try {
          n = (await fh.read(bytes, got, Math.min(READ_CHUNK, end - got), got)).bytesRead;
        } catch (e) {
          throw cannot(e);
        }
        if (n === 0) throw new SnapshotError(`damaged snapshot: ${got} bytes where the file said ${size} (truncated while read)`);
        got += n;
      }
    };
    await readTo(Math.min(size, 12));
    const headerLength = got === 12 ? new DataView(bytes.buffer).getUint32(8, true) : 0;
    await readTo(Math.min(size, 12 + headerLength + 8 + PAYLOAD_HEAD_BYTES));
    // Magic, version, and the file's size against the header's.
    const { header, payloadStart } = readSnapshotHeader(bytes.subarray(0, got), size, sha256);
    const payload = bytes.subarray(payloadStart);
    let layout: PayloadLayout | undefined;
    let layoutError: unknown;
    try {
      layout = payloadLayout(header, payload.subarray(0, got - payloadStart), payload.length, true);
    } catch (e) {
      layoutError = e;
    }
    // Unpacking started while the rest is read: settled into values, so a refused file leaves no rejection behind.
    const unpack = ({ from, length, size: unpackedSize }: PayloadLayout['streams'][number]): Promise<{ out?: Uint8Array; error?: unknown }> =>
      unbrotliAsync(payload.subarray(from, from + length), unpackedSize).then(
        (out) => ({ out }),
        (error) => ({ error }),
      );
    // Per stream, its unpacking if started early: only a stream whose size is plausible for its length starts before
    // the checksum is known (the size is not checked until then); any other waits for the checksum.
    const unpacking: (Promise<{ out?: Uint8Array; error?: unknown }> | undefined)[] = [];
    let reached = 0;
    const startUnpacking = () => {
      const streams = layout?.streams ?? [];
      for (; reached < streams.length && payloadStart + streams[reached].from + streams[reached].length <= got; reached++) {
        if (streams[reached].size <= plausibleSize(streams[reached].length)) unpacking[reached] = unpack(streams[reached]);
      }
    };
    const hash = createHash('sha256');
    let hashed = payloadStart;
    for (;;) {
      startUnpacking();
      const reading = got < size ? readTo(Math.min(size, got + READ_CHUNK)) : undefined;
      if (got > hashed) {
        hash.update(bytes.subarray(hashed, got));
        hashed = got;
      }
      if (!reading) break;
      await reading;
    }
    if (hashed < size) hash.update(bytes.subarray(hashed, size));
    checkPayloadHash(header, hash.digest('hex'));
    if (layoutError !== undefined) throw layoutError;
    const streams = layout!.streams;
    // Every stream unpacking now (settled into values: nothing rejects unawaited while the caller works).
    const jobs = Promise.all(streams.map((s, i) => unpacking[i] ?? unpack(s)));
    return {
      async finish() {
        const unpacked: Uint8Array[] = [];
        for (const [i, job] of (await jobs).entries()) {
          if (job.error !== undefined) throw unpackError(job.error);
          unpacked.push(checkUnpacked(job.out!, streams[i].size));
        }
        const body = decodeVerified(header, payload, layout!, unpacked);
        validateBody(body);
        return { header, body, info: describe(header, body) };
      },
    };
  } finally {
    await fh.close();
  }
}

/** Write a snapshot atomically (temporary file in the same folder, fsync, rename): the old file survives any crash. */
export async function writeSnapshotFile(path: string, body: SnapshotBody, options: Pick<SerializeOptions, 'packedRecords'> = {}): Promise<void> {
  // serializeSnapshot({ compress: true })'s bytes, its two packed streams compressed at once on the thread pool and
  // written part by part: no copy of the payload in one array (138 MB at 100k).
  await writeFileAtomic(path, await encodeSnapshotPartsAsync(body, { productVersion: productVersion() }, sha256Parts, brotli, brotliAsync, options.packedRecords));
}

/** The header alone: reads the first bytes of the file, never the payload. */
export async function readSnapshotFileHeader(path: string): Promise<SnapshotHeader> {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    const head = Buffer.alloc(Math.min(size, 12));
    await fh.read(head, 0, head.length, 0);
    const length = head.length === 12 ? head.readUInt32LE(8) : 0;
    const bytes = Buffer.alloc(Math.min(size, 12 + length));
    await fh.read(bytes, 0, bytes.length, 0);
    // Checks magic, version, the header's own checksum and that the file's size is what the header says.
    return readSnapshotHeader(bytes, size, sha256).header;
  } finally {
    await fh.close();
  }
}
