/**
 * A result's position bonuses (words close together, every word in the title, a clause found verbatim) are worked
 * out once per record: the service reads a ranking in doubling prefixes (20, then 40 when copies of one reform leave
 * too few reforms), and a second page or a filter re-ranks the same result. Reading a longer prefix must rank every
 * record as a fresh search reading that prefix at once does, without reading the bonuses of records already re-ranked.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { SearchEngine, type SearchResult } from '../search/engine.js';
import type { SnapshotBody } from '../snapshot/body.js';
import { seedSnapshot } from './helpers.js';

let body: SnapshotBody;
beforeAll(async () => {
  body = await seedSnapshot();
}, 120_000);

/** The first k records of a ranking with their scores and missing words. */
function ranking(r: SearchResult, k: number, keep?: Uint8Array): string {
  return JSON.stringify(r.order(k, keep).map((e) => [e.index, e.score, e.missing]));
}

describe('position bonuses of a result', () => {
  // Seed questions and keyword lists with more than a window (30) of matched records, some of them partial matches.
  // In a keyword list a partial match's score and bonus are scaled by its missing words' rarity (missingIdfDecay), the
  // bonus where it is used, not where it is kept: 船舶 登记 海事's partial matches hold two of its words, so they have
  // position bonuses to scale (a pair's partial matches, holding one word, have none here: 无人闸口 and 建筑资质 miss it).
  const queries = ['如何缩短工程建设项目审批时间', '怎样降低企业融资成本', '海关 监管', '船舶 登记', '船舶 登记 海事'];

  it('are read once per record when a longer prefix of the ranking is read, and rank it as a fresh search does', () => {
    const engine = new SearchEngine(body);
    for (const q of queries) {
      const r = engine.search(q);
      expect(r.total, q).toBeGreaterThan(30);
      if (q === '船舶 登记 海事') expect(r.order(20).some((e) => e.missing.length > 0), q).toBe(true);
      ranking(r, 20);
      const before = engine.bonusReads;
      const longer = ranking(r, 40);
      const again = engine.bonusReads - before;
      const fresh = new SearchEngine(body);
      const direct = ranking(fresh.search(q), 40);
      expect(longer, q).toBe(direct);
      // The fresh search re-ranked its window; the longer prefix of the cached result read none of it again.
      expect(fresh.bonusReads, q).toBeGreaterThan(0);
      expect(again, q).toBe(0);
    }
  });

  it('read for an unfiltered page are reused by a filtered one, which ranks its records as a fresh filtered search does', () => {
    const engine = new SearchEngine(body);
    for (const q of queries) {
      const r = engine.search(q);
      ranking(r, 20);
      // Every other record kept: most of the filtered window was re-ranked unfiltered already.
      const keep = Uint8Array.from({ length: r.total }, (_, i) => (i % 2 === 0 ? 1 : 0));
      const before = engine.bonusReads;
      const filtered = ranking(r, 10, keep);
      const read = engine.bonusReads - before;
      const fresh = new SearchEngine(body);
      const freshResult = fresh.search(q);
      const freshBefore = fresh.bonusReads;
      expect(filtered, q).toBe(ranking(freshResult, 10, keep));
      expect(read, q).toBeLessThan(fresh.bonusReads - freshBefore);
    }
  });
});
