/**
 * Snapshot files at the edges: read + verify + validate, describe, write atomically.
 * (Interim over the text format; moves onto the binary container.)
 */
import { readFile } from 'node:fs/promises';
import { parseSnapshot, serializeSnapshot, SnapshotError, type SnapshotBody } from '../search/snapshot.js';
import { writeFileAtomic } from './atomic.js';
import { validateBody } from './validate.js';

/** What identifies a served snapshot: shown at start-up, in /api/health and /api/stats. */
export interface SnapshotInfo {
  /** sha256 of the payload (hex). */
  hash: string;
  records: number;
  /** Documents that gave at least one record. */
  documents: number;
  builtAt?: string;
}

export interface LoadedSnapshot {
  body: SnapshotBody;
  info: SnapshotInfo;
}

export function describeBody(body: SnapshotBody, hash: string): SnapshotInfo {
  return { hash, records: body.records.length, documents: body.sources.filter((s) => s.records > 0).length, builtAt: body.builtAt };
}

/** Verify and validate snapshot bytes; throws SnapshotError naming what is wrong, never returns a partial body. */
export function decodeSnapshot(bytes: Uint8Array): LoadedSnapshot {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  const body = parseSnapshot(text);
  validateBody(body);
  const hash = JSON.parse(text.slice(0, text.indexOf('\n'))).sha256 as string;
  return { body, info: describeBody(body, hash) };
}

export function encodeSnapshot(body: SnapshotBody): Uint8Array {
  return Buffer.from(serializeSnapshot(body));
}

/** The hash a body would have once written (for a server built from seeds, so it reports a hash too). */
export function bodyHash(body: SnapshotBody): string {
  return decodeSnapshot(encodeSnapshot(body)).info.hash;
}

export async function readSnapshotFile(path: string): Promise<LoadedSnapshot> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new SnapshotError(`cannot read snapshot ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return decodeSnapshot(bytes);
}

export async function writeSnapshotFile(path: string, body: SnapshotBody): Promise<void> {
  await writeFileAtomic(path, encodeSnapshot(body));
}

