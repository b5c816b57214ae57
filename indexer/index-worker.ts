/**
 * Worker side of buildEngineIndexAsync (indexer/engine-index.ts): builds the positional index from the texts it
 * is sent and posts it back, its typed arrays moved (not copied) to the build's thread.
 */
import { parentPort } from 'node:worker_threads';
import { buildIndex, type IndexData } from './postings.js';

export interface IndexJob {
  texts: string[];
  fields: string[];
  titleKeys: string[];
}

parentPort!.once('message', (job: IndexJob) => {
  // buildIndex gets the only reference to the texts (copied here, 100 MB at 100k records), so it can drop them.
  const index: IndexData = buildIndex(job.texts.splice(0), job.fields, job.titleKeys);
  const buffers = new Set<ArrayBuffer>();
  for (const v of Object.values(index)) if (ArrayBuffer.isView(v)) buffers.add(v.buffer as ArrayBuffer);
  parentPort!.postMessage(index, [...buffers]);
});
