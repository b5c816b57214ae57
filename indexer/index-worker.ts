/**
 * Worker side of buildEngineIndexAsync and buildEngineIndexWithTail (indexer/engine-index.ts): builds the positional
 * index from the texts it is sent and posts it back, its typed arrays moved (not copied) to the build's thread. With
 * `tail`, it first waits for the tail's input (a second message, sent once the vocabulary is known) and builds the
 * tail's tables (indexer/tail.ts) from the index and texts it already holds, beside the build thread's similar stage.
 */
import { parentPort } from 'node:worker_threads';
import { buffersOf } from './module-worker.js';
import type { EngineIndex } from './engine-index.js';
import { buildIndex, type IndexData } from './postings.js';
import { buildTail, type TailInput } from './tail.js';

export interface IndexJob {
  texts: string[];
  fields: string[];
  titleKeys: string[];
  /** Keep the texts and wait for a TailRequest after the index (default false: the index is posted at once). */
  tail?: boolean;
}

/** The tail's input without the texts the worker holds, with the build thread's facet columns. */
export type TailRequest = Omit<TailInput, 'texts' | 'fields'> & Pick<EngineIndex, 'facets'>;

parentPort!.once('message', (job: IndexJob) => {
  // Without the tail, buildIndex gets the only reference to the texts (copied here, 100 MB at 100k records), so it
  // can drop them; the tail reads them again.
  const postings: IndexData = buildIndex(job.tail ? job.texts : job.texts.splice(0), job.fields, job.titleKeys);
  if (!job.tail) {
    parentPort!.postMessage(postings, buffersOf(postings));
    return;
  }
  parentPort!.once('message', async (request: TailRequest) => {
    const { facets, ...input } = request;
    const index: EngineIndex = { postings, facets };
    const timings = await buildTail(index, { ...input, texts: job.texts, fields: job.fields.length });
    job.texts = [];
    // The facet columns stay the build thread's own (it sent a copy).
    const { facets: _, ...tables } = index;
    const answer = { index: tables, timings };
    parentPort!.postMessage(answer, buffersOf(answer));
  });
});
