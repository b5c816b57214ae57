/**
 * Baseline for the relevance harness: what you get with no engineering at all — a plain MiniSearch index over
 * the snapshot's records, tokenized by plain nodejieba (jieba.cut(text, true), punctuation and whitespace
 * dropped), default BM25 scoring, default OR combination, title boosted 2×. Queries go through the same
 * tokenizer verbatim (no phrase / exclude / traditional / full-width handling).
 *
 *   npx tsx bench/baseline.ts [snapshotPath] [--worst | --json]     (default /tmp/judge.snapshot)
 *
 * prints the baseline table beside the engine's for the development and the test half (--json: both halves'
 * evaluations as one JSON object, for bench/relevance.ts and npm run bench).
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import MiniSearch from 'minisearch';
import jieba from 'nodejieba';
import type { ReformRecord } from '../indexer/schema.js';
import { SPLITS, developmentOnly, evaluate, formatTable, formatWorst, loadQueries, shownIds, type Evaluation } from './relevance.js';

const FIELDS = ['title', 'content', 'applicableTo', 'process', 'outcome', 'departments'] as const;

/** A token made only of punctuation, symbols or whitespace (ASCII or CJK/full-width). */
const JUNK = /^[\s\p{P}\p{S}]+$/u;

/** Plain jieba segmentation with HMM, punctuation and whitespace tokens dropped. */
export function jiebaTokens(text: string): string[] {
  return jieba.cut(text, true).filter((t) => t.length > 0 && !JUNK.test(t));
}

interface BaselineDoc {
  id: string;
  title: string;
  content: string;
  applicableTo: string;
  process: string;
  outcome: string;
  departments: string;
}

/** Index the records and return a ranking function (record ids, best first, at most `size`). */
export function buildBaseline(records: ReformRecord[]): (q: string, size?: number) => string[] {
  const index = new MiniSearch<BaselineDoc>({
    idField: 'id',
    fields: [...FIELDS],
    storeFields: [],
    tokenize: jiebaTokens,
    searchOptions: { boost: { title: 2 } },
  });
  index.addAll(
    records.map((r) => ({
      id: r.id,
      title: r.title,
      content: r.content ?? '',
      applicableTo: r.applicableTo ?? '',
      process: r.process ?? '',
      outcome: r.outcome ?? '',
      departments: r.departments.join('、'),
    })),
  );
  return (q: string, size = 10) => index.search(q).slice(0, size).map((h) => String(h.id));
}

async function main(): Promise<void> {
  const path = process.argv.slice(2).find((a) => !a.startsWith('--')) ?? '/tmp/judge.snapshot';
  const { parseSnapshot } = await import('../snapshot/file.js');
  const body = parseSnapshot(readFileSync(path));
  const titles = new Map(body.records.map((r) => [r.id, r.title]));

  const t0 = Date.now();
  const baseline = buildBaseline(body.records);
  const built = Date.now() - t0;
  if (process.argv.includes('--json')) {
    // For bench/relevance.ts and npm run bench, which run the baseline in its own process so jieba has its
    // bundled dictionary only.
    console.log(JSON.stringify(Object.fromEntries(SPLITS.map((s) => [s, evaluate((q) => baseline(q, 10), loadQueries(s))]))));
    return;
  }

  const { SearchService } = await import('../search/service.js');
  const service = new SearchService(body);
  for (const split of SPLITS) {
    const queries = loadQueries(split);
    // The development figures leave the held-out c01–c25 out, as bench/relevance.ts does.
    const only = (e: Evaluation) => (split === 'dev' ? developmentOnly(e) : e);
    const ours = only(evaluate((q) => shownIds(service.search({ q, size: 10 }).hits), queries));
    const base = only(evaluate((q) => baseline(q, 10), queries));
    console.log(`\n# ${split}: ours vs plain jieba+MiniSearch (${ours.overall.n} judged queries, snapshot ${path}; baseline built in ${built} ms incl. jieba load)\n`);
    console.log(formatTable([{ name: 'ours', result: ours }, { name: 'baseline', result: base }]));
    if (split === 'dev' && process.argv.includes('--worst')) {
      console.log('\n## 10 worst development queries for the baseline\n');
      console.log(formatWorst(base, (q) => baseline(q, 100), (id) => titles.get(id) ?? '?', 10, queries));
    }
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
