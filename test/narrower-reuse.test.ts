/**
 * A word kept with its narrower terms (too few records of its own to fill a page) has its own alternatives matched
 * once: the query's analysis matches them to decide whether to keep the kinds, and the search reuses that match.
 * An engine whose match cache holds one entry loses that match to the question's other words and matches them again:
 * both must rank every record alike.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { SearchEngine } from '../search/engine.js';
import type { SnapshotBody } from '../snapshot/body.js';
import { seedSnapshot } from './helpers.js';

let body: SnapshotBody;
beforeAll(async () => {
  body = await seedSnapshot();
}, 120_000);

/** Every record of a search, with its score and missing words, in ranked order. */
function answer(engine: SearchEngine, q: string): string {
  const r = engine.search(q);
  return JSON.stringify(r.order(r.docs.length).map((e) => [e.index, e.score, e.missing]));
}

describe('a word kept with its narrower terms', () => {
  // Questions and keywords on seed text whose words have narrower terms at the seeds (工程建设项目 → 房屋建筑工程 …,
  // 知识产权质押融资 → 专利质押融资 …, 汽车出口 → 整车出口), with a loose expansion among them (知识产权质押贷款 by its words).
  const queries = ['如何缩短工程建设项目审批时间', '企业如何申请知识产权质押融资', '汽车出口', '知识产权质押融资', '工程建设项目 审批', '汽车 出口 退税'];

  it('reuses the match of its own alternatives and ranks every record as matching them again does', () => {
    const reusing = new SearchEngine(body);
    const fresh = new SearchEngine(body, { cache: { postingsPositions: 4_000_000, matches: 1, analyses: 1000, results: 2048, normalizedRecords: 256 } });
    const reused: number[] = [];
    const again: number[] = [];
    for (const q of queries) {
      const before = reusing.ownReuses;
      const freshBefore = fresh.ownReuses;
      const a = answer(reusing, q);
      const b = answer(fresh, q);
      again.push(fresh.ownReuses - freshBefore);
      expect(a, q).toBe(b);
      expect(JSON.parse(a).length, q).toBeGreaterThan(0);
      reused.push(reusing.ownReuses - before);
    }
    // The two questions, whose compound keeps its kinds at the seeds, reuse the match; with a cache of one entry the
    // question's other words' matches come between, so there the compound's alternatives are matched again.
    expect(reused[0]).toBeGreaterThan(0);
    expect(reused[1]).toBeGreaterThan(0);
    expect(again[0]).toBe(0);
    expect(again[1]).toBe(0);
  });
});
