import { beforeAll, describe, expect, it } from 'vitest';
import type { IndexData } from '../indexer/postings.js';
import { DEFAULT_ENGINE_OPTIONS } from '../search/options.js';
import { Matcher } from '../search/match.js';
import { Postings } from '../search/postings.js';
import { COMPACT_FROM, compactEntrySum, compactNorms } from '../search/length-norms.js';
import { addPairScores, addScores, bm25, entrySum, idf, normsOf, type WordScores } from '../search/score.js';
import { bothAt, fieldStatsOf, seedSnapshot } from './helpers.js';

let index: IndexData;
beforeAll(async () => {
  index = ((await seedSnapshot()).index as { postings: IndexData }).postings;
});

const BM = DEFAULT_ENGINE_OPTIONS.bm25;

describe('BM25 length norms in cache-sized form (search/length-norms.ts)', () => {
  it('gives every field of every seed record the very norm normsOf computes', () => {
    const stats = fieldStatsOf(index);
    const c = compactNorms(stats, BM, 0)!;
    expect(c).toBeDefined();
    const { norms } = normsOf(stats, BM);
    const F = stats.fieldCount;
    const N = stats.records;
    let compared = 0;
    for (let f = 0; f < F; f++) {
      for (let d = 0; d < N; d++) {
        expect(c.table[c.start[f] + c.lengths[f * N + d]]).toBe(norms[f * N + d]);
        compared++;
      }
    }
    expect(compared).toBe(stats.fieldLengths.length);
  });

  it('sums every seed record of a word as entrySum does over the Float64 norms, to the last bit', () => {
    const stats = fieldStatsOf(index);
    const c = compactNorms(stats, BM, 0)!;
    const { norms } = normsOf(stats, BM);
    const matcher = new Matcher(new Postings(index, 1 << 20), 100, 4);
    const F = stats.fieldCount;
    const N = stats.records;
    const fieldWeight = Float64Array.from(stats.weights, (w) => w * 1.7);
    let records = 0;
    for (const w of ['海关', '监管', '企业', '登记', '船舶', '知识产权', '质押']) {
      const { slots, starts } = matcher.needle(w);
      for (let x = 0; x < slots.length; ) {
        const d = (slots[x] / F) | 0;
        let to = x;
        while (to < slots.length && ((slots[to] / F) | 0) === d) to++;
        const k1 = BM.k1 + 1;
        expect(compactEntrySum(slots, starts, x, to, d * F, fieldWeight, k1, c, d), w).toBe(entrySum(slots, starts, x, to, d * F, fieldWeight, k1, norms, N, d));
        records++;
        x = to;
      }
    }
    expect(records).toBeGreaterThan(100);
  });

  it('scores each record, every record, and two words at the records holding both (one loop, and each word alone) as entrySum over the Float64 norms, to the last bit, with the compact norms and without', () => {
    const matcher = new Matcher(new Postings(index, 1 << 20), 100, 4);
    // compactFrom 0 makes the compact norms for the seeds too, so WordScores reads them in each of its loops.
    for (const compactFrom of [undefined, 0]) {
      const stats = fieldStatsOf(index, true, compactFrom);
      expect(compactNorms(stats, BM) !== undefined, `compactFrom ${compactFrom}`).toBe(compactFrom === 0);
      const { norms } = normsOf(stats, BM);
      const F = stats.fieldCount;
      const N = stats.records;
      const k1 = BM.k1 + 1;
      const word = (w: string) => bm25(matcher.needle(w), stats, BM, 1) as WordScores;
      /** The word's records and each one's sum as entrySum makes it over normsOf's norms (weight 1 × idf per field). */
      const plain = (w: string) => {
        const { slots, starts } = matcher.needle(w);
        const runs: [number, number, number][] = [];
        for (let x = 0; x < slots.length; ) {
          const d = (slots[x] / F) | 0;
          let to = x;
          while (to < slots.length && ((slots[to] / F) | 0) === d) to++;
          runs.push([d, x, to]);
          x = to;
        }
        const fieldWeight = Float64Array.from(stats.weights, (v) => v * idf(N, runs.length));
        return { docs: Int32Array.from(runs, ([d]) => d), sums: Float64Array.from(runs, ([d, from, to]) => entrySum(slots, starts, from, to, d * F, fieldWeight, k1, norms, N, d)) };
      };
      let records = 0;
      for (const [a, b] of [['海关', '监管'], ['企业', '登记'], ['船舶', '登记'], ['知识产权', '质押']]) {
        const x = plain(a);
        const y = plain(b);
        const one = word(a);
        expect([...one.docs], a).toEqual([...x.docs]);
        expect(Array.from(x.docs, (_, i) => one.scoreAt(i)), `${a} scoreAt`).toEqual([...x.sums]);
        expect([...word(a).scores], `${a} scores`).toEqual([...x.sums]);
        const [atA, atB] = bothAt(x.docs, y.docs);
        records += atA.length;
        // Added in the order the loops add: what was in out, then a's sum, then b's.
        const expected = Float64Array.from(atA, (e, j) => j / 3 + x.sums[e] + y.sums[atB[j]]);
        const pair = Float64Array.from(atA, (_, j) => j / 3);
        addPairScores(word(a), atA, word(b), atB, pair);
        expect([...pair], `${a} ${b}`).toEqual([...expected]);
        const apart = Float64Array.from(atA, (_, j) => j / 3);
        addScores(word(a), atA, apart);
        addScores(word(b), atB, apart);
        expect([...apart], `${a} ${b} apart`).toEqual([...expected]);
      }
      expect(records).toBeGreaterThan(20);
    }
  });

  it('is not made when a field is longer than 16 bits hold or the snapshot is small (scoring then reads the Float64 norms)', () => {
    const stats = fieldStatsOf(index);
    const fieldLengths = stats.fieldLengths.slice();
    fieldLengths[0] = 70000;
    expect(compactNorms({ ...stats, fieldLengths }, BM, 0)).toBeUndefined();
    // Nor for a snapshot as small as the seeds, whose Float64 norms stay in cache.
    expect(stats.fieldLengths.length).toBeLessThan(COMPACT_FROM);
    expect(compactNorms(stats, BM)).toBeUndefined();
    // Other parameters make their own norms.
    const other = compactNorms(stats, { k1: 2, b: 0.5 }, 0)!;
    const { norms } = normsOf(stats, { k1: 2, b: 0.5 });
    expect(other.table[other.start[1] + other.lengths[stats.records + 5]]).toBe(norms[stats.records + 5]);
  });
});
