import { brotliCompressSync } from 'node:zlib';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeTerm, encodeTerm } from '../indexer/postings-codec.js';
import type { SnapshotBody } from '../snapshot/body.js';
import { decodeSnapshot, readSnapshotHeader } from '../snapshot/container.js';
import { decodeSnapshotBytes, serializeSnapshot, sha256 } from '../snapshot/file.js';
import { SearchService } from '../search/service.js';
import { resealHeader, seedSnapshot } from './helpers.js';

let body: SnapshotBody;
let packed: Uint8Array;
let unpacked: Uint8Array;
beforeAll(async () => {
  body = await seedSnapshot();
  packed = serializeSnapshot(body, { compress: true });
  unpacked = serializeSnapshot(body);
});

/** One term's postings written by the codec the indexer writes through (indexer/postings-codec.ts encodeTerm). */
function encodeEntries(entries: { slot: number; pos: number[] }[]): Uint8Array {
  const starts = [0];
  for (const e of entries) starts.push(starts[starts.length - 1] + e.pos.length);
  return encodeTerm({ slots: entries.map((e) => e.slot), starts, pos: entries.flatMap((e) => e.pos) });
}

describe('snapshot files are packed: the text and tables compressed, postings bit-packed', () => {
  it('a packed seed snapshot is less than half the unpacked one and loads to the same answers', () => {
    expect(readSnapshotHeader(packed).header.compression).toBe('brotli');
    expect(readSnapshotHeader(unpacked).header.compression).toBeUndefined();
    expect(packed.length).toBeLessThan(unpacked.length / 2);
    const a = new SearchService(decodeSnapshotBytes(packed).body);
    const b = new SearchService(decodeSnapshotBytes(unpacked).body);
    for (const q of ['留抵退税', '"一网通办"', '通关时间缩短', '海关 -税务', '12.6亿元', '']) {
      expect({ ...a.search({ q, size: 20 }), took_ms: 0 }, q).toEqual({ ...b.search({ q, size: 20 }), took_ms: 0 });
    }
    const id = body.records.find((r) => r.related.length > 0)!.id;
    expect(a.similar(id, 10)).toEqual(b.similar(id, 10));
    expect(a.reform(id)).toEqual(body.records.find((r) => r.id === id));
  });

  it('postings take fewer bytes per stored position than the varints of format 1 did (3.15 on the seeds)', () => {
    const postings = (body.index as { postings: { postings: Uint8Array; termPositions: Uint32Array } }).postings;
    let positions = 0;
    for (const n of postings.termPositions) positions += n;
    expect(postings.postings.length / positions).toBeLessThan(2.8);
  });

  it('a reader with no decompressor refuses a packed snapshot, saying why', () => {
    expect(() => decodeSnapshot(packed, sha256)).toThrow(/this snapshot is brotli-compressed and this reader has no decompressor/);
    expect(decodeSnapshot(unpacked, sha256).body.records.length).toBe(body.records.length);
  });

  it('a packed stream that does not unpack is refused whole even when the checksum is right', () => {
    const { header, payloadStart } = readSnapshotHeader(packed);
    const out = Uint8Array.from(packed);
    const payload = out.subarray(payloadStart);
    for (let i = 40; i < 80; i++) payload[i] ^= 0x5a; // inside the brotli stream
    const resealed = resealHeader(Buffer.from(Buffer.from(out).toString('latin1').replace(header.payload.sha256, sha256(payload)), 'latin1'));
    expect(() => decodeSnapshotBytes(resealed)).toThrow(/damaged snapshot: the packed sections (do not unpack|unpack to)|damaged snapshot: the body is not valid JSON/);
  });

  it('a packed stream that unpacks to another size than the payload states is refused', () => {
    const { header, payloadStart } = readSnapshotHeader(packed);
    const out = Uint8Array.from(packed);
    const view = new DataView(out.buffer, payloadStart);
    view.setUint32(8, view.getUint32(8, true) + 8, true);
    const resealed = resealHeader(Buffer.from(Buffer.from(out).toString('latin1').replace(header.payload.sha256, sha256(out.subarray(payloadStart))), 'latin1'));
    expect(() => decodeSnapshotBytes(resealed)).toThrow(/damaged snapshot: the packed sections (unpack to|do not unpack)/);
  });

  it('every term postings decode to what was written, outliers and long fields included (property)', () => {
    const entry = fc.record({ gap: fc.oneof(fc.nat(40), fc.nat(2_000_000)), first: fc.oneof(fc.nat(300), fc.nat(70_000)), steps: fc.array(fc.oneof(fc.nat(20), fc.nat(100_000)), { maxLength: 6 }) });
    fc.assert(
      fc.property(fc.array(entry, { minLength: 1, maxLength: 60 }), (raw) => {
        let slot = -1;
        const entries = raw.map((e) => {
          slot += e.gap + 1;
          const pos = [e.first];
          for (const s of e.steps) pos.push(pos[pos.length - 1] + s + 1);
          return { slot, pos };
        });
        // Written after some other bytes, as a term in the middle of the postings is.
        const bytes = encodeEntries(entries);
        const at = 5;
        const buf = new Uint8Array(at + bytes.length);
        buf.set(bytes, at);
        const P = entries.reduce((n, e) => n + e.pos.length, 0);
        const slots = new Int32Array(entries.length);
        const starts = new Int32Array(entries.length + 1);
        const pos = new Int32Array(P);
        expect(decodeTerm(buf, at, slots, starts, pos)).toBe(P);
        expect([...slots]).toEqual(entries.map((e) => e.slot));
        expect([...pos]).toEqual(entries.flatMap((e) => e.pos));
        expect([...starts]).toEqual([0, ...entries.map((_, i) => entries.slice(0, i + 1).reduce((n, e) => n + e.pos.length, 0))]);
      }),
      { numRuns: 300 },
    );
  });

  it('sections that do not compress are left raw (bit-packed postings), the rest packed', () => {
    const noise = new Uint8Array(1 << 18);
    let x = 12345;
    for (let i = 0; i < noise.length; i++) noise[i] = (x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 24;
    expect(brotliCompressSync(noise).length).toBeGreaterThan(noise.length * 0.9);
    const bytes = serializeSnapshot({ ...body, zzNoise: noise } as SnapshotBody, { compress: true });
    const { payloadStart } = readSnapshotHeader(bytes);
    const tail = Buffer.from(bytes.subarray(bytes.length - noise.length));
    expect(tail.equals(Buffer.from(noise))).toBe(true); // the last raw section, as written
    expect(bytes.length - payloadStart).toBeGreaterThan(noise.length);
    const loaded = decodeSnapshotBytes(bytes).body as SnapshotBody & { zzNoise: Uint8Array };
    expect(Buffer.from(loaded.zzNoise).equals(Buffer.from(noise))).toBe(true);
  });
});
