import { beforeAll, describe, expect, it } from 'vitest';
import type { IndexData } from '../indexer/postings.js';
import { DEFAULT_ENGINE_OPTIONS } from '../search/options.js';
import { Matcher } from '../search/match.js';
import { Postings } from '../search/postings.js';
import { LazyScores, addPairScores, addScores, bm25, unionMax } from '../search/score.js';
import { bothAt, fieldStatsOf, seedSnapshot } from './helpers.js';

let index: IndexData;
beforeAll(async () => {
  index = ((await seedSnapshot()).index as { postings: IndexData }).postings;
});

/** Seed word pairs with records holding both (the every-word records of a two-word query). */
const PAIRS: [string, string][] = [['海关', '监管'], ['企业', '登记'], ['船舶', '登记'], ['知识产权', '质押'], ['跨境电商', '退货']];

describe('two words scored at the records holding both in one loop (addPairScores)', () => {
  it('adds to each record, onto any start, the very numbers two separate passes of the words add, to the last bit', () => {
    const stats = fieldStatsOf(index);
    const matcher = new Matcher(new Postings(index, 1 << 20), 100, 4);
    let records = 0;
    for (const [a, b] of PAIRS) {
      const word = (w: string) => bm25(matcher.needle(w), stats, DEFAULT_ENGINE_OPTIONS.bm25, 1);
      const [wa, wb] = [word(a), word(b)];
      expect(wa).toBeInstanceOf(LazyScores);
      const [atA, atB] = bothAt(wa.docs, wb.docs);
      records += atA.length;
      const start = Float64Array.from(atA, (_, j) => j / 3);
      const apart = start.slice();
      addScores(wa, atA, apart);
      addScores(wb, atB, apart);
      // Fresh lists, so the one loop reads slots and norms, not scores the passes above kept.
      const together = start.slice();
      addPairScores(word(a), atA, word(b), atB, together);
      expect([...together], `${a} ${b}`).toEqual([...apart]);
      // A list that is not one plain word (a union of alternatives) falls back to the two passes.
      const joined = unionMax([word(a), word('口岸')]);
      const [atJ, atW] = bothAt(joined.docs, wb.docs);
      const viaPair = new Float64Array(atJ.length);
      addPairScores(joined, atJ, word(b), atW, viaPair);
      const viaTwo = new Float64Array(atJ.length);
      addScores(joined, atJ, viaTwo);
      addScores(word(b), atW, viaTwo);
      expect([...viaPair], `${a}|口岸 ${b}`).toEqual([...viaTwo]);
    }
    expect(records).toBeGreaterThan(20);
  });
});
