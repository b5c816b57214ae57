import { beforeAll, describe, expect, it } from 'vitest';
import { seedSnapshot } from './helpers.js';
import { buildStoredCounts } from '../indexer/facet-counts.js';
import { reformGroups } from '../indexer/reform-groups.js';
import type { EngineIndex } from '../indexer/engine-index.js';
import { SearchService, type SearchParams } from '../search/service.js';
import { parseSnapshot, serializeSnapshot } from '../snapshot/file.js';
import type { SnapshotBody } from '../snapshot/body.js';
import { expandColumns, packColumns } from '../web/src/offline/columns.js';

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
    expect(fromStore.engine.facets.counted.stored).toBeGreaterThan(words.length);
    expect(live.engine.facets.counted.stored).toBe(0);
  });

  it('keeps the stored counts through a snapshot file, typed arrays and all', () => {
    const loaded = parseSnapshot(serializeSnapshot(stored, { compress: true }));
    expect((loaded.index as EngineIndex).counts).toEqual((stored.index as EngineIndex).counts);
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

  it('counts live when the records are grouped into reforms otherwise than at build', () => {
    const counts = structuredClone((stored.index as EngineIndex).counts!);
    counts.reformKey[0] ^= 1;
    const service = new SearchService(withCounts(body, counts));
    const live = new SearchService(withCounts(body, undefined));
    for (const q of words.slice(0, 10)) expect(service.search({ q }).facets).toEqual(live.search({ q }).facets);
    expect(service.engine.facets.counted.stored).toBe(0);
  });
});
