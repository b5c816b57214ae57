/**
 * Scoring similar-reform lists against the judged set (bench/similar-judged.json): nDCG@10 with gain 2^grade − 1
 * and a log2 discount, the ideal ranking taken from the judgements. A list is read as reforms, not records: the
 * source's own copies are ignored, and a reform listed twice (two printings) counts once, at its first place —
 * so an engine neither gains nor loses by listing copies. No side effects on import.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ReformRecord } from '../indexer/schema.js';
import { reformsOf } from '../search/reforms.js';
import { alternateFolds } from './folds.js';

/** The groups of dev sources added after the first 30, in the order they were added (similar-dev prints each). */
export const ADDED_GROUPS = ['widened', 'grown', 'regrown', 'extended'] as const;
export type AddedGroup = (typeof ADDED_GROUPS)[number];

export interface JudgedSource {
  id: string;
  title: string;
  file: string;
  half: 'dev' | 'test';
  idea: string;
  /**
   * A dev source added later (bench/similar-judged.json's `split` says how each group was chosen): 'widened' in session
   * 12, 'grown' in session 14, 'regrown' in session 15 and 'extended' in session 16 (the last three judged over a pool
   * of four systems' lists).
   */
  added?: AddedGroup;
  relevant: { id: string; title: string; grade: number }[];
}

export function loadJudged(): JudgedSource[] {
  const file = fileURLToPath(new URL('./similar-judged.json', import.meta.url));
  const data = JSON.parse(readFileSync(file, 'utf8')) as { sources: JudgedSource[] };
  return data.sources;
}

/** Every judged id must be a record of this corpus (a rename in the parser must fail loudly, not score zero), and every
 *  added source a dev source of a known group. */
export function checkJudged(judged: JudgedSource[], records: ReformRecord[]): void {
  const ids = new Set(records.map((r) => r.id));
  const missing = judged.flatMap((s) => [s.id, ...s.relevant.map((r) => r.id)]).filter((id) => !ids.has(id));
  if (missing.length) throw new Error(`similar-judged.json names records this corpus does not have: ${[...new Set(missing)].slice(0, 5).join(', ')}`);
  // A group name the harness does not know would be scored in dev but printed in no group and asked nothing by the rule.
  const unknown = judged.filter((s) => s.added !== undefined && (!(ADDED_GROUPS as readonly string[]).includes(s.added) || s.half !== 'dev'));
  if (unknown.length) throw new Error(`similar-judged.json: "added" must be one of ${ADDED_GROUPS.join(', ')} on a dev source: ${unknown.slice(0, 5).map((s) => `${s.id} (${s.half}, ${s.added})`).join(', ')}`);
}

/**
 * The judging pools of the pool-judged dev groups (bench/similar-pools.json, reconstructed: its `about` says how), by
 * source id: one record id per reform. A reform outside its source's pool was never judged, so it counts 0 whether or
 * not it is alike.
 */
export function loadPools(): Map<string, Set<string>> {
  const file = fileURLToPath(new URL('./similar-pools.json', import.meta.url));
  const data = JSON.parse(readFileSync(file, 'utf8')) as { pools: Record<string, string[]> };
  return new Map(Object.entries(data.pools).map(([id, ids]) => [id, new Set(ids)]));
}

/**
 * How a ranking meets the judging pools (`pools`: loadPools) of pool-judged `sources`: the share of their top 10s
 * (reforms, as evaluateSimilar reads them) outside the source's pool, so never judged, and nDCG@10 of the lists with
 * those entries dropped (condensed nDCG: unjudged entries neither count 0 nor take a place).
 */
export function poolBias(sources: JudgedSource[], records: ReformRecord[], rank: SimilarRanker, pools: Map<string, Set<string>>) {
  const group = reformsOf(records);
  const index = new Map(records.map((r, i) => [r.id, i]));
  const reformsIn = new Map(sources.map((s) => [s.id, new Set([...pools.get(s.id)!].map((id) => group[index.get(id)!]))]));
  // Each source's list made once, read by the count and by the condensed figure.
  const lists = new Map(sources.map((s) => [s.id, rank(s.id)]));
  let listed = 0;
  let unjudged = 0;
  for (const s of sources) {
    const seen = new Set([group[index.get(s.id)!]]);
    for (const id of lists.get(s.id)!) {
      // An id this corpus does not hold is skipped, as evaluateSimilar skips it.
      const i = index.get(id);
      if (i === undefined) continue;
      const g = group[i];
      if (seen.has(g)) continue;
      seen.add(g);
      listed++;
      if (!reformsIn.get(s.id)!.has(g)) unjudged++;
      if (seen.size > 10) break;
    }
  }
  const condensed = evaluateSimilar(sources, records, (id) => lists.get(id)!.filter((x) => index.has(x) && reformsIn.get(id)!.has(group[index.get(x)!]))).dev.ndcg;
  return { unjudged: unjudged / Math.max(1, listed), condensed };
}

/**
 * The mechanism classes of dict/ideas.txt written after reading development-half misses (its header says so). Lists
 * built without them show what the classes written from general knowledge alone bring, on either half.
 */
export const CLASSES_FROM_DEV_MISSES = ['release-before-inspection', 'bonded-display-sale', 'bonded-blending', 'integrated-approval', 'ship-to-ship-transfer', 'quayside-direct-pickup', 'no-application', 'smart-weighing'] as const;

export interface SimilarScore {
  ndcg: number;
  n: number;
}

export interface PerSource {
  id: string;
  title: string;
  half: 'dev' | 'test';
  ndcg: number;
  /** Reform titles as ranked (after collapsing), with their grade. */
  top: { title: string; grade: number }[];
}

/** A ranking function: ids of records like the source, best first (at least 10 where it has them). */
export type SimilarRanker = (sourceId: string) => string[];

export function evaluateSimilar(judged: JudgedSource[], records: ReformRecord[], rank: SimilarRanker, k = 10): { dev: SimilarScore; test: SimilarScore; all: SimilarScore; perSource: PerSource[] } {
  const group = reformsOf(records);
  const index = new Map(records.map((r, i) => [r.id, i]));
  const perSource: PerSource[] = judged.map((s) => {
    const gradeOf = new Map<number, number>();
    for (const r of s.relevant) gradeOf.set(group[index.get(r.id)!], r.grade);
    const own = group[index.get(s.id)!];
    const seen = new Set<number>([own]);
    const top: { title: string; grade: number }[] = [];
    for (const id of rank(s.id)) {
      if (top.length >= k) break;
      const i = index.get(id);
      if (i === undefined) continue;
      if (seen.has(group[i])) continue;
      seen.add(group[i]);
      top.push({ title: records[i].title, grade: gradeOf.get(group[i]) ?? 0 });
    }
    const dcg = (grades: number[]) => grades.slice(0, k).reduce((sum, g, r) => sum + (2 ** g - 1) / Math.log2(r + 2), 0);
    const ideal = dcg([...gradeOf.values()].sort((a, b) => b - a));
    return { id: s.id, title: s.title, half: s.half, ndcg: ideal > 0 ? dcg(top.map((t) => t.grade)) / ideal : 0, top };
  });
  const mean = (xs: PerSource[]) => ({ ndcg: xs.reduce((a, b) => a + b.ndcg, 0) / Math.max(1, xs.length), n: xs.length });
  return { dev: mean(perSource.filter((p) => p.half === 'dev')), test: mean(perSource.filter((p) => p.half === 'test')), all: mean(perSource), perSource };
}

/** Whether record b's reform was done in a province record a's reform was not (scope other-regions). */
export function otherRegionTest(records: ReformRecord[]): (a: number, b: number) => boolean {
  const group = reformsOf(records);
  const regionsOfGroup = new Map<number, Set<string>>();
  records.forEach((r, i) => r.regions.forEach((p) => (regionsOfGroup.get(group[i]) ?? regionsOfGroup.set(group[i], new Set()).get(group[i])!).add(p)));
  return (a, b) => [...(regionsOfGroup.get(group[b]) ?? [])].some((p) => !(regionsOfGroup.get(group[a]) ?? new Set()).has(p));
}

/**
 * The judgements limited to reforms from another province (see otherRegionTest; pass `other` when the caller has
 * built it for these records); sources left with none dropped.
 */
export function otherRegionsJudged(judged: JudgedSource[], records: ReformRecord[], other = otherRegionTest(records)): JudgedSource[] {
  const index = new Map(records.map((r, i) => [r.id, i]));
  return judged
    .map((s) => ({ ...s, relevant: s.relevant.filter((r) => other(index.get(s.id)!, index.get(r.id)!)) }))
    .filter((s) => s.relevant.length > 0);
}

/**
 * The dev half split into two folds for checking a tuning choice (bench/similar-dev.ts): alternate dev sources within
 * each seed document, so both folds cover every document. Test sources never enter either fold.
 */
export function devFolds(judged: JudgedSource[]): { a: JudgedSource[]; b: JudgedSource[]; dev: JudgedSource[] } {
  const dev = judged.filter((s) => s.half === 'dev');
  const folds = alternateFolds(dev, (s) => s.file);
  return { a: dev.filter((_, i) => folds[i] === 0), b: dev.filter((_, i) => folds[i] === 1), dev };
}

/**
 * How far a change's mean gain over n sources can be told from noise: a paired bootstrap over the per-source
 * differences (variant − shipped), drawing n sources with replacement `draws` times, the 2.5 % and 97.5 % points of
 * the mean. A fixed seed (a small xorshift generator, not Math.random) makes a run repeatable, so two variants are read
 * against the same draws. With 94 dev sources a gain whose interval holds 0 is within what the choice of sources
 * alone would give: a change is not taken on it.
 */
export function pairedInterval(deltas: readonly number[], draws = 2000, seed = 0x9e3779b9): { mean: number; low: number; high: number } {
  const n = deltas.length;
  if (n === 0) return { mean: 0, low: 0, high: 0 };
  const mean = deltas.reduce((a, b) => a + b, 0) / n;
  let x = seed >>> 0 || 1;
  const next = () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 0x100000000;
  };
  const means = new Float64Array(draws);
  for (let d = 0; d < draws; d++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += deltas[Math.floor(next() * n)];
    means[d] = s / n;
  }
  means.sort();
  return { mean, low: means[Math.floor(0.025 * (draws - 1))], high: means[Math.ceil(0.975 * (draws - 1))] };
}
