/**
 * A fresh server warms itself up: once it listens, it answers queries made from its OWN snapshot (titles cut by the
 * snapshot's vocabulary, its most frequent words, its regions) in short slices that give way to real requests, so the JIT has compiled the
 * search paths before most users arrive. Without it a fresh process answers its first thousands of queries with
 * unoptimised code: in the run recorded at 6934f4f its first-seen p99 on the seeds was 3.7–5.3 ms for seven of the eight
 * kinds after a hundred queries without this warm-up, and 0.09–0.94 ms for seven kinds (the question kind 1.94 ms) after
 * 3,000 (docs/benchmarks.md, the third and second per-kind tables), and the difference is TurboFan compiling (about
 * 100 compilations in the 1,000 queries after the short warm-up; docs/design.md, Speed). What it buys and what undoes part of it (a full collection
 * discards compiled code that embeds dead per-query objects) is counted in docs/design.md, Serving. The bench's per-kind
 * processes run this same function first (bench/latency.ts), but then 5 rounds of the very queries they measure before
 * measuring, so their first-seen figures are of queries the JIT has already run with every cache cleared, not of a
 * started server's first users' queries (what the warm-up buys those is in no table).
 *
 * While it runs it clears the service's caches before every step, so a user's cached result set, analyses and decoded
 * postings are dropped at the next slice: their next page or changed facet is recomputed (same answer, slower) until
 * it ends. The route's exact-URL answer cache is separate and stays.
 *
 * The queries never come from the judged sets or the bench's query lists: the words are the snapshot's, drawn by a
 * fixed-seed generator, so two starts of the same snapshot run the same warm-up.
 */
import type { SearchParams, SearchService } from '../search/service.js';
import { seededRandom } from '../analysis/seeded-random.js';
import { filtersOf } from './routes/search.js';

export interface WarmUpOptions {
  /** Searches to run in all (each kind of the mix below in turn). Default 4,000. */
  queries: number;
  /**
   * Stop once the process has used this much CPU time since the warm-up began (ms, every thread: the JIT's compiling
   * is part of what it costs), whatever is left. Default 8,000: the seeds needed 2.6–3.2 s for all 4,000 queries in the run recorded at 6934f4f.
   */
  budgetMs: number;
  /**
   * A slice starts no step after this long, then gives way to the event loop. Default 4 ms. Not a bound on a request's
   * wait: a slice finishes the step it started, so one arriving mid-slice can also wait out that step.
   */
  sliceMs: number;
}

/** The defaults, chosen by measure (docs/design.md "The server's warm-up"). */
export const DEFAULT_WARM_UP: WarmUpOptions = { queries: 4000, budgetMs: 8000, sliceMs: 4 };

/** When the warm-up waits or ends; all optional (the bench runs it with none). */
export interface WarmUpHooks {
  /** True while real work is waiting or running (a request in flight, a queued search): the warm-up waits. */
  busy?: () => boolean;
  /** True once the warm-up should end at once (shutting down, another snapshot served). */
  stopped?: () => boolean;
}

export interface WarmUpReport {
  /** Searches answered (and suggestions and similar lists asked, beside them). */
  asked: number;
  /** Wall-clock time inside the slices, in ms (what requests could have waited behind, in all). */
  sliceMs: number;
  /** The process's CPU time (user + system, every thread) from the warm-up's start to its end, in ms. */
  cpuMs: number;
  /** Slices run (each followed by a turn of the event loop). */
  slices: number;
  /** Why it ended. */
  ended: 'done' | 'budget' | 'stopped' | 'nothing to ask';
}

/** The kinds of step the warm-up takes in turn. */
export type WarmUpKind = 'one word' | 'two words' | 'phrase' | 'exclusion' | 'region filter' | 'question' | 'two characters' | 'empty query' | 'suggest' | 'similar' | 'joined words';

/** What a warm-up step asks: a search, or a suggestion or a similar list (routes users call as they type and click). */
export type WarmUpStep = { kind: WarmUpKind } & ({ search: SearchParams } | { suggest: string } | { similar: string });

/**
 * Search parameters in the shape /api/search hands the service (server/routes/search.ts: every key, every facet in
 * the filters, page 1 by default), so the compiled code is fitted to the objects requests bring: a warm-up with
 * other shapes leaves "wrong map" deoptimisations for the first real requests. The bench times its kinds with it too.
 */
export function routeParams(q: string, region?: string, page = 1, size = 10): SearchParams {
  return { q, page, size, sort: undefined, matching: undefined, facetSize: undefined, collapse: undefined, filters: filtersOf(region ? { region: [region] } : {}) };
}

const HAN_WORD = /^\p{Script=Han}{2,6}$/u;
/** How questions open and close (the question path is taken by these words). */
const ASKING = ['如何', '怎样', '怎么', '哪些', '什么是'];
const ASKED = ['', '？', '的办法', '需要什么材料'];

/**
 * The warm-up's steps for `service`'s snapshot, `n` of them: the eight kinds users type (one word, two words, a
 * phrase, an exclusion, a region filter, a question, a two-character prefix, the empty query with facets) in turn,
 * with a suggestion and a similar list every so often. Words are cut from record titles sampled across the snapshot,
 * every other round from the vocabulary's most frequent words.
 */
export function warmUpSteps(service: SearchService, n: number): WarmUpStep[] {
  const records = service.records;
  if (!records.length || n <= 0) return [];
  const next = seededRandom(0x5eed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)];
  // Titles of up to 400 records spread over the snapshot: their words and regions (decoding a few hundred records).
  const sample = Math.min(records.length, 400);
  const titles: { id: string; title: string; words: string[]; runs: string[]; regions: string[] }[] = [];
  const plain = (text: string) => service.engine.analyzer.normalizer.plain(text);
  for (let k = 0; k < sample; k++) {
    const r = records[Math.floor((k * records.length) / sample)];
    const words = service.engine.analyzer.segment(r.title).filter((p) => p.kind === 'word' && HAN_WORD.test(p.text)).map((p) => p.text);
    const runs = plain(r.title).match(/\p{Script=Han}{2,}/gu) ?? [];
    if (words.length && runs.length) titles.push({ id: r.id, title: r.title, words, runs, regions: r.regions });
  }
  if (!titles.length) return [];
  const regions = [...new Set(titles.flatMap((t) => t.regions))];
  // The snapshot's most frequent words (its vocabulary's counts): queries of common words take the paths of long
  // postings lists and many hits (block skipping, bounded top-k, large facet counts) that title words rarely reach.
  const common = service.body.analysis.vocabulary.filter(([w]) => HAN_WORD.test(w)).sort((a, b) => b[1] - a[1]).slice(0, 200).map(([w]) => w);

  const steps: WarmUpStep[] = [];
  for (let i = 0; steps.length < n; i++) {
    const t = pick(titles);
    // Every other round of the kinds, common words in place of the title's.
    const often = common.length > 0 && Math.floor(i / 10) % 2 === 1;
    const w = often ? pick(common) : pick(t.words);
    const other = often ? pick(common) : pick(pick(titles).words);
    const region = t.regions.length ? pick(t.regions) : regions.length ? pick(regions) : undefined;
    switch (i % 10) {
      case 0: steps.push({ kind: 'one word', search: routeParams(w) }); break;
      case 1: steps.push({ kind: 'two words', search: routeParams(!often && t.words.length > 1 ? `${w} ${pick(t.words.filter((x) => x !== w))}` : `${w} ${other}`) }); break;
      case 2: {
        // Two to six characters printed in a row in the title, quoted.
        const run = pick(t.runs);
        const length = Math.min(run.length, 2 + Math.floor(next() * 5));
        const at = Math.floor(next() * (run.length - length + 1));
        steps.push({ kind: 'phrase', search: routeParams(`"${run.slice(at, at + length)}"`) });
        break;
      }
      case 3: steps.push({ kind: 'exclusion', search: routeParams(other === w ? w : `${w} -${other}`) }); break;
      case 4: steps.push({ kind: 'region filter', search: routeParams(w, region) }); break;
      case 5: steps.push({ kind: 'question', search: routeParams(`${pick(ASKING)}${t.words.slice(0, 4).join('')}${pick(ASKED)}`) }); break;
      case 6: steps.push({ kind: 'two characters', search: routeParams(w.slice(0, 2)) }); break;
      case 7: steps.push({ kind: 'empty query', search: routeParams('', next() < 0.5 ? undefined : region) }); break;
      case 8: steps.push({ kind: 'suggest', suggest: t.title.slice(0, 1 + Math.floor(next() * 4)) }); break;
      default:
        // Two words of two titles written as one (a compound the index may not hold: partial matches), or a similar list.
        steps.push(next() < 0.5 ? { kind: 'similar', similar: t.id } : { kind: 'joined words', search: routeParams(`${w}${other}`, undefined, 1 + Math.floor(next() * 2)) });
    }
  }
  return steps;
}

/**
 * One step, every cache cleared first: the code a user's first-seen query runs is what needs compiling. (It clears the
 * users' cached work too: what they asked is recomputed at their next request while the warm-up runs.)
 */
function ask(service: SearchService, step: WarmUpStep): void {
  service.clearCache();
  if ('search' in step) service.search(step.search);
  else if ('suggest' in step) service.suggest(step.suggest, 8);
  else service.similar(step.similar, 10);
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Run the warm-up on `service` in slices that start no step after `sliceMs` (each finishes the step it started), each
 * followed by a turn of the event loop (and a wait while `busy`), until its queries or its CPU budget are spent or
 * `stopped`. The service's caches are cleared
 * at the end, so warm-up answers hold no memory. Never throws for a query: a step that fails is skipped.
 */
export async function warmUp(service: SearchService, options: Partial<WarmUpOptions> = {}, hooks: WarmUpHooks = {}): Promise<WarmUpReport> {
  const o: WarmUpOptions = { ...DEFAULT_WARM_UP, ...options };
  // Told to stop before it began (a shutdown during the wait for the first answer): not even the steps are made.
  if (hooks.stopped?.()) return { asked: 0, sliceMs: 0, cpuMs: 0, slices: 0, ended: 'stopped' };
  const steps = warmUpSteps(service, o.queries);
  const report: WarmUpReport = { asked: 0, sliceMs: 0, cpuMs: 0, slices: 0, ended: steps.length ? 'done' : 'nothing to ask' };
  const cpu0 = process.cpuUsage();
  const cpuSince = () => {
    const c = process.cpuUsage(cpu0);
    return (c.user + c.system) / 1000;
  };
  let i = 0;
  while (i < steps.length) {
    await turn();
    if (hooks.stopped?.()) {
      report.ended = 'stopped';
      break;
    }
    if (hooks.busy?.()) {
      await pause(5);
      continue;
    }
    const start = performance.now();
    const end = start + o.sliceMs;
    do {
      try {
        ask(service, steps[i]);
      } catch {
        // A query the snapshot cannot answer is no reason to stop warming up (the route would answer it with an error).
      }
      i++;
      report.asked++;
    } while (i < steps.length && performance.now() < end);
    report.sliceMs += performance.now() - start;
    report.slices++;
    if (cpuSince() >= o.budgetMs) {
      if (i < steps.length) report.ended = 'budget';
      break;
    }
  }
  if (!hooks.stopped?.()) service.clearCache();
  report.cpuMs = cpuSince();
  return report;
}
