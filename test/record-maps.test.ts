import { beforeAll, describe, expect, it } from 'vitest';
import type { EngineIndex } from '../indexer/engine-index.js';
import { OWN_FIELDS } from '../indexer/fields.js';
import { buildRecordBits, mapWords, type RecordBits } from '../indexer/record-bits.js';
import type { SnapshotBody } from '../snapshot/body.js';
import { parseSnapshot, serializeSnapshot } from '../snapshot/file.js';
import { Postings } from '../search/postings.js';
import { SearchService, type SearchParams } from '../search/service.js';
import { chunkedIndexFromEntry, offlineChunks } from '../web/src/offline/chunks.js';
import { sha256Hex } from '../web/src/offline/sha256.js';
import { ownTextSays, seedSnapshot } from './helpers.js';

// The seeds (300 records) are far below the default threshold: their maps are built here for every vocabulary word
// in at least 1 record in 8 (and 1 record), so the stored path runs on real text.
let plain: SnapshotBody;
let mapped: SnapshotBody;
let bits: RecordBits;
let withMaps: SearchService;
let without: SearchService;
beforeAll(async () => {
  plain = await seedSnapshot();
  const index = plain.index as EngineIndex;
  const vocabulary = new Set(plain.analysis.vocabulary.map(([w]) => w));
  bits = buildRecordBits(index.postings, { minRecords: 1, words: (t) => vocabulary.has(t) })!;
  mapped = { ...plain, index: { ...index, bits } };
  withMaps = new SearchService(mapped);
  without = new SearchService(plain);
});

const mapTerms = () => {
  const p = new Postings((plain.index as EngineIndex).postings, 0);
  return Array.from(bits.terms, (k) => p.termAt(k));
};

/** A page's JSON without its timing. */
const page = (s: SearchService, p: SearchParams) => JSON.stringify({ ...s.search(p), took_ms: 0 });

describe('record maps: an exclusion of a common word reads a bit per record', () => {
  it('stores no map on a corpus the size of the seeds at the default threshold, so the seeds snapshot does not grow', () => {
    expect((plain.index as EngineIndex).bits).toBeUndefined();
    expect(buildRecordBits((plain.index as EngineIndex).postings)).toBeUndefined();
  });

  it('marks exactly the records that print the word in their own fields, for every word given a map', () => {
    const terms = mapTerms();
    expect(terms.length).toBeGreaterThan(20);
    // Words of two or more letters or digits only: no lone character.
    expect(terms.every((t) => t.length >= 2)).toBe(true);
    expect(terms).toContain('海关');
    const W = mapWords(bits.records);
    const N = plain.records.length;
    terms.forEach((t, i) => {
      // A Han word's records are the records whose text says it (a number's are those printing that whole number).
      if (!/^[\u4e00-\u9fff]+$/.test(t)) return;
      const marked: number[] = [];
      for (let d = 0; d < N; d++) if ((bits.maps[i * W + (d >>> 5)] >>> (d & 31)) & 1) marked.push(d);
      const says = plain.records.map((_, d) => d).filter((d) => ownTextSays(withMaps, d, t, OWN_FIELDS));
      expect(marked, t).toEqual(says);
      // At least 1 record in 8: the share the build was given.
      expect(marked.length * 8, t).toBeGreaterThanOrEqual(N);
    });
  });

  it('removes the same records and answers the same pages as decoding the excluded words, and reads the maps to do it', () => {
    const terms = new Set(mapTerms());
    const queries = ['退税 -出口', '海关 -审批', '融资 -银行', '海关 -审批 -监管', '海关 监管 -企业', '-海关', '企业 -title:海关', '企业 -部门:海关', '退税 -"出口 退税"', '通关 -海关 OR -口岸'];
    // Words the seeds print in at least 1 record in 8 (银行 and 口岸 are rarer: their lists are decoded beside).
    expect(['出口', '审批', '海关', '企业', '监管'].every((w) => terms.has(w))).toBe(true);
    expect(terms.has('银行')).toBe(false);
    const before = withMaps.engine.mapReads;
    for (const q of queries) {
      withMaps.clearCache();
      without.clearCache();
      const a = withMaps.engine.search(q);
      const b = without.engine.search(q);
      expect(Array.from(a.excluded), q).toEqual(Array.from(b.excluded));
      expect(a.excluded.size, q).toBe(Array.from(b.excluded).length);
      expect(Array.from(a.docs), q).toEqual(Array.from(b.docs));
      for (const region of [undefined, '上海']) {
        const p: SearchParams = { q, ...(region ? { filters: { region: [region] } } : {}) };
        expect(page(withMaps, p), q).toBe(page(without, p));
      }
    }
    expect(withMaps.engine.mapReads - before).toBeGreaterThanOrEqual(6);
  });

  it('never reads a map for an exclusion restricted to some fields, whose records the map does not hold', () => {
    const before = withMaps.engine.mapReads;
    withMaps.clearCache();
    const result = withMaps.engine.search('企业 -title:海关');
    expect(withMaps.engine.mapReads).toBe(before);
    const want = plain.records.map((_, d) => d).filter((d) => ownTextSays(withMaps, d, '海关', ['title']));
    expect(Array.from(result.excluded)).toEqual(want);
    expect(want.length).toBeLessThan(Array.from(withMaps.engine.search('企业 -海关').excluded).length);
  });

  it('keeps its maps through the snapshot file, and a snapshot whose maps do not fit its index is refused whole', () => {
    const back = parseSnapshot(serializeSnapshot(mapped));
    const stored = (back.index as EngineIndex).bits!;
    expect(Array.from(stored.terms)).toEqual(Array.from(bits.terms));
    expect(Array.from(stored.maps)).toEqual(Array.from(bits.maps));
    // 审批 has a map (above): the reloaded service answers its exclusion from the map it read back.
    expect(mapTerms()).toContain('审批');
    const reloaded = new SearchService(back);
    expect(reloaded.engine.mapReads).toBe(0);
    expect(page(reloaded, { q: '海关 -审批' })).toBe(page(without, { q: '海关 -审批' }));
    expect(reloaded.engine.mapReads).toBeGreaterThan(0);
    const damaged = (b: Partial<RecordBits>) => ({ ...plain, index: { ...(plain.index as EngineIndex), bits: { ...bits, ...b } } });
    expect(() => new SearchService(damaged({ maps: bits.maps.subarray(1) }))).toThrow(/record maps/);
    expect(() => new SearchService(damaged({ terms: Uint32Array.from(bits.terms).reverse() }))).toThrow(/record maps/);
    // A term id past the index's terms, and a term given two maps.
    const beyond = Uint32Array.from(bits.terms);
    beyond[beyond.length - 1] = (plain.index as EngineIndex).postings.termEntries.length;
    expect(() => new SearchService(damaged({ terms: beyond }))).toThrow(/record maps/);
    const twice = Uint32Array.from(bits.terms);
    twice[1] = twice[0];
    expect(() => new SearchService(damaged({ terms: twice }))).toThrow(/record maps/);
    expect(() => new SearchService(damaged({ records: bits.records + 1 }))).toThrow(/record maps/);
    expect(() => new SearchService(damaged({ fields: ['nowhere'] }))).toThrow(/record maps/);
    const past = Uint32Array.from(bits.maps);
    past[mapWords(bits.records) - 1] |= 0x80000000;
    expect(() => new SearchService(damaged({ maps: past }))).toThrow(/record maps/);
  });

  it('answers exclusions on the offline page, whose entry leaves the maps out, as the server does with them', async () => {
    const split = offlineChunks(mapped, serializeSnapshot, sha256Hex, { postingsBytes: 4096 });
    const files = new Map(split.files.map((f) => [f.file, f.bytes]));
    const offline = chunkedIndexFromEntry(serializeSnapshot(split.entry), sha256Hex);
    expect((offline.service.body.index as EngineIndex).bits).toBeUndefined();
    const load = (file: string) => Promise.resolve(files.get(file)!);
    for (const q of ['退税 -出口', '海关 -审批 -监管', '-海关', '企业 -部门:海关']) {
      const params: SearchParams = { q };
      const mine = await offline.run((s) => JSON.parse(JSON.stringify({ ...s.search(params), took_ms: 0 })), load, sha256Hex);
      expect(mine, q).toEqual(JSON.parse(page(withMaps, params)));
    }
  });
});
