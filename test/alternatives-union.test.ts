import { beforeAll, describe, expect, it } from 'vitest';
import type { IndexData } from '../indexer/postings.js';
import type { SnapshotBody } from '../snapshot/body.js';
import { DEFAULT_ENGINE_OPTIONS } from '../search/options.js';
import { Matcher } from '../search/match.js';
import { Postings } from '../search/postings.js';
import { LazyScores, bm25, scoreAt, union, unionMax, type DocScores } from '../search/score.js';
import { SearchService } from '../search/service.js';
import { fieldStatsOf, seedSnapshot } from './helpers.js';

let body: SnapshotBody;
let index: IndexData;
beforeAll(async () => {
  body = await seedSnapshot();
  index = (body.index as { postings: IndexData }).postings;
});


/** Seed words read as a word's alternatives would be (the word, an equivalent, a broader string), with weights. */
const GROUPS: [string, number][][] = [
  [['跨境电商', 1], ['跨境电子商务', 0.7], ['电商', 0.5]],
  [['知识产权', 1], ['专利', 0.7], ['产权', 0.5], ['商标', 0.42]],
  [['退税', 1], ['出口退税', 0.7], ['留抵退税', 0.5]],
  [['海关', 1], ['通关', 0.7], ['口岸', 0.5], ['监管', 0.3]],
  // One side holding most of the union, the others few and sharing records among themselves (the widest side's merge).
  [['企业', 1], ['留抵退税', 0.7], ['退税', 0.5], ['船舶', 0.42]],
  [['退税', 0.7], ['企业', 1], ['船舶', 0.42]],
];

describe('a word\'s alternatives joined in one union (unionMax)', () => {
  it('lists the same seed records with the same scores, to the last bit, as the chain of pairwise unions it replaced, read one by one, in one pass or all at once', () => {
    const stats = fieldStatsOf(index);
    const matcher = new Matcher(new Postings(index, 1 << 20), 100, 4);
    let wider = 0;
    for (const group of GROUPS) {
      const sides = (): DocScores[] => group.map(([w, weight]) => bm25(matcher.needle(w), stats, DEFAULT_ENGINE_OPTIONS.bm25, weight));
      const chain = sides().reduce((a, b) => union(a, b, Math.max), { docs: new Int32Array(0), scores: new Float64Array(0) });
      const joined = unionMax(sides());
      expect(joined, group[0][0]).toBeInstanceOf(LazyScores);
      expect([...joined.docs], group[0][0]).toEqual([...chain.docs]);
      // The union holds every side; for most groups it is wider than any one of them.
      const widest = Math.max(...sides().map((s) => s.docs.length));
      expect(joined.docs.length).toBeGreaterThanOrEqual(widest);
      if (joined.docs.length > widest) wider++;
      const n = joined.docs.length;
      for (let i = 0; i < n; i++) expect(scoreAt(joined, i), `${group[0][0]} ${i}`).toBe(scoreAt(chain, i));
      // Every other record, read in one pass onto a non-zero start (as the records holding every word add each word's).
      const at = Int32Array.from({ length: Math.ceil(n / 2) }, (_, j) => 2 * j);
      const out = Float64Array.from(at, (i) => i / 7);
      (joined as LazyScores).addScores(at, out);
      at.forEach((i, j) => expect(out[j], `${group[0][0]} pass ${i}`).toBe(i / 7 + scoreAt(chain, i)));
      expect([...unionMax(sides()).scores]).toEqual([...chain.scores]);
      for (let i = 0; i < n; i++) {
        expect((joined as LazyScores).recordBound(i)).toBeGreaterThanOrEqual(scoreAt(chain, i));
        expect((joined as LazyScores).quickBound(i)).toBeGreaterThanOrEqual(scoreAt(chain, i));
      }
    }
    expect(wider).toBeGreaterThanOrEqual(2);
  });

  it('is one of its lists when only one has records, and nothing when none has', () => {
    const stats = fieldStatsOf(index);
    const matcher = new Matcher(new Postings(index, 1 << 20), 100, 4);
    const word = bm25(matcher.needle('退税'), stats, DEFAULT_ENGINE_OPTIONS.bm25, 1);
    const none = bm25(matcher.needle('没有这个词语'), stats, DEFAULT_ENGINE_OPTIONS.bm25, 1);
    expect(unionMax([none, word, none])).toBe(word);
    expect(unionMax([none]).docs.length).toBe(0);
  });

  it('answers a seed query naming a word with several equivalents with hits that each print one of them', () => {
    const service = new SearchService(body);
    const page = service.search({ q: '跨境电商 退货', size: 10 });
    expect(page.total).toBeGreaterThan(0);
    for (const h of page.hits) expect(`${h.highlight.title} ${h.highlight.snippet}`).toMatch(/跨境电商|跨境电子商务|电子商务/);
  });
});
