import { beforeAll, describe, expect, it } from 'vitest';
import { BENCH_QUERIES, QUERY_KINDS } from '../bench/scale-queries.js';
import { recordStoreOf } from '../snapshot/records.js';
import { SearchService } from '../search/service.js';
import { builtSeedBody, seedSnapshot } from './helpers.js';

// Two ways one seed build is served: `npm run serve` builds from the seeds and serves the build's body (records a
// plain array: server/main.ts), a server started on a snapshot serves it read back (records behind a lazy store, no
// record decoded until read). The engine, facts, outcomes and service take a branch per way; every other test file
// reads the snapshot, so this file is where the plain-array branches answer.
let built: SearchService;
let loaded: SearchService;
beforeAll(async () => {
  const [fresh, read] = await Promise.all([builtSeedBody(), seedSnapshot()]);
  built = new SearchService(fresh);
  loaded = new SearchService(read);
});

/** A search's answer without the time it took. */
function answer(service: SearchService, params: Parameters<SearchService['search']>[0]) {
  const { took_ms: _took, ...rest } = service.search(params);
  return rest;
}

describe('the seeds served from the build’s body answer exactly as the same build read from its snapshot', () => {
  it('one serves plain records and the other a record store (the two branches this file compares)', () => {
    expect(recordStoreOf(built.records)).toBeUndefined();
    expect(recordStoreOf(loaded.records)).toBeDefined();
  });

  it('every kind of the benchmark’s query mix gives the same first and second pages', () => {
    expect(new Set(BENCH_QUERIES.map((b) => b.kind))).toEqual(new Set(QUERY_KINDS));
    let hits = 0;
    for (const b of BENCH_QUERIES) {
      const filters = b.region ? { region: [b.region] } : {};
      for (const page of [1, 2]) {
        const params = { q: b.q, size: 10, page, filters };
        const a = answer(built, params);
        expect(answer(loaded, params), `${b.kind}: ${b.q} page ${page}`).toEqual(a);
        hits += a.hits.length;
      }
    }
    expect(hits).toBeGreaterThan(300);
  });

  it('queries with a change verb, whose outcome direction ranks records up, give the same pages', () => {
    // 缩短 / 降低 / 提高 read each record's outcome directions: the record store answers them from its columns.
    for (const q of ['通关时间缩短', '通关 时间 缩短', '企业 成本 降低', '审批 效率 提高', '缩短']) {
      const a = answer(built, { q, size: 20 });
      expect(a.total, q).toBeGreaterThan(0);
      expect(answer(loaded, { q, size: 20 }), q).toEqual(a);
    }
  });

  it('similar lists, records, facts, outcomes, suggestions and stats are the same', () => {
    const withLinks = built.records.filter((r) => r.related.length > 0).slice(0, 20);
    expect(withLinks.length).toBeGreaterThan(0);
    for (const r of [...built.records.slice(0, 40), ...withLinks]) {
      for (const scope of ['all', 'other-regions'] as const) expect(loaded.similar(r.id, 10, scope), `${r.id} ${scope}`).toEqual(built.similar(r.id, 10, scope));
      expect(loaded.reform(r.id)).toEqual(built.reform(r.id));
    }
    const outcomeParams = [
      { size: 50 },
      { direction: 'down' as const, size: 50 },
      { direction: 'up' as const, sort: 'change' as const, size: 20 },
      { q: '时间', region: '山东', size: 20 },
      { category: '最佳实践案例', page: 2, size: 10 },
    ];
    for (const params of outcomeParams) {
      const a = built.outcomes(params);
      expect(a.total, JSON.stringify(params)).toBeGreaterThan(0);
      expect(loaded.outcomes(params), JSON.stringify(params)).toEqual(a);
    }
    for (const params of [{ q: '成本', size: 50 }, { unit: '天', sort: 'value_asc' as const, size: 30 }]) expect(loaded.quantities(params)).toEqual(built.quantities(params));
    for (const q of ['自贸', '跨境', '海关']) expect(loaded.suggest(q, 10)).toEqual(built.suggest(q, 10));
    expect({ ...loaded.stats(), built: null }).toEqual({ ...built.stats(), built: null });
  });
});
