import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { brotliDecompressSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../snapshot/atomic.js';
import type { SnapshotBody } from '../snapshot/body.js';
import { parseSnapshot, serializeSnapshot, writeSnapshotFile } from '../snapshot/file.js';
import { seedSnapshot } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'ftz-write-parts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * An independent reader of a packed snapshot file's framing, written from the format's description (the top of
 * snapshot/container.ts) and not from its writer: header and its payload checksum, the table of stream sizes, the
 * streams, then the raw sections, each at the offset its skeleton reference gives from an absolute, 8-aligned raw
 * base, zeros between, and nothing after the last one's padding. Returns the raw references it found.
 */
function checkPackedFraming(file: Uint8Array): { $typed: string; offset: number; length: number }[] {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  expect(new TextDecoder().decode(file.subarray(0, 8))).toBe('FTZSNAP\n');
  const headerLength = view.getUint32(8, true);
  const header = JSON.parse(new TextDecoder().decode(file.subarray(12, 12 + headerLength)));
  const payloadStart = (12 + headerLength + 7) & ~7;
  for (let x = 12 + headerLength; x < payloadStart; x++) expect(file[x]).toBe(0);
  const payload = file.subarray(payloadStart);
  expect(payload.length).toBe(header.payload.bytes);
  expect(createHash('sha256').update(payload).digest('hex')).toBe(header.payload.sha256);
  const p = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const skeletonLength = p.getUint32(0, true);
  const sizes = [[p.getUint32(4, true), p.getUint32(8, true)]];
  for (let i = 0; i < p.getUint32(12, true); i++) sizes.push([p.getUint32(16 + 8 * i, true), p.getUint32(20 + 8 * i, true)]);
  let at = 16 + 8 * (sizes.length - 1);
  const streams = sizes.map(([packed, size]) => {
    const out = brotliDecompressSync(payload.subarray(at, (at += packed)));
    expect(out.length).toBe(size);
    return out;
  });
  const rawBase = (at + 7) & ~7;
  const skeleton = JSON.parse(new TextDecoder().decode(streams[0].subarray(0, skeletonLength)));
  const refs: { $typed: string; offset: number; length: number; raw?: number; stream?: number }[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      if ('$typed' in v) refs.push(v as (typeof refs)[number]);
      else Object.values(v).forEach(walk);
    }
  };
  walk(skeleton);
  const width = (kind: string) => ({ Uint8Array: 1, Uint16Array: 2, Uint32Array: 4, Int32Array: 4, Float32Array: 4, Float64Array: 8 })[kind]!;
  // Every packed section lies inside its stream (stream 0's sections after the skeleton).
  for (const r of refs.filter((r) => !r.raw)) {
    const s = streams[r.stream ?? 0];
    expect(r.offset % 8).toBe(0);
    expect(r.offset + r.length * width(r.$typed)).toBeLessThanOrEqual(s.length - (r.stream ? 0 : (skeletonLength + 7) & ~7));
  }
  // Raw sections back to back from the raw base, each padded with zeros to 8, and the payload ends with the last.
  const raw = refs.filter((r) => r.raw).sort((a, b) => a.offset - b.offset);
  let end = 0;
  let nonZeroPadding = 0;
  for (let x = at; x < rawBase; x++) if (payload[x] !== 0) nonZeroPadding++;
  for (const r of raw) {
    expect(r.offset).toBe(end);
    const bytes = r.length * width(r.$typed);
    for (let x = rawBase + r.offset + bytes; x < rawBase + ((r.offset + bytes + 7) & ~7); x++) if (payload[x] !== 0) nonZeroPadding++;
    end = (r.offset + bytes + 7) & ~7;
  }
  expect(nonZeroPadding).toBe(0);
  expect(payload.length).toBe(rawBase + end);
  return raw;
}

describe('writing a snapshot part by part', () => {
  it('writes the seeds snapshot file byte for byte as the synchronous serialization gives it', async () => {
    const body = await seedSnapshot();
    const file = join(dir, 'seeds.snap');
    await writeSnapshotFile(file, body);
    const written = new Uint8Array(readFileSync(file));
    expect(Buffer.compare(written, serializeSnapshot(body, { compress: true }))).toBe(0);
  });

  it('writes a file whose framing an independent reader accepts and which loads back to the same records (the file and the serialisation above share their payload code, so they cannot disagree)', async () => {
    const body = await seedSnapshot();
    const file = join(dir, 'seeds-framed.snap');
    await writeSnapshotFile(file, body);
    const written = new Uint8Array(readFileSync(file));
    checkPackedFraming(written);
    // It loads (checksum, layout, validation) and holds the body's records. (Not compared byte for byte with the
    // unpacked serialisation: the packed form stores the similar scores rounded, tables.ts.)
    const loaded = parseSnapshot(written);
    expect(loaded.records.length).toBe(body.records.length);
    expect(loaded.records.map((r) => r.title)).toEqual(body.records.map((r) => r.title));
  });

  it('lays raw sections (ones that do not compress) back to back after the streams, each padded with zeros to 8 bytes', async () => {
    const body = await seedSnapshot();
    // Two columns of noise, of lengths that are not multiples of 8 bytes: brotli cannot shrink them, so they stay raw.
    let seed = 7;
    const noise = (n: number) => Uint8Array.from({ length: n }, () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 24);
    const noisy = { ...body, noiseA: noise(200_003), noiseB: new Uint16Array(noise(300_002).buffer) } as unknown as SnapshotBody;
    const file = join(dir, 'noisy.snap');
    await writeSnapshotFile(file, noisy);
    const raw = checkPackedFraming(new Uint8Array(readFileSync(file)));
    expect(raw.map((r) => r.length)).toEqual([200_003, 150_001]);
  });

  it('writes parts one after the other, empty parts and parts longer than a write chunk included', async () => {
    const big = Uint8Array.from({ length: (1 << 20) + 13 }, (_, i) => (i * 7) & 255);
    const parts = [Uint8Array.of(1, 2, 3), new Uint8Array(0), big, Uint8Array.of(9)];
    const file = join(dir, 'parts.bin');
    await writeFileAtomic(file, parts);
    expect(Buffer.compare(readFileSync(file), Buffer.concat(parts))).toBe(0);
  });
});
