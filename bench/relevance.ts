/**
 * Ranking-quality harness: hand-judged queries in two halves and the usual measures over them — nDCG@k (gain
 * 2^rel − 1, log2 discount, ideal ranking from the judgments) and recall@k (share of the relevant records found in
 * the top k, out of at most k).
 *
 * - bench/queries.dev.json: the development half. Tune ranking and dictionaries on it, look at its worst queries.
 * - bench/queries.test.json: the test half. Report it, hold a floor on it, never tune on it.
 *
 * Importing this module has no side effects; running it
 *
 *   npx tsx bench/relevance.ts [snapshotPath] [--worst] [--dev] [--folds]      (default /tmp/judge.snapshot)
 *
 * loads the engine from a snapshot and prints, for dev and for test, a table per query kind beside the plain
 * jieba + MiniSearch baseline (bench/baseline.ts, run in a process of its own), and with --worst the 10 worst DEV
 * queries (the test half's worst are not printed: reading them is how a test set turns into a development set).
 * --dev prints the development half only: use it while tuning, so that the test half is read once, at the end.
 * --folds prints the development half in two folds (foldOf): a rule should help or not hurt both.
 * The development table, bars, folds and worst list leave the held-out third draw (c01–c25, isHeldOut) out; it is
 * printed only in its own rows of the plain-term groups (termGroups).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { alternateFolds } from './folds.js';

export interface JudgedQuery {
  id: string;
  type: string;
  query: string;
  note?: string;
  judgments: Record<string, number>;
}

export interface Score {
  ndcg: number;
  recall: number;
  n: number;
}

export interface QueryScore {
  id: string;
  type: string;
  query: string;
  ndcg: number;
  recall: number;
}

export interface Evaluation {
  overall: Score;
  byType: Record<string, Score>;
  perQuery: QueryScore[];
}

export type Split = 'dev' | 'test';
export const SPLITS: readonly Split[] = ['dev', 'test'];

/** The judged queries of one half (queries.dev.json / queries.test.json next to this file), or of both. */
export function loadQueries(split?: Split): JudgedQuery[] {
  if (!split) return SPLITS.flatMap((s) => loadQueries(s));
  const file = fileURLToPath(new URL(`./queries.${split}.json`, import.meta.url));
  const queries = JSON.parse(readFileSync(file, 'utf8')) as JudgedQuery[];
  if (!Array.isArray(queries)) throw new Error(`${file}: expected an array of queries`);
  return queries;
}

/**
 * Record ids in the order a user sees them: a hit, then the copies listed under it (copies of the same reform in
 * other documents, collapsed into the hit), then the next hit.
 */
export function shownIds(hits: { id: string; copies?: { id: string }[] }[]): string[] {
  return hits.flatMap((h) => [h.id, ...(h.copies ?? []).map((c) => c.id)]);
}

/** The first k distinct ids: an engine that repeats a record gets credit for it once. */
function topK(ranked: string[], k: number): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const id of ranked) {
    if (out.length >= k) break;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(id);
  }
  return out;
}

function gain(rel: number | undefined): number {
  return rel && rel > 0 ? 2 ** rel - 1 : 0;
}

/** nDCG@k with gain 2^rel − 1 and a log2(rank + 1) discount; the ideal ranking comes from the judgments. */
export function ndcgAt(ranked: string[], judgments: Record<string, number>, k = 10): number {
  const dcg = topK(ranked, k).reduce((sum, id, i) => sum + gain(judgments[id]) / Math.log2(i + 2), 0);
  const ideal = Object.values(judgments)
    .filter((r) => r > 0)
    .sort((a, b) => b - a)
    .slice(0, k)
    .reduce((sum, rel, i) => sum + gain(rel) / Math.log2(i + 2), 0);
  return ideal > 0 ? dcg / ideal : 0;
}

/** Relevant (rel > 0) records in the top k, over the number relevant — or over k when more than k are relevant. */
export function recallAt(ranked: string[], judgments: Record<string, number>, k = 10): number {
  const relevant = Object.values(judgments).filter((r) => r > 0).length;
  if (relevant === 0) return 0;
  const found = topK(ranked, k).filter((id) => (judgments[id] ?? 0) > 0).length;
  return found / Math.min(relevant, k);
}

function mean(xs: number[]): number {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0;
}

function summarize(scores: QueryScore[]): Score {
  return { ndcg: mean(scores.map((s) => s.ndcg)), recall: mean(scores.map((s) => s.recall)), n: scores.length };
}

/** Run every judged query through `rank` (best first) and score the top 10. */
export function evaluate(rank: (query: string) => string[], queries: JudgedQuery[] = loadQueries()): Evaluation {
  const perQuery = queries.map((q) => {
    const ranked = rank(q.query);
    return { id: q.id, type: q.type, query: q.query, ndcg: ndcgAt(ranked, q.judgments), recall: recallAt(ranked, q.judgments) };
  });
  const types = [...new Set(perQuery.map((s) => s.type))];
  const byType: Record<string, Score> = {};
  for (const t of types) byType[t] = summarize(perQuery.filter((s) => s.type === t));
  return { overall: summarize(perQuery), byType, perQuery };
}

const fmt = (x: number) => x.toFixed(3);

/**
 * Issue 9's bars are set on three hidden judged sets, each of some query kinds. Our judged queries of the same kinds,
 * averaged per query, show where we stand against each bar (an estimate from our own queries, not the hidden sets).
 * Questions are in two groups because issue 9 names them in both hidden sets (realistic queries and the new kinds).
 */
export const BAR_GROUPS: readonly { name: string; kinds: readonly string[]; bar: number }[] = [
  { name: 'plain policy terms', kinds: ['term'], bar: 0.97 },
  { name: 'realistic queries', kinds: ['abbrev', 'question', 'variant', 'exclude', 'phrase', 'number', 'region_dept'], bar: 0.93 },
  { name: 'new kinds', kinds: ['slogan', 'longshort', 'partial', 'paraphrase', 'outcome', 'question'], bar: 0.85 },
];

/** Per bar group: mean nDCG@10 over the evaluation's queries of its kinds, and whether it reaches the bar. */
export function barStanding(result: Evaluation): { name: string; kinds: readonly string[]; bar: number; ndcg: number; n: number; met: boolean }[] {
  return BAR_GROUPS.map((g) => {
    const scores = result.perQuery.filter((q) => g.kinds.includes(q.type));
    const ndcg = mean(scores.map((q) => q.ndcg));
    return { ...g, ndcg, n: scores.length, met: scores.length > 0 && ndcg >= g.bar };
  });
}

/**
 * The held-out queries of the development half: the third blind draw, c01–c25. They sit in queries.dev.json (their
 * judgments are development data), but every figure one tunes on (the dev table, the bars, the folds, the worst list:
 * `developmentOnly`) leaves them out, and they are shown only in their own rows of termGroups.
 */
export function isHeldOut(id: string): boolean {
  return /^c\d+$/.test(id);
}

/**
 * Third-draw queries whose source record is also the source of a tuned-on m query (c03/m03 6665671d-2-10, c04/m04
 * 6665671d-2-22, c13/m13 79c90300-68, c14/m14 79c90300-80): the draws were written at the same time and each gave way
 * only to the earlier b and w sources. test/search.test.ts derives the set from the queries' notes.
 */
export const SHARED_WITH_M: ReadonlySet<string> = new Set(['c03', 'c04', 'c13', 'c14']);

/** An evaluation without the held-out queries (isHeldOut): per kind and overall recomputed from the rest. */
export function developmentOnly(result: Evaluation): Evaluation {
  const perQuery = result.perQuery.filter((q) => !isHeldOut(q.id));
  const byType: Record<string, Score> = {};
  for (const t of new Set(perQuery.map((s) => s.type))) byType[t] = summarize(perQuery.filter((s) => s.type === t));
  return { overall: summarize(perQuery), byType, perQuery };
}

/** One line per bar group: our mean beside the bar, met or missed. */
export function formatBars(result: Evaluation): string {
  return barStanding(result)
    .map((b) => `- ${b.name} (${b.kinds.join(', ')}; ${b.n} queries): ${fmt(b.ndcg)} against ${b.bar}, ${b.met ? 'met' : '**missed**'}`)
    .join('\n');
}

/**
 * The plain-term kind in its three groups: the terms first judged (q, t, u ids), the grown group (g01–g37, title
 * words chosen by the rules in bench/term-candidates.ts) and the blind-written forms (b01–b25, session 15: short
 * forms, everyday wording and plain field nouns written by hand, before any engine ran them, for records picked by
 * rule, none printed in its source's title). The last two are judged over three engines' pooled lists. The b group is
 * no longer held out: the scattered-characters rule (cfadcec, `Constraint.scattered`) was built from its misses (修船,
 * 技贸措施), so it is a development group like the others and its gain since is in-sample. A term figure that holds on
 * one group only is worth a look: the title words and the unprinted forms test different things. The second draw
 * (b26–b50, session 16: the same rule at positions i % 12 == 0) was written and judged before any code change of that
 * session, so it was the out-of-sample check of the rules built on the first draw; missingIdfDecay (c36bb34) was chosen
 * from its misses, so it is tuned on since and its gain since is in-sample, as the first draw's is (docs/design.md).
 * The third draw (c01–c25, session 17: the same rule at positions i % 12 == 9) is held out: never used to choose
 * between variants, reported before and after a change as the out-of-sample check of rules built on b01–b50. Four of
 * its sources are also sources of the blind partial compounds m01–m15 (SHARED_WITH_M), which are tuned on: their
 * grade-2 records are the same, so a change fitted to m13 建筑信用 lifts c13 工程信用 too. Those four are reported in
 * a row of their own, apart from the held-out row.
 */
export function termGroups(result: Evaluation): { name: string; ndcg: number; recall: number; n: number }[] {
  const terms = result.perQuery.filter((q) => q.type === 'term');
  const grown = (q: QueryScore) => /^g\d+$/.test(q.id);
  const blind = (q: QueryScore) => /^b\d+$/.test(q.id);
  const second = (q: QueryScore) => blind(q) && Number(q.id.slice(1)) >= 26;
  const third = (q: QueryScore) => isHeldOut(q.id);
  const shared = (q: QueryScore) => SHARED_WITH_M.has(q.id);
  return [
    { name: 'first judged', ...summarize(terms.filter((q) => !grown(q) && !blind(q) && !third(q))) },
    { name: 'grown (g01–g37)', ...summarize(terms.filter(grown)) },
    { name: 'blind-written forms (b01–b25, tuned on since cfadcec)', ...summarize(terms.filter((q) => blind(q) && !second(q))) },
    { name: 'blind-written forms, second draw (b26–b50, session 16, tuned on since missingIdfDecay (c36bb34))', ...summarize(terms.filter(second)) },
    { name: `blind-written forms, third draw (c01–c25 but ${[...SHARED_WITH_M].join(', ')}; session 17, held out)`, ...summarize(terms.filter((q) => third(q) && !shared(q))) },
    { name: `blind-written forms, third draw, sources shared with tuned-on m01–m15 (${[...SHARED_WITH_M].join(', ')}; not out-of-sample)`, ...summarize(terms.filter(shared)) },
  ];
}

/** One line per plain-term group: each run's mean nDCG@10 and recall@10. */
export function formatTermGroups(runs: { name: string; result: Evaluation }[]): string {
  const groups = runs.map((r) => termGroups(r.result));
  return groups[0]
    .map((g, i) => `- plain terms, ${g.name} (${g.n} queries): ${runs.map((r, j) => `${r.name} ${fmt(groups[j][i].ndcg)} (R@10 ${fmt(groups[j][i].recall)})`).join(', ')}`)
    .join('\n');
}

/** A markdown table of one or more evaluations side by side (per type, then overall). */
export function formatTable(runs: { name: string; result: Evaluation }[]): string {
  const types = [...new Set(runs.flatMap((r) => Object.keys(r.result.byType)))];
  const header = ['type', 'n', ...runs.flatMap((r) => [`${r.name} nDCG@10`, `${r.name} R@10`])];
  const rows = [header, header.map(() => '---')];
  const row = (label: string, pick: (e: Evaluation) => Score | undefined) => {
    const n = runs.map((r) => pick(r.result)?.n).find((x) => x !== undefined) ?? 0;
    rows.push([label, String(n), ...runs.flatMap((r) => {
      const s = pick(r.result);
      return s ? [fmt(s.ndcg), fmt(s.recall)] : ['–', '–'];
    })]);
  };
  for (const t of types) row(t, (e) => e.byType[t]);
  row('**overall**', (e) => e.overall);
  return rows.map((r) => `| ${r.join(' | ')} |`).join('\n');
}

/**
 * Two folds of a half: within each kind, queries alternate between fold 0 and fold 1 in file order. A ranking rule
 * tuned on the development half should help (or not hurt) both folds: one that lifts a single fold fits its queries.
 */
export function foldOf(queries: JudgedQuery[]): Map<string, 0 | 1> {
  const folds = alternateFolds(queries, (q) => q.type);
  return new Map(queries.map((q, i) => [q.id, folds[i]]));
}

/** Per kind and overall: mean nDCG@10 of each fold (see foldOf), as a markdown table. */
export function formatFolds(result: Evaluation, queries: JudgedQuery[]): string {
  const fold = foldOf(queries);
  const rows = [['type', 'fold 0 n', 'fold 0 nDCG@10', 'fold 1 n', 'fold 1 nDCG@10'], ['---', '---', '---', '---', '---']];
  const row = (label: string, scores: QueryScore[]) => {
    const a = scores.filter((q) => fold.get(q.id) === 0);
    const b = scores.filter((q) => fold.get(q.id) === 1);
    rows.push([label, String(a.length), fmt(mean(a.map((q) => q.ndcg))), String(b.length), fmt(mean(b.map((q) => q.ndcg)))]);
  };
  for (const t of Object.keys(result.byType)) row(t, result.perQuery.filter((q) => q.type === t));
  row('**overall**', result.perQuery);
  return rows.map((r) => `| ${r.join(' | ')} |`).join('\n');
}

/** The n worst queries (lowest nDCG, then lowest recall), with diagnostics from a deeper ranking. */
export function formatWorst(
  result: Evaluation,
  rankDeep: (query: string) => string[],
  titleOf: (id: string) => string,
  n = 10,
  queries: JudgedQuery[] = loadQueries(),
): string {
  const byId = new Map(queries.map((q) => [q.id, q]));
  const worst = [...result.perQuery].sort((a, b) => a.ndcg - b.ndcg || a.recall - b.recall).slice(0, n);
  const out: string[] = [];
  for (const s of worst) {
    const q = byId.get(s.id)!;
    const ranked = topK(rankDeep(q.query), 100);
    out.push(`### ${s.id} [${s.type}] \`${q.query}\` — nDCG@10 ${fmt(s.ndcg)}, R@10 ${fmt(s.recall)}`);
    if (q.note) out.push(`_${q.note}_`);
    out.push('Top 5:');
    ranked.slice(0, 5).forEach((id, i) => out.push(`  ${i + 1}. [rel ${q.judgments[id] ?? 0}] ${id} ${titleOf(id)}`));
    if (ranked.length === 0) out.push('  (no results)');
    const missed = Object.entries(q.judgments)
      .filter(([id, rel]) => rel > 0 && !ranked.slice(0, 10).includes(id))
      .sort((a, b) => b[1] - a[1]);
    if (missed.length) {
      out.push('Relevant, not in top 10:');
      for (const [id, rel] of missed) {
        const at = ranked.indexOf(id);
        out.push(`  - [rel ${rel}] ${id} ${titleOf(id)} — ${at < 0 ? 'not in top 100' : `rank ${at + 1}`}`);
      }
    }
    out.push('');
  }
  return out.join('\n');
}

async function main(): Promise<void> {
  const path = process.argv.slice(2).find((a) => !a.startsWith('--')) ?? '/tmp/judge.snapshot';
  const { parseSnapshot } = await import('../snapshot/file.js');
  const { SearchService } = await import('../search/service.js');
  const service = new SearchService(parseSnapshot(readFileSync(path)));
  const titles = new Map(service.records.map((r) => [r.id, r.title]));
  const rank = (q: string) => shownIds(service.search({ q, size: 10 }).hits);
  const rankDeep = (q: string) => shownIds(service.search({ q, size: 100 }).hits);
  let baseline: Record<Split, Evaluation> | undefined;
  try {
    // jieba keeps the first dictionary it loads: the baseline gets a process of its own with jieba's bundled one.
    const script = fileURLToPath(new URL('./baseline.ts', import.meta.url));
    const text = execFileSync(process.execPath, ['--import', 'tsx', script, path, '--json'], { encoding: 'utf8', maxBuffer: 1 << 26 });
    baseline = JSON.parse(text.trim().split('\n').pop()!);
  } catch (e) {
    console.log(`(baseline unavailable: ${(e as Error).message})`);
  }
  for (const split of process.argv.includes('--dev') ? (['dev'] as Split[]) : SPLITS) {
    const queries = loadQueries(split);
    const all = evaluate(rank, queries);
    // The development figures leave the held-out c01–c25 out (developmentOnly); they appear only in the term groups.
    const result = split === 'dev' ? developmentOnly(all) : all;
    const heldOut = queries.length - result.overall.n;
    console.log(`\n# ${split === 'dev' ? 'Development' : 'Test'} half: bench/queries.${split}.json, ${result.overall.n} judged queries${heldOut ? ` (and ${heldOut} held out, c01–c25, in the plain-term groups only)` : ''}, snapshot ${path}\n`);
    const runs = [{ name: 'ours', result }];
    if (baseline) runs.push({ name: 'baseline', result: split === 'dev' ? developmentOnly(baseline[split]) : baseline[split] });
    console.log(formatTable(runs));
    console.log(`\nAgainst issue 9's bars (mean nDCG@10 of our ${split} queries of each hidden set's kinds):\n${formatBars(result)}`);
    if (split === 'dev') console.log(`\nPlain terms by group:\n${formatTermGroups([{ name: 'ours', result: all }, ...(baseline ? [{ name: 'baseline', result: baseline[split] }] : [])])}`);
    if (split === 'dev' && process.argv.includes('--folds')) console.log(`\nTwo folds of the development half (alternate queries of each kind):\n\n${formatFolds(result, queries)}`);
    if (split === 'dev' && process.argv.includes('--worst')) {
      console.log('\n## 10 worst development queries\n');
      console.log(formatWorst(result, rankDeep, (id) => titles.get(id) ?? '?', 10, queries));
    }
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
