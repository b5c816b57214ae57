/**
 * Worker side of buildEngineIndexAsync (indexer/engine-index.ts): builds the positional index from the texts it
 * is sent and posts it back, its typed arrays moved (not copied) to the build's thread. With `stored`, it then waits
 * for the vocabulary (a second message, sent once the build has counted it, before the similar stage) and builds the
 * stored words' and split compounds' postings from the same texts and index (indexer/word-postings.ts,
 * indexer/near-postings.ts) before answering, beside the build's similar stage instead of after it.
 */
import { parentPort } from 'node:worker_threads';
import { buildNearPostings, type NearIndex } from './near-postings.js';
import { buildIndex, type IndexData } from './postings.js';
import { buildWordPostings, type WordIndex } from './word-postings.js';

export interface IndexJob {
  texts: string[];
  fields: string[];
  titleKeys: string[];
  /** Wait for a StoredJob after the index and answer with the stored words and splits too. */
  stored?: boolean;
}

/** The second message of a `stored` job: the build's vocabulary (body.analysis.vocabulary). */
export interface StoredJob {
  vocabulary: [string, number][];
  /** The stored words' and splits' minCost (default theirs). */
  minCost?: number;
}

export interface IndexAnswer {
  stored: true;
  postings: IndexData;
  words?: WordIndex;
  nears?: NearIndex;
}

const typedBuffers = (x: object, into: Set<ArrayBuffer>) => {
  for (const v of Object.values(x)) if (ArrayBuffer.isView(v)) into.add(v.buffer as ArrayBuffer);
};

parentPort!.once('message', (job: IndexJob) => {
  // Without `stored`, buildIndex gets the only reference to the texts (copied here, 100 MB at 100k records), so it
  // can drop them; with it they are read again for the stored words.
  const texts = job.stored ? job.texts : job.texts.splice(0);
  const postings: IndexData = buildIndex(texts, job.fields, job.titleKeys);
  const answer = (message: IndexAnswer | IndexData) => {
    const buffers = new Set<ArrayBuffer>();
    typedBuffers(postings, buffers);
    if ('stored' in message) for (const part of [message.words, message.nears]) if (part) typedBuffers(part, buffers);
    parentPort!.postMessage(message, [...buffers]);
  };
  if (!job.stored) return answer(postings);
  // The vocabulary may have come while the index was built: it waits in the port's queue until this listener is on.
  parentPort!.once('message', ({ vocabulary, minCost }: StoredJob) => {
    // As the build's thread builds them (indexer/build.ts): words from the vocabulary's words, splits knowing them.
    const words = buildWordPostings(texts, postings, vocabulary.map(([w]) => w), { minCost });
    const nears = buildNearPostings(texts, postings, vocabulary, { words, minCost });
    answer({ stored: true, postings, words, nears });
  });
});
