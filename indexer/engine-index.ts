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
import type { IndexJob } from './index-worker.js';
import { runInWorker, siblingModule } from './module-worker.js';
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
