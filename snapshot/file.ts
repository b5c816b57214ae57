/** Snapshots at the Node edge: bytes with Node's sha256 and this package's version, and files on disk. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SnapshotBody } from './body.js';
import { decodeSnapshot, encodeSnapshot, readSnapshotHeader, type SnapshotHeader } from './container.js';

export const sha256: (bytes: Uint8Array) => string = (bytes) => createHash('sha256').update(bytes).digest('hex');

let version: string | undefined;
/** This product's version, from package.json (a bundled release passes it at build time instead). */
export function productVersion(): string {
  if (version) return version;
  try {
    const pkg = JSON.parse(readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', 'package.json'), 'utf8'));
    version = String(pkg.version);
  } catch {
    version = 'unknown';
  }
  return version;
}

export function serializeSnapshot(body: SnapshotBody): Uint8Array {
  return encodeSnapshot(body, { productVersion: productVersion() }, sha256);
}

/** Verify and decode; throws SnapshotError when anything is off. */
export function parseSnapshot(bytes: Uint8Array): SnapshotBody {
  return decodeSnapshot(bytes, sha256).body;
}

export async function loadSnapshotFile(path: string): Promise<{ header: SnapshotHeader; body: SnapshotBody }> {
  return decodeSnapshot(await readFile(path), sha256);
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
