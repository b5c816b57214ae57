import { beforeAll, describe, expect, it } from 'vitest';
import { seedSnapshot } from './helpers.js';
import { buildStoredCounts } from '../indexer/facet-counts.js';
import { reformGroups } from '../indexer/reform-groups.js';
import type { EngineIndex } from '../indexer/engine-index.js';
import { SearchService, type SearchParams } from '../search/service.js';
import { parseSnapshot, serializeSnapshot } from '../snapshot/file.js';
import type { SnapshotBody } from '../snapshot/body.js';
import { expandColumns, packColumns } from '../web/src/offline/columns.js';
import { chunkedIndexFromEntry, offlineChunks } from '../web/src/offline/chunks.js';
import { sha256Hex } from '../web/src/offline/sha256.js';
import { recordStoreOf } from '../snapshot/records.js';
import { runServer } from '../server/run.js';

// The seeds have 300 records: no term reaches the default 8,192, so the sets are stored here from 20 records up.
const MIN = 20;

function withCounts(body: SnapshotBody, counts: EngineIndex['counts']): SnapshotBody {
  return { ...body, index: { ...(body.index as EngineIndex), counts } };
}

describe('facet counts stored at build for common terms', () => {
  let body: SnapshotBody;
  let stored: SnapshotBody;
  let words: string[];
  beforeAll(async () => {
    body = await seedSnapshot();
    const index = body.index as EngineIndex;
    stored = withCounts(body, buildStoredCounts(index.postings, index.facets, reformGroups(body.records), { minRecords: MIN }));
    // Two-character words the seeds print most: each matches its bigram's records exactly.
    words = body.analysis.vocabulary.filter(([w]) => /^\p{Script=Han}{2}$/u.test(w)).slice(0, 60).map(([w]) => w);
  });

  it('answers every common word with the same totals, facets and hits as counting live, filtered or not, and reads the stored counts for them', () => {
    const live = new SearchService(withCounts(body, undefined));
    const fromStore = new SearchService(stored);
    expect(fromStore.engine.facets.storedSets).toBeGreaterThan(20);
    const regions = live.search({ q: '', facetSize: 0 }).facets.region.map((v) => v.value);
    const asks: SearchParams[] = [];
    for (const q of words) {
      asks.push({ q }, { q, facetSize: 0 }, { q, facetSize: 3 }, { q, collapse: false }, { q, filters: { region: [regions[0]] } }, { q, filters: { region: [regions[1]] }, facetSize: 0 });
      asks.push({ q, filters: { region: [regions[0], regions[2]] } }, { q, filters: { region: [regions[0]], category: ['制度创新'] } });
    }
    for (const params of asks) {
      const a = live.search(params);
      const b = fromStore.search(params);
      expect({ ...b, took_ms: 0 }, JSON.stringify(params)).toEqual({ ...a, took_ms: 0 });
    }
    // The unfiltered and one-filter asks of words with a stored set came from the store; the others were counted.
    const { counted } = fromStore.engine.facets;
    expect(counted.stored).toBeGreaterThan(words.length);
    // The one-filter path (the filtered facet's stored list, the others counted over the records passing it) ran too.
    expect(counted.storedFiltered).toBeGreaterThan(words.length / 2);
    expect(counted.storedFiltered).toBeLessThan(counted.stored);
    expect(live.engine.facets.counted.stored).toBe(0);
  });

  it('counts live when more values are asked than were stored, with the same answers', () => {
    const index = body.index as EngineIndex;
    const two = new SearchService(withCounts(body, buildStoredCounts(index.postings, index.facets, reformGroups(body.records), { minRecords: MIN, perFacet: 2 })));
    const live = new SearchService(withCounts(body, undefined));
    const { counted } = two.engine.facets;
    for (const q of words) {
      for (const facetSize of [0, 5, 2, 1]) {
        const before = counted.stored;
        const a = live.search({ q, facetSize });
        const b = two.search({ q, facetSize });
        expect({ ...b, took_ms: 0 }, `${q} ${facetSize}`).toEqual({ ...a, took_ms: 0 });
        // A facet with more values than the two stored and asked (all, or five) is counted live: the source documents.
        const more = facetSize === 0 || facetSize > 2 ? Object.values(a.facets).some((list) => list.length > 2) : false;
        if (more) expect(counted.stored, `${q} ${facetSize}`).toBe(before);
      }
    }
    expect(counted.stored).toBeGreaterThan(words.length);
    expect(counted.live).toBeGreaterThan(words.length);
  });

  it('keeps every value when built with perFacet 0, and refuses a negative perFacet by name', () => {
    const index = body.index as EngineIndex;
    const all = new SearchService(withCounts(body, buildStoredCounts(index.postings, index.facets, reformGroups(body.records), { minRecords: MIN, perFacet: 0 })));
    const live = new SearchService(withCounts(body, undefined));
    for (const q of words.slice(0, 20)) expect(all.search({ q, facetSize: 0 }).facets, q).toEqual(live.search({ q, facetSize: 0 }).facets);
    expect(all.engine.facets.counted.stored).toBeGreaterThan(10);
    // Counted live only for the words with no stored set (fewer than MIN records): what one value each counts live.
    const one = new SearchService(stored);
    for (const q of words.slice(0, 20)) one.search({ q, facetSize: 1 });
    expect(all.engine.facets.counted.live).toBe(one.engine.facets.counted.live);
    expect(() => buildStoredCounts(index.postings, index.facets, reformGroups(body.records), { minRecords: MIN, perFacet: -1 })).toThrow(/perFacet must be a whole number ≥ 0/);
  });

  it('keeps the stored counts through a snapshot file, typed arrays and all', () => {
    const loaded = parseSnapshot(serializeSnapshot(stored, { compress: true }));
    expect((loaded.index as EngineIndex).counts).toEqual((stored.index as EngineIndex).counts);
  });

  it('answers from a snapshot file as it loads in the server (reforms from the link columns) with the counts of counting live', () => {
    const loaded = parseSnapshot(serializeSnapshot(stored, { compress: true }));
    // The server's path: the records stay in their columns and the reforms come from the link columns.
    expect(recordStoreOf(loaded.records)).toBeDefined();
    const server = new SearchService(loaded);
    const live = new SearchService(withCounts(body, undefined));
    const regions = live.search({ q: '', facetSize: 0 }).facets.region.map((v) => v.value);
    for (const q of words) {
      for (const params of [{ q }, { q, facetSize: 3 }, { q, filters: { region: [regions[0]] } }] as SearchParams[]) {
        expect({ ...server.search(params), took_ms: 0 }, JSON.stringify(params)).toEqual({ ...live.search(params), took_ms: 0 });
      }
    }
    expect(server.engine.facets.storedUnused).toBeUndefined();
    expect(server.engine.facets.counted.stored).toBeGreaterThan(words.length);
    expect(server.engine.facets.counted.storedFiltered).toBeGreaterThan(0);
  });

  it('answers on the offline page (an index in chunks over the decoded entry) from the stored counts, as the server does', async () => {
    const split = offlineChunks(stored, serializeSnapshot, sha256Hex, { postingsBytes: 4096 });
    const files = new Map(split.files.map((f) => [f.file, f.bytes]));
    const page = chunkedIndexFromEntry(serializeSnapshot(split.entry), sha256Hex);
    const server = new SearchService(parseSnapshot(serializeSnapshot(stored)));
    const load = (file: string) => Promise.resolve(files.get(file)!);
    for (const q of words.slice(0, 20)) {
      const mine = await page.run((s) => s.search({ q, size: 0 }).facets, load, sha256Hex);
      expect(mine, q).toEqual(server.search({ q, size: 0 }).facets);
    }
    expect(page.service.engine.facets.counted.stored).toBeGreaterThan(10);
  });

  it('carries the stored counts into the offline entry, so the page counts as the server does', () => {
    const { index, packed } = packColumns(stored.index as EngineIndex);
    const expanded = expandColumns(index, packed);
    expect(expanded.counts).toEqual((stored.index as EngineIndex).counts);
    const page = new SearchService({ ...stored, index: expanded });
    const server = new SearchService(stored);
    for (const q of words.slice(0, 10)) expect(page.search({ q, filters: {} }).facets).toEqual(server.search({ q }).facets);
    expect(page.engine.facets.counted.stored).toBeGreaterThan(0);
  });

  it('refuses a damaged count table when the snapshot loads, naming it', () => {
    const counts = structuredClone((stored.index as EngineIndex).counts!);
    counts.ids[0] = 1_000_000;
    expect(() => new SearchService(withCounts(body, counts))).toThrow(/damaged snapshot: stored facet counts of set 0 name a value/);
    const short = structuredClone((stored.index as EngineIndex).counts!);
    short.start = short.start.subarray(1);
    expect(() => new SearchService(withCounts(body, short))).toThrow(/damaged snapshot: stored facet counts have tables of unequal lengths/);
  });

  it('counts live, saying why, when the stored counts are for facets named otherwise or in another order', () => {
    const live = new SearchService(withCounts(body, undefined));
    const counts = (stored.index as EngineIndex).counts!;
    const swapped = [...counts.facetNames];
    [swapped[0], swapped[1]] = [swapped[1], swapped[0]];
    const renamed = counts.facetNames.map((n, f) => (f === 2 ? `${n}s` : n));
    for (const facetNames of [swapped, renamed, counts.facetNames.slice(1), undefined]) {
      const service = new SearchService(withCounts(body, { ...counts, facetNames: facetNames as string[] }));
      for (const q of words.slice(0, 10)) expect(service.search({ q }).facets, q).toEqual(live.search({ q }).facets);
      expect(service.engine.facets.counted.stored).toBe(0);
      expect(service.engine.facets.storedUnused).toMatch(/stored facet counts are for facets .*, not region, category, .*: counted live/);
    }
    // The same table under its own names is read.
    const same = new SearchService(withCounts(body, structuredClone(counts)));
    for (const q of words.slice(0, 10)) same.search({ q });
    expect(same.engine.facets.counted.stored).toBeGreaterThan(0);
  });

  it('tells the operator at start-up when a snapshot\'s stored counts are for other facets, and serves it', async () => {
    const counts = (stored.index as EngineIndex).counts!;
    const other = withCounts(body, { ...counts, facetNames: [...counts.facetNames].reverse() });
    const lines: string[] = [];
    const server = await runServer({ build: async () => ({ body: other, origin: 'test' }), webRoot: '/nonexistent', port: 0, host: '127.0.0.1', accessLog: false, drainSeconds: 1, log: (l) => lines.push(l), version: 'test' });
    try {
      const res = await fetch(`${server.url}/api/search?q=${encodeURIComponent(words[0])}`);
      expect(res.status).toBe(200);
    } finally {
      await server.shutdown('test');
    }
    expect(lines.filter((l) => l.startsWith('note: stored facet counts are for facets scopeLevel, policyArea'))).toHaveLength(1);
  });

  it('counts live when the records are grouped into reforms otherwise than at build', () => {
    const counts = structuredClone((stored.index as EngineIndex).counts!);
    counts.reformKey[0] ^= 1;
    const service = new SearchService(withCounts(body, counts));
    const live = new SearchService(withCounts(body, undefined));
    for (const q of words.slice(0, 10)) expect(service.search({ q }).facets).toEqual(live.search({ q }).facets);
    expect(service.engine.facets.counted.stored).toBe(0);
  });
});
