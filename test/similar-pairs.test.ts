/**
 * The lists pass (indexer/similar-candidates.ts) keeps each source's plain and bigram likeness to its pool's later
 * reforms and reads it back when such a reform is the source (PairLikeness). A pair's likeness is the same sum both
 * ways, so reading it must give the lists that computing every pair gives, to the bit: in one runner, and in two
 * runners sharing one store over alternating chunks as the build thread and its ranking worker do.
 */
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../analysis/seeded-random.js';
import { buildLists, listRunner, pairLikeness, shareLists, type ListInput } from '../indexer/similar-candidates.js';

const random = seededRandom;

/** Rows of `perRow` distinct sorted ids below `size` with positive weights (CSR). */
function rows(R: number, size: number, perRow: number, next: () => number) {
  const start = new Int32Array(R + 1);
  const ids: number[] = [];
  const w: number[] = [];
  for (let r = 0; r < R; r++) {
    const row = new Set<number>();
    while (row.size < perRow) row.add(Math.floor(next() * size));
    for (const id of [...row].sort((a, b) => a - b)) {
      ids.push(id);
      w.push(0.05 + next());
    }
    start[r + 1] = ids.length;
  }
  return { start, ids: Int32Array.from(ids), w: Float32Array.from(w) };
}

/** A lists job over R reforms whose features, views and candidates are drawn at random (seeded). */
function listJob(seed: number, pairs?: false): ListInput {
  const next = random(seed);
  const R = 80;
  const C = 16;
  const k = 6;
  const F = 30;
  const vec = rows(R, F, 8, next);
  const plain = rows(R, F, 10, next);
  const bigram = rows(R, 60, 20, next);
  const candIds = new Int32Array(R * C).fill(-1);
  const candS = new Float32Array(R * C);
  for (let r = 0; r < R; r++) {
    const picked = new Set<number>();
    while (picked.size < C) {
      const j = Math.floor(next() * R);
      if (j !== r) picked.add(j);
    }
    [...picked].forEach((j, x) => {
      candIds[r * C + x] = j;
      candS[r * C + x] = 1 - x / C;
    });
  }
  const regions = Int32Array.from({ length: R }, () => Math.floor(next() * 4));
  return {
    R, C, k, F,
    options: { feedback: 0.3, feedbackDepth: 3, pool: 8, minShared: 1, oneWordFactor: 0.8, mechanismFactor: 1, mmrLambda: 0.8, sameDocPenalty: 0.1, plainWeight: 0.3, bigramViewWeight: 0.3 },
    files: 3,
    candIds, candS,
    vecStart: vec.start, vIds: vec.ids, vW: vec.w,
    plainStart: plain.start, plainIds: plain.ids, plainW: plain.w,
    bigramStart: bigram.start, bigramIds: bigram.ids, bigramW: bigram.w, bigramSize: 60,
    isWord: new Uint8Array(F).fill(1),
    regStart: Int32Array.from({ length: R + 1 }, (_, r) => r),
    regIds: regions,
    fileOf: Int32Array.from({ length: R }, () => Math.floor(next() * 3)),
    memberStart: Int32Array.from({ length: R + 1 }, (_, r) => r),
    memberIdx: Int32Array.from({ length: R }, (_, r) => r),
    shown: Int32Array.from({ length: R }, (_, r) => r),
    all: { ids: new Uint32Array(R * k), scores: new Float32Array(R * k) },
    otherRegions: { ids: new Uint32Array(R * k), scores: new Float32Array(R * k) },
    ...(pairs === false ? { pairs } : {}),
  };
}

/** Every pool's plain and bigram likeness, as the pass reports them (SimilarBuildExtras.pools). */
function poolsOf(job: ListInput): number[][] {
  const seen: number[][] = [];
  job.inspect = (record, pool) => seen.push([record, ...pool.flatMap((c) => [c.record, c.plain, c.bigram, c.fused])]);
  buildLists(job, 0, job.R);
  return seen;
}

describe('pair likeness kept by the lists pass', () => {
  it('reads pairs back, and the pools and lists are those computing every pair gives', () => {
    for (const seed of [1, 2, 3]) {
      const kept = listJob(seed);
      const store = pairLikeness(kept.R, kept.options.pool, false);
      kept.pairs = store;
      const computed = listJob(seed, false);
      expect(poolsOf(kept)).toEqual(poolsOf(computed));
      expect(kept.all).toEqual(computed.all);
      expect(kept.otherRegions).toEqual(computed.otherRegions);
      // Every source wrote its entries, and pairs come back: a kept entry (r, j) whose j has r in its pool, read there.
      expect(store.count.every((n) => n >= 0)).toBe(true);
      let readBack = 0;
      const pools = poolsOf(listJob(seed, false));
      for (let r = 0; r < kept.R; r++) {
        for (let y = r * store.cap; y < r * store.cap + store.count[r]; y++) {
          const pool = pools.find((p) => p[0] === store.ids[y])!;
          for (let x = 1; x < pool.length; x += 4) if (pool[x] === r) readBack++;
        }
      }
      expect(readBack).toBeGreaterThan(kept.R / 4);
    }
  });

  it('two runners sharing one store over alternating chunks give the lists of one runner computing every pair', () => {
    for (const seed of [4, 5]) {
      const shared = shareLists(listJob(seed));
      expect(shared.pairs).not.toBe(false);
      const first = listRunner(shared);
      const second = listRunner(shared);
      for (let from = 0, turn = 0; from < shared.R; from += 7, turn++) (turn % 2 ? second : first)(from, Math.min(shared.R, from + 7));
      const computed = listJob(seed, false);
      buildLists(computed, 0, computed.R);
      expect(Array.from(shared.all.ids)).toEqual(Array.from(computed.all.ids));
      expect(Array.from(shared.all.scores)).toEqual(Array.from(computed.all.scores));
      expect(Array.from(shared.otherRegions.ids)).toEqual(Array.from(computed.otherRegions.ids));
      expect(Array.from(shared.otherRegions.scores)).toEqual(Array.from(computed.otherRegions.scores));
    }
  });
});
