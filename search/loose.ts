/**
 * Stored loose expansions (indexer/loose-postings.ts) read at query time: an expansion matched by its words whose
 * every word is required in one field (search/loose-match.ts) is its stored records, scored from the stored
 * fields and counts exactly as scoring each word's decoded list scores them.
 */
import { looseKey } from '../analysis/loose.js';
import type { LooseIndex } from '../indexer/loose-postings.js';
import type { EngineOptions } from './options.js';
import { smallFloat64 } from './slab.js';
import { compactEntrySum, compactNorms } from './length-norms.js';
import { entrySum, idf, normsOf, type DocScores, type FieldStats } from './score.js';

export class StoredExpansions {
  private readonly ids = new Map<string, number>();

  constructor(private readonly index: LooseIndex) {
    index.keys.split('\u0000').forEach((k, e) => this.ids.set(k, e));
  }

  /** The stored expansion of these words (in this order), or −1. */
  find(words: readonly string[]): number {
    return this.ids.get(looseKey(words)) ?? -1;
  }

  /** Each word's record count over all fields: what its decoded list's length would be. */
  counts(e: number): number[] {
    const { wordStart, df } = this.index;
    return Array.from(df.subarray(wordStart[e], wordStart[e + 1]));
  }

  /**
   * The records holding every word in one field, each scored Σ over the words (in order) of the word's BM25 at
   * `weight` (WordScores: weight × idf × Σ over the record's fields of field weight × BM25, the same additions in the
   * same order, so the same number to the last bit).
   */
  scores(e: number, stats: FieldStats, bm: EngineOptions['bm25'], weight: number): DocScores {
    const { wordStart, df, recordStart, records, slotStart, slots, tfStart } = this.index;
    const docs = records.slice(recordStart[e], recordStart[e + 1]);
    const scores = new Float64Array(docs.length);
    const F = stats.fieldCount;
    const N = stats.fieldLengths.length / F;
    const { norms } = normsOf(stats, bm);
    const compact = compactNorms(stats, bm);
    const k1 = bm.k1 + 1;
    const fieldWeight = smallFloat64(F);
    for (let w = wordStart[e]; w < wordStart[e + 1]; w++) {
      const wt = weight * idf(stats.records, df[w]);
      for (let f = 0; f < F; f++) fieldWeight[f] = stats.weights[f] * wt;
      let x = slotStart[w];
      const end = slotStart[w + 1];
      for (let i = 0; i < docs.length; i++) {
        const d = docs[i];
        const from = x;
        const next = (d + 1) * F;
        while (x < end && slots[x] < next) x++;
        // The compact norms where made (search/length-norms.ts): the same number, from data that stays in cache.
        scores[i] += compact ? compactEntrySum(slots, tfStart, from, x, d * F, fieldWeight, k1, compact, d) : entrySum(slots, tfStart, from, x, d * F, fieldWeight, k1, norms, N, d);
      }
    }
    return { docs, scores };
  }
}
