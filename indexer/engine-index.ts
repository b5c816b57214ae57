/**
 * The engine's part of a snapshot (body.index), built by the indexer: the positional index over the normalised
 * search texts (indexer/postings.ts) and the facet columns (indexer/facet-columns.ts). search/ only reads it.
 */
import { keyOf } from '../analysis/terms.js';
import { buildFacetColumns, type FacetColumns } from './facet-columns.js';
import type { StoredCounts } from './facet-counts.js';
import type { WordIndex } from './word-postings.js';
import type { NearIndex } from './near-postings.js';
import type { LooseIndex } from './loose-postings.js';
import type { RecordBits } from './record-bits.js';
import type { DocSkips } from './doc-skips.js';
import { SEARCH_FIELDS } from './fields.js';
import type { IndexJob, TailRequest } from './index-worker.js';
import type { TailTimings } from './tail.js';
import { runInWorker, siblingModule, talkToWorker } from './module-worker.js';
import { buildIndex, type IndexData } from './postings.js';
import type { ReformRecord } from './schema.js';

/**
 * The body.index the indexer writes: the positional index, the facet columns and the facet counts of common words'
 * record sets (indexer/facet-counts.ts, added by the build once the vocabulary is known; absent in snapshots built
 * before them, which count every query live).
 */
export interface EngineIndex {
  postings: IndexData;
  facets: FacetColumns;
  counts?: StoredCounts;
  /** Costly words' own postings (indexer/word-postings.ts; absent on small corpora and in older snapshots). */
  words?: WordIndex;
  /** Costly split compounds' own postings (indexer/near-postings.ts; absent on small corpora and in older snapshots). */
  nears?: NearIndex;
  /** Costly loose expansions' records where all their words share a field (indexer/loose-postings.ts; absent on small corpora and in older snapshots). */
  loose?: LooseIndex;
  /** Record maps of common words (indexer/record-bits.ts; absent on small corpora and in older snapshots). */
  bits?: RecordBits;
  /** Block starts of common terms' document streams (indexer/doc-skips.ts; absent on small corpora and in older snapshots). */
  skips?: DocSkips;
  /** Block starts of common stored words' document streams (indexer/word-skips.ts; absent on small corpora and in older snapshots). */
  wordSkips?: DocSkips;
}

function titleKeys(records: ReformRecord[], normalized: string[]): string[] {
  const F = SEARCH_FIELDS.length;
  const title = SEARCH_FIELDS.indexOf('title');
  return records.map((_, i) => keyOf(normalized[i * F + title]));
}

/**
 * Build body.index from records and their normalised search texts, flat in slot order (indexer/fields.ts
 * normalizedSearchTexts).
 */
export function buildEngineIndex(records: ReformRecord[], normalized: string[]): EngineIndex {
  return {
    postings: buildIndex(normalized, SEARCH_FIELDS, titleKeys(records, normalized)),
    facets: buildFacetColumns(records),
  };
}

/**
 * The same index, with the positional index built in a worker thread (indexer/index-worker.ts), so this thread can
 * run another stage meanwhile: at 100k records the index is about 8 s of one core. The texts are copied to the
 * worker (about 0.3 s at 100k); the index comes back with its arrays moved. The same bytes as buildEngineIndex.
 * `signal` aborted ends the worker (the build failed meanwhile).
 */
export async function buildEngineIndexAsync(records: ReformRecord[], normalized: string[], signal?: AbortSignal): Promise<EngineIndex> {
  const job: IndexJob = { texts: normalized, fields: [...SEARCH_FIELDS], titleKeys: titleKeys(records, normalized) };
  const postings = runInWorker<IndexData>(siblingModule('index-worker', import.meta.url), job, [], signal);
  const facets = buildFacetColumns(records);
  return { postings: await postings, facets };
}

/**
 * The index built in a worker thread as buildEngineIndexAsync builds it, then the build's tail (indexer/tail.ts)
 * built there too from the same index and texts, once it is sent the tail's input with `tail` (the build sends it
 * when the vocabulary is known, before its similar stage). The tail then runs beside the similar stage instead of
 * after it on one core (at 100k records about 6 s of one core while the other idled), and nothing is copied for it:
 * the worker holds the postings and its copy of the texts already. `index` resolves with the whole index (the
 * tail's tables set; the facet columns this thread's, built here) and the tail's stage times in the worker. The
 * same bytes as buildEngineIndex followed by buildTail.
 */
export function buildEngineIndexWithTail(
  records: ReformRecord[],
  normalized: string[],
  signal?: AbortSignal,
): { index: Promise<{ index: EngineIndex; timings: TailTimings }>; tail: (input: Omit<TailRequest, 'facets'>) => void } {
  const job: IndexJob = { texts: normalized, fields: [...SEARCH_FIELDS], titleKeys: titleKeys(records, normalized), tail: true };
  const worker = talkToWorker<{ index: Omit<EngineIndex, 'facets'>; timings: TailTimings }>(siblingModule('index-worker', import.meta.url), job, [], signal);
  const facets = buildFacetColumns(records);
  const index = worker.answer.then(
    ({ index: { postings, ...tables }, timings }) => ({
      // Keys in buildTail's order after postings and facets (the snapshot's JSON keeps the body's key order).
      index: { postings, facets, ...tables },
      timings,
    }),
    // The worker's own error names neither the worker nor the stage (a bare TypeError from inside the tail).
    (e: unknown) => {
      throw new Error(`index worker (positional index, then the build's tail): ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    },
  );
  return { index, tail: (input) => worker.post({ ...input, facets } satisfies TailRequest) };
}
