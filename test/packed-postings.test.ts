import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { EngineIndex } from '../indexer/engine-index.js';
import { buildDocSkips } from '../indexer/doc-skips.js';
import { PACKED, POSITION_BLOCK, decodeDocBlock, decodeDocs, decodePositions, decodeRecords, docBlockStarts, encodeTerm, packedFrom } from '../indexer/postings-codec.js';
import { INDEX_FORMAT, INDEX_FORMAT_BOUNDED, type IndexData } from '../indexer/postings.js';
import type { SnapshotBody } from '../snapshot/body.js';
import { Postings } from '../search/postings.js';
import { SearchService } from '../search/service.js';
import { BENCH_QUERIES } from '../bench/scale-queries.js';
import { ROOT, seedSnapshot, termOfDraws } from './helpers.js';

/** Random postings of one term: slots increasing, each with increasing positions (outliers and long fields too). */
const termPostings = fc
  .array(
    fc.record({
      gap: fc.oneof(fc.nat(40), fc.nat(3), fc.nat(2_000_000), fc.nat(40_000_000)),
      first: fc.oneof(fc.nat(300), fc.nat(70_000)),
      steps: fc.oneof({ arbitrary: fc.array(fc.nat(20), { maxLength: 3 }), weight: 8 }, { arbitrary: fc.array(fc.oneof(fc.nat(20), fc.nat(100_000)), { maxLength: 40 }), weight: 1 }),
    }),
    { minLength: 1, maxLength: 3 * POSITION_BLOCK + 7 },
  )
  .map(termOfDraws);

/** The widest gap − 1 and count − 1 of any block together fit the packed stream's 24 bits (else Rice codes are written). */
function fitsPacked(occ: { slots: number[]; starts: number[] }): boolean {
  for (let j = 0; j < occ.slots.length; j += POSITION_BLOCK) {
    let g = 0;
    let c = 0;
    for (let e = j; e < Math.min(occ.slots.length, j + POSITION_BLOCK); e++) {
      g |= occ.slots[e] - (e ? occ.slots[e - 1] : -1) - 1;
      c |= occ.starts[e + 1] - occ.starts[e] - 1;
    }
    if (32 - Math.clz32(g) + (32 - Math.clz32(c)) > 24) return false;
  }
  return true;
}

/**
 * The index with the document stream of every term of at least `minEntries` entries re-written packed (the others'
 * bytes copied as they are), and its block starts for the terms of at least 8 entries: what the indexer writes for a
 * large corpus, on the seeds' real text.
 */
function repacked(d: IndexData, minEntries: number): { data: IndexData; packed: number } {
  const reader = new Postings(d, 0);
  const parts: Uint8Array[] = [];
  const termBytes = new Uint32Array(reader.termCount + 1);
  let at = 0;
  let packed = 0;
  for (let k = 0; k < reader.termCount; k++) {
    termBytes[k] = at;
    let bytes = d.postings.subarray(d.termBytes[k], d.termBytes[k + 1]);
    if (d.termEntries[k] >= minEntries) {
      const o = reader.term(reader.termAt(k));
      bytes = encodeTerm({ slots: o.slots, starts: o.starts, pos: o.pos }, true);
      if (bytes[0] === PACKED) packed++;
    }
    parts.push(bytes);
    at += bytes.length;
  }
  termBytes[reader.termCount] = at;
  const postings = new Uint8Array(at);
  at = 0;
  for (const p of parts) postings.set(p, (at += p.length) - p.length);
  return { data: { ...d, termBytes, postings }, packed };
}

let plain: SnapshotBody;
beforeAll(async () => {
  plain = await seedSnapshot();
});

describe('a common term\'s document stream is packed in fixed-width blocks and decodes to what its Rice codes give', () => {
  it('writes a term packed when asked and every block fits, and decodes its slots, position counts, records, positions and blocks as the Rice codes of the same postings (property)', () => {
    fc.assert(
      fc.property(termPostings, fc.nat(7), fc.integer({ min: 1, max: 11 }), (occ, at, F) => {
        const rice = encodeTerm(occ);
        const bytes = encodeTerm(occ, true);
        expect(bytes[0] === PACKED).toBe(fitsPacked(occ));
        expect(rice[0] === PACKED).toBe(false);
        // Written after other bytes, as a term in the middle of the postings is, and last in the buffer.
        const buf = new Uint8Array(at + bytes.length);
        buf.set(bytes, at);
        const E = occ.slots.length;
        const runsOf = () => ({ F, docs: new Int32Array(E), first: new Int32Array(E + 1), n: -1 });
        const [slots, starts, runs] = [new Int32Array(E), new Int32Array(E + 1), runsOf()];
        const [riceSlots, riceStarts, riceRuns] = [new Int32Array(E), new Int32Array(E + 1), runsOf()];
        const table = decodeDocs(buf, at, slots, starts, runs);
        const riceTable = decodeDocs(rice, 0, riceSlots, riceStarts, riceRuns);
        expect([...slots]).toEqual(occ.slots);
        expect([...starts]).toEqual(occ.starts);
        expect(runs.n).toBe(riceRuns.n);
        expect([...runs.docs.subarray(0, runs.n)]).toEqual([...riceRuns.docs.subarray(0, riceRuns.n)]);
        expect([...runs.first.subarray(0, runs.n + 1)]).toEqual([...riceRuns.first.subarray(0, riceRuns.n + 1)]);
        // The same stream without listing records; the block table and positions follow where decodeDocs says.
        expect(decodeDocs(buf, at, new Int32Array(E), new Int32Array(E + 1))).toBe(table);
        const pos = new Int32Array(occ.pos.length);
        for (let from = Math.floor((E - 1) / POSITION_BLOCK) * POSITION_BLOCK; from >= 0; from -= POSITION_BLOCK) {
          decodePositions(buf, at, table, starts, pos, from, Math.min(E, from + POSITION_BLOCK));
        }
        expect([...pos]).toEqual(occ.pos);
        expect(bytes.length - (table - at)).toBe(rice.length - riceTable);
        // Records, all fields and a field subset.
        const keep = Uint8Array.from({ length: F }, (_, f) => f % 2);
        for (const k of [undefined, keep]) {
          const out = new Int32Array(E);
          const riceOut = new Int32Array(E);
          const n = decodeRecords(buf, at, E, F, out, k);
          expect([...out.subarray(0, n)]).toEqual([...riceOut.subarray(0, decodeRecords(rice, 0, E, F, riceOut, k))]);
        }
        // Block starts: the same slots before, positions before and records; each block decodes from its own start.
        const B = Math.ceil(E / POSITION_BLOCK);
        const mk = () => ({ bit: new Uint32Array(B), slotBefore: new Int32Array(B), positionsBefore: new Int32Array(B) });
        const [p, r] = [mk(), mk()];
        const walked = docBlockStarts(buf, at, E, F, p.bit, p.slotBefore, p.positionsBefore, 0);
        const riceWalked = docBlockStarts(rice, 0, E, F, r.bit, r.slotBefore, r.positionsBefore, 0);
        expect(walked.records).toBe(riceWalked.records);
        expect(walked.tableByte - at).toBe(table - at);
        expect([...p.slotBefore]).toEqual([...r.slotBefore]);
        expect([...p.positionsBefore]).toEqual([...r.positionsBefore]);
        for (let j = B - 1; j >= 0; j--) {
          const n = Math.min(POSITION_BLOCK, E - j * POSITION_BLOCK);
          const blockSlots = new Int32Array(n);
          const counts = new Int32Array(n);
          decodeDocBlock(buf, at, p.bit[j], p.slotBefore[j], n, blockSlots, counts);
          expect([...blockSlots]).toEqual(occ.slots.slice(j * POSITION_BLOCK, j * POSITION_BLOCK + n));
          expect([...counts]).toEqual(occ.starts.slice(j * POSITION_BLOCK + 1, j * POSITION_BLOCK + n + 1).map((s, i) => s - occ.starts[j * POSITION_BLOCK + i]));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('packs the terms of at least 1 entry in 16 records and at least 4,096 entries, so the seeds pack none', () => {
    expect(packedFrom(300)).toBe(4096);
    expect(packedFrom(100_000)).toBe(6250);
    const d = (plain.index as EngineIndex).postings;
    expect(d.format).toBe(INDEX_FORMAT);
    for (let k = 0; k < d.termEntries.length; k++) expect(d.postings[d.termBytes[k]]).not.toBe(PACKED);
  });

  it('a seed index whose common terms are packed answers every judged query and the bench mix as the Rice-coded index, read whole and by blocks', () => {
    const index = plain.index as EngineIndex;
    const { data, packed } = repacked(index.postings, 16);
    expect(packed).toBeGreaterThan(500);
    const skipsOf = (d: IndexData) => buildDocSkips(d, { minEntries: 8, share: 1000 })!;
    const services = [index.postings, data].flatMap((d) => [
      new SearchService({ ...plain, index: { ...index, postings: d } }),
      new SearchService({ ...plain, index: { ...index, postings: d, skips: skipsOf(d) } }, { blockAskRatio: 1 }),
    ]);
    const judged = (file: string) => (JSON.parse(readFileSync(join(ROOT, 'bench', file), 'utf8')) as { query: string }[]).map((q) => q.query);
    const queries = [...judged('queries.dev.json'), ...BENCH_QUERIES.map((b) => b.q), '企业 -登记', '"海关监管"'];
    for (const q of queries) {
      const pages = services.map((s) => {
        s.clearCache();
        return JSON.stringify({ ...s.search({ q, size: 20 }), took_ms: 0 });
      });
      expect(pages[2], q).toBe(pages[0]);
      expect(pages[3], q).toBe(pages[1]);
    }
  });

  it('reads a format-4 snapshot (every document stream in Rice codes) as before', () => {
    const index = plain.index as EngineIndex;
    const old = new SearchService({ ...plain, index: { ...index, postings: { ...index.postings, format: INDEX_FORMAT_BOUNDED } } });
    const now = new SearchService(plain);
    for (const q of ['企业 登记', '海关 -税务', '"一网通办"', '如何缩短工程建设项目审批时间']) {
      expect({ ...old.search({ q, size: 10 }), took_ms: 0 }, q).toEqual({ ...now.search({ q, size: 10 }), took_ms: 0 });
    }
  });
});
