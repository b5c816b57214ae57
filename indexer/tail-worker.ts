/**
 * Worker side of the build's tail (indexer/tail.ts): the stored words' occurrences in the later range of slots, then
 * the facet counts, record maps and block starts, all from the index and texts it is sent. It answers twice: the
 * occurrences first (the build thread joins them to its own range's and goes on with the stored words), then the
 * rest. Every result is what the build thread would compute from the same input.
 */
import { parentPort } from 'node:worker_threads';
import { buffersOf } from './module-worker.js';
import { buildDocSkips, type DocSkipsOptions } from './doc-skips.js';
import { buildStoredCounts } from './facet-counts.js';
import type { FacetColumns } from './facet-columns.js';
import type { IndexData } from './postings.js';
import { buildRecordBits, type RecordBitsOptions } from './record-bits.js';
import { findWordPlaces, type WordPlan } from './word-postings.js';

/** The record maps' thresholds (their `words` test is the vocabulary's, made on each side). */
export type RecordBitsThresholds = Partial<Pick<RecordBitsOptions, 'share' | 'minRecords'>>;

export interface TailJob {
  /** Texts of slots [from, to), in slot order. */
  texts: string[];
  from: number;
  to: number;
  index: IndexData;
  /** Undefined: no stored words (the answer's places are then undefined too). */
  plan?: WordPlan;
  facets: FacetColumns;
  reformOf: Int32Array;
  /** The corpus vocabulary's words (TailInput.counts, a copy): which terms are words for the counts and the maps. */
  vocabulary: ReadonlyMap<string, number>;
  /** TailInput.bits and .skips: the thresholds this thread would build the maps and block starts with. */
  bits?: RecordBitsThresholds;
  skips?: Partial<DocSkipsOptions>;
}

parentPort!.once('message', (job: TailJob) => {
  const { texts, from } = job;
  const places = job.plan ? findWordPlaces((slot) => texts[slot - from], job.index, job.plan, from, job.to) : undefined;
  job.texts = [];
  parentPort!.postMessage({ places }, places ? buffersOf(places) : []);
  const vocabulary = job.vocabulary;
  const words = (t: string) => vocabulary.has(t);
  const counts = buildStoredCounts(job.index, job.facets, job.reformOf, { words });
  const bits = buildRecordBits(job.index, { ...job.bits, words });
  const skips = buildDocSkips(job.index, job.skips);
  const rest = { counts, bits, skips };
  parentPort!.postMessage(rest, buffersOf(rest));
});
