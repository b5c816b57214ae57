/**
 * Snapshots at the Node edge: bytes with Node's sha256 and this package's version, files on disk (read, verified,
 * validated; written atomically), and what identifies a served snapshot.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { brotliCompress, brotliCompressSync, brotliDecompressSync, constants as zlibConstants, type BrotliOptions } from 'node:zlib';
import { open, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from './atomic.js';
import type { SnapshotBody } from './body.js';
import { decodeSnapshot, encodeSnapshot, encodeSnapshotAsync, readSnapshotHeader, SnapshotError, type Compress, type Decompress, type SnapshotHeader } from './container.js';
import type { PackedRecords } from './records.js';
import { validateBody } from './validate.js';

export const sha256: (bytes: Uint8Array) => string = (bytes) => createHash('sha256').update(bytes).digest('hex');

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
export const unbrotli: Decompress = (bytes, size) => brotliDecompressSync(bytes, { maxOutputLength: Math.max(1, size) });

export interface SerializeOptions {
  /**
   * Pack the skeleton and the sections that compress into one brotli stream (default false: the unpacked layout a
   * browser can read without a decompressor). Files on disk are written packed (writeSnapshotFile).
   */
  compress?: boolean;
  /** body.records already packed into columns (BuildResult.whileWaiting, when the build was given packRecords), so they are not packed again. */
  packedRecords?: PackedRecords;
}

export function serializeSnapshot(body: SnapshotBody, options: SerializeOptions = {}): Uint8Array {
  return encodeSnapshot(body, { productVersion: productVersion() }, sha256, options.compress ? brotli : undefined, options.packedRecords);
}

/**
 * serializeSnapshot({ compress: true }) with its two packed streams (skeleton and text; numbers) compressed at once
 * on the thread pool: the same bytes, in about the time of the larger stream instead of both (a build writes its
 * snapshot this way, when nothing else is left to run).
 */
export function serializeSnapshotPacked(body: SnapshotBody, options: Pick<SerializeOptions, 'packedRecords'> = {}): Promise<Uint8Array> {
  return encodeSnapshotAsync(body, { productVersion: productVersion() }, sha256, brotli, brotliAsync, options.packedRecords);
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

export async function loadSnapshotFile(path: string): Promise<LoadedSnapshot> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new SnapshotError(`cannot read snapshot ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return decodeSnapshotBytes(bytes);
}

/** Write a snapshot atomically (temporary file in the same folder, fsync, rename): the old file survives any crash. */
export async function writeSnapshotFile(path: string, body: SnapshotBody, options: Pick<SerializeOptions, 'packedRecords'> = {}): Promise<void> {
  await writeFileAtomic(path, await serializeSnapshotPacked(body, options));
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
    // Checks magic, version and that the file's size is what the header says.
    return readSnapshotHeader(bytes, size).header;
  } finally {
    await fh.close();
  }
}
